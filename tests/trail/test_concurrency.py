"""Many writers at once never fork the chain (PostgreSQL: the advisory lock serialises appends)."""

import threading

import pytest
from django.db import connection, connections, transaction

from tests.factories import CycleFactory, VillageElectionFactory, region_chain
from tests.trail.helpers import registration, resident
from trail.models import TrailEntry
from trail.services import record_bulk, verify_chain

WRITERS, EACH = 8, 10


def run_concurrently(work, *, each: int = EACH):
    """`work(n, i)` for i < `each` in each of WRITERS threads started together; any error fails the test."""
    barrier = threading.Barrier(WRITERS)
    errors = []

    def writer(n):
        try:
            barrier.wait()
            for i in range(each):
                work(n, i)
        except Exception as exc:  # reported below: a failed writer fails the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def assert_one_unbroken_chain(expected):
    seqs = list(TrailEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, expected + 1))
    assert TrailEntry.objects.values("prev_hash").distinct().count() == expected
    result = verify_chain()
    assert result.ok, result.problems


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_records_form_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers")

    def work(n, i):
        with transaction.atomic():
            record_bulk(
                actor=None,
                action="import",
                model="voters.voterregistration",
                division_code=f"330702001{n + 1:03d}",
                summary=f"writer {n} batch {i}",
                counts={"created": i},
            )

    run_concurrently(work)
    assert_one_unbroken_chain(WRITERS * EACH)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_captured_changes_form_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers")
    election = VillageElectionFactory(cycle=CycleFactory(), village=region_chain("330702001001"))
    people = [resident(election.village, name=f"村民{n}") for n in range(WRITERS * EACH)]
    before = TrailEntry.objects.count()

    def work(n, i):
        with transaction.atomic():
            registration(election, people[n * EACH + i])

    run_concurrently(work)
    assert_one_unbroken_chain(before + WRITERS * EACH)
