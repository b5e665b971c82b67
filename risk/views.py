"""The risk pages: the three-colour dashboard, a village's rating and rectification, the weekly assessment.

Views parse input and call risk.services (writes) or risk.dashboard / risk.selectors (reads); every row
comes through `.visible_to(user)` or `get_visible_or_404`.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import may
from accounts.roles import Role
from accounts.scoping import get_visible_or_404
from elections import exports
from elections.models import Region, VillageElection
from elections.selectors import current_cycle, region_for_overview
from voters.models import Resident

from . import dashboard as boards
from . import forms, selectors, services
from .indicators import DEFAULT_INDICATORS, DIMENSION_LABELS, Dimension
from .models import MANUAL_CODES, PlanStatus, RectificationTask, RiskSnapshot, WeeklyAssessment
from .scoring import colour_label
from .weeks import week_of

INDICATOR_LABELS = {ind.code: ind.label for ind in DEFAULT_INDICATORS}
INDICATOR_DIMENSION = {ind.code: ind.dimension for ind in DEFAULT_INDICATORS}


def _require_reader(user) -> None:
    """The dashboards are for the organization departments and township offices (and administrators)."""
    if not may(user, "risk.read"):
        raise PermissionDenied


def _week_param(value: str | None) -> date | None:
    try:
        return week_of(date.fromisoformat(value)) if value else None
    except ValueError:
        return None


def _breadcrumbs(user, region: Region) -> list[Region]:
    """The regions above this one that the user may open (a link above the jurisdiction would be a 404)."""
    return [
        r for r in region.ancestors() if user.sees_everything or r.code.startswith(user.scope_prefix or "")
    ]


def _labels(cycle) -> dict[str, str]:
    middle = cycle.risk_middle_label if cycle else "orange"
    return {c: str(colour_label(c, middle)) for c in ("red", "orange", "green")}


def _region_options(choices, selected: str) -> str:
    """The region filter's options as one string: a city has hundreds of townships."""
    return mark_safe(  # every text in it is escaped
        "".join(
            f'<option value="{code}"{" selected" if code == selected else ""}>'
            f"{'　' if level == 'township' else ''}{escape(name)}</option>"
            for code, name, level in choices
        )
    )


def dashboard(request, code=None):
    """The three-colour dashboard of a region (the user's own by default) for one week."""
    region = region_for_overview(user=request.user, code=request.GET.get("region") or code)
    _require_reader(request.user)
    if region.level == "village":
        raise Http404
    cycle = current_cycle(user=request.user)
    weeks = boards.weeks_for(region, cycle, _week_param(request.GET.get("week")))
    data = boards.dashboard(user=request.user, region=region, cycle=cycle, weeks=weeks) if cycle else None
    home = region_for_overview(user=request.user, code=None)
    choices = (
        Region.objects.visible_to(request.user)
        .filter(code__startswith=home.prefix, level__in=("county", "township"))
        .exclude(code=home.code)  # the user's own region heads the list once
        .order_by("code")
        .values_list("code", "name", "level")
    )
    return render(
        request,
        "risk/dashboard.html",
        {
            "region": region,
            "cycle": cycle,
            "weeks": weeks,
            "data": data,
            "labels": _labels(cycle),
            "region_options": _region_options([(home.code, home.name, home.level), *choices], region.code),
            "breadcrumbs": _breadcrumbs(request.user, region),
            "can_assess": may(request.user, services.ASSESS, region.code) and region.level == "township",
        },
    )


def export(request):
    """The week's ratings under a region as Excel (`risk.exports.ratings`); a worker writes a big one."""
    return exports.respond(
        request,
        "risk.ratings",
        region=request.GET.get("region") or None,
        week=request.GET.get("week") or None,
    )


def _task_or_404(election, pk) -> RectificationTask:
    task = RectificationTask.objects.filter(plan__election=election, pk=pk).select_related("plan").first()
    if task is None:
        raise Http404
    return task


def _open_plan_or_404(election):
    plan = selectors.open_plan(election)
    if plan is None:
        raise Http404
    return plan


def _plan(request, election, data):
    services.open_plan(election=election, by=request.user, **data)


def _task(request, election, data):
    services.add_task(plan=_open_plan_or_404(election), by=request.user, **data)


def _close_task(request, election, data):
    services.close_task(
        task=_task_or_404(election, data["task"]),
        closed_on=data["closed_on"],
        result=data["result"],
        by=request.user,
    )


def _close_out(request, election, data):
    services.close_out(plan=_open_plan_or_404(election), note=data["note"], by=request.user)


def _interview(request, election, data):
    services.record_interview(election=election, by=request.user, **data)


def _petition(request, election, data):
    services.record_petition(election=election, by=request.user, **data)


def _resolve_petition(request, election, data):
    petition = (
        selectors.petitions_of(user=request.user, election=election).filter(pk=data["petition"]).first()
    )
    if petition is None:
        raise Http404
    services.resolve_petition(
        petition=petition, resolved_on=data["resolved_on"], resolution=data["resolution"], by=request.user
    )


def _accused(election, resident_id):
    if resident_id is None:
        return None
    resident = Resident.objects.filter(pk=resident_id, division_code=election.division_code).first()
    if resident is None:
        raise Http404
    return resident


def _report(request, election, data):
    data = dict(data)
    data["accused"] = _accused(election, data.get("accused"))
    services.record_report(election=election, by=request.user, **data)


def _resolve_report(request, election, data):
    report = selectors.reports_of(user=request.user, election=election).filter(pk=data["report"]).first()
    if report is None:
        raise Http404
    services.resolve_report(
        report=report,
        outcome=data["outcome"],
        resolved_on=data["resolved_on"],
        resolution=data["resolution"],
        accused=_accused(election, data.get("accused")),
        by=request.user,
    )


# action (the submit button's value and the form's prefix) → form, handler, who may (accounts.permissions),
# message on success
ACTIONS = {
    "plan": (forms.PlanForm, _plan, services.PLAN, gettext_lazy("The rectification plan was opened.")),
    "task": (forms.TaskForm, _task, services.PLAN, gettext_lazy("The task was added.")),
    "close_task": (forms.CloseTaskForm, _close_task, services.PLAN, gettext_lazy("The task was closed.")),
    "close_out": (
        forms.CloseOutForm,
        _close_out,
        services.CLOSE,
        gettext_lazy("The village is closed out: its election may start."),
    ),
    "interview": (
        forms.InterviewForm,
        _interview,
        services.INTERVIEW,
        gettext_lazy("The interview was recorded."),
    ),
    "petition": (
        forms.PetitionForm,
        _petition,
        services.RECORD,
        gettext_lazy("The petition was recorded."),
    ),
    "resolve_petition": (
        forms.ResolvePetitionForm,
        _resolve_petition,
        services.RECORD,
        gettext_lazy("The petition is resolved."),
    ),
    "report": (forms.ReportForm, _report, services.RECORD, gettext_lazy("The report was recorded.")),
    "resolve_report": (
        forms.ResolveReportForm,
        _resolve_report,
        services.RECORD,
        gettext_lazy("The outcome of the report was recorded."),
    ),
}


def _offered(forms_by_name: dict, people) -> dict:
    for form in forms_by_name.values():
        if hasattr(form, "offer"):
            form.offer(people)
    return forms_by_name


def _breakdown_rows(snapshot: RiskSnapshot | None) -> list[dict]:
    """The five dimensions with their deductions and, under each, its indicators' values."""
    if snapshot is None:
        return []
    breakdown = snapshot.breakdown
    indicators = breakdown.get("indicators", {})
    rows = []
    for dimension in Dimension:
        lines = [
            {
                "label": INDICATOR_LABELS[code],
                "value": indicators[code]["value"] if code in indicators else None,
                "deduction": indicators[code]["deduction"] if code in indicators else None,
            }
            for code in INDICATOR_LABELS
            if INDICATOR_DIMENSION[code] == dimension
        ]
        rows.append(
            {
                "key": dimension.value,
                "label": DIMENSION_LABELS[dimension],
                "deduction": breakdown.get("dimensions", {}).get(dimension.value, "0.00"),
                "indicators": lines,
            }
        )
    return rows


def village(request, pk):
    """One village's rating: the breakdown by the five dimensions, its weeks, its plan, flags and records."""
    election = get_visible_or_404(
        VillageElection.objects.select_related("village", "village__parent", "cycle"), request.user, pk=pk
    )
    _require_reader(request.user)
    people = selectors.people_reportable(election)
    bound = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        form_class, handler, permission, done = ACTIONS[action]
        if not may(request.user, permission, election.division_code):
            raise PermissionDenied
        form = form_class(request.POST, prefix=action)
        if hasattr(form, "offer"):
            form.offer(people)
        if form.is_valid():
            try:
                handler(request, election, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, done)
                return redirect(request.path)
        bound[action] = form
        status = 400
    history = selectors.village_history(election)
    latest = history[-1] if history else None
    plans = list(selectors.plans_of(election))
    today = timezone.localdate()
    allowed = {
        name: may(request.user, permission, election.division_code)
        for name, (_f, _h, permission, _d) in ACTIONS.items()
    }
    context = {
        "election": election,
        "village": election.village,
        "breadcrumbs": [r for r in _breadcrumbs(request.user, election.village) if r.level != "province"],
        "latest": latest,
        "labels": _labels(election.cycle),
        "dimensions": _breakdown_rows(latest),
        "history": history,
        "chart": {
            "weeks": [s.week.isoformat() for s in history],
            "scores": [float(s.score) for s in history],
            "red_max": float(election.cycle.risk_red_max),
            "green_min": float(election.cycle.risk_green_min),
            "dimensions": [str(DIMENSION_LABELS[d]) for d in Dimension],
            "deductions": [float(latest.breakdown["dimensions"][d.value]) for d in Dimension]
            if latest
            else [],
        },
        "plans": plans,
        "open_plan": next((p for p in plans if p.status == PlanStatus.OPEN), None),
        "gate_open": selectors.red_village_open(election),
        "today": today,
        "petitions": selectors.petitions_of(user=request.user, election=election),
        "reports": selectors.reports_of(user=request.user, election=election),
        "interviews": selectors.interviews_of(user=request.user, election=election),
        "assessments": selectors.assessments_of(user=request.user, election=election)[:8],
        "allowed": allowed,
        "forms": _offered(
            {
                name: bound.get(name) or form_class(prefix=name)
                for name, (form_class, _h, _r, _d) in ACTIONS.items()
            },
            people,
        ),
        "failed": next((f for f in bound.values() if f.is_bound), None),
    }
    return render(request, "risk/village.html", context, status=status)


def assessment_index(request):
    """Where the weekly assessment starts: a township user's own township, else a choice of townships."""
    user = request.user
    if user.role == Role.TOWNSHIP and user.region_id:
        return redirect("risk:assessment_township", code=user.region.code)
    _require_reader(user)
    townships = (
        Region.objects.visible_to(user).filter(level="township").select_related("parent").order_by("code")
    )
    return render(request, "risk/assessment_index.html", {"townships": townships})


def _assessment_rows(user, township: Region, week: date, cycle) -> list[dict]:
    """Every village election of the township with the assessment that applies to `week` (3 queries)."""
    elections = list(
        VillageElection.objects.visible_to(user)
        .filter(cycle=cycle, division_code__startswith=township.prefix)
        .select_related("village")
        .order_by("division_code")
    )
    latest: dict[int, WeeklyAssessment] = {}
    for assessment in (
        WeeklyAssessment.objects.visible_to(user)
        .filter(election__in=elections, week__lte=week)
        .select_related("recorded_by")
        .order_by("election_id", "-week")
    ):
        latest.setdefault(assessment.election_id, assessment)
    colours = dict(
        RiskSnapshot.objects.visible_to(user)
        .filter(election__in=elections, week__lte=week)
        .order_by("election_id", "week")
        .values_list("election_id", "colour")
    )
    return [_assessment_row(e, latest.get(e.pk), colours.get(e.pk), week) for e in elections]


def _assessment_row(election, assessment, colour, week, form=None, saved=False) -> dict:
    initial = {code: getattr(assessment, code) if assessment else 0 for code in MANUAL_CODES}
    initial["note"] = assessment.note if assessment and assessment.week == week else ""
    return {
        "election": election,
        "assessment": assessment,
        "carried": assessment is not None and assessment.week != week,
        "colour": colour,
        "form": form or forms.AssessmentRowForm(prefix=f"e{election.pk}", initial=initial),
        "saved": saved,
    }


def _save_row(request, election, week) -> tuple[forms.AssessmentRowForm, bool]:
    form = forms.AssessmentRowForm(request.POST, prefix=f"e{election.pk}")
    if not form.is_valid():
        return form, False
    values = {code: form.cleaned_data[code] for code in MANUAL_CODES}
    try:
        services.record_assessment(
            election=election, week=week, values=values, note=form.cleaned_data["note"], by=request.user
        )
    except ValidationError as error:
        form.add_error(None, error)
        return form, False
    return form, True


def assessment_township(request, code):
    """The township's weekly assessment: every village in one table, saved row by row (htmx) or at once."""
    township = get_visible_or_404(Region.objects.select_related("parent"), request.user, code=code)
    if township.level != "township":
        raise Http404
    _require_reader(request.user)
    cycle = current_cycle(user=request.user)
    week = _week_param(request.GET.get("week") or request.POST.get("week")) or week_of(timezone.localdate())
    editable = may(request.user, services.ASSESS, township.code)
    rows = _assessment_rows(request.user, township, week, cycle) if cycle else []
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        failed = 0
        for row in rows:
            form, ok = _save_row(request, row["election"], week)
            if not ok:
                row["form"] = form
                failed += 1
        if not failed:
            messages.success(request, _("The assessment of %(n)s villages was saved.") % {"n": len(rows)})
            return redirect(f"{request.path}?week={week.isoformat()}")
        status = 400
    return render(
        request,
        "risk/assessment.html",
        {
            "township": township,
            "breadcrumbs": _breadcrumbs(request.user, township)[-1:],
            "cycle": cycle,
            "week": week,
            "rows": rows,
            "editable": editable,
            "labels": _labels(cycle),
            "level_max": forms.AssessmentRowForm.level_max,
        },
        status=status,
    )


@require_POST
def assessment_row(request, pk):
    """Save one village's row of the weekly assessment (the table's htmx partial save)."""
    election = get_visible_or_404(VillageElection.objects.select_related("village"), request.user, pk=pk)
    if not may(request.user, services.ASSESS, election.division_code):
        raise PermissionDenied
    week = _week_param(request.POST.get("week")) or week_of(timezone.localdate())
    form, saved = _save_row(request, election, week)
    assessment = WeeklyAssessment.objects.filter(election=election, week__lte=week).order_by("-week").first()
    colour = (
        RiskSnapshot.objects.filter(election=election, week__lte=week)
        .order_by("-week")
        .values_list("colour", flat=True)
        .first()
    )
    row = _assessment_row(election, assessment, colour, week, form=None if saved else form, saved=saved)
    if not request.htmx:
        return redirect("risk:assessment_township", code=election.division_code[:9].ljust(12, "0"))
    # Only the row's status cell is swapped: the inputs stay as the user left them while saves run.
    return render(request, "risk/_assessment_status.html", {"row": row})
