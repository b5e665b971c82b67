"""The three-colour rating's Excel export, registered with the ground floor's export door
(`elections.exports`): a city's week is tens of thousands of villages, written by a worker past
EXPORT_BACKGROUND_ROWS rows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from elections import exports
from elections.selectors import current_cycle, region_for_overview

from . import dashboard as boards
from .indicators import DIMENSION_LABELS, Dimension
from .models import RiskSnapshot
from .views import _labels, _require_reader, _week_param


@exports.register("risk.ratings")
def ratings(*, user, region: str | None = None, week: str | None = None) -> exports.Sheet:
    """The week's ratings under a region: one row per village, the five dimensions."""
    place = region_for_overview(user=user, code=region or None)
    _require_reader(user)
    cycle = current_cycle(user=user)
    weeks = boards.weeks_for(place, cycle, _week_param(week))
    labels = _labels(cycle)
    dimensions = list(Dimension)
    selected = weeks.selected if cycle else None

    def rows():
        if not selected:
            return
        for code, county, township, name, score, colour, breakdown, stuck, suspect in boards.export_rows(
            user=user, region=place, cycle=cycle, week=selected
        ):
            shares = breakdown.get("dimensions", {})
            yield (
                code,
                county,
                township,
                name,
                score,
                labels[colour],
                *[float(shares.get(d.value, 0)) for d in dimensions],
                yes if stuck else "",
                yes if suspect else "",
            )

    yes = _("yes")
    count = (
        RiskSnapshot.objects.visible_to(user)
        .filter(cycle=cycle, week=selected, division_code__startswith=place.prefix)
        .count()
        if selected
        else 0
    )
    return exports.Sheet(
        filename=f"{place.name}{_('Three-colour risk rating')}{selected.isoformat() if selected else ''}.xlsx",
        title=_("Risk rating"),
        headers=[
            _("Division code"),
            _("County"),
            _("Township"),
            _("Village"),
            _("Score"),
            _("Colour"),
            *[str(DIMENSION_LABELS[d]) for d in dimensions],
            _("Unchanged for weeks"),
            _("Suspected false rectification"),
        ],
        rows=rows(),
        count=count,
        division_code=place.code,
    )
