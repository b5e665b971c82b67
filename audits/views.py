"""The outgoing-audit pages: the list of a user's villages and one village election's audit page.

Views parse input and call audits.services; township and county staff change, everyone else who may see
the village reads.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from accounts.scoping import get_visible_or_404
from elections import permits
from elections.models import VillageElection
from elections.selectors import current_cycle
from voters.models import Resident
from voters.rules import normalise_id_number

from . import codes, forms, selectors, services
from .filters import AuditOverviewFilter
from .models import Rectification

PAGE_SIZE = 50


def audit_list(request):
    """Every village election of the current cycle in the user's jurisdiction, with its audit."""
    cycle = current_cycle(user=request.user)
    base = selectors.audit_overview(user=request.user, cycle=cycle)
    filterset = AuditOverviewFilter(request.GET or None, queryset=base, user=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audits/list.html",
        {"cycle": cycle, "filter": filterset, "page": page, "query": query.urlencode()},
    )


def _audit_or_404(election):
    audit = selectors.audit_of(election)
    if audit is None:
        raise Http404
    return audit


def _finding_or_404(election, pk):
    finding = selectors.findings_of(_audit_or_404(election)).select_related("audit").filter(pk=pk).first()
    if finding is None:
        raise Http404
    return finding


def _record(request, election, data):
    services.record_audit(election=election, by=request.user, **data)


def _start(request, election, data):
    services.start_audit(audit=_audit_or_404(election), by=request.user, **data)


def _resident_of(request, election, raw_id_number):
    """The village's resident with this ID number, or the coded refusal a clerk reads."""
    resident = (
        Resident.objects.visible_to(request.user)
        .filter(division_code=election.division_code, id_number=normalise_id_number(raw_id_number))
        .first()
    )
    if resident is None:
        raise ValidationError(codes.MESSAGES[codes.RESIDENT_UNKNOWN], code=codes.RESIDENT_UNKNOWN)
    return resident


def _add_finding(request, election, data):
    person = _resident_of(request, election, data["id_number"]) if data["id_number"].strip() else None
    services.add_finding(
        audit=_audit_or_404(election),
        description=data["description"],
        person=person,
        severity=data["severity"],
        amount=data["amount"] if data["amount"] is not None else Decimal("0"),
        note=data["note"],
        by=request.user,
    )


def _assess(request, election, data):
    services.assess_finding(
        finding=_finding_or_404(election, data["finding"]),
        severity=data["severity"],
        amount=data["amount"],
        by=request.user,
    )


def _rectify(request, election, data):
    services.rectify_finding(
        finding=_finding_or_404(election, data["finding"]),
        status=data["status"],
        rectified_on=data["rectified_on"],
        note=data["note"],
        by=request.user,
    )


def _complete(request, election, data):
    services.complete_audit(audit=_audit_or_404(election), by=request.user, **data)


def _publish(request, election, data):
    services.publish_audit(audit=_audit_or_404(election), by=request.user, **data)


def _cleanup(request, election, data):
    services.record_finance_cleanup(election=election, by=request.user, **data)


def _evaluate(request, election, data):
    resident = _resident_of(request, election, data["id_number"])
    services.record_term_evaluation(
        resident=resident,
        year=data["year"],
        position=data["position"],
        rating=data["rating"],
        evaluated_on=data["evaluated_on"],
        evaluated_by=data["evaluated_by"],
        by=request.user,
    )


# action (the submit button's value, and the form's prefix) → form, handler, message on success
ACTIONS = {
    "record": (forms.AuditForm, _record, gettext_lazy("The audit was recorded.")),
    "start": (forms.StartForm, _start, gettext_lazy("The audit has started.")),
    "finding": (forms.FindingForm, _add_finding, gettext_lazy("The finding was added.")),
    "assess": (forms.AssessForm, _assess, gettext_lazy("The finding was assessed.")),
    "rectify": (forms.RectifyForm, _rectify, gettext_lazy("The rectification was recorded.")),
    "complete": (forms.CompleteForm, _complete, gettext_lazy("The audit is completed.")),
    "publish": (forms.PublishForm, _publish, gettext_lazy("The publication was recorded.")),
    "cleanup": (forms.CleanupForm, _cleanup, gettext_lazy("The finance clean-up was recorded.")),
    "evaluation": (forms.EvaluationForm, _evaluate, gettext_lazy("The evaluation was recorded.")),
}


def audit_page(request, pk):
    """One village election's outgoing audit, findings, finance clean-up and term evaluations."""
    election = get_visible_or_404(
        VillageElection.objects.select_related("village", "village__parent", "cycle"), request.user, pk=pk
    )
    editable = services.can_edit(request.user, election.division_code)
    bound = {}
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        form_class, handler, done = ACTIONS[action]
        form = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                handler(request, election, form.cleaned_data)
            except ValidationError as error:
                refused = permits.explain(error)  # a stage's refusal, with the link to the steps page
                if refused is None:
                    form.add_error(None, error)
                else:  # nothing to correct in the form: the page says why, and what to do
                    messages.error(request, refused)
                    return redirect(request.path)
            else:
                messages.success(request, done)
                return redirect(request.path)
        bound[action] = form
        status = 400
    audit = selectors.audit_of(election)
    findings = list(selectors.findings_of(audit))
    cleanup = selectors.cleanup_of(election)
    if cleanup is not None and "cleanup" not in bound:
        fields = ["completed_on", "funds_yuan", "assets_yuan", "resources_mu", "notes"]
        bound["cleanup"] = forms.CleanupForm(
            prefix="cleanup", initial={f: getattr(cleanup, f) for f in fields}
        )
    closed = permits.refusal(election, services.AUDITS_WORK) if editable else None
    context = {
        "election": election,
        "village": election.village,
        "editable": editable and closed is None,  # the forms are offered only where the stage permits
        "closed": closed,
        "audit": audit,
        "gate_open": selectors.audit_completed(election),
        "findings": findings,
        "unresolved": sum(f.rectification != Rectification.RECTIFIED for f in findings),
        "total_amount": sum((f.amount for f in findings), Decimal("0")),
        "cleanup": cleanup,
        "evaluations": selectors.evaluations_in_village(
            user=request.user, division_code=election.division_code
        ),
        "forms": {
            name: bound.get(name) or form_class(prefix=name) for name, (form_class, _h, _d) in ACTIONS.items()
        },
        "failed": next((f for f in bound.values() if f.is_bound), None),
    }
    return render(request, "audits/election.html", context, status=status)
