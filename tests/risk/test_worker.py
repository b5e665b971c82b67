"""The Monday fan-out through a real Celery worker on the Redis broker (runs in CI, where REDIS_URL is set)."""

import os
import time

import pytest

from risk import tasks
from risk.models import RecomputeRun, RiskSnapshot
from tests.conftest import in_ci
from tests.factories import CycleFactory
from tests.risk.conftest import MONDAY, add_villages

pytestmark = [pytest.mark.celery_worker, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_weekly_task_recomputes_every_county_on_a_real_worker():
    if not os.environ.get("REDIS_URL"):
        if in_ci():
            pytest.fail("REDIS_URL must be set in CI")
        pytest.skip("no Redis broker (REDIS_URL unset): tasks run eagerly here")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    cycle = CycleFactory()
    add_villages(cycle, "330702001", 3)
    add_villages(cycle, "330703001", 2)
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        sent = tasks.recompute_week.delay(MONDAY.isoformat()).get(timeout=60)
        assert sent == 2
        for _attempt in range(120):
            if RecomputeRun.objects.filter(week=MONDAY).count() == 2:
                break
            time.sleep(0.25)
    assert RecomputeRun.objects.filter(week=MONDAY).count() == 2
    assert RiskSnapshot.objects.filter(week=MONDAY).count() == 5
