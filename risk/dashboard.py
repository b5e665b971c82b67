"""The three-colour dashboard's data for one region and week, in a fixed number of queries, cached.

DOMAIN.md: the rating is read "both per village (change) and in aggregate (trend per county and
township), as a measure of each township's work". Everything here is a grouped query or one read of
the week's snapshots under the region's prefix, so the number of queries does not grow with the
number of villages. The result is cached under a key that names the newest recompute of the region:
the next snapshot makes a new key, so nothing is ever served stale.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.models import User
from elections.models import ElectionCycle, Region, VillageElection

from .models import PlanStatus, RecomputeRun, RectificationPlan, RiskSnapshot
from .scoring import Colour

CACHE_SECONDS = 8 * 24 * 3600  # a week and a day: the key changes with every recompute anyway
SUSPECT_WEEKS = 4  # a suspected false rectification stays on the flag list this many weeks
COLOURS = (Colour.RED.value, Colour.ORANGE.value, Colour.GREEN.value)


@dataclass(frozen=True)
class Weeks:
    """The weeks with snapshots for a region (newest first), the one shown, and the newest recompute."""

    available: list[date]
    selected: date | None
    marker: str


def runs_for(region: Region, cycle: ElectionCycle):
    """The county recompute runs that cover `region` (a township's runs are its county's)."""
    runs = RecomputeRun.objects.filter(cycle=cycle)
    if region.level in ("township", "village"):
        return runs.filter(county_code=region.code[:6].ljust(12, "0"))
    return runs.filter(county_code__startswith=region.prefix)


def weeks_for(region: Region, cycle: ElectionCycle | None, wanted: date | None) -> Weeks:
    """One query: the weeks recomputed under the region and when each was last recomputed."""
    if cycle is None:
        return Weeks([], None, "")
    rows = list(
        runs_for(region, cycle)
        .values("week")
        .annotate(last=Max("computed_at"))
        .order_by("-week")
        .values_list("week", "last")
    )
    available = [week for week, _last in rows]
    selected = wanted if wanted in available else (available[0] if available else None)
    marker = max((last for _week, last in rows), default=None)
    return Weeks(available, selected, marker.isoformat() if marker else "")


def unit_length(region: Region) -> int:
    """The units compared on the trend and ranking: townships up to a city, counties above."""
    return 6 if region.level == "province" else 9


def _map_html(villages: list[tuple], names: dict[str, str], region: Region) -> str:
    """The three-colour map: a square per village, grouped by county (above a county) and township.

    Built as one string rather than a template loop: 3,000 villages cost milliseconds, not a tenth of a
    second, which keeps the page's time nearly flat as villages grow.
    """
    out: list[str] = []
    by_county = region.level in ("province", "city")
    county = township = None
    base = reverse("risk:village", args=[0])[:-2]
    for election_id, code, score, colour, stuck, suspect, name in villages:
        if by_county and code[:6] != county:
            if township is not None:
                out.append("</div></div>")
                township = None
            if county is not None:
                out.append("</div>")
            county = code[:6]
            link = reverse("risk:region", args=[county.ljust(12, "0")])
            out.append(
                f'<div class="map-county"><h3><a href="{link}">{escape(names.get(county, county))}</a></h3>'
            )
        if code[:9] != township:
            if township is not None:
                out.append("</div></div>")
            township = code[:9]
            link = reverse("risk:region", args=[township.ljust(12, "0")])
            out.append(
                f'<div class="map-township"><h4><a href="{link}">{escape(names.get(township, township))}</a></h4>'
                '<div class="cells">'
            )
        mark = " stuck" if stuck else ""
        mark += " suspect" if suspect else ""
        label = escape(f"{name} {score}")
        out.append(
            f'<a class="cell c-{colour}{mark}" href="{base}{election_id}/" title="{label}" '
            f'aria-label="{label}" data-code="{code}"></a>'
        )
    if township is not None:
        out.append("</div></div>")
    if by_county and county is not None:
        out.append("</div>")
    return "".join(out)


def build(*, user: User, region: Region, cycle: ElectionCycle, week: date, weeks: list[date]) -> dict:
    """Every figure of the dashboard for `region` and `week`; a fixed number of queries."""
    prefix = region.prefix
    today = timezone.localdate()
    snapshots = RiskSnapshot.objects.visible_to(user).filter(cycle=cycle, division_code__startswith=prefix)
    villages = list(
        snapshots.filter(week=week)
        .order_by("division_code")
        .values_list(
            "election_id", "division_code", "score", "colour", "stuck", "suspect", "election__village__name"
        )
    )
    names = dict(
        Region.objects.visible_to(user)
        .filter(code__startswith=prefix, level__in=("county", "township"))
        .values_list("code", "name")
    )
    names = {code[: 6 if code.endswith("000000") else 9]: name for code, name in names.items()}
    elections = (
        VillageElection.objects.visible_to(user).filter(cycle=cycle, division_code__startswith=prefix).count()
    )

    counts = dict.fromkeys(COLOURS, 0)
    for row in villages:
        counts[row[3]] += 1

    # The trend: per week, unit and colour, the number of villages and their summed scores.
    length = unit_length(region)
    oldest = weeks[min(len(weeks), 12) - 1] if weeks else week
    grouped = (
        snapshots.filter(week__gte=oldest, week__lte=week)
        .annotate(unit=Substr("division_code", 1, length))
        .values("week", "unit", "colour")
        .annotate(n=Count("id"), total=Sum("score"))
        .order_by()
    )
    series_weeks = sorted({w for w in weeks if oldest <= w <= week})
    index = {w: i for i, w in enumerate(series_weeks)}
    overall = {c: [0] * len(series_weeks) for c in COLOURS}
    per_unit: dict[str, dict[str, list]] = defaultdict(
        lambda: {
            "n": [0] * len(series_weeks),
            "total": [Decimal(0)] * len(series_weeks),
            "risky": [0] * len(series_weeks),
        }
    )
    for row in grouped:
        i = index[row["week"]]
        overall[row["colour"]][i] += row["n"]
        unit = per_unit[row["unit"]]
        unit["n"][i] += row["n"]
        unit["total"][i] += row["total"] or 0
        if row["colour"] != Colour.GREEN:
            unit["risky"][i] += row["n"]

    def mean(unit: dict, i: int) -> float | None:
        return round(float(unit["total"][i] / unit["n"][i]), 1) if unit["n"][i] else None

    units = []
    for code, unit in sorted(per_unit.items()):
        first = next((i for i, n in enumerate(unit["n"]) if n), None)
        last = len(series_weeks) - 1
        now, then = mean(unit, last), (mean(unit, first) if first is not None else None)
        units.append(
            {
                "code": code.ljust(12, "0"),
                "name": names.get(code, code),
                "mean": now,
                "improvement": round(now - then, 1) if now is not None and then is not None else None,
                "risky_now": unit["risky"][last],
                "risky_then": unit["risky"][first] if first is not None else None,
                "means": [mean(unit, i) for i in range(len(series_weeks))],
                "risky": unit["risky"],
            }
        )
    ranking = sorted(
        (u for u in units if u["improvement"] is not None), key=lambda u: (-u["improvement"], u["code"])
    )

    # The red list: this week's red villages with their open plan's linked leaders and overdue tasks.
    plans = {
        plan["election_id"]: plan
        for plan in RectificationPlan.objects.visible_to(user)
        .filter(election__cycle=cycle, division_code__startswith=prefix, status=PlanStatus.OPEN)
        .values("election_id", "id", "city_leader", "county_leader", "township_leader", "work_team")
        .annotate(
            open_tasks=Count("tasks", filter=Q(tasks__closed_on__isnull=True)),
            overdue=Count("tasks", filter=Q(tasks__closed_on__isnull=True, tasks__due_on__lt=today)),
        )
    }
    red_list = [
        {
            "election_id": election_id,
            "code": code,
            "name": name,
            "township": names.get(code[:9], ""),
            "score": score,
            "stuck": stuck,
            "plan": plans.get(election_id),
        }
        for election_id, code, score, colour, stuck, _suspect, name in villages
        if colour == Colour.RED
    ]
    suspects = list(
        snapshots.filter(suspect=True, week__gt=week - timedelta(days=7 * SUSPECT_WEEKS), week__lte=week)
        .order_by("-week", "division_code")
        .values("election_id", "division_code", "week", "score", "election__village__name")
    )
    stuck = [
        {"election_id": e, "code": c, "name": n, "township": names.get(c[:9], ""), "score": s, "colour": col}
        for e, c, s, col, is_stuck, _suspect, n in villages
        if is_stuck
    ]
    return {
        "week": week,
        "counts": counts,
        "rated": len(villages),
        "unrated": max(elections - len(villages), 0),
        "map_html": mark_safe(_map_html(villages, names, region)),  # every text in it is escaped
        "trend": {
            "weeks": [w.isoformat() for w in series_weeks],
            "overall": overall,
            "units": [{"name": u["name"], "risky": u["risky"], "means": u["means"]} for u in units],
        },
        "ranking": ranking,
        "red_list": red_list,
        "stuck": stuck,
        "suspects": suspects,
        "unit_level": "county" if length == 6 else "township",
    }


def dashboard(*, user: User, region: Region, cycle: ElectionCycle, weeks: Weeks) -> dict | None:
    """The cached dashboard of `region` for the selected week; None when no week has been recomputed."""
    if weeks.selected is None:
        return None
    key = f"risk:dashboard:v1:{cycle.pk}:{region.code}:{weeks.selected.isoformat()}:{weeks.marker}"
    data = cache.get(key)
    if data is None:
        data = build(user=user, region=region, cycle=cycle, week=weeks.selected, weeks=weeks.available)
        cache.set(key, data, CACHE_SECONDS)
    return data


def export_rows(*, user: User, region: Region, cycle: ElectionCycle, week: date):
    """The week's snapshots under the region, one row per village, for the Excel export (streamed)."""
    names = {
        code: name
        for code, name in Region.objects.visible_to(user)
        .filter(code__startswith=region.prefix, level__in=("county", "township"))
        .values_list("code", "name")
    }
    rows = (
        RiskSnapshot.objects.visible_to(user)
        .filter(cycle=cycle, week=week, division_code__startswith=region.prefix)
        .order_by("division_code")
        .values_list(
            "division_code", "election__village__name", "score", "colour", "breakdown", "stuck", "suspect"
        )
    )
    for code, name, score, colour, breakdown, stuck, suspect in rows.iterator(chunk_size=2000):
        yield (
            code,
            names.get(code[:6].ljust(12, "0"), ""),
            names.get(code[:9].ljust(12, "0"), ""),
            name,
            score,
            colour,
            breakdown,
            stuck,
            suspect,
        )
