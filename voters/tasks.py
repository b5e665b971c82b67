"""Celery tasks of voter registration: one line each into a service; safe to run twice.

The import steps are acknowledged late, and their message is put back if the worker child dies
(CELERY_TASK_REJECT_ON_WORKER_LOST), so a job is never silently lost; the service counts the deliveries
on the job and fails it on the second one instead of running the file again (a file that kills the
child would otherwise come back without end). The services catch every error themselves, ending the
job failed with a message, so nothing is retried by Celery.
"""

from celery import shared_task

from voters import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_roll_import(job_id: int) -> None:
    services.check_import_job(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def apply_roll_import(job_id: int, by_id: int, reason: str = "") -> None:
    services.apply_import_job(job_id=job_id, by_id=by_id, reason=reason)


@shared_task
def purge_roll_uploads() -> int:
    """Hourly (beat): end the jobs whose worker died, delete the uploaded rolls no longer needed."""
    return services.purge_roll_uploads()
