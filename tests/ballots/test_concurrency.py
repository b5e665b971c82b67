"""Concurrent double entry on PostgreSQL: real threads, one connection each, no lost update."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.roles import Role
from ballots import services
from ballots.models import SheetState, TallyEntry, TallySheet
from tests.ballots.factories import add_box, make_village, sheet_values
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and concurrent connections")


def run_concurrently(work, threads=THREADS):
    barrier = threading.Barrier(threads)
    outcomes: list = []
    lock = threading.Lock()

    def runner(n):
        try:
            barrier.wait()
            result = work(n)
        except Exception as exc:  # collected: each test says which failures it expects
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    pool = [threading.Thread(target=runner, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return outcomes


def test_many_clerks_at_once_make_exactly_two_entries():
    village = make_village()
    box = add_box(village)
    clerks = [
        UserFactory(username=f"c{n}", role=Role.CLERK, region=village.election.village)
        for n in range(THREADS)
    ]
    values = sheet_values(village)

    outcomes = run_concurrently(
        lambda n: services.record_tally_entry(box=box, body="committee", values=values, by=clerks[n])
    )

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == THREADS - 2
    assert {o.code for o in refused} == {"tally.sheet_full"}
    assert sorted(TallyEntry.objects.values_list("slot", flat=True)) == [1, 2]
    assert TallySheet.objects.get().state == SheetState.AGREED


def test_concurrent_corrections_never_lose_an_update():
    village = make_village()
    box = add_box(village)
    services.record_tally_entry(box=box, body="committee", values=sheet_values(village), by=village.clerk)
    rounds = 3

    def correct(_n):
        applied = 0
        while applied < rounds:
            entry = TallyEntry.objects.get(entered_by=village.clerk)
            values = {**entry.values(), "invalid": entry.invalid + 1}
            try:
                services.record_tally_entry(
                    box=box, body="committee", values=values, by=village.clerk, version=entry.version
                )
            except ValidationError as exc:
                assert exc.code == "tally.stale_version"
                continue  # someone else corrected first: read again and reapply
            applied += 1
        return applied

    outcomes = run_concurrently(correct)

    assert outcomes == [rounds] * THREADS
    entry = TallyEntry.objects.get(entered_by=village.clerk)
    assert entry.invalid == THREADS * rounds
    assert entry.version == 1 + THREADS * rounds


def test_the_same_stale_version_is_accepted_once():
    village = make_village()
    box = add_box(village)
    first = services.record_tally_entry(
        box=box, body="committee", values=sheet_values(village), by=village.clerk
    )

    outcomes = run_concurrently(
        lambda n: services.record_tally_entry(
            box=box,
            body="committee",
            values=sheet_values(village, invalid=n + 1),
            by=village.clerk,
            version=first.version,
        )
    )

    accepted = [o for o in outcomes if isinstance(o, TallyEntry)]
    assert len(accepted) == 1
    assert {o.code for o in outcomes if isinstance(o, ValidationError)} == {"tally.stale_version"}
    assert TallyEntry.objects.get().invalid == accepted[0].invalid
