"""Reads of voter registration, scoped to the user (accounts.scoping)."""

from __future__ import annotations

import datetime
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from accounts.roles import ROLL_EDITORS

# A pure leaf module (no models, no app imports): the one stroke ordering of every notice and roll.
from candidates.ordering import stroke_order_key
from elections.models import VillageElection
from voters.models import ImportJob, Resident, RollChange, RollPublication, Status, VoterRegistration
from voters.rules import VOTING_AGE, age_on, mask_id_number


def can_edit_roll(user) -> bool:
    return user.is_superuser or user.role in ROLL_EDITORS


def sees_full_id_numbers(user) -> bool:
    return user.is_superuser or user.role in settings.ID_NUMBER_FULL_ROLES


def shown_id(user, id_number: str) -> str:
    return id_number if sees_full_id_numbers(user) else mask_id_number(id_number)


def registrations(*, user, election: VillageElection) -> QuerySet[VoterRegistration]:
    return (
        VoterRegistration.objects.visible_to(user)
        .filter(election=election)
        .select_related("resident")
        .order_by("group", "resident__name")
    )


def roll_summary(*, election: VillageElection) -> dict:
    counts = dict(election.registrations.values_list("status").annotate(n=Count("id")).order_by())
    groups = list(
        election.registrations.filter(status=Status.REGISTERED)
        .values("group")
        .annotate(n=Count("id"))
        .order_by("group")
    )
    return {
        "registered": counts.get(Status.REGISTERED, 0),
        "left_off": counts.get(Status.LEFT_OFF, 0),
        "groups": groups,
        "publication": latest_publication(election=election),
    }


def latest_publication(*, election: VillageElection) -> RollPublication | None:
    return election.roll_publications.order_by("-recorded_at").first()


def print_groups(*, election: VillageElection) -> list[tuple[str, list[str]]]:
    """The published roll by village group, names in surname stroke order (姓氏笔画顺序)."""
    names: dict[str, list[str]] = {}
    for group, name in election.registrations.filter(status=Status.REGISTERED).values_list(
        "group", "resident__name"
    ):
        names.setdefault(group or "—", []).append(name)
    return [(group, sorted(people, key=stroke_order_key)) for group, people in sorted(names.items())]


def omissions(*, election: VillageElection, limit: int = 500) -> dict:
    """Who may be missing from the roll (不漏登): adults of the village's households and last cycle's voters."""
    day = election.election_day or election.cycle.ends_on
    on_roll = election.registrations.values("resident_id")
    latest_birth = datetime.date(day.year - VOTING_AGE, day.month, min(day.day, 28))
    household = (
        Resident.objects.filter(
            division_code=election.division_code, household__isnull=False, birth_date__lte=latest_birth
        )
        .exclude(id__in=on_roll)
        .order_by("name")
    )
    household = [r for r in household[:limit] if age_on(r.birth_date, day) >= VOTING_AGE]
    previous = (
        VoterRegistration.objects.filter(election__village=election.village, status=Status.REGISTERED)
        .exclude(cycle=election.cycle)
        .exclude(resident_id__in=on_roll)
        .select_related("resident", "cycle")
        .order_by("resident__name")[:limit]
    )
    return {"household": household, "previous": list(previous), "day": day}


def find_people(*, user, query: str, limit: int = 100) -> list[VoterRegistration]:
    """Every registration in the jurisdiction matching a name or an ID number (full, or its last digits)."""
    query = query.strip().upper()
    if not query:
        return []
    if query[:-1].isdigit() and len(query) >= 4:
        match = Q(resident__id_number=query) if len(query) == 18 else Q(resident__id_number__endswith=query)
    else:
        match = Q(resident__name=query) | Q(resident__name__startswith=query)
    return list(
        VoterRegistration.objects.visible_to(user)
        .filter(match)
        .select_related("resident", "election__village__parent", "cycle")
        .order_by("resident__id_number", "-cycle__year")[:limit]
    )


def conflicts(*, user, elections: QuerySet[VillageElection]) -> list[dict]:
    """People a village tried to register who are already on another village's roll (latest file each)."""
    rows = []
    seen: set[int] = set()
    jobs = (
        ImportJob.objects.visible_to(user)
        .filter(election__in=elections)
        .select_related("election__village")
        .order_by("election_id", "-created_at")
    )
    for job in jobs:
        if job.election_id in seen:
            continue
        seen.add(job.election_id)
        for dup in job.result.get("duplicates", []):
            if dup.get("kind") == "other_village":
                rows.append(
                    {
                        "village": job.election.village.name,
                        "election": job.election,
                        "row": dup["row"],
                        "name": dup.get("name", ""),
                        "other": dup["other"],
                        "file": job.original_name,
                        "at": job.created_at,
                    }
                )
    return rows


def changes(*, user, election: VillageElection) -> QuerySet[RollChange]:
    return RollChange.objects.visible_to(user).filter(election=election).select_related("by")


def groups_of(*, election: VillageElection) -> list[str]:
    return [g for g, _n in Counter(election.registrations.values_list("group", flat=True)).most_common()]


def import_progress(job: ImportJob) -> int:
    """How far a roll file's check or import is (%): the task's latest tick while it runs (kept in the cache,
    see `ImportJob.progress_key`), else the figure stored with the job."""
    if job.state in (ImportJob.State.CHECKING, ImportJob.State.IMPORTING):
        return max(cache.get(job.progress_key) or 0, job.progress)
    return job.progress
