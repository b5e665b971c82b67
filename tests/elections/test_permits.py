"""The stage → actions table (elections.permits): which door is open in which stage, and the codes."""

import pytest
from django.core.exceptions import ValidationError

from elections import permits
from elections.models import Stage
from elections.red_flag import set_red_flag
from tests.factories import UserFactory, VillageElectionFactory
from trail.models import TrailEntry

pytestmark = pytest.mark.django_db


def _code(election, action, **kwargs):
    error = permits.refusal(election, action, **kwargs)
    return None if error is None else error.code


def test_the_roll_is_kept_in_the_party_and_committee_stages_only():
    election = VillageElectionFactory(stage=Stage.PREPARATION)
    assert _code(election, "roll.edit") == permits.STAGE_CLOSED
    for stage in (Stage.PARTY_ELECTION, Stage.COMMITTEE_ELECTION):
        election.stage = stage
        assert _code(election, "roll.edit") is None
    election.stage = Stage.SUPERVISION
    assert _code(election, "roll.publish") == permits.STAGE_CLOSED


def test_each_body_works_in_its_own_stage():
    election = VillageElectionFactory(stage=Stage.PARTY_ELECTION)
    assert _code(election, "candidates.work", body="party") is None
    assert _code(election, "candidates.work", body="committee") == permits.STAGE_CLOSED
    election.stage = Stage.COMMITTEE_ELECTION
    assert _code(election, "candidates.work", body="party") == permits.STAGE_CLOSED
    assert _code(election, "ballots.voting", body="committee") is None
    assert _code(election, "ballots.approve", body="party") is None  # approved until the handover ends


def test_a_completed_election_is_read_only_except_corrections_with_a_reason():
    election = VillageElectionFactory(stage=Stage.COMPLETED)
    assert _code(election, "roll.publish") == permits.COMPLETED
    assert _code(election, "roll.edit") == permits.COMPLETED
    assert _code(election, "roll.edit", reason="   ") == permits.COMPLETED
    assert _code(election, "roll.edit", reason="更正姓名错字") is None


def test_a_postponed_or_red_village_does_no_election_work_but_its_audit_goes_on():
    election = VillageElectionFactory(stage=Stage.POSTPONED)
    assert _code(election, "roll.edit") == permits.POSTPONED
    assert _code(election, "audits.work") is None
    election.stage, election.risk_red_open = Stage.COMMITTEE_ELECTION, True
    assert _code(election, "roll.edit") == permits.RED_OPEN
    assert _code(election, "audits.work") is None


def test_the_refusal_is_a_coded_chinese_message_naming_the_stages():
    election = VillageElectionFactory(stage=Stage.PREPARATION)
    with pytest.raises(ValidationError) as caught:
        permits.require(election, "roll.publish")
    text = caught.value.messages[0]
    assert caught.value.code == permits.STAGE_CLOSED
    assert "“选举准备”" in text
    assert "公布选民名单" in text and "党组织换届、村委会选举" in text


def test_the_red_flag_service_is_idempotent_and_trailed():
    election = VillageElectionFactory()
    county = UserFactory(username="county")
    before = TrailEntry.objects.count()
    assert set_red_flag(election=election, open=True, by=county) is True
    assert set_red_flag(election=election, open=True, by=county) is False
    election.refresh_from_db()
    assert election.risk_red_open is True
    assert TrailEntry.objects.count() == before + 1
    assert permits.refusal(election, "roll.edit").code == permits.RED_OPEN
    assert set_red_flag(election=election, open=False, by=county) is True
    election.refresh_from_db()
    assert permits.refusal(election, "roll.edit") is None
