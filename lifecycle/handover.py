"""Writes of the handover (交接, DOMAIN.md "Handover"): the outgoing committees hand seals, archives and the
three assets (funds, assets, resources) to the new ones within `handover_days` of the result.

The list is counted by both teams; a difference or any other problem is recorded with how it was
resolved; both teams sign; the township signs it off, which completes the handover step and opens the
gate to "completed". A handover later than the deadline is flagged on the boards, not refused: it is a
violation to report (DOMAIN.md), and refusing it would leave the village without a handover at all.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from elections.models import Stage, VillageElection
from elections.races import insert_once
from trail.services import anchor_on_commit

from . import codes, progress, records
from .models import (
    Handover,
    HandoverCategory,
    HandoverItem,
    HandoverProblem,
    StepSource,
)
from .workflow import _error, _require, can_move_stage, refresh_village_reminders

HANDOVER_STAGES = frozenset({Stage.HANDOVER, Stage.COMPLETED})


def _editable(handover: Handover, by: User) -> None:
    _require(can_move_stage(by, handover.election))
    # Read from the database: the caller's copy may predate the sign-off.
    if Handover.objects.filter(pk=handover.pk, signed_off_at__isnull=False).exists():
        raise _error(codes.HANDOVER_SIGNED)


def result_on(election: VillageElection) -> date | None:
    """The result the handover's days run from (lifecycle.progress.result_date): the day the villagers'
    vote was counted and confirmed (lifecycle.records)."""
    voting = records.facts_of(election).get(StepSource.VOTE_COUNTED)
    return progress.result_date(
        stage=election.stage, election_day=election.election_day, voting_done_on=voting
    )


@transaction.atomic
def open_handover(*, election: VillageElection, by: User) -> Handover:
    """Start the handover of a village that has reached the handover stage (idempotent)."""
    _require(can_move_stage(by, election))
    same_election = Handover.objects.filter(election=election)
    existing = same_election.first()
    if existing is not None:
        return existing
    if election.stage not in HANDOVER_STAGES:
        raise _error(codes.HANDOVER_STAGE)
    handover = Handover(election=election, result_on=result_on(election) or timezone.localdate())
    # A concurrent twin that opened it first: its handover is the answer, as for a sequential call.
    return insert_once(handover, twin=same_election)


@transaction.atomic
def add_item(
    *,
    handover: Handover,
    category: str,
    description: str,
    quantity_listed: Decimal,
    by: User,
    unit: str = "",
) -> HandoverItem:
    """Add a line to the handover list, as counted by the outgoing team."""
    _editable(handover, by)
    item = HandoverItem(
        handover=handover,
        category=HandoverCategory(category),
        description=description.strip(),
        unit=unit.strip(),
        quantity_listed=quantity_listed,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def confirm_item(*, item: HandoverItem, quantity_received: Decimal, by: User) -> HandoverItem:
    """The new team's count of one line."""
    _editable(item.handover, by)
    item.quantity_received = quantity_received
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def add_problem(*, handover: Handover, description: str, by: User) -> HandoverProblem:
    _editable(handover, by)
    problem = HandoverProblem(handover=handover, description=description.strip())
    problem.full_clean()
    problem.save()
    return problem


@transaction.atomic
def resolve_problem(
    *, problem: HandoverProblem, resolution: str, resolved_on: date, by: User
) -> HandoverProblem:
    _editable(problem.handover, by)
    if resolved_on > timezone.localdate():
        raise _error(codes.STEP_DATE_FUTURE)
    problem.resolution = resolution.strip()
    problem.resolved_on = resolved_on
    problem.full_clean()
    problem.save()
    return problem


@transaction.atomic
def record_signatures(
    *,
    handover: Handover,
    handed_over_on: date,
    outgoing_signatory: str,
    incoming_signatory: str,
    by: User,
    witness: str = "",
    note: str = "",
) -> Handover:
    """The date of the handover and the names of those who signed for each team."""
    _editable(handover, by)
    if handed_over_on < handover.result_on or handed_over_on > timezone.localdate():
        raise _error(codes.HANDOVER_DATE)
    handover.handed_over_on = handed_over_on
    handover.outgoing_signatory = outgoing_signatory.strip()
    handover.incoming_signatory = incoming_signatory.strip()
    handover.witness = witness.strip()
    handover.note = note.strip()
    handover.full_clean()
    handover.save()
    return handover


def sign_off_problems(handover: Handover) -> list[ValidationError]:
    """What still stands between the handover and its sign-off (empty: it may be signed off)."""
    items = list(handover.items.all())
    problems = list(handover.problems.all())
    found = []
    listed = {i.category for i in items}
    if not listed >= set(HandoverCategory.values):
        found.append(_error(codes.HANDOVER_ITEMS_MISSING))
    if any(i.quantity_received is None for i in items):
        found.append(_error(codes.HANDOVER_ITEM_UNCOUNTED))
    elif any(not i.matches for i in items) and not problems:
        found.append(_error(codes.HANDOVER_ITEM_MISMATCH))
    if any(p.resolved_on is None for p in problems):
        found.append(_error(codes.HANDOVER_PROBLEM_OPEN))
    if not (handover.handed_over_on and handover.outgoing_signatory and handover.incoming_signatory):
        found.append(_error(codes.HANDOVER_SIGNATURES))
    return found


@transaction.atomic
def sign_off(*, handover: Handover, by: User) -> Handover:
    """The township signs the handover off: every category listed and counted by the new team, every
    difference explained by a problem, every problem resolved, both teams signed."""
    handover = Handover.objects.select_for_update().select_related("election__cycle").get(pk=handover.pk)
    _editable(handover, by)
    found = sign_off_problems(handover)
    if found:
        raise ValidationError(found)
    handover.signed_off_at = timezone.now()
    handover.signed_off_by = by
    handover.full_clean()
    handover.save()
    refresh_village_reminders(election=handover.election)
    anchor_on_commit(f"handover signed: {handover.election.division_code}")
    return handover
