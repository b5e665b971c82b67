"""The demo nominations (demo.candidates): every village nominated, realistic outcomes, valid people."""

from collections import Counter
from datetime import date
from random import Random

import pytest

from candidates import rules
from candidates.choices import VettingStatus
from candidates.models import Approval, Nomination, QualificationReview
from candidates.selectors import election_vetting
from demo import base as elections_demo
from demo import candidates as demo
from demo.base import DemoContext
from demo.lifecycle import plans_of
from elections.models import Stage, VillageElection
from tests.candidates.factories import ResidentFactory
from voters.models import Resident
from voters.rules import birth_date_from_id, sex_from_id, validate_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    ctx = DemoContext(rng=Random(7), villages=20, today=date(2026, 11, 24))
    elections_demo.seed(ctx)
    first = VillageElection.objects.order_by("division_code").first()
    existing = [
        ResidentFactory(village=first.village, birth_date=date(1975, 3, 3), party_member=True)
        for _ in range(30)
    ]
    demo.seed(ctx)
    return ctx, existing


def test_every_village_gets_the_nominees_its_stage_allows(seeded):
    """None before the Party election; the Party committee's in it; every body's from the villagers'
    committee election on (elections.permits: candidate work of a body in its body's stage)."""
    ctx, _existing = seeded
    stages = {pk: plan.stage for pk, plan in plans_of(ctx).items()}
    per_village = Counter(Nomination.objects.values_list("election_id", "body"))
    seen = Counter()
    for election in VillageElection.objects.all():
        stage = stages[election.pk]
        seen[stage] += 1
        settings = rules.Thresholds(reference_date=election.cycle.reference_date)
        if stage in (Stage.PREPARATION, Stage.POSTPONED):
            assert not any(per_village[(election.pk, b)] for b in ("party", "committee", "supervision"))
            continue
        assert per_village[(election.pk, "party")] >= rules.minimum_initial_candidates(
            election.party_seats, settings
        )
        if stage == Stage.PARTY_ELECTION:
            assert per_village[(election.pk, "committee")] == per_village[(election.pk, "supervision")] == 0
            continue
        assert per_village[(election.pk, "committee")] > election.committee_seats
        assert per_village[(election.pk, "supervision")] == election.supervision_seats
    assert seen[Stage.PARTY_ELECTION] and seen[Stage.COMMITTEE_ELECTION], seen


def test_outcomes_are_varied(seeded):
    statuses = Counter()
    for election in VillageElection.objects.select_related("village__parent", "cycle"):
        statuses.update(row.status for row in election_vetting(election=election).rows)
    for status in (
        VettingStatus.QUALIFIED,
        VettingStatus.BLOCKED,
        VettingStatus.AWAITING,
        VettingStatus.NEEDS_APPROVAL,
    ):
        assert statuses[status] > 0, statuses
    assert QualificationReview.objects.filter(verdict="pending").exists()
    assert Approval.objects.filter(state="pending").exists()


def test_created_residents_have_valid_id_numbers_that_agree_with_them(seeded):
    for resident in Resident.objects.all():
        number, issues = validate_id_number(resident.id_number)
        assert issues == [], resident.id_number
        assert birth_date_from_id(number) == resident.birth_date and sex_from_id(number) == resident.sex


def test_existing_residents_are_nominated_before_new_ones_are_made(seeded):
    _ctx, existing = seeded
    first = VillageElection.objects.order_by("division_code").first()
    nominated = set(Nomination.objects.filter(election=first).values_list("resident_id", flat=True))
    assert nominated & {r.pk for r in existing}


def test_demo_logins_find_work(seeded):
    ctx, _existing = seeded
    department = ctx.users["department_reviewer"]
    assert QualificationReview.objects.visible_to(department).filter(verdict="pending").exists()
    assert Approval.objects.visible_to(ctx.users["county_reviewer"]).filter(state="pending").exists()
