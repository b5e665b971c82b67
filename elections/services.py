"""Writes of the ground floor: regions, cycles and village elections (one transaction each)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from trail.services import anchor_on_commit

from . import codes
from .models import ElectionCycle, Region, VillageElection
from .regions import CODE_RE, LEVELS, level_of, parent_code

REGION_INT_FIELDS = ("population", "households", "party_members", "village_groups")
REGION_BOOL_FIELDS = ("is_community", "weak_party_organization")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "社区"}


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
    errors: list[dict] = field(default_factory=list)


def _problem(number: int, column: str, rule: str, params: Mapping[str, object] | None = None) -> dict:
    """One bad cell of a region file: where, its rule's code and its message."""
    message = str(codes.MESSAGES[rule])
    return {"row": number, "column": column, "code": rule, "message": message % params if params else message}


def _clean_region_row(number: int, row: Mapping[str, object], errors: list[dict]) -> dict | None:
    code = str(row.get("code") or "").strip()
    name = str(row.get("name") or "").strip()
    if not CODE_RE.match(code):
        errors.append(_problem(number, "code", codes.REGION_CODE_INVALID))
        return None
    if not name:
        errors.append(_problem(number, "name", codes.REGION_NAME_REQUIRED))
        return None
    values: dict = {"code": code, "name": name, "level": level_of(code)}
    for key in REGION_INT_FIELDS:
        raw = row.get(key)
        if raw in (None, ""):
            continue
        try:
            value = int(float(str(raw).strip()))
        except ValueError:
            value = None
        if value is None or value < 0:  # not a whole number of people, households…
            errors.append(_problem(number, key, codes.REGION_NUMBER_INVALID, {"value": raw}))
            return None
        values[key] = value
    for key in REGION_BOOL_FIELDS:
        raw = row.get(key)
        if raw not in (None, ""):
            values[key] = str(raw).strip().lower() in TRUE_WORDS
    return values


@transaction.atomic
def import_regions(*, rows: Iterable[Mapping[str, object]]) -> RegionImportResult:
    """Create or update regions from rows keyed code/name/attributes; all or nothing.

    Parents are found from the code (DOMAIN.md "Geography"); a parent must exist already or be in the
    same file. Any bad row rejects the whole file, so a half-loaded tree never exists.
    """
    result = RegionImportResult()
    cleaned = []
    for number, row in enumerate(rows, start=2):
        values = _clean_region_row(number, row, result.errors)
        if values:
            cleaned.append((number, values))
    if result.errors:
        return result
    cleaned.sort(key=lambda item: LEVELS.index(item[1]["level"]))
    existing = {r.code: r for r in Region.objects.filter(code__in=[v["code"] for _, v in cleaned])}
    known = dict(existing)
    for number, values in cleaned:
        parent = None
        if values["level"] != "province":
            pcode = parent_code(values["code"])
            parent = known.get(pcode) or Region.objects.filter(code=pcode).first()
            if parent is None:
                result.errors.append(_problem(number, "code", codes.REGION_PARENT_MISSING, {"code": pcode}))
                continue
        region = existing.get(values["code"])
        if region is None:
            region = Region(parent=parent, **values)
            result.created += 1
        else:
            for key, value in values.items():
                setattr(region, key, value)
            region.parent = parent
            result.updated += 1
        region.full_clean()
        region.save()
        known[region.code] = region
    if result.errors:
        transaction.set_rollback(True)
        result.created = result.updated = 0
        return result
    if result.created:
        # A county added while a cycle runs gets that cycle's reference data (its reviewing departments).
        new_codes = [code for code in known if code not in existing]
        for cycle in ElectionCycle.objects.filter(ends_on__gte=date.today()).select_related("region"):
            if any(code.startswith(cycle.region.prefix) for code in new_codes):
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
