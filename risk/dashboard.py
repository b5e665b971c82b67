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
from html import escape as quote  # the standard library's: the map escapes thousands of names

from django.core.cache import cache
from django.db.models import Count, Max, Q
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
# The page lists at most this many villages per list, worst first (the Excel export has them all), so that
# its cost stays flat whatever the size of the region; the map shows every village.
LIST_LIMIT = 100
CHART_UNITS = 12
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


def region_url_base() -> str:
    """ "/risk/region/": reversed once, not once per township (hundreds in a city)."""
    return reverse("risk:region", args=["0" * 12])[: -len("0" * 12) - 1]


def _map_html(villages: list[tuple], names: dict[str, str], region: Region) -> str:
    """The three-colour map: a square per village, grouped by county (above a county) and township.

    Built as one string rather than a template loop: 3,000 villages cost milliseconds, not a tenth of a
    second, which keeps the page's time nearly flat as villages grow.
    """
    out: list[str] = []
    by_county = region.level in ("province", "city")
    county = township = None
    base = reverse("risk:village", args=[0])[:-2]
    regions = region_url_base()
    for election_id, code, score, colour, stuck, suspect, name in villages:
        if by_county and code[:6] != county:
            if township is not None:
                out.append("</div></div>")
                township = None
            if county is not None:
                out.append("</div>")
            county = code[:6]
            link = f"{regions}{county.ljust(12, '0')}/"
            out.append(
                f'<div class="map-county"><h3><a href="{link}">{escape(names.get(county, county))}</a></h3>'
            )
        if code[:9] != township:
            if township is not None:
                out.append("</div></div>")
            township = code[:9]
            link = f"{regions}{township.ljust(12, '0')}/"
            out.append(
                f'<div class="map-township"><h4><a href="{link}">{escape(names.get(township, township))}</a></h4>'
                '<div class="cells">'
            )
        mark = " stuck" if stuck else ""
        mark += " suspect" if suspect else ""
        out.append(
            f'<a class="cell c-{colour}{mark}" href="{base}{election_id}/" title="{quote(name)} {score}"></a>'
        )
    if township is not None:
        out.append("</div></div>")
    if by_county and county is not None:
        out.append("</div>")
    return "".join(out)


def _ranking_html(ranking: list[dict]) -> str:
    """The ranking table's rows, built as one string like the map (one row per township)."""
    regions = region_url_base()
    rows = []
    for n, unit in enumerate(ranking, start=1):
        change = unit["improvement"]
        tone = "better" if change > 0 else "worse" if change < 0 else ""
        link = f"{regions}{unit['code']}/"
        rows.append(
            f'<tr><td>{n}</td><td><a href="{link}">{escape(unit["name"])}</a></td><td class="num">{unit["mean"]}</td>'
            f'<td class="num {tone}">{"+" if change > 0 else ""}{change}</td>'
            f'<td class="num">{unit["risky_then"]}</td><td class="num">{unit["risky_now"]}</td></tr>'
        )
    return "".join(rows)


def build(*, user: User, region: Region, cycle: ElectionCycle, week: date, weeks: list[date]) -> dict:
    """Every figure of the dashboard for `region` and `week`; a fixed number of queries."""
    prefix = region.prefix
    today = timezone.localdate()
    snapshots = RiskSnapshot.objects.visible_to(user).filter(cycle=cycle, division_code__startswith=prefix)
    # Names come from the region tree in one range scan: joining them to 3,000 snapshots costs twice as much.
    names = dict(
        Region.objects.visible_to(user)
        .filter(code__startswith=prefix, level__in=("county", "township", "village"))
        .values_list("code", "name")
    )
    villages = [
        (*row, names.get(row[1], ""))
        for row in snapshots.filter(week=week)
        .order_by("division_code")
        .values_list("election_id", "division_code", "score", "colour", "stuck", "suspect")
    ]
    names = {
        code[: 6 if code.endswith("000000") else 9]: name
        for code, name in names.items()
        if code.endswith("000")
    }
    elections = (
        VillageElection.objects.visible_to(user).filter(cycle=cycle, division_code__startswith=prefix).count()
    )

    counts = dict.fromkeys(COLOURS, 0)
    for row in villages:
        counts[row[3]] += 1

    # The trend: per week and unit, villages by colour and their summed scores, from the county runs'
    # township aggregates (a few rows per week, however many villages).
    length = unit_length(region)
    oldest = weeks[min(len(weeks), 12) - 1] if weeks else week
    series_weeks = sorted({w for w in weeks if oldest <= w <= week})
    index = {w: i for i, w in enumerate(series_weeks)}
    overall = {c: [0] * len(series_weeks) for c in COLOURS}
    per_unit: dict[str, dict[str, list]] = defaultdict(
        lambda: {
            "n": [0] * len(series_weeks),
            "total": [0.0] * len(series_weeks),
            "risky": [0] * len(series_weeks),
        }
    )
    runs = runs_for(region, cycle).filter(week__gte=oldest, week__lte=week).values_list("week", "townships")
    for run_week, townships in runs:
        i = index.get(run_week)
        if i is None:
            continue
        for prefix9, figures in townships.items():
            if not prefix9.startswith(prefix):
                continue
            unit = per_unit[prefix9[:length]]
            for colour in COLOURS:
                overall[colour][i] += figures[colour]
                unit["n"][i] += figures[colour]
            unit["risky"][i] += figures["red"] + figures["orange"]
            unit["total"][i] += float(figures["score_sum"])

    def mean(unit: dict, i: int) -> float | None:
        return round(unit["total"][i] / unit["n"][i], 1) if unit["n"][i] else None

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
                "risky": unit["risky"],
            }
        )
    ranking = sorted(
        (u for u in units if u["improvement"] is not None), key=lambda u: (-u["improvement"], u["code"])
    )
    # The trend chart draws one line per unit: beyond a dozen it is unreadable, so the worst dozen now.
    charted = sorted(units, key=lambda u: (-u["risky_now"], u["code"]))[:CHART_UNITS]

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
    reds = sorted((row for row in villages if row[3] == Colour.RED), key=lambda row: (row[2], row[1]))
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
        for election_id, code, score, _colour, stuck, _suspect, name in reds[:LIST_LIMIT]
    ]
    suspects = list(
        snapshots.filter(suspect=True, week__gt=week - timedelta(days=7 * SUSPECT_WEEKS), week__lte=week)
        .order_by("-week", "division_code")[:LIST_LIMIT]
        .values("election_id", "division_code", "week", "score", "election__village__name")
    )
    stuck_rows = sorted((row for row in villages if row[4]), key=lambda row: (row[2], row[1]))
    stuck = [
        {"election_id": e, "code": c, "name": n, "township": names.get(c[:9], ""), "score": s, "colour": col}
        for e, c, s, col, _stuck, _suspect, n in stuck_rows[:LIST_LIMIT]
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
            "units": [{"name": u["name"], "risky": u["risky"]} for u in charted],
        },
        "ranking_html": mark_safe(_ranking_html(ranking)),  # every text in it is escaped
        "red_list": red_list,
        "red_total": len(reds),
        "stuck": stuck,
        "stuck_total": len(stuck_rows),
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
