"""Celery tasks of the ground floor: one line each into a service; safe to run twice.

An export is acknowledged late and put back if the worker child dies, so a job is not silently lost;
writing it again is harmless (an export changes nothing but its own job)."""

from celery import shared_task

from elections import exports


@shared_task(acks_late=True, reject_on_worker_lost=True)
def write_export(job_id: int) -> None:
    exports.write_export_job(job_id=job_id)


@shared_task
def purge_export_jobs() -> int:
    """Delete the export jobs older than exports.KEEP_FOR with their files (a job's end also does it)."""
    return exports.purge_export_jobs()
