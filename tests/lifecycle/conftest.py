"""A township with two villages, the users of every role, and helpers that record what the gates read."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from audits.models import AuditorKind, AuditStatus, OutgoingAudit
from ballots.models import ElectionResult, ResultState, VotingMethod, VotingNotice
from candidates.choices import Body, NoticeKind
from candidates.models import NoticePublication
from elections.models import Stage, VillageElection
from lifecycle.models import StepDefinition, StepRecord, StepStatus
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from voters.models import RollPublication

HOME, NEIGHBOUR, OTHER_COUNTY = "330702001001", "330702002001", "330703001001"


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def world(today):
    cycle = CycleFactory(starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=200))
    home = VillageElectionFactory(
        cycle=cycle,
        village=region_chain(HOME, name="上方村"),
        election_day=today + timedelta(days=30),
        stage=Stage.PREPARATION,
    )
    neighbour = VillageElectionFactory(
        cycle=cycle,
        village=region_chain(NEIGHBOUR, name="邻乡村"),
        election_day=today + timedelta(days=30),
        stage=Stage.PREPARATION,
    )
    township = home.village.parent
    county = township.parent
    return {
        "cycle": cycle,
        "home": home,
        "neighbour": neighbour,
        "township": UserFactory(
            username="township", role=Role.TOWNSHIP, region=township, display_name="王干事"
        ),
        "county": UserFactory(username="county", role=Role.COUNTY, region=county, display_name="陈审核"),
        "city": UserFactory(username="city", role=Role.CITY, region=county.parent),
        "clerk": UserFactory(username="clerk", role=Role.CLERK, region=home.village),
        "admin": UserFactory(
            username="admin", role=Role.ADMIN, region=None, is_superuser=True, is_staff=True
        ),
    }


def complete_audit(election: VillageElection, on: date | None = None) -> OutgoingAudit:
    on = on or timezone.localdate() - timedelta(days=10)
    return OutgoingAudit.objects.create(
        election=election,
        auditor_kind=AuditorKind.DEPARTMENT,
        auditor_name="农村集体“三资”管理服务中心",
        status=AuditStatus.COMPLETED,
        started_on=on - timedelta(days=10),
        completed_on=on,
    )


def publish_roll(election: VillageElection, on: date, by) -> RollPublication:
    return RollPublication.objects.create(
        election=election, division_code=election.division_code, published_on=on, voters=100, published_by=by
    )


def publish_formal_list(election: VillageElection, on: date, by) -> NoticePublication:
    """The candidates app's record of the formal list's publication (the gates read it)."""
    return NoticePublication.objects.create(
        election=election, kind=NoticeKind.FORMAL, published_on=on, published_by=by
    )


def publish_voting_notice(election: VillageElection, on: date, by) -> VotingNotice:
    """The ballots app's voting notice for the election's present day (the gates read it)."""
    return VotingNotice.objects.create(
        election=election,
        voting_on=election.election_day,
        starts_at=timezone.datetime.min.time().replace(hour=8),
        method=VotingMethod.CENTRAL,
        place="村文化礼堂",
        published_on=on,
        published_by=by,
    )


def hold_vote(
    election: VillageElection,
    on: date,
    by,
    *,
    body: str = Body.COMMITTEE,
    approved: bool = False,
    valid: bool = True,
    unfilled: int = 0,
    round: int = 1,
) -> ElectionResult:
    """The ballots app's record of a vote counted and confirmed on the spot (and approved), written
    directly: the tests of counting go through ballots.services."""
    moment = timezone.make_aware(timezone.datetime.combine(on, timezone.datetime.min.time()).replace(hour=18))
    return ElectionResult.objects.create(
        election=election,
        body=body,
        round=round,
        state=ResultState.APPROVED if approved else ResultState.CONFIRMED,
        valid=valid,
        data={"positions": [{"position": "chair", "elected": [], "further_round_seats": unfilled}]},
        counted_by=by,
        confirmed_by=by,
        confirmed_at=moment,
        approved_by=by if approved else None,
        approved_at=moment if approved else None,
    )


def step(code: str) -> StepDefinition:
    return StepDefinition.objects.get(code=code)


def force_record(election: VillageElection, code: str, done_on: date, by=None) -> StepRecord:
    """A step record written directly (the gates read it; tests of the service go through record_step)."""
    return StepRecord.objects.create(
        election=election, step=step(code), status=StepStatus.DONE, done_on=done_on, done_by=by
    )


def force_stage(election: VillageElection, stage: str) -> VillageElection:
    """Put an election in a stage without the workflow (test set-up only)."""
    VillageElection.objects.filter(pk=election.pk).update(stage=stage)
    election.refresh_from_db()
    return election


def ready_to_vote(world, today):
    """The home village in the committee election with the audit done, roll and candidates in time."""
    election = world["home"]
    complete_audit(election)
    force_stage(election, Stage.COMMITTEE_ELECTION)
    VillageElection.objects.filter(pk=election.pk).update(election_day=today)
    election.refresh_from_db()
    publish_roll(election, today - timedelta(days=20), world["township"])
    publish_formal_list(election, today - timedelta(days=5), world["township"])
    publish_voting_notice(election, today - timedelta(days=3), world["township"])
    return election
