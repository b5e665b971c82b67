"""Celery tasks of voter registration: one line each into a service; safe to run twice."""

from celery import shared_task

from voters import services


@shared_task(acks_late=True)
def check_roll_import(job_id: int) -> None:
    services.check_import_job(job_id=job_id)


@shared_task(acks_late=True)
def apply_roll_import(job_id: int, by_id: int, reason: str = "") -> None:
    services.apply_import_job(job_id=job_id, by_id=by_id, reason=reason)
