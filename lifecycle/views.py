"""The workflow pages: a village's stages and checklist, one step, the handover, the archive, the progress
board and the county's approvals. Views parse input and call lifecycle.workflow / lifecycle.handover."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.scoping import get_visible_or_404
from ballots import selectors as ballot_selectors
from elections import exports, selectors
from elections.models import ElectionCycle, Region, Stage, VillageElection
from elections.redirects import next_url
from elections.spreadsheets import xlsx_response

from . import codes, deadlines, forms, gates, handover, holds, progress, records, workflow
from .archive import build_archive
from .models import (
    GateException,
    Handover,
    HandoverItem,
    HandoverProblem,
    StepDefinition,
    StepDocument,
)


def _election(request, pk) -> VillageElection:
    return get_visible_or_404(
        VillageElection.objects.select_related("village__parent", "cycle"), request.user, pk=pk
    )


def error_list(error: ValidationError) -> list[dict]:
    """A service's refusal as the page shows it: the message, its code, and where to fix it.

    A coded refusal is a list-style ValidationError; a model's `full_clean` raises a dict-style one (field
    -> errors), which has no `error_list`: its errors are taken field by field.
    """
    if hasattr(error, "error_dict"):
        errors = [e for field_errors in error.error_dict.values() for e in field_errors]
    else:
        errors = error.error_list
    return [
        {
            "message": e.message % e.params if e.params else e.message,
            "code": e.code,
            "url": (e.params or {}).get("url", ""),
        }
        for e in errors
    ]


def _target_stage(election: VillageElection) -> str | None:
    if election.stage == Stage.POSTPONED:
        return progress.stage_before_postponement(election) or Stage.PREPARATION
    return workflow.NEXT_STAGE.get(election.stage)


def _workflow_context(request, election: VillageElection, **extra) -> dict:
    user = request.user
    checklist = progress.village_checklist(election=election)
    records = progress.records_with_documents(election=election)
    current = progress.STAGE_INDEX.get(election.stage, -1)
    groups = []
    for stage in progress.STAGE_ORDER[:-1]:
        items = [i for i in checklist.steps if i.step.stage == stage]
        for item in items:
            item.documents = list(records[item.step.id].documents.all()) if item.step.id in records else []
            item.by = records[item.step.id].done_by if item.step.id in records else None
        groups.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "items": items,
                "current": stage == election.stage,
                "passed": progress.STAGE_INDEX[stage] < current,
            }
        )
    target = _target_stage(election)
    context = {
        "election": election,
        "village": election.village,
        "groups": groups,
        "stages": [(s, Stage(s).label, progress.STAGE_INDEX[s] <= current) for s in progress.STAGE_ORDER],
        "target": target,
        "target_label": Stage(target).label if target else "",
        "blocked": gates.for_transition(election, target) if target else [],
        # The required steps of this stage still open: moving on leaves them missing (flagged, not refused).
        "left_open": [
            i
            for i in checklist.steps
            if i.step.stage == election.stage and i.step.required and i.state in deadlines.OPEN_STATES
        ]
        if target and election.stage != Stage.POSTPONED
        else [],
        "flagged": checklist.flagged,
        "can_move": workflow.can_move_stage(user, election),
        "can_record": workflow.can_record_steps(user, election),
        "can_request": workflow.can_request_exception(user, election),
        "can_decide": workflow.can_decide_exception(user, election),
        "exceptions": GateException.objects.filter(election=election).select_related(
            "requested_by", "decided_by"
        ),
        "timeline": progress.timeline(election=election, checklist=checklist),
        "advance_form": forms.AdvanceForm(initial={"to": target, "expected": election.stage}),
        "day_form": forms.ElectionDayForm(initial={"election_day": election.election_day}),
        "exception_form": forms.ExceptionRequestForm(),
        "state_labels": progress.STATE_LABELS,
        "errors": [],
    }
    # A closed gate on the next move stops the catch-up at its first stage: no need to read it again.
    path = workflow.catch_up_path(election) if context["can_move"] and not context["blocked"] else []
    context["catch_up"] = path
    context["catch_up_label"] = Stage(path[-1]).label if path else ""
    context.update(extra)
    return context


def election_workflow(request, pk):
    """One village's election: stage bar, the next move and its gates, the checklist, exceptions, timeline."""
    election = _election(request, pk)
    return render(request, "lifecycle/workflow.html", _workflow_context(request, election))


def _refused(request, election, error: ValidationError):
    context = _workflow_context(request, election, errors=error_list(error))
    return render(request, "lifecycle/workflow.html", context, status=400)


def _incomplete(request, election, message: str):
    """A form posted without what it needs (a hand-made request): back to the page with the message."""
    messages.error(request, message)
    return redirect("lifecycle:workflow", pk=election.pk)


@require_POST
def advance(request, pk):
    election = _election(request, pk)
    if not workflow.can_move_stage(request.user, election):
        raise PermissionDenied
    form = forms.AdvanceForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, election, _("The form was not filled in correctly."))
    try:
        change = workflow.advance_stage(
            election=election,
            to=form.cleaned_data["to"],
            by=request.user,
            note=form.cleaned_data["note"],
            expected=form.cleaned_data["expected"],
        )
    except ValidationError as error:
        return _refused(request, election, error)
    messages.success(
        request, _("The election moved to “%(stage)s”.") % {"stage": change.get_to_stage_display()}
    )
    return redirect("lifecycle:workflow", pk=election.pk)


@require_POST
def catch_up(request, pk):
    """One click through every stage the records have passed (lifecycle.workflow.catch_up)."""
    election = _election(request, pk)
    if not workflow.can_move_stage(request.user, election):
        raise PermissionDenied
    expected = request.POST.get("expected")
    if not expected:  # a hand-made request without the stage the user saw
        return _incomplete(request, election, _("The form was not filled in correctly."))
    try:
        changes = workflow.catch_up(election=election, by=request.user, expected=expected)
    except ValidationError as error:
        return _refused(request, election, error)
    messages.success(
        request, _("The election moved to “%(stage)s”.") % {"stage": changes[-1].get_to_stage_display()}
    )
    return redirect("lifecycle:workflow", pk=election.pk)


@require_POST
def election_day(request, pk):
    election = _election(request, pk)
    if not workflow.can_move_stage(request.user, election):
        raise PermissionDenied
    form = forms.ElectionDayForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, election, _("Give a valid date."))
    day = form.cleaned_data["election_day"]
    try:
        workflow.set_election_day(
            election=election, day=day, by=request.user, acknowledge=form.cleaned_data["acknowledge"]
        )
    except ValidationError as error:
        if {e.code for e in error.error_list} == {codes.ELECTION_DAY_TOO_CLOSE}:
            # A warning, not a refusal: the page asks the user to confirm this day knowingly.
            context = _workflow_context(request, election, errors=error_list(error))
            initial = {"election_day": day.isoformat(), "acknowledge": True}
            context["day_warning"] = forms.ElectionDayForm(initial=initial)
            return render(request, "lifecycle/workflow.html", context, status=400)
        return _refused(request, election, error)
    messages.success(request, _("The election day was saved."))
    return redirect(reverse("lifecycle:workflow", args=[election.pk]) + "#election-day")


@require_POST
def request_exception(request, pk):
    """The township asks the county for an exception; a county user records one it approves itself."""
    election = _election(request, pk)
    if not workflow.can_request_exception(request.user, election):
        raise PermissionDenied
    form = forms.ExceptionRequestForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, election, _("Choose the exception and give the reason."))
    service = (
        workflow.record_exception
        if workflow.can_decide_exception(request.user, election)
        else workflow.request_exception
    )
    try:
        exception = service(election=election, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, election, error)
    messages.success(
        request,
        _("%(kind)s: %(status)s.")
        % {"kind": exception.get_kind_display(), "status": exception.get_status_display()},
    )
    return redirect(reverse("lifecycle:workflow", args=[election.pk]) + "#exceptions")


@require_POST
def decide_exception(request, pk):
    election = _election(request, pk)
    if not workflow.can_decide_exception(request.user, election):
        raise PermissionDenied
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, election, _("The form was not filled in correctly."))
    exception = get_visible_or_404(
        GateException.objects.filter(election=election), request.user, pk=form.cleaned_data["exception"]
    )
    try:
        workflow.decide_exception(
            exception=exception,
            approve=form.cleaned_data["decision"] == "approve",
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        return _refused(request, election, error)
    exception.refresh_from_db()
    messages.success(
        request,
        _("%(kind)s: %(status)s.")
        % {"kind": exception.get_kind_display(), "status": exception.get_status_display()},
    )
    return redirect(next_url(request, reverse("lifecycle:workflow", args=[election.pk]) + "#exceptions"))


def _step(election: VillageElection, code: str) -> StepDefinition:
    step = StepDefinition.objects.filter(code=code, is_active=True).select_related("region").first()
    if step is None or not progress.applies(step, election.division_code):
        raise Http404
    return step


def step_page(request, pk, step):
    """One step of a village: its guidance, its deadline, the record and its documents."""
    election = _election(request, pk)
    step = _step(election, step)
    record = progress.records_with_documents(election=election).get(step.id)
    can_record = workflow.can_record_steps(request.user, election)
    step_form = forms.StepForm(
        step=step,
        initial={
            "status": record.status if record else "done",
            "done_on": record.done_on if record else None,
            "opened_on": record.opened_on if record else None,
            "note": record.note if record else "",
        },
    )
    document_form = forms.DocumentForm()
    errors, status = [], 200
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "record":
                step_form = forms.StepForm(request.POST, step=step)
                if step_form.is_valid():
                    data = step_form.cleaned_data
                    workflow.record_step(
                        election=election,
                        step=step,
                        status=data["status"],
                        done_on=data.get("done_on"),
                        opened_on=data.get("opened_on"),
                        note=data["note"],
                        by=request.user,
                    )
                    messages.success(request, _("The step was recorded."))
                    return redirect(reverse("lifecycle:workflow", args=[election.pk]) + f"#step-{step.code}")
            elif action == "document":
                document_form = forms.DocumentForm(request.POST, request.FILES)
                if document_form.is_valid():
                    if record is None:
                        raise ValidationError(
                            codes.MESSAGES[codes.STEP_NOT_RECORDED], code=codes.STEP_NOT_RECORDED
                        )
                    workflow.attach_document(
                        record=record, upload=document_form.cleaned_data["file"], by=request.user
                    )
                    messages.success(request, _("The document was attached."))
                    return redirect(request.path)
            else:
                raise Http404
        except ValidationError as error:
            errors = error_list(error)
        status = 400
    checklist = progress.village_checklist(election=election)
    state = next((i for i in checklist.steps if i.step.id == step.id), None)
    return render(
        request,
        "lifecycle/step.html",
        {
            "election": election,
            "village": election.village,
            "step": step,
            "record": record,
            "state": state,
            "state_labels": progress.STATE_LABELS,
            "deadline": progress.deadline_in_words(step, election.cycle),
            "can_record": can_record and not step.source,
            "source_url": reverse(gates.SOURCE_URLS[step.source], args=[election.pk]) if step.source else "",
            # A derived step shows what still stands in the way of its record (the vote: roll and list).
            "blocked": gates.for_step(election, step),
            "step_form": step_form,
            "document_form": document_form,
            "errors": errors,
        },
        status=status,
    )


def document(request, pk, document_pk):
    election = _election(request, pk)
    doc = get_visible_or_404(
        StepDocument.objects.filter(record__election=election), request.user, pk=document_pk
    )
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.original_name)


def archive(request, pk):
    """The whole election file of the village as one ZIP: documents, checklist, history, handover, roll."""
    election = _election(request, pk)
    spool = build_archive(election=election, user=request.user)
    name = _("%(village)s election archive") % {"village": election.village.name} + ".zip"
    return FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")


# The handover page -------------------------------------------------------------------------------------------


def _item(hand: Handover, pk) -> HandoverItem:
    item = hand.items.filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def _problem(hand: Handover, pk) -> HandoverProblem:
    problem = hand.problems.filter(pk=pk).first()
    if problem is None:
        raise Http404
    return problem


HANDOVER_ACTIONS = {
    "item": (
        forms.ItemForm,
        lambda h, d, by: handover.add_item(handover=h, by=by, **d),
        gettext_lazy("The item was added."),
    ),
    "confirm": (
        forms.ConfirmItemForm,
        lambda h, d, by: handover.confirm_item(
            item=_item(h, d["item"]), quantity_received=d["quantity_received"], by=by
        ),
        gettext_lazy("The count was recorded."),
    ),
    "problem": (
        forms.ProblemForm,
        lambda h, d, by: handover.add_problem(handover=h, by=by, **d),
        gettext_lazy("The problem was recorded."),
    ),
    "resolve": (
        forms.ResolveForm,
        lambda h, d, by: handover.resolve_problem(
            problem=_problem(h, d["problem"]), resolution=d["resolution"], resolved_on=d["resolved_on"], by=by
        ),
        gettext_lazy("The resolution was recorded."),
    ),
    "signatures": (
        forms.SignaturesForm,
        lambda h, d, by: handover.record_signatures(handover=h, by=by, **d),
        gettext_lazy("The signatures were recorded."),
    ),
    "signoff": (
        forms.SignOffForm,
        lambda h, d, by: handover.sign_off(handover=h, by=by),
        gettext_lazy("The handover is signed off."),
    ),
}


def handover_page(request, pk):
    """The handover list of seals, archives and the three assets, its problems, signatures and sign-off."""
    election = _election(request, pk)
    editable = workflow.can_move_stage(request.user, election)
    hand = Handover.objects.filter(election=election).first()
    bound, errors, status = {}, [], 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "open":
                handover.open_handover(election=election, by=request.user)
                return redirect(request.path)
            if action not in HANDOVER_ACTIONS or hand is None:
                raise Http404
            form_class, handler, done = HANDOVER_ACTIONS[action]
            form = form_class(request.POST, prefix=action)
            if form.is_valid():
                handler(hand, form.cleaned_data, request.user)
                messages.success(request, done)
                return redirect(request.path)
            bound[action] = form
        except ValidationError as error:
            errors = error_list(error)
        status = 400
    items = list(hand.items.all()) if hand else []
    problems = list(hand.problems.all()) if hand else []
    due_on = None
    if hand:
        from datetime import timedelta

        due_on = hand.result_on + timedelta(days=election.cycle.handover_days)
    forms_by_action = {
        name: bound.get(name) or form_class(prefix=name)
        for name, (form_class, _h, _d) in HANDOVER_ACTIONS.items()
    }
    if hand and "signatures" not in bound:
        forms_by_action["signatures"] = forms.SignaturesForm(
            prefix="signatures",
            initial={
                "handed_over_on": hand.handed_over_on,
                "outgoing_signatory": hand.outgoing_signatory,
                "incoming_signatory": hand.incoming_signatory,
                "witness": hand.witness,
                "note": hand.note,
            },
        )
    return render(
        request,
        "lifecycle/handover.html",
        {
            "election": election,
            "village": election.village,
            "handover": hand,
            "items": items,
            "problems": problems,
            "due_on": due_on,
            "late": bool(hand and hand.handed_over_on and due_on and hand.handed_over_on > due_on),
            "editable": editable and not (hand and hand.signed_off),
            "can_open": editable and election.stage in handover.HANDOVER_STAGES,
            "outstanding": handover.sign_off_problems(hand) if hand and not hand.signed_off else [],
            "teams": ballot_selectors.new_teams(election=election),
            "forms": forms_by_action,
            "errors": errors,
        },
        status=status,
    )


# Boards ---------------------------------------------------------------------------------------------------------

FLAGGED_LIMIT = 200
HELD_SHOWN = 25  # villages listed under each gate on the board; the rest on the list page
URGENT_SHOWN = 20  # villages listed by their next deadline on the board
LIST_PAGE = 100


@dataclass
class Reading:
    """What the county reads on the board: the stage table, the gates that hold villages, the deadlines."""

    region: Region
    cycle: ElectionCycle | None
    rows: list[progress.RegionRow]
    total: progress.RegionRow
    villages: list[progress.VillageProgress]
    held: list[holds.VillageHold]

    @property
    def groups(self) -> list[holds.GateGroup]:
        return holds.by_gate(self.held)

    @property
    def urgent(self) -> list[progress.VillageProgress]:
        return progress.by_urgency(self.villages)


def _reading(request, code) -> Reading:
    """One set-based read of a region for the board, its lists and its exports: the elections the user may
    see (`.visible_to`), evaluated once (the derived steps' records read once for the steps and the gates)."""
    region = selectors.region_for_overview(user=request.user, code=code)
    cycle = selectors.current_cycle(user=request.user)
    if cycle is None:
        return Reading(region, None, [], progress.RegionRow(region=region), [], [])
    facts = records.facts(cycle_id=cycle.pk, prefix=region.prefix)
    rows, villages = progress.board(user=request.user, region=region, cycle=cycle, facts=facts)
    elections = progress.region_elections(user=request.user, region=region, cycle=cycle)
    held = holds.held(elections=elections, cycle=cycle, prefix=region.prefix, facts=facts)
    by_prefix = {row.region.prefix: row for row in rows}
    length = len(rows[0].region.prefix) if rows else 0
    for hold in held:
        row = by_prefix.get(hold.division_code[:length])
        if row is not None:
            row.held += 1
    return Reading(region, cycle, rows, progress.total_row(region, rows), villages, held)


def _breadcrumbs(request, region: Region) -> list[Region]:
    return [
        r
        for r in region.ancestors()
        if request.user.sees_everything or r.code.startswith(request.user.scope_prefix or "")
    ]


def days_text(days: int | None) -> str:
    """Days to a deadline as the board says them: 逾期 N 天, 今天到期, 还剩 N 天."""
    if days is None:
        return ""
    if days < 0:
        return _("Overdue by %(days)s days") % {"days": -days}
    if days == 0:
        return _("Due today")
    return _("%(days)s days left") % {"days": days}


def progress_board(request, code=None):
    """The county's (and township's, city's) reading of progress: villages per stage per township with a
    total row, which gates hold how many villages and which, the villages by their next deadline, and the
    late, overdue and missing steps. The reviewers land here (the overview's addresses redirect here)."""
    reading = _reading(request, code)
    region, rows, villages = reading.region, reading.rows, reading.villages
    flagged = progress.flagged_items(villages)
    total = reading.total
    totals = {
        "villages": len(villages),
        "overdue": total.overdue if rows else sum(v.count("overdue") for v in villages),
        "late": total.late if rows else sum(v.count("late") for v in villages),
        "missing": total.missing if rows else sum(v.count("missing") for v in villages),
        "flagged_villages": sum(1 for v in villages if v.flagged),
        "held": len(reading.held),
    }
    stage_totals = [
        (value, label, sum(1 for v in villages if v.stage == value)) for value, label in Stage.choices
    ]
    groups = reading.groups
    for group in groups:
        group.shown = group.villages[:HELD_SHOWN]
    urgent = reading.urgent
    for v in urgent[:URGENT_SHOWN]:
        v.days_text = days_text(v.days_left)
    listed = villages if region.level in ("township", "village") else []
    for v in listed:
        v.days_text = days_text(v.days_left)
    held_by = {h.election_id: h for h in reading.held}
    for v in listed:
        v.hold = held_by.get(v.election_id)
    return render(
        request,
        "lifecycle/board.html",
        {
            "region": region,
            "cycle": reading.cycle,
            "rows": rows,
            "total": total,
            "villages": listed,
            "groups": groups,
            "urgent": urgent[:URGENT_SHOWN],
            "urgent_count": len(urgent),
            "flagged": flagged[:FLAGGED_LIMIT],
            "flagged_count": len(flagged),
            "totals": totals,
            "stage_totals": stage_totals,
            "stages": Stage.choices,
            "stage_order": progress.STAGE_ORDER,
            "stage_index": progress.STAGE_INDEX,
            "state_labels": progress.STATE_LABELS,
            "breadcrumbs": _breadcrumbs(request, region),
        },
    )


LIST_SORTS = ("urgency", "code")


def _listed(request, reading: Reading) -> tuple[list[progress.VillageProgress], dict]:
    """The villages of the board's list and exports, filtered by ?stage=, ?gate= and ?township= (a code
    under the region) and sorted by ?sort= (urgency: the fewest days to the next deadline first)."""
    stage = request.GET.get("stage", "")
    gate = request.GET.get("gate", "")
    only_held = request.GET.get("held") == "1"
    sort = request.GET.get("sort", "urgency")
    stage = stage if stage in Stage.values else ""
    gate = gate if gate in holds.GATE_TITLES else ""
    sort = sort if sort in LIST_SORTS else "urgency"
    held_by = {h.election_id: h for h in reading.held}
    villages = reading.villages
    if stage:
        villages = [v for v in villages if v.stage == stage]
    if only_held:
        villages = [v for v in villages if v.election_id in held_by]
    if gate:
        villages = [
            v
            for v in villages
            if v.election_id in held_by and any(b.code == gate for b in held_by[v.election_id].blocked)
        ]
    if sort == "urgency":
        far = 10**6
        villages = sorted(
            villages, key=lambda v: (v.days_left if v.days_left is not None else far, v.division_code)
        )
    for v in villages:
        v.hold = held_by.get(v.election_id)
        v.days_text = days_text(v.days_left)
    filters = {
        "stage": stage,
        "stage_label": Stage(stage).label if stage else "",
        "gate": gate,
        "gate_label": holds.GATE_TITLES.get(gate, "") or (_("Held by gates") if only_held else ""),
        "held": only_held,
        "sort": sort,
    }
    return villages, filters


def board_villages(request, code):
    """The villages behind a cell of the board: of a stage, held by a gate, or all by their next deadline."""
    reading = _reading(request, code)
    villages, filters = _listed(request, reading)
    page = Paginator(villages, LIST_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "lifecycle/board_villages.html",
        {
            "region": reading.region,
            "cycle": reading.cycle,
            "page": page,
            "count": len(villages),
            "filters": filters,
            "query": query.urlencode(),
            "stages": Stage.choices,
            "gate_titles": list(holds.GATE_TITLES.items()),
            "breadcrumbs": _breadcrumbs(request, reading.region),
        },
    )


def _export_name(region: Region, what: str) -> str:
    return f"{region.name}{what}.xlsx"


def export_stages(request, code):
    """The stage table as Excel: one row per child region, the region's total last."""
    reading = _reading(request, code)
    headers = [_("Region"), _("Total"), *[str(label) for _v, label in Stage.choices]]
    headers += [_("Steps overdue"), _("Steps done late"), _("Steps missing"), _("Villages held by gates")]
    lines = [
        [
            _("Total") if row is reading.total else row.region.name,
            row.total,
            *[n for _s, n in row.stage_cells()],
            row.overdue,
            row.late,
            row.missing,
            row.held,
        ]
        for row in [*reading.rows, reading.total]
    ]
    return xlsx_response(
        filename=_export_name(reading.region, _("villages per stage")),
        title=_("Villages per stage"),
        headers=headers,
        rows=lines,
    )


def export_holds(request, code):
    """The gates that hold villages as Excel: one row per gate and village held, with what to do."""
    reading = _reading(request, code)
    headers = [_("Gate"), _("Township"), _("Village"), _("Division code"), _("Stage"),
               _("Next stage"), _("What is wrong"), _("How to clear it"), _("Page to clear it")]  # fmt: skip
    base = request.build_absolute_uri("/")[:-1]
    lines = [
        [group.title, hold.township, hold.name, hold.division_code, hold.stage_label,
         hold.target_label, blocked.message, blocked.remedy, base + blocked.url if blocked.url else ""]
        for group in reading.groups
        for hold, blocked in group.villages
    ]  # fmt: skip
    return xlsx_response(
        filename=_export_name(reading.region, _("list of the villages held by gates")),
        title=_("Villages held by gates"),
        headers=headers,
        rows=lines,
    )


def export_villages(request, code):
    """The villages of the list (same filters) as Excel, by urgency (`lifecycle.exports.villages`); a
    worker writes a province's list."""
    return exports.respond(request, "lifecycle.villages", code=code, query=request.GET.urlencode())


def approvals(request):
    """Exceptions waiting for the county: the county decides them here; others see what they asked."""
    pending = progress.pending_exceptions(user=request.user)
    decided = (
        GateException.objects.visible_to(request.user)
        .exclude(status="requested")
        .select_related("election__village__parent", "requested_by", "decided_by")
        .order_by("-decided_at")[:50]
    )
    return render(
        request,
        "lifecycle/approvals.html",
        {
            "pending": pending,
            "decided": decided,
            "can_decide": progress.can_decide_exceptions(request.user),
        },
    )
