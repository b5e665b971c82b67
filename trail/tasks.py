"""Celery tasks of the activity trail: sealing pending entries into the chain, and anchoring the chain
head outside the database.

`seal_trail` runs every TRAIL_SEAL_SECONDS from the beat ("trail-seal"): it chains what writers left
pending when their own after-commit seal found the lock taken. Idempotent by nature: a second run finds
nothing pending. Bounded, so that a task never runs for ever under a steady stream of writes.

`anchor_trail` runs each night from the beat ("trail-daily-anchor" in settings) and after each cycle
milestone (`trail.services.anchor_on_commit`). Thin and idempotent: a head already in the anchor file is
skipped, so a redelivered or repeated task writes nothing twice. Storage that is briefly away (an
unmounted share) is retried.
"""

from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def anchor_trail(reason: str = "daily") -> dict | None:
    recorded = services.record_anchor(reason=reason)
    if recorded is None:
        return None
    return {"code": recorded.anchor.code, "written": recorded.written, "mailed": recorded.mailed}


@shared_task(ignore_result=True)
def seal_trail() -> int:
    # Never waits for the lock: a sealer holding it seals what this one would have.
    return services.seal_pending(wait=False, batches=50)
