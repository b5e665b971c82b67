"""A roll import through a real Celery worker on the Redis broker (runs in CI, where REDIS_URL is set)."""

import os
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import in_ci
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from tests.voters.test_services import person, xlsx
from voters import services, tasks
from voters.models import ImportJob, VoterRegistration

pytestmark = [pytest.mark.celery_worker, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_upload_is_checked_and_imported_by_a_real_worker():
    if not os.environ.get("REDIS_URL"):
        if in_ci():
            pytest.fail("REDIS_URL must be set in CI")
        pytest.skip("no Redis broker (REDIS_URL unset): tasks run eagerly here")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    election = VillageElectionFactory(
        cycle=CycleFactory(), village=region_chain("330702001001"), election_day=date(2027, 1, 20)
    )
    clerk = UserFactory(username="clerk", role="clerk", region=election.village)
    upload = SimpleUploadedFile("roll.xlsx", xlsx([person(1), person(2, name="李四")]).getvalue())
    job = services.start_import_job(election=election, upload=upload, by=clerk)
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        tasks.check_roll_import.delay(job.pk).get(timeout=60)
        job.refresh_from_db()
        assert job.state == ImportJob.State.PREVIEWED and job.result["created"] == 2
        services.confirm_import_job(job=job, by=clerk, reason="")
        tasks.apply_roll_import.delay(job.pk, clerk.pk, "").get(timeout=60)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert VoterRegistration.objects.filter(election=election).count() == 2
