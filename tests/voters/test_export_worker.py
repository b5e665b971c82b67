"""A big roll export written by a real Celery worker on the Redis broker (runs in CI, where REDIS_URL is set)."""

import os
import time
from datetime import date

import pytest
from openpyxl import load_workbook

from elections.models import ExportJob
from tests.conftest import in_ci
from tests.factories import UserFactory, VillageElectionFactory, make_id_number
from voters.models import Resident, VoterRegistration

pytestmark = [pytest.mark.celery_worker, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_roll_above_the_limit_is_written_by_a_real_worker(client, settings, tmp_path):
    if not os.environ.get("REDIS_URL"):
        if in_ci():
            pytest.fail("REDIS_URL must be set in CI")
        pytest.skip("no Redis broker (REDIS_URL unset): tasks run eagerly here")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    settings.EXPORT_BACKGROUND_ROWS = 1
    settings.MEDIA_ROOT = tmp_path
    election = VillageElectionFactory()
    for serial, name in enumerate(["王五", "李四"], start=1):
        resident = Resident.objects.create(
            village=election.village, division_code=election.village.code, name=name, sex="M",
            id_number=make_id_number(serial=serial), birth_date=date(1970, 1, 1),
        )  # fmt: skip
        VoterRegistration.objects.create(
            election=election, cycle=election.cycle, resident=resident, division_code=election.division_code,
            group="1组", category="hukou_resident",
        )  # fmt: skip
    clerk = UserFactory(username="clerk", role="clerk", region=election.village)
    client.force_login(clerk)
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        response = client.post(f"/voters/election/{election.pk}/export.xlsx")
        job = ExportJob.objects.get()
        assert response.status_code == 302
        for _ in range(600):
            job.refresh_from_db()
            if job.state not in ExportJob.RUNNING_STATES:
                break
            time.sleep(0.1)
    assert job.state == ExportJob.State.DONE, job.failure
    download = client.get(f"/exports/{job.pk}/download.xlsx")
    target = tmp_path / "roll.xlsx"
    target.write_bytes(b"".join(download.streaming_content))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["王五", "李四"]
