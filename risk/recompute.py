"""The weekly recompute of the three-colour rating, one county at a time (DOMAIN.md: "Recomputed every
Monday"; ARCHITECTURE.md: one task per county, set-based SQL, idempotent).

A county's recompute reads every input with a fixed number of grouped queries, whatever the number of
villages: the villages, one query per automatic indicator (risk.sources), the week's manual values, the
tasks closed in the week, the previous weeks' snapshots for the flags. It scores in Python with
``risk.scoring.score_many`` and then replaces the county's snapshots of that week in one transaction
(delete, then COPY on PostgreSQL): a worker killed mid-run leaves the old snapshots or the new ones, never
half a county. Running it twice gives the same snapshots: it is safe to retry.

In the same transaction it raises and lowers the red flags of the county's villages
(`VillageElection.risk_red_open`, through `elections.red_flag.sync_red_flags`; see `red_flag_moves` for
the rule), so the doors below the lifecycle (elections.permits) follow the latest weekly rating.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from elections.bulk import insert_rows
from elections.models import ElectionCycle, Region, VillageElection
from elections.red_flag import sync_red_flags
from trail.services import record_bulk

from .models import (
    MANUAL_CODES,
    PlanStatus,
    RecomputeRun,
    RectificationPlan,
    RectificationTask,
    RiskSnapshot,
    WeeklyAssessment,
)
from .scoring import Colour, Thresholds, false_rectification_weeks, score_many, unchanged_for
from .selectors import cycle_weights
from .sources import AUTO_SOURCES, RED_CLOSE_OUT_APPROVED, SourceScope, provided
from .weeks import WEEK, week_of

#: Autovacuum's defaults (autovacuum_analyze_threshold, _scale_factor): the snapshots are analyzed after
#: a recompute once this many rows changed since their last ANALYZE.
ANALYZE_BASE_ROWS = 50
ANALYZE_SCALE = 0.1
#: A red or orange village with the same colour in this many consecutive weekly snapshots is "stuck"
#: (DOMAIN.md: villages "whose rating never changes"; the Jinhua pilot reviewed them monthly).
STUCK_WEEKS = 4
SNAPSHOT_COLUMNS = (
    "election_id",
    "division_code",
    "cycle_id",
    "week",
    "score",
    "colour",
    "breakdown",
    "tasks_closed",
    "stuck",
    "suspect",
)


@dataclass(frozen=True)
class CountyResult:
    county_code: str
    week: date
    villages: int
    red: int
    orange: int
    green: int
    stuck: int
    suspect: int
    seconds: float
    flags_raised: int = 0
    flags_lowered: int = 0


def county_prefix(code: str) -> str:
    return code[:6]


def counties_of(cycle: ElectionCycle) -> list[str]:
    """The 12-digit codes of the counties the cycle covers (the unit of the recompute's work)."""
    region = cycle.region
    if region.level in ("township", "village"):
        return [region.code[:6].ljust(12, "0")]
    return list(
        Region.objects.filter(level="county", code__startswith=region.prefix)
        .order_by("code")
        .values_list("code", flat=True)
    )


def latest_assessments(cycle: ElectionCycle, prefix: str, week: date) -> dict[int, dict[str, int]]:
    """The manual values of each village: its latest assessment of a week up to `week` (one query).

    PostgreSQL picks the latest row per village itself (DISTINCT ON); elsewhere the rows come newest first
    and the first one per village wins.
    """
    rows = WeeklyAssessment.objects.filter(
        election__cycle=cycle, division_code__startswith=prefix, week__lte=week
    ).order_by("election_id", "-week")
    if connection.vendor == "postgresql":
        rows = rows.distinct("election_id")
    manual: dict[int, dict[str, int]] = {}
    for election_id, *values in rows.values_list("election_id", *MANUAL_CODES):
        if election_id not in manual:
            manual[election_id] = dict(zip(MANUAL_CODES, values, strict=True))
    return manual


def tasks_closed_in_week(prefix: str, week: date) -> dict[str, int]:
    """Rectification tasks closed in the week that ends with this Monday: (week - 7 days, week]."""
    rows = (
        RectificationTask.objects.filter(
            division_code__startswith=prefix, closed_on__gt=week - WEEK, closed_on__lte=week
        )
        .order_by()
        .values("division_code")
        .annotate(n=Count("id"))
        .values_list("division_code", "n")
    )
    return dict(rows)


def previous_weeks(cycle: ElectionCycle, prefix: str, week: date) -> dict[int, list[tuple]]:
    """Each village's snapshots of the STUCK_WEEKS - 1 weeks before `week`, as history rows for the flags."""
    rows = RiskSnapshot.objects.filter(
        cycle=cycle,
        division_code__startswith=prefix,
        week__gte=week - WEEK * (STUCK_WEEKS - 1),
        week__lt=week,
    ).values_list("election_id", "week", "score", "colour", "tasks_closed")
    history: dict[int, list[tuple]] = defaultdict(list)
    for election_id, *record in rows:
        history[election_id].append(tuple(record))
    return history


def _flags(earlier: Iterable[tuple], current: tuple) -> tuple[bool, bool]:
    """(stuck, suspect) of the current week given the weeks before (risk.scoring's pure rules)."""
    records = sorted([*earlier, current], key=lambda record: record[0])
    # Only consecutive Mondays make a run; a gap in the snapshots starts the count again.
    run = [records[-1]]
    for record in reversed(records[:-1]):
        if (run[-1][0] - record[0]) != WEEK:
            break
        run.append(record)
    run.reverse()
    stuck = unchanged_for(run, STUCK_WEEKS)
    suspect = current[0] in false_rectification_weeks(run[-2:])
    return stuck, suspect


@dataclass(frozen=True)
class FlaggedVillage:
    """What lowering a raised red flag depends on: the village's plans and its last red week before."""

    open_plan: bool
    closed_out_on: date | None
    last_red_week: date | None


def flagged_villages(cycle: ElectionCycle, prefix: str, week: date) -> dict[int, FlaggedVillage]:
    """The county's villages whose red flag is raised, with their plans and last red week (one query)."""
    plans = RectificationPlan.objects.filter(election=OuterRef("pk"))
    red = RiskSnapshot.objects.filter(election=OuterRef("pk"), colour=Colour.RED, week__lt=week)
    rows = (
        VillageElection.objects.filter(cycle=cycle, division_code__startswith=prefix, risk_red_open=True)
        .annotate(
            open_plan=Exists(plans.filter(status=PlanStatus.OPEN)),
            closed_out_on=Subquery(
                plans.filter(status=PlanStatus.CLOSED_OUT)
                .order_by("-closed_out_on")
                .values("closed_out_on")[:1]
            ),
            last_red_week=Subquery(red.order_by("-week").values("week")[:1]),
        )
        .values_list("id", "open_plan", "closed_out_on", "last_red_week")
    )
    return {pk: FlaggedVillage(*facts) for pk, *facts in rows}


def red_flag_moves(
    villages: Iterable[tuple[int, str, str, bool, Colour]],
    *,
    flagged: dict[int, FlaggedVillage],
    approved: Iterable[str],
) -> tuple[list[int], list[int]]:
    """The elections whose red flag the week's rating raises and lowers (DOMAIN.md: "不销号、不撤组、不启动
    换届"), from (election id, division code, stage, flag raised, colour) of each village.

    Raise: a village rated red this week while its election is in one of the stages of
    ``settings.RISK_RED_FLAG_STAGES`` (default: not started, or postponed; a started election is not
    halted by a weekly score), unless the county approved its red close-out exception (the lifecycle's
    gate lets such a village start whatever its colour, so the doors below must not hold it up either).
    Lower: a raised flag of a village with an approved close-out exception; or of a village not rated red
    this week, with no rectification plan open, whose plan was closed out on or after the Monday of its
    last red rating (a village never rated red: any close-out). A village that leaves red without a
    close-out stays flagged: only the county's close-out (risk.services.close_out) or its approved
    exception lifts it, and both lower the flag themselves as they happen; the weekly rule repeats them,
    so a flag that missed its lowering is mended on Monday.
    """
    approved = set(approved)
    flag_stages = set(settings.RISK_RED_FLAG_STAGES)
    raise_ids, lower_ids = [], []
    for election_id, code, stage, raised, colour in villages:
        if code in approved:
            if raised:
                lower_ids.append(election_id)
            continue
        if colour == Colour.RED:
            if not raised and stage in flag_stages:
                raise_ids.append(election_id)
            continue
        facts = flagged.get(election_id)
        if not raised or facts is None or facts.open_plan or facts.closed_out_on is None:
            continue
        if facts.last_red_week is None or facts.closed_out_on >= facts.last_red_week:
            lower_ids.append(election_id)
    return raise_ids, lower_ids


def _lock_county(cycle_id: int, prefix: str, week: date) -> None:
    """Serialise two recomputes of the same county and week (a retried task next to the first one)."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"risk:{cycle_id}:{prefix}:{week.isoformat()}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def recompute_county(
    *, cycle: ElectionCycle, county_code: str, week: date, by: User | None = None
) -> CountyResult:
    """Score every village of a county for the week and replace its snapshots of that week atomically.

    DOMAIN.md "Three-colour risk rating": 100 minus the weighted deductions (the cycle's weights), the
    colour from the cycle's thresholds, the breakdown by the five dimensions, and the flags: unchanged red
    or orange for STUCK_WEEKS weeks, red → green with no task closed. A fixed number of queries.
    """
    started = time.perf_counter()
    week = week_of(week)
    prefix = county_prefix(county_code)
    weights = cycle_weights(cycle)
    thresholds = Thresholds(cycle.risk_red_max, cycle.risk_green_min)
    elections = list(
        VillageElection.objects.filter(cycle=cycle, division_code__startswith=prefix)
        .order_by("division_code")
        .values_list("id", "division_code", "stage", "risk_red_open")
    )
    village_facts = {election_id: (stage, raised) for election_id, _code, stage, raised in elections}
    scope = SourceScope(cycle=cycle, prefix=prefix, as_of=week)
    auto = {code: source(scope) for code, source in AUTO_SOURCES.items() if code in weights}
    manual = latest_assessments(cycle, prefix, week)
    closed = tasks_closed_in_week(prefix, week)
    history = previous_weeks(cycle, prefix, week)
    # The flags follow the county's latest week: recomputing an older week leaves them as they are.
    latest_week = not RiskSnapshot.objects.filter(
        cycle=cycle, division_code__startswith=prefix, week__gt=week
    ).exists()
    flagged = flagged_villages(cycle, prefix, week) if latest_week else {}
    approved = provided(RED_CLOSE_OUT_APPROVED, scope) if latest_week else {}

    def values_of(election_id: int, code: str) -> dict[str, int]:
        values = {indicator: found.get(code, 0) for indicator, found in auto.items()}
        values.update(manual.get(election_id, ()))
        return values

    scored = score_many(
        (((election_id, code), values_of(election_id, code)) for election_id, code, *_ in elections),
        weights,
        thresholds,
    )
    week_text = week.isoformat()
    rows = []
    counts = {Colour.RED: 0, Colour.ORANGE: 0, Colour.GREEN: 0}
    flags = {"stuck": 0, "suspect": 0}
    townships: dict[str, dict] = {}
    rated: list[tuple[int, str, str, bool, Colour]] = []
    for (election_id, code), score, colour, breakdown in scored:
        rated.append((election_id, code, *village_facts[election_id], colour))
        tasks_closed = closed.get(code, 0)
        stuck, suspect = _flags(history.get(election_id, ()), (week, score, colour, tasks_closed))
        counts[colour] += 1
        township = townships.get(code[:9])
        if township is None:
            township = townships[code[:9]] = {"red": 0, "orange": 0, "green": 0, "score_sum": Decimal(0)}
        township[colour.value] += 1
        township["score_sum"] += score
        flags["stuck"] += stuck
        flags["suspect"] += suspect
        rows.append(
            (
                election_id,
                code,
                cycle.pk,
                week_text,
                str(score),
                colour.value,
                json.dumps(breakdown, separators=(",", ":")),
                tasks_closed,
                stuck,
                suspect,
            )
        )
    with transaction.atomic():
        _lock_county(cycle.pk, prefix, week)
        RiskSnapshot.objects.filter(cycle=cycle, week=week, division_code__startswith=prefix).delete()
        insert_rows(RiskSnapshot, SNAPSHOT_COLUMNS, rows)
        seconds = time.perf_counter() - started
        county_code = prefix.ljust(12, "0")
        RecomputeRun.objects.update_or_create(
            cycle=cycle,
            county_code=county_code,
            week=week,
            defaults={
                "computed_at": timezone.now(),
                "villages": len(rows),
                "red": counts[Colour.RED],
                "orange": counts[Colour.ORANGE],
                "green": counts[Colour.GREEN],
                "seconds": round(seconds, 3),
                "townships": {
                    prefix9: {**township, "score_sum": str(township["score_sum"])}
                    for prefix9, township in townships.items()
                },
            },
        )
        record_bulk(
            actor=by,
            action="recompute",
            model=RiskSnapshot,
            division_code=county_code,
            summary=_("Weekly risk recompute of %(county)s for the week of %(week)s")
            % {"county": county_code, "week": week_text},
            counts={
                "villages": len(rows),
                "red": counts[Colour.RED],
                "orange": counts[Colour.ORANGE],
                "green": counts[Colour.GREEN],
                **flags,
            },
            extra={"cycle": cycle.pk, "week": week_text},
        )
        raised = lowered = []
        if latest_week:
            raised, lowered = red_flag_moves(rated, flagged=flagged, approved=approved)
            sync_red_flags(
                division_code=county_code,
                raise_ids=raised,
                lower_ids=lowered,
                by=by,
                reason=_("Red flags of the weekly risk rating of %(county)s for the week of %(week)s")
                % {"county": county_code, "week": week_text},
            )
        transaction.on_commit(lambda: _analyze_snapshots(loaded=len(rows)), robust=True)
    return CountyResult(
        county_code=county_code,
        week=week,
        villages=len(rows),
        red=counts[Colour.RED],
        orange=counts[Colour.ORANGE],
        green=counts[Colour.GREEN],
        stuck=flags["stuck"],
        suspect=flags["suspect"],
        seconds=time.perf_counter() - started,
        flags_raised=len(raised),
        flags_lowered=len(lowered),
    )


def _analyze_snapshots(*, loaded: int) -> None:
    """ANALYZE what the recompute loaded, after its commit (PostgreSQL): the snapshots arrive by COPY, and
    with autovacuum off or late the next reads would be planned without statistics. A week's run has a
    task per county, so the tables are analyzed when the rows changed since their last ANALYZE pass
    autovacuum's own threshold (50 + 10 % of the table), not after every county."""
    if connection.vendor != "postgresql":
        return
    table = RiskSnapshot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, COALESCE(s.n_mod_since_analyze, 0) FROM pg_class c"
            " LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
            [table],
        )
        estimated, modified = cursor.fetchone()
        if modified + loaded <= ANALYZE_BASE_ROWS + ANALYZE_SCALE * max(estimated, 0):
            return
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (RiskSnapshot, RecomputeRun))
        cursor.execute(f"ANALYZE {tables}")


def current_cycles() -> list[ElectionCycle]:
    return list(ElectionCycle.objects.filter(is_current=True).select_related("region").order_by("id"))


def recompute_week(
    *, week: date, cycles: Iterable[ElectionCycle] | None = None, by: User | None = None
) -> list[CountyResult]:
    """Recompute every county of the given (default: current) cycles in this process, one after another.

    The command's door; the Celery fan-out (risk.tasks.recompute_week) sends each county to a worker.
    """
    results = []
    for cycle in current_cycles() if cycles is None else cycles:
        for county in counties_of(cycle):
            results.append(recompute_county(cycle=cycle, county_code=county, week=week, by=by))
    return results
