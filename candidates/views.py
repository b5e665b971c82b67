"""Pages of candidate vetting: they parse input, call a service, and render what the selectors read.

Every page of a village takes the VillageElection's pk and reaches it only through the user's jurisdiction
(`get_visible_or_404`); a nominee is named by the `nomination` query parameter and looked up among that
election's nominations. A role that has no business on a page gets the same 404 as a stranger.

The services ask the election's stage (`elections.permits`); a page shows a refusal of the stage with its
link to the steps page (`doors.refused`) and offers no button the stage keeps closed, saying why
(`doors.closed`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import may
from accounts.scoping import get_visible_or_404
from elections import permits
from elections.models import VillageElection
from elections.spreadsheets import xlsx_response
from voters.models import Resident

from . import codes, doors, forms, selectors, services
from .choices import (
    BODY_OF_NOTICE,
    Body,
    NominationState,
    NoticeKind,
    ReviewKind,
    Verdict,
    VettingStatus,
    VoidState,
)
from .codes import APPROVABLE
from .filters import ANSWERED, OPEN, ReviewInboxFilter
from .models import (
    Approval,
    Commitments,
    ElectionCommitteeMember,
    Inspection,
    Nomination,
    QualificationReview,
    VoidDecision,
)

INBOX_PAGE = 50
RECENT = 10  # the latest verdicts under the open requests: what the reviewer just did
ELECTION_COMMITTEE = "candidates.election_committee"


def _election(request, pk: int, action: str = "candidates.view") -> VillageElection:
    if not may(request.user, action):
        raise Http404
    return get_visible_or_404(
        VillageElection.objects.select_related("village__parent__parent", "cycle"), request.user, pk=pk
    )


def _fail(request, error: ValidationError) -> None:
    if doors.refused(request, error):
        return
    for message in error.messages:
        messages.error(request, message)


def _form_error(request, form, error: ValidationError) -> None:
    """A stage's refusal as the page's message with its link; a rule's refusal on the form, as before."""
    if not doors.refused(request, error):
        form.add_error(None, error)


WORK = "candidates.work"
# A withdrawal in a completed election is a correction with its reason: the page offers it as it is used.
WITH_REASON = "—"


def _work_doors(election) -> doors.Closed:
    """The candidate work of each body that the stage keeps closed now."""
    return doors.closed(election, {body: (WORK, body) for body in Body})


def _flags(user) -> dict:
    return {
        "can_nominate": may(user, "candidates.nominate"),
        "can_vet": may(user, "candidates.vet"),
        "can_village": may(user, "candidates.edit_village"),
    }


# --- The vetting board -------------------------------------------------------------------------------


def board(request, pk):
    """The township's board of one village: nominees by body and position with their status and reasons."""
    election = _election(request, pk)
    if request.method == "POST" and request.POST.get("action") == "send":
        return _send_all(request, election)
    vetting = selectors.election_vetting(election=election)
    totals = [
        {"status": status, "count": sum(r.status == status for r in vetting.rows)}
        for status in VettingStatus
        if status != VettingStatus.WITHDRAWN
    ]
    closed = _work_doors(election)
    ready = [r for r in vetting.rows if _ready_to_send(r) and r.facts.body not in closed]
    bodies = [b | {"closed": closed.get(b["body"])} for b in vetting.bodies()]
    return render(
        request,
        "candidates/board.html",
        {
            "election": election,
            "village": election.village,
            "vetting": vetting,
            "bodies": bodies,
            "closed": closed,
            "nominate_open": len(closed) < len(Body),
            "totals": totals,
            "ready_to_send": ready,
            "units": selectors.review_units(county=selectors.county_of(election.division_code))
            if may(request.user, "candidates.vet")
            else [],
            **_flags(request.user),
        },
    )


def review_progress(request, pk):
    """The joint review of the village's nominees: nominees × departments, and who still owes answers."""
    election = _election(request, pk)
    if request.method == "POST" and request.POST.get("action") == "remind":
        try:
            reminder = services.remind_department(
                election=election, unit=request.POST.get("unit", ""), by=request.user
            )
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(
                request,
                _("%(unit)s was reminded of %(n)s open requests.")
                % {"unit": reminder.unit, "n": reminder.open_requests},
            )
        return redirect("candidates:review_progress", pk=election.pk)
    matrix = selectors.review_matrix(election=election)
    return render(
        request,
        "candidates/review_matrix.html",
        {
            "election": election,
            "village": election.village,
            "matrix": matrix,
            "reminded": selectors.reminded_today(election=election),
            **_flags(request.user),
        },
    )


def _ready_to_send(row) -> bool:
    return any(f.code == codes.REVIEWS_NOT_REQUESTED for f in row.findings)


def _send_all(request, election):
    """Send every nominee who passed the first review and is not yet sent to all the county's departments."""
    if not may(request.user, "candidates.vet"):
        raise Http404
    vetting = selectors.election_vetting(election=election)
    closed = _work_doors(election)
    waiting = [r.nomination for r in vetting.rows if _ready_to_send(r)]
    ready = [n for n in waiting if n.body not in closed]  # another body's nominees wait for its stage
    if waiting and not ready:
        _fail(request, permits.refusal(election, WORK, body=waiting[0].body))
        return redirect("candidates:board", pk=election.pk)
    units = selectors.review_units(county=selectors.county_of(election.division_code))
    chosen = request.POST.getlist("units")
    if chosen:
        units = [u for u in units if str(u.pk) in chosen]
    try:
        created = services.request_reviews(nominations=ready, units=units, by=request.user)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            _("%(nominees)s nominees sent to %(units)s departments (%(requests)s review requests).")
            % {"nominees": len(ready), "units": len(units), "requests": len(created)},
        )
    return redirect("candidates:board", pk=election.pk)


def nominate(request, pk):
    election = _election(request, pk, "candidates.nominate")
    form = forms.NominationForm(request.POST or None, election=election)
    if request.htmx and "q" in request.GET:  # the picker's search as one types: the options that match
        found = selectors.eligible_residents(election, q=request.GET["q"])[: forms.PICKER_SIZE]
        return render(
            request,
            "candidates/_resident_options.html",
            {"options": forms.resident_options(form.fields["resident"], found), "q": request.GET["q"]},
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = services.nominate(
                election=election,
                resident=data["resident"],
                position=data["position"],
                source=data["source"],
                votes=data["votes"] or 0,
                nominators=data["nominators"],
                village_post=data["village_post"] or "",
                by=request.user,
            )
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(
                request,
                _("%(name)s nominated for %(position)s.")
                % {"name": nomination.resident.name, "position": nomination.get_position_display()},
            )
            if "another" in request.POST:
                return redirect("candidates:nominate", pk=election.pk)
            return redirect(f"{reverse('candidates:board', args=[election.pk])}#body-{nomination.body}")
    closed = _work_doors(election)
    return render(
        request,
        "candidates/nominate.html",
        {
            "election": election,
            "village": election.village,
            "form": form,
            "closed": closed,
            "nominate_open": len(closed) < len(Body),
            "closed_bodies": [{"body": b, "label": Body(b).label, "why": why} for b, why in closed.items()],
            "has_residents": Resident.objects.filter(division_code=election.division_code).exists(),
        },
    )


# --- One nominee -------------------------------------------------------------------------------------


def nominee(request, pk):
    """Everything about one nominee: findings, reviews, negative list, inspection, commitments, approvals."""
    election = _election(request, pk)
    try:
        nomination_id = int(request.GET.get("nomination") or request.POST.get("nomination") or 0)
    except ValueError as exc:
        raise Http404 from exc
    nomination = get_visible_or_404(
        Nomination.objects.select_related("resident", "election"),
        request.user,
        pk=nomination_id,
        election=election,
    )
    bound = {}
    if request.method == "POST":
        if not may(request.user, "candidates.vet"):
            raise Http404
        action = request.POST.get("action", "")
        handler = NOMINEE_ACTIONS.get(action)
        if handler is None:
            raise Http404
        result = handler(request, election, nomination)
        if isinstance(result, HttpResponseRedirect):
            return result
        bound[action] = result
    return _render_nominee(request, election, nomination, bound)


def _nominee_url(election, nomination) -> str:
    return f"{reverse('candidates:nominee', args=[election.pk])}?nomination={nomination.pk}"


def _render_nominee(request, election, nomination, bound):
    vetting = selectors.election_vetting(election=election)
    row = vetting.row(nomination.pk)
    reviews = list(
        nomination.reviews.select_related("reviewer", "requested_by").order_by("kind", "requested_at")
    )
    first = next((r for r in reviews if r.kind == ReviewKind.TOWNSHIP), None)
    departments = [r for r in reviews if r.kind == ReviewKind.DEPARTMENT]
    units = selectors.review_units(county=selectors.county_of(election.division_code))
    asked = {r.unit for r in departments}
    answers = {a.item_id: a for a in nomination.negative_answers.all()}
    inspection = Inspection.objects.filter(nomination=nomination).first()
    commitments = Commitments.objects.filter(nomination=nomination).first()
    approvals = list(nomination.approvals.select_related("requested_by", "decided_by"))
    breaches = [
        f for f in (row.findings if row else ()) if f.code in APPROVABLE and f.approval in (None, "refused")
    ]
    committee_member = (
        ElectionCommitteeMember.objects.filter(
            election=election, resident=nomination.resident, seated=True
        ).first()
        if nomination.body == Body.COMMITTEE
        else None
    )
    forms_ = {
        "first_review": bound.get("first_review") or forms.FirstReviewForm(),
        "send": bound.get("send") or forms.SendForm(units=[u for u in units if u.name not in asked]),
        "negative": bound.get("negative")
        or forms.NegativeListForm(
            items=vetting.negative_items,
            answers=answers,
            records=selectors.record_evidence(election, [nomination.resident_id], vetting.negative_items).get(
                nomination.resident_id, {}
            ),
        ),
        "inspection": bound.get("inspection")
        or forms.InspectionForm(
            initial={
                "evaluation_score": inspection.evaluation_score,
                "interviews": inspection.interviews,
                "site_visit": inspection.site_visit,
                "conclusion": inspection.conclusion,
                "remarks": inspection.remarks,
            }
            if inspection
            else None
        ),
        "commitments": bound.get("commitments") or forms.CommitmentsForm(record=commitments),
        "withdraw": bound.get("withdraw") or forms.WithdrawForm(),
    }
    approval_forms = [
        (
            f,
            bound.get("approval")
            if bound.get("approval") and bound["approval"].data.get("code") == f.code
            else forms.ApprovalRequestForm(initial={"code": f.code}),
        )
        for f in breaches
    ]
    closed = doors.closed(
        election,
        {
            "work": (WORK, nomination.body),
            "withdraw": ("candidates.withdraw", nomination.body, WITH_REASON),
            "election_committee": (ELECTION_COMMITTEE, ""),
        },
    )
    withdrawn = nomination.state == NominationState.WITHDRAWN
    return render(
        request,
        "candidates/nominee.html",
        {
            "election": election,
            "village": election.village,
            "nomination": nomination,
            "closed": closed,
            "vet_open": may(request.user, "candidates.vet") and not withdrawn and "work" not in closed,
            "resident": nomination.resident,
            "row": row,
            "first": first,
            "departments": departments,
            "units_left": [u for u in units if u.name not in asked],
            "approvals": approvals,
            "approval_forms": approval_forms,
            "inspection": inspection,
            "commitments": commitments,
            "committee_member": committee_member,
            "forms": forms_,
            "withdrawn": withdrawn,
            **_flags(request.user),
        },
    )


def _first_review(request, election, nomination):
    form = forms.FirstReviewForm(request.POST)
    if form.is_valid():
        try:
            services.record_first_review(
                nomination=nomination,
                passed=form.cleaned_data["verdict"] == "pass",
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(request, _("The first review is recorded."))
            return redirect(_nominee_url(election, nomination))
    return form


def _send(request, election, nomination):
    units = selectors.review_units(county=selectors.county_of(election.division_code))
    form = forms.SendForm(request.POST, units=units)
    if form.is_valid():
        chosen = [u for u in units if str(u.pk) in form.cleaned_data["units"]]
        try:
            services.request_reviews(nominations=[nomination], units=chosen, by=request.user)
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(request, _("Sent to %(count)s departments.") % {"count": len(chosen)})
            return redirect(_nominee_url(election, nomination))
    return form


def _negative(request, election, nomination):
    items = selectors.negative_list_for(election)
    answers = {a.item_id: a for a in nomination.negative_answers.all()}
    records = selectors.record_evidence(election, [nomination.resident_id], items)
    form = forms.NegativeListForm(
        request.POST, items=items, answers=answers, records=records.get(nomination.resident_id, {})
    )
    if form.is_valid():
        try:
            services.answer_negative_list(nomination=nomination, answers=form.answers(), by=request.user)
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(request, _("The negative list is answered."))
            return redirect(_nominee_url(election, nomination))
    return form


def _inspection(request, election, nomination):
    form = forms.InspectionForm(request.POST)
    if form.is_valid():
        try:
            services.record_inspection(nomination=nomination, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(request, _("The inspection is recorded."))
            return redirect(_nominee_url(election, nomination))
    return form


def _commitments(request, election, nomination):
    form = forms.CommitmentsForm(request.POST)
    if form.is_valid():
        try:
            services.record_commitments(nomination=nomination, signed=form.signed(), by=request.user)
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(request, _("The commitments are recorded."))
            return redirect(_nominee_url(election, nomination))
    return form


def _approval(request, election, nomination):
    form = forms.ApprovalRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_approval(
                nomination=nomination,
                code=form.cleaned_data["code"],
                justification=form.cleaned_data["justification"],
                by=request.user,
            )
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(request, _("The county is asked to approve."))
            return redirect(_nominee_url(election, nomination))
    return form


def _withdraw(request, election, nomination):
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_nomination(
                nomination=nomination, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(request, _("The nomination is withdrawn."))
            return redirect(_nominee_url(election, nomination))
    return form


def _withdraw_committee_member(request, election) -> None:
    """A member of the villagers' election committee withdraws (both pages that offer it post here)."""
    form = forms.CommitteeWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the withdrawal."))
        return
    member = (
        ElectionCommitteeMember.objects.visible_to(request.user)
        .filter(election=election, pk=form.cleaned_data["member"])
        .first()
    )
    if member is None:
        raise Http404
    try:
        replacement = services.withdraw_from_election_committee(
            member=member, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        _fail(request, error)
    else:
        _replacement_message(request, member, replacement)


def _committee_withdraw(request, election, nomination):
    _withdraw_committee_member(request, election)
    return redirect(_nominee_url(election, nomination))


def _replacement_message(request, member, replacement):
    if replacement is None:
        messages.warning(
            request,
            _(
                "%(name)s withdrew from the election committee; nobody of the original vote is left to replace them."
            )
            % {"name": member.resident.name},
        )
    else:
        messages.success(
            request,
            _("%(name)s withdrew from the election committee; %(next)s (%(votes)s votes) takes the seat.")
            % {"name": member.resident.name, "next": replacement.resident.name, "votes": replacement.votes},
        )


NOMINEE_ACTIONS = {
    "first_review": _first_review,
    "send": _send,
    "negative": _negative,
    "inspection": _inspection,
    "commitments": _commitments,
    "approval": _approval,
    "withdraw": _withdraw,
    "committee_withdraw": _committee_withdraw,
}


# --- Lists, slate, notices ---------------------------------------------------------------------------


def shortlist(request, pk):
    """Choose a body's list among its qualified nominees (preliminary or formal candidates)."""
    election = _election(request, pk, "candidates.vet")
    try:
        body = Body(request.GET.get("body") or request.POST.get("body") or Body.PARTY)
    except ValueError as exc:
        raise Http404 from exc
    vetting = selectors.election_vetting(election=election)
    rows = [r for r in vetting.rows_of(body) if r.status != VettingStatus.WITHDRAWN]
    form = forms.ListForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        chosen = Nomination.objects.filter(election=election, pk__in=form.cleaned_data["nominations"])
        try:
            listed, added = services.set_list(
                election=election, body=body, nominations=list(chosen), by=request.user
            )
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(request, _("%(count)s names are on the list.") % {"count": len(listed)})
            if added is not None:
                messages.warning(
                    request,
                    _("No woman was chosen: %(name)s, the woman with the most nomination votes, was added.")
                    % {"name": added.resident.name},
                )
            return redirect(f"{reverse('candidates:board', args=[election.pk])}#body-{body}")
    seats = {Body.PARTY: election.party_seats, Body.COMMITTEE: election.committee_seats}.get(
        body, election.supervision_seats
    )
    return render(
        request,
        "candidates/shortlist.html",
        {
            "election": election,
            "village": election.village,
            "body": body,
            "rows": rows,
            "form": form,
            "seats": seats,
            "extra": vetting.thresholds.preliminary_extra,
            "listed": {r.nomination.pk for r in rows if r.nomination.state == NominationState.LISTED},
            "findings": vetting.body_findings.get(body, []),
            "closed": doors.closed(election, {"list": (WORK, body)}),
            **_flags(request.user),
        },
    )


def slate_check(request, pk):
    """The structure of the proposed (and later the elected) team, against the rules and the outgoing team."""
    election = _election(request, pk)
    if request.method == "POST":
        if not may(request.user, "candidates.vet"):
            raise Http404
        chosen = Nomination.objects.filter(election=election, pk__in=request.POST.getlist("proposed"))
        try:
            services.set_proposed(election=election, nominations=list(chosen), by=request.user)
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(request, _("The proposed team is saved."))
        return redirect("candidates:slate", pk=election.pk)
    vetting = selectors.election_vetting(election=election)
    checks = selectors.slate_checks(vetting=vetting)
    team_rows = [
        r
        for body in (Body.PARTY, Body.COMMITTEE)
        for r in vetting.rows_of(body)
        if r.status != VettingStatus.WITHDRAWN
    ]
    return render(
        request,
        "candidates/slate.html",
        {
            "election": election,
            "village": election.village,
            "checks": checks,
            "team_rows": team_rows,
            "thresholds": vetting.thresholds,
            "closed": doors.closed(election, {"slate": ("candidates.slate", "")}),
            **_flags(request.user),
        },
    )


def notice(request, pk, kind):
    """A public notice for print (A4): the preliminary Party candidates or the formal candidate list."""
    election = _election(request, pk)
    if request.method == "POST":
        if not may(request.user, "candidates.vet"):
            raise Http404
        form = forms.PublishForm(request.POST)
        if form.is_valid():
            try:
                services.record_notice_publication(
                    election=election,
                    kind=kind,
                    published_on=form.cleaned_data["published_on"],
                    by=request.user,
                )
            except ValidationError as error:
                _fail(request, error)
            else:
                messages.success(request, _("The publication date is recorded."))
        return redirect(f"candidates:notice_{kind}", pk=election.pk)
    vetting = selectors.election_vetting(election=election)
    today = timezone.localdate()
    built = selectors.notice(vetting=vetting, kind=kind, today=today)
    return render(
        request,
        "candidates/notice.html",
        {
            "election": election,
            "village": election.village,
            "notice": built,
            "kind": kind,
            "formal": kind == NoticeKind.FORMAL,
            "today": today,
            "order": vetting.thresholds.notice_order,
            "publish_form": forms.PublishForm(),
            "closed": doors.closed(election, {"publish": (WORK, BODY_OF_NOTICE[kind])}),
            "issuer": _("Villagers' election committee of %(village)s") % {"village": election.village.name}
            if kind == NoticeKind.FORMAL
            else _("Party organization of %(village)s") % {"village": election.village.name},
            **_flags(request.user),
        },
    )


def notice_export(request, pk, kind):
    """The notice as an Excel sheet, in the same order as the print."""
    election = _election(request, pk)
    vetting = selectors.election_vetting(election=election)
    built = selectors.notice(vetting=vetting, kind=kind, today=timezone.localdate())
    headers = [
        _("No."),
        _("Position"),
        _("Name"),
        _("Sex"),
        _("Age"),
        _("Education"),
        _("Party member"),
        _("Nomination votes"),
    ]
    rows = []
    for label, section in built.sections:
        for number, row in enumerate(section, start=1):
            resident = row.nomination.resident
            rows.append(
                (
                    number,
                    str(label),
                    resident.name,
                    resident.get_sex_display(),
                    row.age,
                    resident.get_education_display(),
                    _("yes") if resident.party_member else _("no"),
                    row.nomination.votes,
                )
            )
    title = NoticeKind(kind).label
    filename = f"{election.village.name}{title}.xlsx"
    return xlsx_response(filename=filename, title=str(title), headers=headers, rows=rows)


# --- The villagers' election committee and the outgoing team -----------------------------------------


def election_committee(request, pk):
    election = _election(request, pk)
    form = forms.CommitteeVoteForm(election=election)
    if request.method == "POST":
        if not may(request.user, "candidates.edit_village"):
            raise Http404
        if request.POST.get("action") == "withdraw":
            _withdraw_committee_member(request, election)
            return redirect("candidates:election_committee", pk=election.pk)
        form = forms.CommitteeVoteForm(request.POST, election=election)
        if form.is_valid():
            try:
                services.record_election_committee_vote(
                    election=election, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _form_error(request, form, error)
            else:
                messages.success(request, _("The vote is recorded."))
                return redirect("candidates:election_committee", pk=election.pk)
    committee = selectors.election_committee(election=election)
    nominated = set(
        Nomination.objects.filter(election=election, body=Body.COMMITTEE)
        .exclude(state=NominationState.WITHDRAWN)
        .values_list("resident_id", flat=True)
    )
    return render(
        request,
        "candidates/election_committee.html",
        {
            "election": election,
            "village": election.village,
            "committee": committee,
            "nominated": nominated,
            "form": form,
            "closed": doors.closed(election, {"committee": (ELECTION_COMMITTEE, "")}),
            **_flags(request.user),
        },
    )


def previous_term(request, pk):
    election = _election(request, pk)
    form = forms.PreviousTermForm(request.POST or None)
    errors = []
    if request.method == "POST":
        if not may(request.user, "candidates.edit_village"):
            raise Http404
        if form.is_valid():
            try:
                count, errors = services.import_previous_term(
                    election=election, text=form.cleaned_data["rows"], by=request.user
                )
            except ValidationError as error:
                _form_error(request, form, error)
            else:
                if not errors:
                    messages.success(
                        request, _("%(count)s members of the previous term imported.") % {"count": count}
                    )
                    return redirect("candidates:previous_term", pk=election.pk)
    members = election.previous_term.select_related("resident").order_by("id")
    return render(
        request,
        "candidates/previous_term.html",
        {
            "election": election,
            "village": election.village,
            "members": members,
            "form": form,
            "errors": errors,
            "closed": doors.closed(election, {"import": ("candidates.previous_term", "")}),
            **_flags(request.user),
        },
    )


# --- Queues of the county and of departments ---------------------------------------------------------


def approvals(request):
    """The county's queue of "in principle" breaches awaiting approval, inside its jurisdiction."""
    if not may(request.user, "candidates.approvals"):
        raise Http404
    bound = None
    if request.method == "POST":
        if not may(request.user, "candidates.approve"):
            raise Http404
        bound = forms.ApprovalDecisionForm(request.POST)
        if bound.is_valid():
            approval = get_visible_or_404(
                Approval.objects.all(), request.user, pk=bound.cleaned_data["approval"]
            )
            try:
                services.decide_approval(
                    approval=approval,
                    approve=bound.cleaned_data["decision"] == "approve",
                    note=bound.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                _form_error(request, bound, error)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("candidates:approvals")
    queue = list(selectors.approvals_queue(user=request.user)[:200])
    for approval in queue:
        nomination = approval.nomination
        approval.closed = doors.why(nomination.election, WORK, body=nomination.body)
    return render(
        request,
        "candidates/approvals.html",
        {
            "pending": [a for a in queue if a.state == "pending"],
            "decided": [a for a in queue if a.state != "pending"][:50],
            "bound": bound,
            "can_approve": may(request.user, "candidates.approve"),
        },
    )


def void_decisions(request):
    """The county's decisions on voiding the election of a person elected and then found to have bought
    votes (DOMAIN.md "Discipline"): the open ones to decide, the decided ones below."""
    if not may(request.user, "candidates.decide_void"):
        raise Http404
    bound = None
    if request.method == "POST":
        bound = forms.VoidDecisionForm(request.POST)
        if bound.is_valid():
            decision = get_visible_or_404(
                VoidDecision.objects.all(), request.user, pk=bound.cleaned_data["decision"]
            )
            try:
                services.decide_void(
                    decision=decision,
                    void=bound.cleaned_data["void"] == "void",
                    note=bound.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                _form_error(request, bound, error)
            else:
                messages.success(request, _("The county's decision is recorded."))
                return redirect("candidates:void_decisions")
    decisions = list(selectors.void_decisions(user=request.user)[:200])
    return render(
        request,
        "candidates/void_decisions.html",
        {
            "open": [d for d in decisions if d.state == VoidState.OPEN],
            "decided": [d for d in decisions if d.state != VoidState.OPEN][:50],
            "bound": bound,
        },
        status=400 if bound is not None else 200,
    )


def inbox(request):
    """A department's inbox: the review requests addressed to its unit inside its region, soonest due first,
    paged and filtered (status, township, village, due date, name or ID tail). A verdict is given on one
    request (a finding with its note), or "no finding" on the chosen requests at once."""
    if not may(request.user, "candidates.review"):
        raise Http404
    windows = selectors.review_windows(user=request.user)
    bound = bulk = None
    if request.method == "POST":
        if request.POST.get("action") == "bulk":
            bulk = forms.BulkReviewForm(request.POST)
            if _bulk_verdict(request, bulk):
                return redirect(request.get_full_path())
        else:
            bound = forms.ReviewDecisionForm(request.POST)
            if _one_verdict(request, bound):
                return redirect(request.get_full_path())
    filterset = ReviewInboxFilter(
        request.GET,
        queryset=selectors.department_inbox(user=request.user),
        user=request.user,
        windows=windows,
    )
    status = filterset.status_value
    rows = filterset.qs
    rows = rows.order_by("-decided_at", "-id") if status == ANSWERED else windows.by_due(rows)
    page = Paginator(rows, INBOX_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    link = doors.sees_steps(request.user)
    for review in page:
        nomination = review.nomination
        review.due_on = windows.due_on(review)
        review.pending = review.verdict == Verdict.PENDING
        review.overdue = review.pending and review.due_on < today
        review.closed = (
            doors.why(nomination.election, WORK, body=nomination.body, link=link) if review.pending else None
        )
    recent = list(selectors.answered_reviews(user=request.user)[:RECENT]) if status == OPEN else []
    return render(
        request,
        "candidates/inbox.html",
        {
            "filter": filterset,
            "status": status,
            "page": page,
            "counts": selectors.inbox_counts(user=request.user, windows=windows),
            "cycle": windows.current,
            "review_days": windows.current_days,
            "decided": recent,
            "bound": bound,
            "bulk": bulk,
            "open_on_page": any(r.pending and not r.closed for r in page),
            "filtered": any(v for k, v in request.GET.items() if k not in ("status", "page")),
        },
    )


def _one_verdict(request, form) -> bool:
    """One request's verdict ("found" needs its note, the service says so); True once recorded."""
    if not form.is_valid():
        return False
    review = get_visible_or_404(
        QualificationReview.objects.filter(kind=ReviewKind.DEPARTMENT).select_related("nomination__resident"),
        request.user,
        pk=form.cleaned_data["review"],
    )
    try:
        services.decide_review(
            review=review,
            passed=form.cleaned_data["verdict"] == "pass",
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as error:
        _form_error(request, form, error)
        return False
    messages.success(
        request, _("Your verdict on %(name)s is recorded.") % {"name": review.nomination.resident.name}
    )
    return True


def _bulk_verdict(request, form) -> bool:
    """ "No finding" on the chosen requests, each its own verdict (services.decide_reviews); a request the
    user cannot see answers 404, as for one verdict. True once recorded."""
    if not form.is_valid():
        return False
    ids = form.cleaned_data["reviews"]
    chosen = list(
        QualificationReview.objects.visible_to(request.user).filter(kind=ReviewKind.DEPARTMENT, pk__in=ids)
    )
    if len(chosen) != len(ids):
        raise Http404
    try:
        decided = services.decide_reviews(reviews=chosen, note=form.cleaned_data["note"], by=request.user)
    except ValidationError as error:
        _form_error(request, form, error)
        return False
    messages.success(
        request,
        _("“No finding” is recorded for %(count)s requests.") % {"count": len(decided)},
    )
    return True
