"""The workflow demo: villages in every stage, consistent with the gates."""

from random import Random

import pytest
from django.utils import timezone

from demo import audits as audits_demo
from demo import base as elections_demo
from demo import lifecycle as workflow_demo
from demo import voters as voters_demo
from demo.base import DemoContext
from elections.models import Stage, VillageElection
from lifecycle import gates, progress
from lifecycle.models import ExceptionKind, ExceptionStatus, GateException, Reminder, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    ctx = DemoContext(rng=Random(11), villages=60, today=timezone.localdate())
    for module in (elections_demo, voters_demo, audits_demo, workflow_demo):
        module.seed(ctx)
    return ctx


def test_villages_in_every_stage_each_passed_the_gates_of_its_stage(seeded):
    stages = set(VillageElection.objects.values_list("stage", flat=True))
    assert {Stage.PREPARATION, Stage.PARTY_ELECTION, Stage.COMMITTEE_ELECTION, Stage.HANDOVER} <= stages
    assert len(stages) >= 6
    for election in VillageElection.objects.select_related("cycle"):
        if election.stage in (Stage.PREPARATION, Stage.POSTPONED):
            continue
        for stage in progress.STAGE_ORDER[1 : progress.STAGE_INDEX[election.stage] + 1]:
            assert gates.for_transition(election, stage) == [], (election.village_id, election.stage, stage)

    for election in VillageElection.objects.filter(stage=Stage.POSTPONED):
        assert election.risk_red_open
        approval = GateException.objects.get(election=election, kind=ExceptionKind.POSTPONEMENT)
        assert approval.status == ExceptionStatus.APPROVED and approval.decided_by.role == "county"
        assert StageChange.objects.get(election=election, to_stage=Stage.POSTPONED).exception == approval

    assert Reminder.objects.filter(kind="overdue").exists()  # and some steps are overdue
