"""Writes of the ground floor: regions, cycles and village elections (one transaction each)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trail.services import acting_as, anchor_on_commit, record_bulk

from . import codes
from .importing import RegionStage
from .models import ElectionCycle, Region, VillageElection

if TYPE_CHECKING:
    from accounts.models import User

# The reference data a cycle needs above this floor (candidates' rule settings, negative list and review
# units; risk's indicator weights) is made once, when the cycle opens, by the apps that own it: each
# registers its preparer in its AppConfig.ready(). So no page or selector ever writes it on first read.
# A list of callables rather than a signal: they run in the opening's transaction, in a fixed order,
# and any error rolls the opening back, so a cycle never exists half-prepared.
_CYCLE_PREPARERS: list[Callable[..., object]] = []  # each called as preparer(cycle=…)


def register_cycle_preparer(preparer: Callable[..., object]) -> None:
    if preparer not in _CYCLE_PREPARERS:
        _CYCLE_PREPARERS.append(preparer)


@transaction.atomic
def prepare_cycle(*, cycle: ElectionCycle) -> None:
    """Make the reference data of every app for `cycle` where it is missing (idempotent)."""
    for preparer in _CYCLE_PREPARERS:
        preparer(cycle=cycle)


@dataclass
class RegionImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # the first importing.MAX_PROBLEMS, by row
    error_count: int = 0


def import_regions(
    *,
    rows: Iterable[Mapping[str, object]],
    by: User | None = None,
    source: str = "",
    sha256: str | None = None,
    dry_run: bool = False,
) -> RegionImportResult:
    """Create or update regions from rows keyed code/name/attributes; all or nothing.

    The statistics bureau's list loads as published (DOMAIN.md "Geography"): a unit above a village may
    come with its own 2, 4, 6 or 9 digits, the listed name is kept as the official name and its short
    form derived (傅山村民委员会 → 傅山村, a 居委会 a 社区). Parents are found from the code; a parent must
    exist already or be in the same file. The rows are read once and every row is checked, then the
    whole file is written set-based (elections.importing.RegionStage): only what differs is updated, and
    a column left blank keeps the region's value. Any bad row rejects the whole file, so a half-loaded
    tree never exists. A county added while a cycle runs gets that cycle's reference data
    (prepare_cycle). The import records itself in the trail with the counts and the file's `sha256`;
    `dry_run` checks and counts, and writes nothing.
    """
    result = RegionImportResult()
    with transaction.atomic(), acting_as(by):
        stage = RegionStage()
        checked = stage.load(rows)
        if checked.problem_count:
            transaction.set_rollback(True)
            result.errors, result.error_count = checked.problems, checked.problem_count
            return result
        stage.plan()
        gaining = [
            cycle
            for cycle in ElectionCycle.objects.filter(ends_on__gte=date.today()).select_related("region")
            if stage.adds_under(cycle.region.prefix)
        ]
        result.created, result.updated, updated_codes = stage.write()
        result.unchanged = checked.rows - result.created - result.updated
        stage.close()
        if dry_run:
            transaction.set_rollback(True)
            return result
        counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        record_bulk(
            actor=by,
            action="import",
            model=Region,
            division_code=checked.division_code,
            summary=_(
                "Region list %(file)s imported: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged"
            )
            % {"file": source or "-", **counts},
            counts=counts,
            sha256=sha256,
            extra={"source": source, "updated": updated_codes},
        )
        for cycle in gaining:
            prepare_cycle(cycle=cycle)
    return result


def seats_for_population(population: int) -> int:
    """Default size of a committee by population, DOMAIN.md "Structure of the new team"."""
    if population < 1000:
        return 3
    if population <= 2000:
        return 5
    return 7


@transaction.atomic
def open_cycle(
    *, name: str, region: Region, year: int, reference_date: date, starts_on: date, ends_on: date
) -> ElectionCycle:
    """Open a cycle for a region and create one VillageElection for every village under it."""
    if starts_on > ends_on:
        raise ValidationError(codes.MESSAGES[codes.CYCLE_DATES_REVERSED], code=codes.CYCLE_DATES_REVERSED)
    cycle = ElectionCycle(
        name=name,
        region=region,
        year=year,
        reference_date=reference_date,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    cycle.full_clean()
    cycle.save()
    villages = Region.objects.filter(level="village", code__startswith=region.prefix)
    VillageElection.objects.bulk_create(
        [
            VillageElection(
                cycle=cycle,
                village=v,
                division_code=v.code,
                party_seats=seats_for_population(v.population),
                committee_seats=seats_for_population(v.population),
            )
            for v in villages.iterator(chunk_size=2000)
        ],
        batch_size=2000,
    )
    prepare_cycle(cycle=cycle)
    anchor_on_commit(f"cycle opened: {cycle.name} {region.code}")
    return cycle
