"""Reads of the risk rating: a cycle's weights, the workflow gate, and the pages' data.

`red_village_open(election)` is the lifecycle's gate "不销号、不撤组、不启动换届" (DOMAIN.md): a red village's
election does not start until a county user closes its rectification plan out.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import User
from elections.models import ElectionCycle, VillageElection

from .indicators import default_weights
from .models import (
    DisciplineReport,
    IndicatorWeight,
    Interview,
    Petition,
    PlanStatus,
    RectificationPlan,
    RiskSnapshot,
    WeeklyAssessment,
)
from .scoring import Colour


def cycle_weights(cycle: ElectionCycle) -> dict[str, tuple[Decimal, Decimal]]:
    """``{code: (weight, cap)}`` of the cycle: its IndicatorWeight rows over the catalogue's defaults."""
    weights = default_weights()
    weights.update(
        (code, (weight, cap))
        for code, weight, cap in IndicatorWeight.objects.filter(cycle=cycle).values_list(
            "code", "weight", "cap"
        )
    )
    return weights


def latest_snapshot(election: VillageElection) -> RiskSnapshot | None:
    return RiskSnapshot.objects.filter(election=election).order_by("-week").first()


def open_plan(election: VillageElection) -> RectificationPlan | None:
    return RectificationPlan.objects.filter(election=election, status=PlanStatus.OPEN).first()


def red_village_open(election: VillageElection) -> bool:
    """Whether the village is a red village not closed out, so its election may not start.

    True while a rectification plan is open, or when its latest weekly rating is red and no plan was
    closed out on or after that rating's Monday (a village red again after a close-out needs a new plan).
    False for a village never rated red, and once the county has closed its plan out.
    """
    if RectificationPlan.objects.filter(election=election, status=PlanStatus.OPEN).exists():
        return True
    latest = latest_snapshot(election)
    if latest is None or latest.colour != Colour.RED:
        return False
    return not RectificationPlan.objects.filter(
        election=election, status=PlanStatus.CLOSED_OUT, closed_out_on__gte=latest.week
    ).exists()


def village_history(election: VillageElection) -> list[RiskSnapshot]:
    return list(RiskSnapshot.objects.filter(election=election).order_by("week"))


def plans_of(election: VillageElection) -> QuerySet[RectificationPlan]:
    return (
        RectificationPlan.objects.filter(election=election)
        .select_related("closed_out_by", "created_by")
        .prefetch_related("tasks")
        .order_by("-created_at")
    )


def petitions_of(*, user: User, election: VillageElection) -> QuerySet[Petition]:
    return Petition.objects.visible_to(user).filter(election=election).order_by("resolved_on", "-received_on")


def reports_of(*, user: User, election: VillageElection) -> QuerySet[DisciplineReport]:
    return (
        DisciplineReport.objects.visible_to(user)
        .filter(election=election)
        .select_related("accused")
        .order_by("resolved_on", "-received_on")
    )


def people_reportable(election: VillageElection) -> list[tuple[int, str]]:
    """The village's nominees of this election, each once, as a report may name them (name and bodies)."""
    from candidates.choices import NominationState
    from candidates.models import Nomination

    people: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for nomination in (
        Nomination.objects.filter(election=election)
        .exclude(state=NominationState.WITHDRAWN)
        .select_related("resident")
        .order_by("resident__name", "resident_id", "body")
    ):
        names[nomination.resident_id] = nomination.resident.name
        people.setdefault(nomination.resident_id, []).append(str(nomination.get_position_display()))
    return [(pk, f"{names[pk]}（{'、'.join(positions)}）") for pk, positions in people.items()]


def interviews_of(*, user: User, election: VillageElection) -> QuerySet[Interview]:
    return Interview.objects.visible_to(user).filter(election=election).select_related("recorded_by")


def assessments_of(*, user: User, election: VillageElection) -> QuerySet[WeeklyAssessment]:
    return (
        WeeklyAssessment.objects.visible_to(user)
        .filter(election=election)
        .select_related("recorded_by")
        .order_by("-week")
    )
