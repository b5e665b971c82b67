"""Reads of outgoing audits and term evaluations, for pages and for the rules of other apps.

`audit_completed` is the workflow's gate, `unresolved_findings_count_by_village` an input of the weekly
risk recompute, `rated_incompetent_within` an item of the candidates' negative list.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from elections.models import ElectionCycle, VillageElection

from .models import (
    AuditFinding,
    AuditStatus,
    FinanceCleanup,
    OutgoingAudit,
    Rating,
    Rectification,
    TermEvaluation,
)

IN_CHUNK = 5000  # keeps `resident_id IN (...)` below every database's limit on query parameters


def audit_completed(election: VillageElection) -> bool:
    """The gate of DOMAIN.md "Preparation": election-stage work starts only once the audit is completed."""
    return OutgoingAudit.objects.filter(election=election, status=AuditStatus.COMPLETED).exists()


def unresolved_findings_count_by_village(cycle: ElectionCycle, prefix: str) -> dict[str, int]:
    """Findings not yet rectified, per village division code under `prefix`, in one aggregate query.

    Villages without an unresolved finding are absent from the result (read a missing key as 0).
    """
    rows = (
        AuditFinding.objects.filter(audit__election__cycle=cycle, division_code__startswith=prefix)
        .exclude(rectification=Rectification.RECTIFIED)
        .order_by()
        .values("division_code")
        .annotate(n=Count("id"))
        .values_list("division_code", "n")
    )
    return dict(rows)


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def id_chunks(ids: Iterable[int]):
    """`ids` once each, in slices of IN_CHUNK for an `IN (...)` filter."""
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start : start + IN_CHUNK]


def incompetent_evaluations(
    resident_ids: Iterable[int], *, years: int, on_date: date
) -> list[TermEvaluation]:
    """The evaluations of 不称职 made in the `years` years up to `on_date` (closed at both ends), oldest
    first: what `rated_incompetent_within` and the negative list's evidence (audits.evidence) read."""
    since = years_before(on_date, years)
    rows: list[TermEvaluation] = []
    for chunk in id_chunks(resident_ids):
        rows += TermEvaluation.objects.filter(
            resident_id__in=chunk,
            rating=Rating.INCOMPETENT,
            evaluated_on__gte=since,
            evaluated_on__lte=on_date,
        ).order_by("evaluated_on", "id")
    return rows


def rated_incompetent_within(resident_ids: Iterable[int], *, years: int = 3, on_date: date) -> set[int]:
    """Residents rated incompetent (不称职) in an evaluation made in the `years` years up to `on_date`.

    DOMAIN.md "Candidate vetting": "rated incompetent/unqualified in the last 3 years" is on the negative
    list. The window is closed at both ends: an evaluation made exactly 3 years before counts.
    """
    return {e.resident_id for e in incompetent_evaluations(resident_ids, years=years, on_date=on_date)}


def audit_of(election: VillageElection) -> OutgoingAudit | None:
    return OutgoingAudit.objects.filter(election=election).first()


def findings_of(audit: OutgoingAudit | None) -> QuerySet[AuditFinding]:
    if audit is None:
        return AuditFinding.objects.none()
    return audit.findings.select_related("person").order_by("id")


def cleanup_of(election: VillageElection) -> FinanceCleanup | None:
    return FinanceCleanup.objects.filter(election=election).first()


def evaluations_in_village(*, user: User, division_code: str) -> QuerySet[TermEvaluation]:
    return (
        TermEvaluation.objects.visible_to(user)
        .filter(division_code=division_code)
        .select_related("resident")
        .order_by("-year", "resident__name")
    )


def audit_overview(*, user: User, cycle: ElectionCycle | None, status: str = "") -> QuerySet[VillageElection]:
    """The user's village elections of a cycle with their audit and unresolved findings, for the list.

    `status` filters on the audit's status; "none" selects the villages with no audit recorded.
    """
    if cycle is None:
        return VillageElection.objects.none()
    elections = (
        VillageElection.objects.visible_to(user)
        .filter(cycle=cycle)
        .select_related("village", "village__parent", "outgoing_audit")
        .annotate(
            unresolved=Count(
                "outgoing_audit__findings",
                filter=~Q(outgoing_audit__findings__rectification=Rectification.RECTIFIED),
            )
        )
        .order_by("division_code")
    )
    if status == "none":
        elections = elections.filter(outgoing_audit__isnull=True)
    elif status in AuditStatus.values:
        elections = elections.filter(outgoing_audit__status=status)
    return elections
