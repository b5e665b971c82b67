"""The activity trail's Excel export, registered with the ground floor's export door
(`elections.exports`): a village's trail over a cycle runs to thousands of entries, written by a worker
past EXPORT_BACKGROUND_ROWS rows."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import get_visible_or_404
from elections import exports
from elections.models import VillageElection

from . import selectors

EXPORT_CHUNK = 500  # entries presented (their records looked up) together


@exports.register("trail.village")
def village(
    *, user, election_id: int, date_from: str | None = None, date_to: str | None = None, **filters
) -> exports.Sheet:
    """Exactly the filtered entries of one village's trail (`selectors.village_trail`), newest first;
    the days come as ISO dates (a job's arguments are JSON)."""
    election = get_visible_or_404(VillageElection.objects.select_related("village"), user, pk=election_id)
    entries = selectors.village_trail(
        user=user,
        division_code=election.division_code,
        date_from=datetime.date.fromisoformat(date_from) if date_from else None,
        date_to=datetime.date.fromisoformat(date_to) if date_to else None,
        **filters,
    )

    def rows():
        batch = []
        for entry in entries.iterator(chunk_size=EXPORT_CHUNK):
            batch.append(entry)
            if len(batch) == EXPORT_CHUNK:
                yield from _rows(batch)
                batch = []
        yield from _rows(batch)

    today = timezone.localdate()
    return exports.Sheet(
        filename=f"{election.village.name}-{_('Activity trail')}-{today:%Y%m%d}.xlsx",
        title=_("Activity trail"),
        headers=[
            _("No."),
            _("Time (Beijing)"),
            _("By"),
            _("Role"),
            _("Action"),
            _("Kind of record"),
            _("Record"),
            _("What changed"),
            _("Hash"),
        ],
        rows=rows(),
        count=entries.count(),
        division_code=election.division_code,
    )


def _rows(batch):
    for view in selectors.present_all(batch):
        e = view.entry
        yield [
            e.seq,
            f"{view.local_at:%Y-%m-%d %H:%M:%S}",
            view.actor,
            view.role,
            str(e.get_action_display()),
            view.kind,
            e.object_repr,
            "\n".join(view.summary_lines()),
            e.hash,
        ]
