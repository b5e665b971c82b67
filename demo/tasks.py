"""The demo's Celery task: the rest of the demo rolls (demo.rolls), thin and idempotent: each batch of
villages commits with its villages marked done, so a task run twice or retried resumes where it was."""

from celery import shared_task


@shared_task(acks_late=True)
def load_demo_rolls() -> int:
    from demo.rolls import load_pending

    state = load_pending()
    return len(state.done) if state is not None else 0
