"""The rest of the demo's rolls, loaded after the pages already answer (issue 17, part 4).

seed_demo loads everything else in one transaction, with the first part of every roll (demo.voters); nine
residents in ten are left, about 900,000 rows with their registrations, which take a minute on SQLite.
`plan_rest` records what is left (demo.models.DemoLoad, written in the seed's own transaction, so the
banner shows from the first page), `load_pending` adds it a few villages per transaction, each batch
committing with its villages marked done: short transactions, so that the pages (and a login, which
writes its session) wait for the writer a fraction of a second at most; and a load stopped halfway (the
process killed, the machine shut down) resumes with the next batch when it is started again, any number of
times, with no village drawn twice.

`start_background` starts it as the Celery task `demo.tasks.load_demo_rolls`. With a broker (run-services)
a worker takes it. In `make run` Celery is eager, so the task would run inside seed_demo and hold the
server back until the rolls are in: there it runs as a detached process (`manage.py seed_demo --rolls-only`)
instead of a thread, because seed_demo exits before runserver starts (a thread would die with it), the
development server's autoreloader restarts its own process on every code change, and a process of its own
keeps the drawing of a million names off the web process's interpreter lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from demo.models import DemoLoad
from demo.voters import Serials, VillageRoll, load_rest
from elections.bulk import batched

VILLAGES_PER_BATCH = 25  # ~30,000 rows: a transaction of a few tenths of a second
LOG_FILE = "var/demo-rolls.log"


def plan_rest(seed: int, rolls: list[VillageRoll]) -> DemoLoad:
    """Record the rolls still to complete (in the caller's transaction); finished at once if none is."""
    now = timezone.now()
    state, _created = DemoLoad.objects.update_or_create(
        part=DemoLoad.ROLLS,
        defaults={
            "villages": len(rolls),
            "plan": {"seed": seed, "villages": [r.as_json() for r in rolls]},
            "done": sorted(r.election_id for r in rolls if r.complete),
            "finished_at": now if all(r.complete for r in rolls) else None,
        },
    )
    return state


def pending() -> DemoLoad | None:
    """The rolls' load while it is not finished (the banner's record), else None."""
    return DemoLoad.objects.filter(part=DemoLoad.ROLLS, finished_at__isnull=True).first()


def load_pending(*, out=None, batch: int = VILLAGES_PER_BATCH) -> DemoLoad | None:
    """Complete every roll not yet done, a batch of villages per transaction; returns the load record.
    Safe to run again, or in two processes at once: each batch re-reads what is done under the write
    lock first."""
    state = pending()
    if state is None:
        return DemoLoad.objects.filter(part=DemoLoad.ROLLS).first()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # room for the rolls' indexes: fewer page reads per insert
            cursor.execute("PRAGMA cache_size = -131072")
    seed = state.plan["seed"]
    rolls = [VillageRoll.from_json(v) for v in state.plan["villages"]]
    regions = {r.code[:6] for r in rolls}
    done = set(state.done)
    serials = None
    for chunk in batched([r for r in rolls if r.election_id not in done], batch):
        for attempt in (1, 2):
            if serials is None:
                serials = Serials.of(regions)
            try:
                with transaction.atomic():
                    state = DemoLoad.objects.get(pk=state.pk)
                    done = set(state.done)
                    todo = [r for r in chunk if r.election_id not in done]
                    written = load_rest(todo, seed, serials)
                    state.done = sorted(done | {r.election_id for r in todo})
                    state.save(update_fields=["done", "updated_at"])
                break
            except IntegrityError:
                # Someone else gave an ID number meanwhile (another loader, a clerk's entry): read the
                # numbers again and redraw the batch once.
                serials = None
                if attempt == 2:
                    raise
        if out is not None:
            out.write(f"rolls: {len(state.done)}/{state.villages} villages (+{written} residents)")
    with transaction.atomic():
        state = DemoLoad.objects.get(pk=state.pk)
        if state.finished_at is None and len(set(state.done)) >= state.villages:
            state.finished_at = timezone.now()
            state.save(update_fields=["finished_at", "updated_at"])
    return state


def start_background() -> str:
    """Start loading the rest of the rolls without waiting for it: the Celery task on a worker, or a
    detached `seed_demo --rolls-only` when Celery runs eagerly (see the module's doc). Returns where."""
    from demo.tasks import load_demo_rolls

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        load_demo_rolls.delay()
        return "celery"
    log = Path(settings.BASE_DIR) / LOG_FILE
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as output:
        subprocess.Popen(
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "seed_demo",
                "--rolls-only",
                "-v",
                "2",
            ],
            cwd=settings.BASE_DIR,
            env=os.environ.copy(),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not stopped with make run's terminal: the next start resumes anyway
            preexec_fn=_lower_priority if hasattr(os, "nice") else None,
        )
    return str(log)


def _lower_priority() -> None:
    """The loader yields the processor to the web server (its start, then its pages) and to the rest of
    the machine: it has a minute and nobody waits on it."""
    os.nice(10)
