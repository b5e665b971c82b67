"""Celery tasks of the weekly recompute: one task per county, and the Monday fan-out that sends them.

Thin and idempotent (risk.recompute replaces a county's week in one transaction), acknowledged late: a
worker lost mid-county leaves the old snapshots, and the task runs again elsewhere.
"""

from datetime import date

from celery import shared_task
from django.utils import timezone

from elections.models import ElectionCycle

from . import recompute
from .services import ensure_default_weights
from .weeks import week_of


@shared_task(acks_late=True)
def recompute_county(cycle_id: int, county_code: str, week: str) -> dict:
    cycle = ElectionCycle.objects.select_related("region").get(pk=cycle_id)
    result = recompute.recompute_county(cycle=cycle, county_code=county_code, week=date.fromisoformat(week))
    return {"county": result.county_code, "villages": result.villages, "red": result.red}


@shared_task(acks_late=True)
def recompute_week(week: str | None = None) -> int:
    """Send one recompute_county task per county of every current cycle; returns how many were sent.

    Without `week` (the Monday beat) it is the week of today in the project's time zone (Asia/Shanghai).
    """
    monday = week_of(date.fromisoformat(week) if week else timezone.localdate()).isoformat()
    sent = 0
    for cycle in recompute.current_cycles():
        ensure_default_weights(cycle=cycle)
        for county in recompute.counties_of(cycle):
            recompute_county.delay(cycle.pk, county, monday)
            sent += 1
    return sent
