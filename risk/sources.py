"""Where each automatic indicator's value comes from: one function per indicator, one query each.

Every source has the same shape: ``source(scope) -> {division_code: value}`` for the villages of the cycle
under ``scope.prefix`` (a county, for the weekly recompute), as of ``scope.as_of`` (the snapshot's
Monday). A village missing from the result has the value 0. The weekly recompute calls every source
in ``AUTO_SOURCES`` once per county, so the number of queries does not grow with the number of villages:
a source must be one grouped aggregate, never a query per village.

Pending sources. Four indicators read apps that are being built in parallel (the lifecycle and the
candidates app). Their functions below are marked ``@pending(app)`` and return ``{}``: the recompute then
leaves the indicator out of the breakdown (it deducts nothing and shows as "no data yet"), instead of
claiming 0 overdue steps or a candidate that nobody looked for. To wire one: replace the body with the
grouped query (the docstring says what to count) and remove the decorator. Nothing else changes: the
recompute reads ``AUTO_SOURCES`` and ``is_pending``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from audits.models import Rating, TermEvaluation
from audits.selectors import unresolved_findings_count_by_village, years_before
from elections.models import ElectionCycle, VillageElection
from voters.models import ImportJob

from .models import DisciplineReport, Petition, ReportOutcome

#: Term evaluations count over the same window as the negative list (DOMAIN.md "Candidate vetting").
EVALUATION_YEARS = 3


@dataclass(frozen=True)
class SourceScope:
    """What every source reads: the cycle, a division-code prefix, and the day the values are taken on."""

    cycle: ElectionCycle
    prefix: str
    as_of: date


Source = Callable[[SourceScope], Mapping[str, int]]


def pending(app: str) -> Callable[[Source], Source]:
    """Mark a source whose app does not provide data yet (see the module docstring)."""

    def mark(function: Source) -> Source:
        function.pending_app = app  # type: ignore[attr-defined]
        return function

    return mark


def is_pending(source: Source) -> bool:
    return hasattr(source, "pending_app")


def weak_party_organization(scope: SourceScope) -> dict[str, int]:
    """1 for a village flagged "weak and lax Party organization" (软弱涣散) on its region."""
    rows = VillageElection.objects.filter(
        cycle=scope.cycle, division_code__startswith=scope.prefix, village__weak_party_organization=True
    ).values_list("division_code", flat=True)
    return dict.fromkeys(rows, 1)


def term_evaluation_incompetent(scope: SourceScope) -> dict[str, int]:
    """Ratings "incompetent" (不称职) of the village's cadres evaluated in the 3 years up to the day."""
    rows = (
        TermEvaluation.objects.filter(
            division_code__startswith=scope.prefix,
            rating=Rating.INCOMPETENT,
            evaluated_on__gte=years_before(scope.as_of, EVALUATION_YEARS),
            evaluated_on__lte=scope.as_of,
        )
        .order_by()
        .values("division_code")
        .annotate(n=Count("id"))
        .values_list("division_code", "n")
    )
    return dict(rows)


def unresolved_audit_findings(scope: SourceScope) -> dict[str, int]:
    """Outgoing-audit findings not yet rectified (the audits app's own count; its present state)."""
    return unresolved_findings_count_by_village(scope.cycle, scope.prefix)


def open_petitions(scope: SourceScope) -> dict[str, int]:
    """Petitions received on or before the day and not resolved by then (the petition backlog)."""
    rows = (
        Petition.objects.filter(
            election__cycle=scope.cycle, division_code__startswith=scope.prefix, received_on__lte=scope.as_of
        )
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=scope.as_of))
        .order_by()
        .values("division_code")
        .annotate(n=Count("id"))
        .values_list("division_code", "n")
    )
    return dict(rows)


def vote_buying_reports(scope: SourceScope) -> dict[str, int]:
    """Discipline reports received by the day, except those found unfounded by then."""
    unfounded = Q(outcome=ReportOutcome.UNFOUNDED, resolved_on__lte=scope.as_of)
    rows = (
        DisciplineReport.objects.filter(
            election__cycle=scope.cycle, division_code__startswith=scope.prefix, received_on__lte=scope.as_of
        )
        .exclude(unfounded)
        .order_by()
        .values("division_code")
        .annotate(n=Count("id"))
        .values_list("division_code", "n")
    )
    return dict(rows)


def roll_conflicts(scope: SourceScope) -> dict[str, int]:
    """People on the village's latest roll upload who are already on another village's roll.

    The same reading as the roll-conflicts page (voters.selectors.conflicts): the newest import job of
    each village election, its duplicates of kind "other_village". Only the duplicates list is fetched.
    """
    rows = (
        ImportJob.objects.filter(election__cycle=scope.cycle, division_code__startswith=scope.prefix)
        .order_by("election_id", "-created_at", "-id")
        .values_list("election_id", "division_code", "result__duplicates")
    )
    counts: dict[str, int] = {}
    seen: set[int] = set()
    for election_id, code, duplicates in rows:
        if election_id in seen:
            continue
        seen.add(election_id)
        n = sum(1 for dup in duplicates or () if isinstance(dup, dict) and dup.get("kind") == "other_village")
        if n:
            counts[code] = n
    return counts


@pending("lifecycle")
def overdue_election_steps(scope: SourceScope) -> dict[str, int]:
    """Lifecycle steps past their statutory deadline and not done, as of the day (DOMAIN.md: a roll
    published late, a candidate list published 4 days before): count per village, one grouped query."""
    return {}


@pending("candidates")
def no_secretary_chair_candidate(scope: SourceScope) -> dict[str, int]:
    """1 for a village with no reserve candidate for secretary-and-chair ("一肩挑"人选) identified."""
    return {}


@pending("candidates")
def no_woman_candidate(scope: SourceScope) -> dict[str, int]:
    """1 for a village with no woman among its (reserve or nominated) candidates."""
    return {}


@pending("candidates")
def no_young_graduate_candidate(scope: SourceScope) -> dict[str, int]:
    """1 for a village with no candidate aged 35 or under with a college degree (大专)."""
    return {}


#: indicator code → source; the keys are exactly the automatic indicators of risk.indicators.
AUTO_SOURCES: dict[str, Source] = {
    "weak_party_organization": weak_party_organization,
    "term_evaluation_incompetent": term_evaluation_incompetent,
    "unresolved_audit_findings": unresolved_audit_findings,
    "overdue_election_steps": overdue_election_steps,
    "no_secretary_chair_candidate": no_secretary_chair_candidate,
    "no_woman_candidate": no_woman_candidate,
    "no_young_graduate_candidate": no_young_graduate_candidate,
    "open_petitions": open_petitions,
    "vote_buying_reports": vote_buying_reports,
    "roll_conflicts": roll_conflicts,
}
