"""The one writer of `VillageElection.risk_red_open`: the red village not closed out (不销号、不启动换届).

The weekly risk recompute raises the flag of a village it rates red, and the county's close-out of the
rectification plan (or its approved close-out exception on the lifecycle's steps page) lowers it. Both
come here, so every change is one trailed save with its actor and reason, and every door below the
lifecycle (elections.permits) reads the same flag.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from trail.services import acting_as, record_bulk

from .models import VillageElection


def set_red_flag(*, election: VillageElection, open: bool, by=None) -> bool:
    """Raise (`open=True`) or lower the red flag of one election; True when it changed (idempotent)."""
    with transaction.atomic(), acting_as(by):
        locked = VillageElection.objects.select_for_update().get(pk=election.pk)
        if locked.risk_red_open == open:
            election.risk_red_open = open
            return False
        locked.risk_red_open = open
        locked.save(update_fields=["risk_red_open", "updated_at"])  # trailed through its registration
    election.risk_red_open = open
    return True


def sync_red_flags(
    *, division_code: str, raise_ids: Iterable[int], lower_ids: Iterable[int], by=None, reason: str = ""
) -> int:
    """Set-based form for the weekly recompute of one region (a county's 12-digit code): raise the flag of
    `raise_ids`, lower it on `lower_ids`; one UPDATE per direction and one bulk trail entry naming the
    elections moved. Returns the number of elections changed."""
    moved: dict[bool, list[int]] = {True: [], False: []}
    with transaction.atomic():
        for ids, value in ((list(raise_ids), True), (list(lower_ids), False)):
            if ids:
                rows = VillageElection.objects.filter(pk__in=ids).exclude(risk_red_open=value)
                moved[value] = sorted(rows.values_list("pk", flat=True))
                VillageElection.objects.filter(pk__in=moved[value]).update(risk_red_open=value)
        changed = len(moved[True]) + len(moved[False])
        if changed:
            record_bulk(
                actor=by,
                action="red_flag",
                model=VillageElection,
                division_code=division_code,
                summary=reason or "red flags of the weekly rating",
                counts={"raised": len(moved[True]), "lowered": len(moved[False])},
                extra={"raised": moved[True], "lowered": moved[False]},
            )
    return changed
