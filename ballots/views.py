"""Pages of election night: boxes, double entry, mismatches, reconciliation, results, certificates.

Views parse input and call `ballots.services`; rows come only through `.visible_to(user)`. The body and
round are query parameters (`?body=committee&round=1`) so that every URL names only the village election.

The services ask the election's stage (`elections.permits`); a refusal of the stage is shown with its link
to the steps page on the page the user was on (`elections.permits.explain`, as on every page of voters,
candidates and audits), and a page offers no button the stage keeps closed, saying why (`candidates.doors`,
shared with the candidates pages).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import may
from accounts.scoping import get_visible_or_404
from candidates import doors
from candidates.choices import Body
from elections import permits
from elections.models import VillageElection
from voters.models import VoterRegistration

from . import codes, notices, selectors, services
from . import mobile as mobile_services
from .codes import CATALOGUE, Severity, rule
from .forms import (
    COUNT_LABELS,
    AttendanceForm,
    BoxForm,
    PlenaryForm,
    StationForm,
    TallyEntryForm,
    VotingNoticeForm,
)
from .models import (
    MobileBoxApproval,
    MobileReason,
    PartyAttendance,
    ResultState,
    TallyEntry,
    TallySheet,
    VotingMethod,
)


def _election(request, pk) -> VillageElection:
    return get_visible_or_404(
        VillageElection.objects.select_related("village__parent", "cycle"), request.user, pk=pk
    )


def _vote(request) -> tuple[str, int]:
    source = request.POST if request.method == "POST" else request.GET
    body = source.get("body", Body.COMMITTEE)
    body = body if body in services.COUNTED_BODIES else Body.COMMITTEE
    round = 2 if source.get("round") == "2" else 1
    return body, round


def _back(name: str, election: VillageElection, body: str, round: int, **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"body": body, "round": round, **extra}.items())
    return f"{reverse(name, args=[election.pk])}?{query}"


def _can_enter(user) -> bool:
    return may(user, services.ENTER)


def _can_approve(user) -> bool:
    return may(user, services.APPROVE_RESULTS)


def _refuse(request, error: ValidationError) -> None:
    """A stage's refusal with its link to the steps page (`elections.permits.explain`); a rule's as before."""
    messages.error(request, permits.explain(error) or " ".join(error.messages))


def _common(request, election, body, round) -> dict:
    return {
        "election": election,
        "village": election.village,
        "body": body,
        "round": round,
        # the further round's tab shows once the first round calls for one (or one was held)
        "has_further_round": round == 2 or services.further_round(election=election, body=body) is not None,
        "body_label": Body(body).label,
        "bodies": [(b, Body(b).label) for b in services.COUNTED_BODIES],
        "can_enter": _can_enter(request.user),
        "can_approve": _can_approve(request.user),
        # the doors of this body's vote that the stage keeps closed now, with why
        "closed": doors.closed(
            election,
            {
                "voting": (services.VOTING, body),
                "approve": (services.APPROVE, body),
                "boxes": (services.BOXES, ""),
                "attendance": (services.VOTING, Body.PARTY),
                "notice": (services.NOTICE, ""),
            },
        ),
    }


def overview(request, pk):
    """The count of one body: boxes and their sheets, attendance, and the way to the results."""
    election = _election(request, pk)
    body, round = _vote(request)
    attendance = (
        PartyAttendance.objects.visible_to(request.user).filter(election=election, round=round).first()
    )
    context = _common(request, election, body, round) | {
        "rows": selectors.box_rows(user=request.user, election=election, body=body, round=round),
        "box_form": BoxForm(),
        "attendance": attendance,
        "attendance_form": AttendanceForm(
            initial={"members": election.village.party_members, **(attendance.excused if attendance else {})}
            | ({"members": attendance.members, "present": attendance.present} if attendance else {})
        ),
        "result": selectors.result(user=request.user, election=election, body=body, round=round),
    }
    return render(request, "ballots/overview.html", context)


@require_POST
def add_box(request, pk):
    election = _election(request, pk)
    body, round = _vote(request)
    form = BoxForm(request.POST)
    if not _can_enter(request.user):
        raise PermissionDenied
    if form.is_valid():
        try:
            services.add_ballot_box(
                election=election,
                label=form.cleaned_data["label"],
                kind=form.cleaned_data["kind"],
                ballots_issued=form.cleaned_data["ballots_issued"],
                round=round,
                body=body,
                by=request.user,
            )
            messages.success(request, _("Ballot box set up."))
        except ValidationError as error:
            _refuse(request, error)
    else:
        messages.error(request, _("Check the ballot box: label, kind and ballots issued are required."))
    return redirect(_back("ballots:overview", election, body, round))


@require_POST
def attendance(request, pk):
    election = _election(request, pk)
    body, round = _vote(request)
    if not _can_enter(request.user):
        raise PermissionDenied
    form = AttendanceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_party_attendance(
                election=election,
                round=round,
                members=data["members"],
                excused={name: data[name] for name in PartyAttendance.EXCUSE_FIELDS},
                present=data["present"],
                by=request.user,
            )
            messages.success(request, _("Attendance recorded."))
        except ValidationError as error:
            _refuse(request, error)
    else:
        messages.error(request, _("Enter every attendance figure as a whole number."))
    return redirect(_back("ballots:overview", election, Body.PARTY, round))


def _box(request, election, round, body):
    """The box named by the request, among the round's boxes: a first round's box has no further-round
    sheet (the service refuses one too)."""
    try:
        box_pk = int(request.POST.get("box") or request.GET.get("box") or "")
    except ValueError as exc:
        raise Http404 from exc
    return get_visible_or_404(
        selectors.boxes(user=request.user, election=election, round=round, body=body), request.user, pk=box_pk
    )


def enter(request, pk):
    """Enter (or correct) one's own copy of a box's tally sheet; the other entry is never shown here."""
    election = _election(request, pk)
    body, round = _vote(request)
    box = _box(request, election, round, body)
    if not _can_enter(request.user):
        raise PermissionDenied
    posts = selectors.posts(election=election, body=body, round=round)

    def mine():
        return (
            TallyEntry.objects.visible_to(request.user)
            .filter(sheet__box=box, sheet__body=body, sheet__round=round, entered_by=request.user)
            .first()
        )

    if request.method == "POST":
        form = TallyEntryForm(request.POST, posts=posts)
        if form.is_valid():
            try:
                services.record_tally_entry(
                    box=box,
                    body=body,
                    round=round,
                    values=form.values(),
                    by=request.user,
                    version=form.cleaned_data.get("version"),
                )
            except ValidationError as error:
                _refuse(request, error)
            else:
                messages.success(request, _("Tally sheet entry saved."))
                return redirect(_back("ballots:sheet", election, body, round, box=box.pk))
    else:
        own = mine()
        initial = TallyEntryForm.initial_from(own, posts) if own else {"issued": box.ballots_issued}
        form = TallyEntryForm(initial=initial, posts=posts)
    # Read only to show the page: a saved entry redirects without it (election night's hot path).
    context = _common(request, election, body, round) | {"box": box, "form": form, "mine": mine()}
    return render(request, "ballots/enter.html", context)


def _field_label(field: str, names: dict[str, str]) -> str:
    if field in COUNT_LABELS:
        return str(COUNT_LABELS[field])
    _votes, position, person = field.split(".", 2)
    return f"{services.position_label(position)} · {names.get(person, person.removeprefix('w:'))}"


def sheet(request, pk):
    """The state of one box's sheet: waiting, agreed, or which fields the two entries differ in."""
    election = _election(request, pk)
    body, round = _vote(request)
    box = _box(request, election, round, body)
    tally = (
        TallySheet.objects.visible_to(request.user)
        .filter(box=box, body=body, round=round)
        .prefetch_related("entries__entered_by")
        .first()
    )
    entries = list(tally.entries.all()) if tally else []
    names = {
        key: name
        for _p, _l, persons in selectors.posts(election=election, body=body, round=round)
        for key, name in persons
    }
    differences = []
    if tally and len(entries) == 2:
        first, second = (e.values() for e in entries)
        for field in tally.differences:
            if field in COUNT_LABELS:
                values = (first[field], second[field])
            else:
                _votes, position, person = field.split(".", 2)
                values = tuple(v["votes"].get(position, {}).get(person, 0) for v in (first, second))
            differences.append({"label": _field_label(field, names), "values": values})
    context = _common(request, election, body, round) | {
        "box": box,
        "sheet": tally,
        "entries": entries,
        "differences": differences,
        "mine": next((e for e in entries if e.entered_by_id == request.user.pk), None),
    }
    return render(request, "ballots/sheet.html", context)


def _finding_rows(report, names: dict[str, str]) -> list[dict]:
    rows = []
    for finding in report.findings:
        key = services.finding_key(finding)
        ack = report.acknowledged.get(key)
        rows.append(
            {
                "finding": finding,
                "key": key,
                "is_error": finding.severity is Severity.ERROR,
                "position": services.position_label(finding.position) if finding.position else "",
                "params": selectors.describe_params(finding.params, names),
                "acknowledgement": ack,
            }
        )
    return rows


def _reason_rows(result) -> list[dict]:
    """The findings of a count (validity and seat notes) in words, the code kept for support."""
    names = result.data.get("names", {})
    return [
        {
            "message": rule(reason["code"]).message if reason["code"] in CATALOGUE else reason["code"],
            "code": reason["code"],
            "is_error": reason.get("severity") == Severity.ERROR,
            "position": services.position_label(reason["position"]) if reason.get("position") else "",
            "params": selectors.describe_params(reason.get("params") or {}, names),
        }
        for reason in result.data.get("reasons", [])
    ]


def _paper_dates(election, result, body) -> dict:
    """What every printed paper of a result states from the records: vote day, approval day, term."""
    term = selectors.term(election=election, body=body)
    vote_date = selectors.vote_date(election, result)
    return {
        "vote_date": vote_date,
        "approval_date": timezone.localdate(result.approved_at) if result.approved_at else None,
        "term": notices.chinese_number(term) if term else "",
        "vote_year": vote_date.year,
    }


def reconcile(request, pk):
    """The ballot account, per box and in total: errors to correct, warnings to acknowledge by name."""
    election = _election(request, pk)
    body, round = _vote(request)
    if request.method == "POST":
        if not _can_enter(request.user):
            raise PermissionDenied
        try:
            services.acknowledge_warning(
                election=election,
                body=body,
                round=round,
                key=request.POST.get("key", ""),
                note=request.POST.get("note", "")[:300],
                by=request.user,
            )
            messages.success(request, _("Warning acknowledged."))
        except ValidationError as error:
            _refuse(request, error)
        return redirect(_back("ballots:reconcile", election, body, round))
    report, blocked = None, None
    try:
        report = services.reconcile_election(election=election, body=body, round=round)
    except ValidationError as error:
        blocked = " ".join(error.messages)
    context = _common(request, election, body, round) | {
        "report": report,
        "blocked": blocked,
        "rows": _finding_rows(report, selectors.names_of(election=election, body=body)) if report else [],
        "result": selectors.result(user=request.user, election=election, body=body, round=round),
    }
    return render(request, "ballots/reconcile.html", context)


@require_POST
def count(request, pk):
    election = _election(request, pk)
    body, round = _vote(request)
    try:
        services.count_election(election=election, body=body, round=round, by=request.user)
        messages.success(request, _("Votes counted."))
    except ValidationError as error:
        _refuse(request, error)
        return redirect(_back("ballots:reconcile", election, body, round))
    return redirect(_back("ballots:results", election, body, round))


@require_POST
def confirm(request, pk):
    election = _election(request, pk)
    body, round = _vote(request)
    try:
        services.confirm_results(election=election, body=body, round=round, by=request.user)
        messages.success(request, _("Results confirmed for the announcement."))
    except ValidationError as error:
        _refuse(request, error)
    return redirect(_back("ballots:results", election, body, round))


@require_POST
def approve(request, pk):
    election = _election(request, pk)
    body, round = _vote(request)
    result = selectors.result(user=request.user, election=election, body=body, round=round)
    if result is None:
        raise Http404
    try:
        services.approve_results(result=result, by=request.user)
        messages.success(request, _("Results approved; the winners are marked elected."))
    except ValidationError as error:
        _refuse(request, error)
    return redirect(_back("ballots:results", election, body, round))


def results(request, pk):
    election = _election(request, pk)
    body, round = _vote(request)
    result = selectors.result(user=request.user, election=election, body=body, round=round)
    further = selectors.further_round_summary(election=election, body=body) if round == 1 else None
    plenary = selectors.plenary(user=request.user, election=election) if body == Body.PARTY else None
    plenary_form = None
    if plenary and _can_enter(request.user) and not (result and result.state == ResultState.APPROVED):
        record = plenary["record"]
        initial = {"held_on": timezone.localdate(), "present": len(plenary["members"])}
        if record:
            initial = {"held_on": record.held_on, "present": record.present} | {
                f"p:{post}:{key}": n for post, table in record.votes.items() for key, n in table.items()
            }
        plenary_form = PlenaryForm(initial=initial, members=plenary["members"], posts=plenary["posts"])
    context = _common(request, election, body, round) | {
        "result": result,
        "rows": selectors.result_rows(result) if result else [],
        "reasons": _reason_rows(result) if result else [],
        "further": further,
        "further_result": selectors.result(user=request.user, election=election, body=body, round=2)
        if further
        else None,
        "ResultState": ResultState,
        "plenary": plenary,
        "plenary_form": plenary_form,
    }
    return render(request, "ballots/results.html", context)


@require_POST
def plenary(request, pk):
    """Record (or correct, until the Party result is approved) the committee plenary's vote."""
    election = _election(request, pk)
    if not _can_enter(request.user):
        raise PermissionDenied
    found = selectors.plenary(user=request.user, election=election)
    back = _back("ballots:results", election, Body.PARTY, 1) + "#plenary"
    if found is None:
        messages.error(request, str(codes.PLENARY_ASSEMBLY_NOT_CONFIRMED.message))
        return redirect(back)
    form = PlenaryForm(request.POST, members=found["members"], posts=found["posts"])
    if not form.is_valid():
        messages.error(request, _("Enter the day, the members present and every vote as a whole number."))
        return redirect(back)
    try:
        services.record_plenary(
            election=election,
            present=form.cleaned_data["present"],
            votes=form.votes(),
            held_on=form.cleaned_data["held_on"],
            by=request.user,
        )
        messages.success(request, _("The plenary's vote is recorded."))
    except ValidationError as error:
        _refuse(request, error)
    return redirect(back)


def _rounds(request, election, body, *, states) -> list[dict]:
    """The body's results of both rounds in the given states, first round first: what one announcement and
    one set of certificates cover (a further round's result joins its first round's)."""
    found = []
    for number in (1, 2):
        result = selectors.result(user=request.user, election=election, body=body, round=number)
        if result is not None and result.state in states:
            found.append({"round": number, "result": result, "rows": selectors.result_rows(result)})
    return found


def announcement(request, pk):
    """The on-the-spot announcement (当场公布), for printing: votes of everyone, write-in totals, winners."""
    election = _election(request, pk)
    body, round = _vote(request)
    rounds = _rounds(request, election, body, states=services.LOCKED_STATES)
    if not rounds:
        raise Http404
    result = rounds[-1]["result"]
    context = (
        _common(request, election, body, round)
        | {"result": result, "rounds": rounds, "rows": rounds[0]["rows"]}
        | {"plenary": selectors.plenary(user=request.user, election=election) if body == Body.PARTY else None}
        | _paper_dates(election, result, body)
    )
    return render(request, "ballots/announcement.html", context)


def certificates(request, pk):
    """当选证书: one certificate per person elected in an approved result, for printing."""
    election = _election(request, pk)
    body, round = _vote(request)
    rounds = _rounds(request, election, body, states={ResultState.APPROVED})
    if not rounds:
        raise Http404
    result = rounds[-1]["result"]
    posts = selectors.elected_posts(election, body)
    people = [
        {"name": name, "position": posts.get(name, row["label"])}
        for found in rounds
        for row in found["rows"]
        for name in row["elected"]
    ]
    pending = services.further_round_pending(election=election, body=body)
    context = (
        _common(request, election, body, round)
        | {"result": result, "people": people, "today": timezone.localdate(), "pending": pending}
        | _paper_dates(election, result, body)
    )
    return render(request, "ballots/certificates.html", context)


@require_POST
def issue_certificates(request, pk):
    """Record the day the printed certificates were handed to the persons elected."""
    election = _election(request, pk)
    body, round = _vote(request)
    rounds = _rounds(request, election, body, states={ResultState.APPROVED})
    if not rounds:
        raise Http404
    result = rounds[-1]["result"]
    try:
        issued_on = datetime.date.fromisoformat(request.POST.get("issued_on", ""))
    except ValueError:
        messages.error(request, _("Enter the day the certificates were issued, e.g. 2026-12-01."))
        return redirect(_back("ballots:certificates", election, body, round))
    try:
        services.issue_certificates(result=result, issued_on=issued_on, by=request.user)
        messages.success(request, _("The certificates are recorded as issued."))
    except ValidationError as error:
        _refuse(request, error)
    return redirect(_back("ballots:certificates", election, body, round))


# --- The voting notice -----------------------------------------------------------------------------------


def _notice_initial(election: VillageElection, notice) -> dict:
    if notice is not None:
        return {name: getattr(notice, name) for name in notices.NOTICE_FIELDS}
    return {
        "voting_on": election.election_day,
        "starts_at": "08:00",
        "method": VotingMethod.CENTRAL,
        "published_on": timezone.localdate(),
    }


def voting_notice(request, pk):
    """投票公告: the township office publishes (or corrects) the time, place and method of the vote."""
    election = _election(request, pk)
    notice = selectors.voting_notice(user=request.user, election=election)
    can_publish = notices.may_publish(request.user, election)
    form = VotingNoticeForm(initial=_notice_initial(election, notice), correcting=notice is not None)
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied
        form = VotingNoticeForm(request.POST, correcting=notice is not None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notices.publish_voting_notice(
                    election=election,
                    term=data["term"],
                    voting_on=data["voting_on"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    method=data["method"],
                    place=data["place"],
                    published_on=data["published_on"],
                    reason=data.get("reason", ""),
                    by=request.user,
                )
            except ValidationError as error:
                if not doors.refused(request, error):
                    form.add_error(None, error)
            else:
                messages.success(
                    request, _("Voting notice corrected.") if notice else _("Voting notice published.")
                )
                return redirect("ballots:voting_notice", election.pk)
    context = _common(request, election, Body.COMMITTEE, 1) | {
        "body": "",
        "active": "notice",
        "notice": notice,
        "stale": notice is not None and notice.voting_on != election.election_day,
        "form": form,
        "can_publish": can_publish,
        "due_on": notices.due_on(election),
        "stations": selectors.stations(user=request.user, election=election),
        "mobile_boxes": selectors.mobile_boxes(user=request.user, election=election),
        "station_form": StationForm(),
    }
    return render(request, "ballots/voting_notice.html", context)


@require_POST
def add_station(request, pk):
    """Set up a polling station (投票站), so that the voting notice can list it."""
    election = _election(request, pk)
    if not _can_enter(request.user):
        raise PermissionDenied
    form = StationForm(request.POST)
    if form.is_valid():
        try:
            services.add_polling_station(
                election=election,
                name=form.cleaned_data["name"],
                place=form.cleaned_data["place"],
                by=request.user,
            )
            messages.success(request, _("Polling station set up."))
        except ValidationError as error:
            _refuse(request, error)
    else:
        messages.error(request, _("Enter the name of the polling station."))
    return redirect("ballots:voting_notice", election.pk)


def voting_notice_print(request, pk):
    """The voting notice as posted in the village: one A4 page, signed by the villagers' election committee."""
    election = _election(request, pk)
    notice = selectors.voting_notice(user=request.user, election=election)
    if notice is None:
        raise Http404
    village = election.village.name
    if notice.term:
        title = _("Voting notice of the %(term)s villagers' committee election of %(village)s") % {
            "term": notices.chinese_number(notice.term),
            "village": village,
        }
    else:
        # the year of the vote itself, not the cycle's (a November 2026 vote of the "2027" round)
        title = _("Voting notice of the %(year)s villagers' committee election of %(village)s") % {
            "year": notice.voting_on.year,
            "village": village,
        }
    context = _common(request, election, Body.COMMITTEE, 1) | {
        "notice": notice,
        "title": title,
        "stale": notice.voting_on != election.election_day,
        "stations": selectors.stations(user=request.user, election=election),
        "mobile_boxes": selectors.mobile_boxes(user=request.user, election=election),
        "issuer": _("Villagers' election committee of %(village)s") % {"village": village},
    }
    return render(request, "ballots/voting_notice_print.html", context)


MOBILE_DONE = {
    "approve": _("The voter is approved for a mobile ballot box."),
    "withdraw": _("The approval is withdrawn."),
    "route": _("The route and the staff are recorded."),
    "visit": _("The voter is recorded as served by the mobile ballot box."),
}


def mobile(request, pk):
    """流动票箱: the voters the election committee approved, and each mobile box's route, staff and the
    voters it served. Every change goes through `ballots.mobile`."""
    election = _election(request, pk)
    can_enter = _can_enter(request.user)
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in MOBILE_DONE:
            raise Http404
        try:
            _mobile_action(request, election, action)
            messages.success(request, MOBILE_DONE[action])
        except ValidationError as error:
            _refuse(request, error)
        return redirect(reverse("ballots:mobile", args=[election.pk]))
    query = request.GET.get("q", "")
    context = _common(request, election, Body.COMMITTEE, 1) | {
        "page": selectors.mobile_page(user=request.user, election=election, query=query),
        "q": query,
        "reasons": MobileReason.choices,
        "active": "mobile",
    }
    return render(request, "ballots/mobile.html", context)


def _mobile_action(request, election, action: str) -> None:
    post = request.POST
    if action in ("approve", "visit"):
        registration = get_visible_or_404(
            VoterRegistration.objects.select_related("resident"),
            request.user,
            pk=_int(post.get("registration")),
            election=election,
        )
    if action == "approve":
        reason = post.get("reason", "")
        if reason not in MobileReason.values:
            raise ValidationError(codes.MOBILE_NO_REASON.message, code=codes.MOBILE_NO_REASON.code)
        mobile_services.approve_voter(
            election=election, registration=registration, reason=reason, by=request.user
        )
        return
    if action == "withdraw":
        approval = get_visible_or_404(MobileBoxApproval.objects, request.user, pk=_int(post.get("approval")))
        mobile_services.withdraw_approval(approval=approval, by=request.user)
        return
    box = get_visible_or_404(
        selectors.boxes(user=request.user, election=election, round=_int(post.get("round")) or 1),
        request.user,
        pk=_int(post.get("box")),
    )
    if action == "route":
        mobile_services.record_route(
            box=box, route=post.get("route", ""), staff=post.get("staff", ""), by=request.user
        )
    else:
        mobile_services.record_visit(box=box, registration=registration, by=request.user)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
