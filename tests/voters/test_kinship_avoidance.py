"""A relationship recorded across two households reaches every avoidance rule of candidate vetting, which
reads every kinship link whatever its source (candidates.selectors._kinship_links)."""

from datetime import date

import pytest

from candidates import codes as candidate_codes
from candidates import services as candidate_services
from candidates.choices import Position
from candidates.selectors import election_committee, election_vetting
from tests.candidates.factories import NominationFactory, voter
from tests.voters.kinship_world import kinship_world
from voters.models import Household, Kinship
from voters.services import derive_household_kinship, record_kinship

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = kinship_world()
    own = Household.objects.create(
        village=world.home.village, division_code=world.home.division_code, number="002"
    )
    world.people["brother"] = voter(
        world.home, name="李兄", birth_date=date(1982, 1, 1), household=own, relation_to_head="head"
    )
    derive_household_kinship(village_id=world.home.village_id)  # the brother's own household links nobody
    return world


def siblings(world) -> Kinship:
    return record_kinship(
        cycle=world.cycle,
        person=world.people["brother"],
        relative=world.people["son"],
        relation="sibling",
        basis=Kinship.Basis.HUKOU_RECORD,
        by=world.township,
    )


def findings(nomination) -> list[str]:
    return [f.code for f in election_vetting(election=nomination.election).row(nomination.pk).findings]


def test_brothers_with_their_own_households_both_nominated_fail_the_avoidance_check(world):
    first = NominationFactory(election=world.home, resident=world.people["brother"], position=Position.CHAIR)
    second = NominationFactory(
        election=world.home, resident=world.people["son"], position=Position.COMMITTEE_MEMBER
    )
    assert candidate_codes.CLOSE_RELATIVE not in findings(first)
    siblings(world)
    assert candidate_codes.CLOSE_RELATIVE in findings(first)
    assert candidate_codes.CLOSE_RELATIVE in findings(second)


def test_the_election_committee_finds_the_recorded_relatives(world):
    for person in ("brother", "son"):
        candidate_services.record_election_committee_vote(
            election=world.home,
            resident=world.people[person],
            votes=80,
            seated=True,
            role="member",
            by=world.clerk,
        )
    codes_found = lambda: [f.code for f in election_committee(election=world.home)["findings"]]  # noqa: E731
    assert candidate_codes.ELECTION_COMMITTEE_RELATIVES not in codes_found()
    siblings(world)
    assert candidate_codes.ELECTION_COMMITTEE_RELATIVES in codes_found()


def test_the_supervision_committee_excludes_a_recorded_relative_of_the_committee(world):
    NominationFactory(election=world.home, resident=world.people["brother"], position=Position.CHAIR)
    supervisor = NominationFactory(
        election=world.home, resident=world.people["son"], position=Position.SUPERVISION_MEMBER
    )
    assert candidate_codes.SUPERVISION_COMMITTEE_RELATIVE not in findings(supervisor)
    siblings(world)
    assert candidate_codes.SUPERVISION_COMMITTEE_RELATIVE in findings(supervisor)


def test_an_imported_link_counts_too(world):
    link = siblings(world)
    Kinship.objects.filter(pk=link.pk).update(source=Kinship.Source.IMPORT)
    first = NominationFactory(election=world.home, resident=world.people["brother"], position=Position.CHAIR)
    NominationFactory(election=world.home, resident=world.people["son"], position=Position.COMMITTEE_MEMBER)
    assert candidate_codes.CLOSE_RELATIVE in findings(first)
