import logging
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_visible_or_404
from elections import exports, permits
from elections import selectors as election_selectors
from elections.models import VillageElection
from elections.spreadsheets import XLSX_CONTENT_TYPE, xlsx_response
from voters import codes, selectors, services, tasks
from voters.conflict_forms import ConflictAnswerForm, ConflictRequestForm
from voters.forms import (
    SAID_CHOICES,
    AddPersonForm,
    ConfirmImportForm,
    KinshipForm,
    KinshipRemoveForm,
    KinshipUploadForm,
    LeaveOffForm,
    ObjectionAnswerForm,
    ObjectionForm,
    ProxyForm,
    ProxyRevokeForm,
    PublishForm,
    RollUploadForm,
    SearchForm,
)
from voters.importing import COLUMN_TITLES, kinship_template_bytes, template_bytes
from voters.models import (
    ConflictRequest,
    ImportJob,
    Kinship,
    ProxyAuthorisation,
    Resident,
    RollObjection,
    VoterRegistration,
)

PAGE_SIZE = 100
logger = logging.getLogger(__name__)


def _election(request, pk) -> VillageElection:
    return get_visible_or_404(
        VillageElection.objects.select_related("village__parent", "cycle"), request.user, pk=pk
    )


def _editable(request, election):
    if not selectors.can_edit_roll(request.user):
        raise PermissionDenied


def _refused(error: ValidationError) -> str:
    """A service's refusal as one message; a stage's refusal links the election's steps page
    (`elections.permits.explain`)."""
    return permits.explain(error) or " ".join(error.messages)


def roll(request, pk):
    """The village's roll: summary, publication, import, and the registrations by group."""
    return _roll_page(request, _election(request, pk))


def _roll_page(request, election, *, add_form=None, pending=None, status=200):
    """The roll page; after an add that could not be done at once, with the form as typed (`add_form`,
    its errors together) or the record already on the roll beside the new values (`pending`)."""
    group, q = request.GET.get("group", ""), request.GET.get("q", "").strip()
    ids = selectors.ordered_registration_ids(user=request.user, election=election, group=group, q=q)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.registrations_by_ids(list(page.object_list))
    for registration in page.object_list:
        registration.shown_id = selectors.shown_id(request.user, registration.resident.id_number)
    return render(
        request,
        "voters/roll.html",
        {
            "election": election,
            "village": election.village,
            "page": page,
            "summary": selectors.roll_summary(election=election),
            "group": group,
            "q": q,
            "groups": selectors.groups_of(election=election),
            "can_edit": selectors.can_edit_roll(request.user),
            "upload_form": RollUploadForm(),
            "publish_form": PublishForm(initial={"published_on": timezone.localdate()}),
            "jobs": ImportJob.objects.visible_to(request.user).filter(election=election)[:5],
            "changes": selectors.changes(user=request.user, election=election)[:20],
            "add_form": add_form or AddPersonForm(),
            "pending": pending,
            "published": selectors.latest_publication(election=election) is not None,
            "leave_off_form": LeaveOffForm(),
            "doors": selectors.roll_doors(election=election),
        },
        status=status,
    )


def template_download(request, pk):
    election = _election(request, pk)
    response = HttpResponse(
        template_bytes(village_name=election.village.name), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = (
        "attachment; filename=\"roll-template.xlsx\"; filename*=UTF-8''"
        + "%E9%80%89%E6%B0%91%E7%99%BB%E8%AE%B0%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@require_POST
def upload(request, pk):
    election = _election(request, pk)
    _editable(request, election)
    form = RollUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("voters:roll", pk=election.pk)
    try:
        job = services.start_import_job(election=election, upload=form.cleaned_data["file"], by=request.user)
    except ValidationError as error:
        messages.error(request, _refused(error))
        return redirect("voters:roll", pk=election.pk)
    _queue(job, tasks.check_roll_import, job.pk)
    return redirect("voters:job", job_pk=job.pk)


def _queue(job: ImportJob, task, *args) -> None:
    """Send a job's step to the workers; if even that fails (the broker is down), the job ends failed
    with its message rather than waiting for ever."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("roll import job %s could not be queued", job.pk)
        services.fail_import_job(job=job)


def _job(request, job_pk) -> ImportJob:
    return get_visible_or_404(
        ImportJob.objects.select_related("election__village", "uploaded_by"), request.user, pk=job_pk
    )


def job(request, job_pk):
    """An uploaded file: progress while it is checked or imported, then what it holds, row by row."""
    job = _job(request, job_pk)
    kinship_job = job.kind == ImportJob.Kind.KINSHIP
    context = {
        "job": job,
        "kinship_job": kinship_job,
        "election": job.election,
        "result": selectors.disclosed_result(user=request.user, result=job.result),
        # A step whose worker died long ago is shown as failed (purge_roll_uploads records it so).
        "running": job.state in ImportJob.RUNNING_STATES and not job.is_stale,
        "stale": job.is_stale,
        "progress": selectors.import_progress(job),
        "published": selectors.latest_publication(election=job.election),
        "confirm_form": ConfirmImportForm(),
        "can_edit": selectors.may_record_kinship(request.user)
        if kinship_job
        else selectors.can_edit_roll(request.user),
        "doors": {"edit": selectors.kinship_door(election=job.election), "correcting": False}
        if kinship_job
        else selectors.roll_doors(election=job.election),
    }
    template = "voters/_job_status.html" if request.htmx else "voters/import_job.html"
    return render(request, template, context)


@require_POST
def confirm(request, job_pk):
    job = _job(request, job_pk)
    if job.kind == ImportJob.Kind.KINSHIP:
        _may_record_kinship(request)
    else:
        _editable(request, job.election)
    form = ConfirmImportForm(request.POST)
    valid = form.is_valid()
    reason = form.cleaned_data["reason"] if valid else ""
    acknowledged = bool(valid and form.cleaned_data["acknowledge_warnings"])
    try:
        services.confirm_import_job(job=job, by=request.user, reason=reason, acknowledged=acknowledged)
    except ValidationError as error:
        messages.error(request, _refused(error))
        return redirect("voters:job", job_pk=job.pk)
    _queue(job, tasks.apply_roll_import, job.pk, request.user.pk, reason)
    return redirect("voters:job", job_pk=job.pk)


def job_errors(request, job_pk):
    """The rejected rows of a file as Excel, for the clerk to fix and upload again."""
    job = _job(request, job_pk)
    errors = selectors.disclosed_errors(user=request.user, errors=job.result.get("errors", []))
    rows = (
        (e["row"], e.get("name", ""), e["column"], e.get("value", ""), e["message"], e["code"])
        for e in errors
    )
    what = "近亲属关系" if job.kind == ImportJob.Kind.KINSHIP else "选民名单"
    return xlsx_response(
        filename=f"{job.election.village.name}{what}导入错误行.xlsx",
        title="错误行",
        headers=[
            _("Row"),
            _("Name"),
            _("Column"),
            _("Original value"),
            _("Problem"),
            _("Code (for support)"),
        ],
        rows=rows,
    )


@require_POST
def publish(request, pk):
    election = _election(request, pk)
    _editable(request, election)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid publication date."))
        return redirect("voters:roll", pk=election.pk)
    try:
        publication = services.publish_roll(
            election=election, published_on=form.cleaned_data["published_on"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, _refused(error))
    else:
        messages.success(
            request,
            _("The roll of %(n)s voters was published on %(date)s.")
            % {"n": publication.voters, "date": publication.published_on},
        )
    return redirect("voters:roll", pk=election.pk)


def print_roll(request, pk):
    """The notice-board roll (A4): by village group, names in surname stroke order, no ID numbers."""
    election = _election(request, pk)
    return render(
        request,
        "voters/print_roll.html",
        {
            "election": election,
            "village": election.village,
            "groups": selectors.print_groups(election=election),
            "year": selectors.vote_year(election),
            "publication": selectors.latest_publication(election=election),
        },
    )


def print_cards(request, pk):
    """The voter cards (选民证) to print on A4, several a sheet: by village group, names in surname stroke
    order, each card numbered by its place in the printed roll; `group` prints one group's."""
    election = _election(request, pk)
    group = request.GET.get("group", "")
    sheets = selectors.voter_card_sheets(election=election, group=group)
    return render(
        request,
        "voters/print_cards.html",
        {
            "election": election,
            "village": election.village,
            "sheets": sheets,
            "cards": sum(len(cards) for _label, cards in sheets),
            "group": group,
            "groups": [label for label, _names in selectors.print_groups(election=election)],
            "year": selectors.vote_year(election),
        },
    )


def export(request, pk):
    """The roll as Excel (`voters.exports.roll`); a roll past EXPORT_BACKGROUND_ROWS is written by a worker."""
    return exports.respond(request, "voters.roll", election_id=pk)


def omissions(request, pk):
    election = _election(request, pk)
    found = selectors.omissions(election=election)
    for person in found["household"]:
        person.shown_id = selectors.shown_id(request.user, person.id_number)
    for registration in found["previous"]:
        registration.shown_id = selectors.shown_id(request.user, registration.resident.id_number)
    return render(
        request, "voters/omissions.html", {"election": election, "village": election.village, **found}
    )


def search(request):
    """Find a person across the jurisdiction: is this person registered anywhere else?"""
    form = SearchForm(request.GET or None)
    results = []
    if form.is_valid():
        results = selectors.find_people(user=request.user, query=form.cleaned_data["q"])
        for registration in results:
            registration.shown_id = selectors.shown_id(request.user, registration.resident.id_number)
    return render(request, "voters/search.html", {"form": form, "results": results})


def conflicts(request):
    cycle = election_selectors.current_cycle(user=request.user)
    elections = election_selectors.village_elections(user=request.user, cycle=cycle)
    rows = selectors.conflicts(user=request.user, elections=elections)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="选民登记冲突.xlsx",
            title=_("Conflicts"),
            headers=[_("Village"), _("Row"), _("Name"), _("Already registered in"), _("File")],
            rows=((r["village"], r["row"], r["name"], r["other"], r["file"]) for r in rows),
        )
    return render(
        request,
        "voters/conflicts.html",
        {
            "rows": rows,
            "cycle": cycle,
            "can_settle": selectors.may_settle_conflicts(request.user),
            "answer_form": ConflictAnswerForm(auto_id=False),  # one per row: no repeated ids
            **selectors.conflict_requests(user=request.user, cycle=cycle),
        },
    )


@require_POST
def conflict_request(request):
    """A township asks the township holding another registration of a person to settle it."""
    form = ConflictRequestForm(request.POST)
    if not form.is_valid():
        raise Http404
    election = _election(request, form.cleaned_data["election"])
    try:
        services.request_conflict_resolution(
            election=election,
            registration_id=form.cleaned_data["registration"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, _refused(error))
    else:
        messages.success(
            request, _("The request was sent to the township that holds the other registration.")
        )
    return redirect("voters:conflicts")


@require_POST
def conflict_answer(request, pk):
    """The holding township keeps the person (with a note) or takes them off its roll."""
    conflict = ConflictRequest.objects.visible_to(request.user).filter(pk=pk).first()
    if conflict is None:
        raise Http404
    form = ConflictAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the reply."))
        return redirect("voters:conflicts")
    try:
        services.answer_conflict_request(
            request=conflict,
            by=request.user,
            keep=form.cleaned_data["decision"] == ConflictAnswerForm.KEEP,
            note=form.cleaned_data["note"],
            reason_code=form.cleaned_data["reason_code"],
        )
    except ValidationError as error:
        messages.error(request, _refused(error))
    else:
        messages.success(request, _("The reply was recorded."))
    return redirect("voters:conflicts")


# The add form's fields by the roll's column titles, so a row's problem lands on the field typed in.
_FIELD_OF_COLUMN = {title: name for name, title in COLUMN_TITLES.items()}


@require_POST
def add_person(request, pk):
    """Register one person typed in by the clerk; every problem is shown as the import would show it.

    Nothing is overwritten silently: an ID number already on this roll with other details shows the
    record beside the new values, and the clerk updates (with a reason once published) or cancels."""
    election = _election(request, pk)
    _editable(request, election)
    decision = request.POST.get("decision", "")
    if decision == "cancel":
        messages.info(request, _("Nothing was changed."))
        return redirect("voters:roll", pk=election.pk)
    form = AddPersonForm(request.POST)
    if not form.is_valid():
        return _roll_page(request, election, add_form=form, status=400)
    values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
    values["relation_to_head"] = values["relation_to_head"] or ""
    try:
        report = services.register_person(
            election=election,
            values=values,
            by=request.user,
            reason=form.cleaned_data["reason"],
            update_existing=decision == "update",
        )
    except ValidationError as error:
        closed = permits.explain(error)
        if closed is not None:  # the stage's closed door: nothing to keep typed until it opens
            messages.error(request, closed)
            return redirect("voters:roll", pk=election.pk)
        if getattr(error, "code", None) == codes.ALREADY_ON_ROLL or (
            decision == "update" and getattr(error, "code", None) == codes.CHANGE_NEEDS_REASON
        ):
            pending = selectors.pending_change(election=election, values=values)
            if pending is not None:
                if decision == "update":
                    pending["error"] = _refused(error)
                return _roll_page(request, election, add_form=form, pending=pending, status=409)
        _form_errors(form, error)
        return _roll_page(request, election, add_form=form, status=400)
    if report.created:
        messages.success(request, _("%(name)s was added to the roll.") % {"name": values["name"]})
    elif report.updated:
        messages.success(
            request, _("The details of %(name)s on the roll were updated.") % {"name": values["name"]}
        )
    else:
        messages.info(
            request,
            _("%(name)s is already on the roll with these details; nothing was changed.")
            % {"name": values["name"]},
        )
    return redirect("voters:roll", pk=election.pk)


def _form_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: a stage's or a rule's as one message, a row's problems each on
    the field it concerns, all shown together."""
    if hasattr(error, "code"):
        form.add_error(None, _refused(error))
        return
    for item in error.error_list:
        column = (item.params or {}).get("column", "")
        field = _FIELD_OF_COLUMN.get(column)
        message = item.message
        if field in form.fields:
            form.add_error(field, message)
        else:
            form.add_error(None, f"{column}：{message}" if column else message)


@require_POST
def leave_off(request, pk):
    """Take one person off the roll with the legal reason (除名)."""
    election = _election(request, pk)
    _editable(request, election)
    form = LeaveOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the reason."))
        return redirect("voters:roll", pk=election.pk)
    registration = get_visible_or_404(
        VoterRegistration.objects.select_related("resident", "election"),
        request.user,
        pk=form.cleaned_data["registration"],
        election=election,
    )
    try:
        services.leave_off(
            registration=registration,
            reason_code=form.cleaned_data["reason_code"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, _refused(error))
    else:
        messages.success(
            request, _("%(name)s was taken off the roll.") % {"name": registration.resident.name}
        )
    return redirect("voters:roll", pk=election.pk)


# --- Close relatives across households ----------------------------------------------------------------

KINSHIP_PAGE_SIZE = 50


def _may_record_kinship(request) -> None:
    if not selectors.may_record_kinship(request.user):
        raise PermissionDenied


def kinship(request, pk):
    """The village's close relatives (亲属关系): every link touching one of its residents, 50 a page, with
    the township's doors to record one, import a sheet of them and remove one recorded by hand."""
    election = _election(request, pk)
    source = request.GET.get("source", "")
    links = selectors.village_kinship(user=request.user, election=election, source=source)
    page = Paginator(links, KINSHIP_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    selectors.kinship_sides(user=request.user, cycle_id=election.cycle_id, links=page.object_list)
    can_record = selectors.may_record_kinship(request.user)
    return render(
        request,
        "voters/kinship.html",
        {
            "election": election,
            "village": election.village,
            "page": page,
            "source": source,
            "can_record": can_record,
            "door": selectors.kinship_door(election=election),
            "remove_form": KinshipRemoveForm(auto_id=False),
            "jobs": ImportJob.objects.visible_to(request.user).filter(
                election=election, kind=ImportJob.Kind.KINSHIP
            )[:5]
            if can_record
            else [],
        },
    )


def kinship_add(request, pk):
    """Record one relationship: both people picked from a search as one types (htmx, `q`) across the
    villages of the user's jurisdiction in the cycle, the relation as people say it, and its basis."""
    election = _election(request, pk)
    _may_record_kinship(request)
    if request.htmx and "q" in request.GET:  # the picker's search: the options that match
        found = selectors.kinship_candidates(
            user=request.user, cycle_id=election.cycle_id, q=request.GET["q"]
        )
        options = [(r.resident_id, selectors.kinship_option_label(r)) for r in found]
        return render(request, "voters/_kinship_options.html", {"options": options, "q": request.GET["q"]})
    chosen = {
        name: selectors.kinship_chosen(
            user=request.user, cycle_id=election.cycle_id, value=request.POST.get(name, "")
        )
        for name in ("person", "relative")
    }
    form = KinshipForm(request.POST or None, options=chosen)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            people = Resident.objects.in_bulk([data["person"], data["relative"]])
            try:
                if data["person"] not in people or data["relative"] not in people:
                    raise ValidationError(
                        codes.MESSAGES[codes.KINSHIP_NOT_ON_ROLL], code=codes.KINSHIP_NOT_ON_ROLL
                    )
                link = services.record_kinship(
                    cycle=election.cycle,
                    person=people[data["person"]],
                    relative=people[data["relative"]],
                    relation=data["relation"],
                    basis=data["basis"],
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, _refused(error))
            else:
                messages.success(
                    request,
                    _("Recorded: %(person)s is the %(relation)s of %(relative)s.")
                    % {
                        "person": people[data["person"]].name,
                        "relation": dict(SAID_CHOICES)[data["relation"]],
                        "relative": people[data["relative"]].name,
                    },
                )
                if "another" in request.POST:
                    return redirect("voters:kinship_add", pk=election.pk)
                return redirect(f"{reverse('voters:kinship', args=[election.pk])}#link-{link.pk}")
    return render(
        request,
        "voters/kinship_form.html",
        {
            "election": election,
            "village": election.village,
            "form": form,
            "door": selectors.kinship_door(election=election),
        },
        status=status,
    )


@require_POST
def kinship_remove(request, pk):
    """Remove a relationship recorded by hand or imported, with the reason (kept in the trail)."""
    election = _election(request, pk)
    _may_record_kinship(request)
    form = KinshipRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(codes.MESSAGES[codes.KINSHIP_REMOVE_REASON]))
        return redirect("voters:kinship", pk=election.pk)
    link = (
        Kinship.objects.visible_to(request.user)
        .select_related("person", "relative")
        .filter(pk=form.cleaned_data["kinship"])
        .first()
    )
    if link is None:
        raise Http404
    try:
        services.remove_kinship(
            cycle=election.cycle, kinship=link, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, _refused(error))
    else:
        messages.success(
            request,
            _("The relationship between %(person)s and %(relative)s was removed.")
            % {"person": link.person.name, "relative": link.relative.name},
        )
    return redirect("voters:kinship", pk=election.pk)


def kinship_template(request, pk):
    election = _election(request, pk)
    response = HttpResponse(
        kinship_template_bytes(village_name=election.village.name), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = (
        "attachment; filename=\"kinship-template.xlsx\"; filename*=UTF-8''" + quote("近亲属关系导入模板.xlsx")
    )
    return response


@require_POST
def kinship_upload(request, pk):
    """A sheet of close relatives: kept, checked as a task, previewed on the import job's page."""
    election = _election(request, pk)
    _may_record_kinship(request)
    form = KinshipUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("voters:kinship", pk=election.pk)
    try:
        job = services.start_import_job(
            election=election,
            upload=form.cleaned_data["file"],
            by=request.user,
            kind=ImportJob.Kind.KINSHIP,
        )
    except ValidationError as error:
        messages.error(request, _refused(error))
        return redirect("voters:kinship", pk=election.pk)
    _queue(job, tasks.check_roll_import, job.pk)
    return redirect("voters:job", job_pk=job.pk)


# --- Written proxies (委托投票) ---------------------------------------------------------------------------

PROXY_PAGE_SIZE = 200


def proxies(request, pk):
    """The roll's written proxies (委托投票) by the holder's village group, with the form to record one
    (both voters found by name or ID number as one types) and a revoke button on each, before polling
    day. A POST records one."""
    election = _election(request, pk)
    can_edit = selectors.can_edit_roll(request.user)
    chosen = {
        name: selectors.proxy_chosen(user=request.user, election=election, value=request.POST.get(name, ""))
        for name in ("grantor", "proxy")
    }
    form = ProxyForm(request.POST or None, options=chosen, initial={"signed_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        _editable(request, election)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            people = {
                r.pk: r
                for r in selectors.registrations(user=request.user, election=election).filter(
                    pk__in=[data["grantor"], data["proxy"]]
                )
            }
            try:
                if data["grantor"] not in people or data["proxy"] not in people:
                    raise ValidationError(
                        codes.MESSAGES[codes.PROXY_NOT_ON_ROLL], code=codes.PROXY_NOT_ON_ROLL
                    )
                services.record_proxy(
                    election=election,
                    grantor=people[data["grantor"]],
                    proxy=people[data["proxy"]],
                    signed_on=data["signed_on"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, _refused(error))
            else:
                messages.success(
                    request,
                    _("Recorded: %(proxy)s votes on behalf of %(grantor)s.")
                    % {
                        "proxy": people[data["proxy"]].resident.name,
                        "grantor": people[data["grantor"]].resident.name,
                    },
                )
                return redirect("voters:proxies", pk=election.pk)
    group, q = request.GET.get("group", ""), request.GET.get("q", "").strip()
    ids = selectors.ordered_proxy_ids(user=request.user, election=election, group=group, q=q)
    page = Paginator(ids, PROXY_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.proxies_by_ids(user=request.user, ids=list(page.object_list))
    return render(
        request,
        "voters/proxies.html",
        {
            "election": election,
            "village": election.village,
            "page": page,
            "group": group,
            "q": q,
            "groups": selectors.groups_of(election=election),
            "summary": selectors.proxy_summary(election=election),
            "revoked": selectors.revoked_proxies(user=request.user, election=election),
            "can_edit": can_edit,
            "door": selectors.proxy_door(election=election),
            "revoke_door": selectors.proxy_door(election=election, recording=False),
            "form": form,
        },
        status=status,
    )


def proxy_search(request, pk):
    """The picker's search as one types (htmx): the voters of this roll that match, as options."""
    election = _election(request, pk)
    _editable(request, election)
    q = request.GET.get("q", "")
    found = selectors.proxy_candidates(user=request.user, election=election, q=q)
    options = [(r.pk, selectors.proxy_option_label(r)) for r in found]
    return render(request, "voters/_proxy_options.html", {"options": options, "q": q, "election": election})


@require_POST
def proxy_revoke(request, pk):
    """Revoke a written proxy before polling day, with the reason (the record is kept)."""
    election = _election(request, pk)
    _editable(request, election)
    form = ProxyRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(codes.MESSAGES[codes.PROXY_REVOKE_REASON]))
        return redirect("voters:proxies", pk=election.pk)
    authorisation = get_visible_or_404(
        ProxyAuthorisation.objects.select_related("grantor__resident", "proxy__resident"),
        request.user,
        pk=form.cleaned_data["authorisation"],
        election=election,
    )
    try:
        services.revoke_proxy(
            authorisation=authorisation, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, _refused(error))
    else:
        messages.success(
            request,
            _("The proxy from %(grantor)s to %(proxy)s was revoked.")
            % {"grantor": authorisation.grantor.resident.name, "proxy": authorisation.proxy.resident.name},
        )
    return redirect("voters:proxies", pk=election.pk)


# --- Objections to the roll (选民名单异议) -------------------------------------------------------------------


def roll_picker(request, pk):
    """The roll's picker as one types (htmx): the people of this roll that match, as options; with
    `left_off` also those taken off it."""
    election = _election(request, pk)
    _editable(request, election)
    q = request.GET.get("q", "")
    found = selectors.roll_picker(
        user=request.user, election=election, q=q, left_off=request.GET.get("left_off") == "1"
    )
    options = [(r.pk, selectors.roll_option_label(r)) for r in found]
    return render(request, "voters/_proxy_options.html", {"options": options, "q": q, "election": election})


def objections(request, pk):
    """The roll's objections (选民名单异议): each with its deadline (received + the cycle's days) and
    whether it is overdue or was answered late, the form to record one as received, and a link to answer
    each open one. A POST records one."""
    election = _election(request, pk)
    can_edit = selectors.can_edit_roll(request.user)
    chosen = {
        name: selectors.roll_chosen(user=request.user, election=election, value=request.POST.get(name))
        for name in ("objector", "registration")
    }
    form = ObjectionForm(request.POST or None, options=chosen, initial={"received_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        _editable(request, election)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            people = {
                r.pk: r
                for r in selectors.registrations(user=request.user, election=election).filter(
                    pk__in=[i for i in (data["objector"], data["registration"]) if i]
                )
            }
            try:
                objection = services.record_objection(
                    election=election,
                    objector_name=data["objector_name"],
                    objector=people.get(data["objector"]),
                    kind=data["kind"],
                    registration=people.get(data["registration"]),
                    person_name=data["person_name"],
                    ground=data["ground"],
                    received_on=data["received_on"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, _refused(error))
            else:
                messages.success(
                    request,
                    _("The objection of %(name)s was recorded; it is to be answered by %(date)s.")
                    % {
                        "name": objection.objector_name,
                        "date": selectors.objection_due_date(election=election, objection=objection),
                    },
                )
                return redirect(
                    f"{reverse('voters:objections', args=[election.pk])}#objection-{objection.pk}"
                )
    state = request.GET.get("state", "")
    everything = selectors.objections(user=request.user, election=election)
    shown = (
        everything if not state else selectors.objections(user=request.user, election=election, state=state)
    )
    return render(
        request,
        "voters/objections.html",
        {
            "election": election,
            "village": election.village,
            "rows": shown,
            "state": state,
            "summary": selectors.objection_summary(election=election, rows=everything),
            "can_edit": can_edit,
            "door": selectors.objection_door(election=election),
            "form": form,
        },
        status=status,
    )


def objection_answer(request, pk, objection_pk):
    """Answer one objection: upheld (the roll changes with the answer as its reason) or rejected."""
    election = _election(request, pk)
    _editable(request, election)
    objection = get_visible_or_404(
        RollObjection.objects.select_related("registration__resident__household"),
        request.user,
        pk=objection_pk,
        election=election,
    )
    initial = {"answered_on": timezone.localdate()}
    if objection.kind == RollObjection.Kind.CORRECT and objection.registration_id:
        initial.update(selectors.registration_values(objection.registration))
    if objection.kind == RollObjection.Kind.ADD and not objection.registration_id:
        initial["name"] = objection.person_name
    form = ObjectionAnswerForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            fields = (
                ObjectionAnswerForm.CORRECTABLE
                if objection.kind == RollObjection.Kind.CORRECT
                else ObjectionAnswerForm.PERSON_FIELDS
            )
            values = {name: data[name] or "" for name in fields}
            if not values.get("category"):
                values["category"] = "hukou_resident"
            try:
                services.answer_objection(
                    objection=objection,
                    upheld=data["answer"] == RollObjection.Answer.UPHELD,
                    answer_text=data["answer_text"],
                    answered_on=data["answered_on"],
                    values=values,
                    reason_code=data["reason_code"],
                    by=request.user,
                )
            except ValidationError as error:
                closed = permits.explain(error)
                if closed is not None:
                    form.add_error(None, closed)
                else:
                    _form_errors(form, error)
            else:
                messages.success(request, _("The answer to the objection was recorded."))
                return redirect(
                    f"{reverse('voters:objections', args=[election.pk])}#objection-{objection.pk}"
                )
    objection.due_on = selectors.objection_due_date(election=election, objection=objection)
    return render(
        request,
        "voters/objection_answer.html",
        {
            "election": election,
            "village": election.village,
            "objection": objection,
            "form": form,
            "door": selectors.objection_door(election=election),
            "change_fields": [
                form[name]
                for name in (
                    ObjectionAnswerForm.CORRECTABLE
                    if objection.kind == RollObjection.Kind.CORRECT
                    else ObjectionAnswerForm.PERSON_FIELDS
                )
            ],
            "adds_person": objection.kind == RollObjection.Kind.ADD and not objection.registration_id,
            "corrects": objection.kind == RollObjection.Kind.CORRECT,
            "removes": objection.kind == RollObjection.Kind.REMOVE,
        },
        status=status,
    )
