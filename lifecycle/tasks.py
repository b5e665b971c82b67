"""Celery tasks of the workflow: one line each into a service; idempotent (safe to retry or run twice)."""

from celery import shared_task

from elections.models import ElectionCycle, Region

from . import workflow


@shared_task(acks_late=True)
def refresh_all_reminders() -> int:
    """The daily beat task: one reminder recompute per county of every current cycle, so that more workers
    share a province's work."""
    queued = 0
    for cycle in ElectionCycle.objects.filter(is_current=True).select_related("region"):
        counties = Region.objects.filter(level="county", code__startswith=cycle.region.prefix).values_list(
            "code", flat=True
        )
        for code in counties:
            refresh_county_reminders.delay(cycle.pk, code[:6])
            queued += 1
    return queued


@shared_task(acks_late=True)
def refresh_county_reminders(cycle_id: int, prefix: str) -> int:
    return workflow.refresh_reminders(cycle=ElectionCycle.objects.get(pk=cycle_id), prefix=prefix)
