"""The progress board's list of villages as Excel, registered with the ground floor's export door
(`elections.exports`): a province's list is ~20,000 villages, written by a worker past
EXPORT_BACKGROUND_ROWS rows.

The board's reading (`views._reading`, `views._listed`) is computed from a request's user and query;
the worker has no request, so it gets the two as `Asked`. How many rows the list will have is known only
from the reading itself, so the door is chosen on the region's elections in the cycle (an upper bound
that the filters only lower), and the reading is done where the rows are written."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _

from elections import exports
from elections import selectors as election_selectors

from . import progress


@dataclass(frozen=True)
class Asked:
    """What the board's reading takes from a request: who asks, and the list's filters."""

    user: object
    GET: QueryDict


@exports.register("lifecycle.villages")
def villages(*, user, code: str, query: str = "") -> exports.Sheet:
    """The villages of the board's list (same filters, `query` its query string), by urgency."""
    from .views import _export_name, _listed, _reading

    region = election_selectors.region_for_overview(user=user, code=code)
    cycle = election_selectors.current_cycle(user=user)
    asked = Asked(user=user, GET=QueryDict(query))

    def rows():
        listed, _filters = _listed(asked, _reading(asked, code))
        for v in listed:
            nxt = v.next_deadline
            yield [
                v.township,
                v.name,
                v.division_code,
                v.stage_label,
                v.election_day,
                nxt.step.title if nxt else "",
                nxt.evaluation.due_on if nxt else None,
                v.days_left,
                v.days_text,
                "；".join(b.message for b in v.hold.blocked) if v.hold else "",
            ]

    return exports.Sheet(
        filename=_export_name(region, _("village deadlines")),
        title=_("Village deadlines"),
        headers=[
            _("Township"),
            _("Village"),
            _("Division code"),
            _("Stage"),
            _("Election day"),
            _("Next deadline"),
            _("Due on"),
            _("Days left"),
            _("Deadline state"),
            _("Gates holding it"),
        ],
        rows=rows(),
        count=progress.region_elections(user=user, region=region, cycle=cycle).count() if cycle else 0,
        division_code=region.code,
    )
