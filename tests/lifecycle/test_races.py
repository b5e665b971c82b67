"""Twenty identical POSTs at once on PostgreSQL: no HTTP 500, one row, and the answers of sequential twins.

The default checklist (StepDefinition rows) is migration data, which a transactional test's flush removes:
`default_steps` loads it again with the migration's own function. (`serialized_rollback` would collide
with the content types that the flush of an earlier transactional test re-creates.)
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from elections.models import Stage, VillageElection
from lifecycle import codes
from lifecycle.models import (
    ExceptionStatus,
    GateException,
    Handover,
    Reminder,
    StepDefinition,
    StepRecord,
)
from tests.concurrency import failures, fire_concurrently, logged_in_clients, require_postgresql
from tests.reference import load_default_steps

from .conftest import force_stage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

N = 20
ERROR = re.compile(r'<p data-code="([^"]+)">([^<]+)')


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgresql()


@pytest.fixture(autouse=True)
def default_steps(_postgres_only):
    if not StepDefinition.objects.exists():
        load_default_steps()


def refusals(response) -> list[tuple[str, str]]:
    """The service's refusals a workflow page shows: (code, message)."""
    return [(code, message.strip()) for code, message in ERROR.findall(response.content.decode())]


def test_twenty_identical_exception_requests_make_one_and_refuse_the_others(world):
    election = world["home"]
    url = reverse("lifecycle:request_exception", args=[election.pk])
    data = {"kind": "postponement", "reason": "信访积案突出，派驻工作组整顿"}
    clients = logged_in_clients(world["township"], N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(url, data))

    assert failures(outcomes) == []
    pending = GateException.objects.filter(election=election, status=ExceptionStatus.REQUESTED)
    assert pending.count() == 1
    done = [o for o in outcomes if o.status_code == 302]
    assert [o["Location"] for o in done] == [
        reverse("lifecycle:workflow", args=[election.pk]) + "#exceptions"
    ]
    # The others are told what a sequential twin is told: the same page, code and Chinese message.
    twin = logged_in_clients(world["township"], 1)[0].post(url, data)
    assert twin.status_code == 400
    expected = refusals(twin)
    assert expected == [(codes.EXCEPTION_PENDING, "同类例外事项已在等待县委组织部审批。")]
    refused = [o for o in outcomes if o.status_code != 302]
    assert len(refused) == N - 1
    assert all(o.status_code == 400 and refusals(o) == expected for o in refused)


def test_twenty_identical_step_records_make_one_record(world, today):
    election = world["home"]
    # Election day close: the village has reminders, which every record of a step replaces.
    VillageElection.objects.filter(pk=election.pk).update(election_day=today + timedelta(days=3))
    url = reverse("lifecycle:step", args=[election.pk, "prep_organization"])
    data = {"action": "record", "status": "done", "done_on": today.isoformat(), "note": "已成立"}
    clients = logged_in_clients(world["clerk"], N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(url, data))

    assert failures(outcomes) == []
    # A sequential second record of the same step updates the first: every answer is the success redirect.
    assert {(o.status_code, o["Location"]) for o in outcomes} == {
        (302, reverse("lifecycle:workflow", args=[election.pk]) + "#step-prep_organization")
    }
    record = StepRecord.objects.get(election=election, step__code="prep_organization")
    assert (record.status, record.done_on, record.note) == ("done", today, "已成立")
    assert Reminder.objects.filter(election=election).count() == 4


def test_twenty_identical_handover_openings_open_one_handover(world, today):
    election = force_stage(world["home"], Stage.HANDOVER)
    VillageElection.objects.filter(pk=election.pk).update(election_day=today - timedelta(days=3))
    url = reverse("lifecycle:handover", args=[election.pk])
    clients = logged_in_clients(world["township"], N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(url, {"action": "open"}))

    assert failures(outcomes) == []
    assert {(o.status_code, o["Location"]) for o in outcomes} == {(302, url)}
    assert Handover.objects.filter(election=election).count() == 1
