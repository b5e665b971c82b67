"""A village election with its people: the township, the county, a department and a clerk."""

from datetime import date

import pytest

from accounts.roles import Role
from candidates import services
from candidates.selectors import county_of
from elections.models import Stage
from tests.candidates.factories import move_to
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain

VILLAGE = "330702001001"
NEIGHBOUR = "330702002001"  # same county, another township
OUTSIDE = "330703001001"  # another county


@pytest.fixture
def cycle(db):
    return CycleFactory(reference_date=date(2027, 1, 1))


@pytest.fixture
def election(cycle):
    village = region_chain(VILLAGE, name="上方村")
    county = village.parent.parent
    county.name = "婺城区"
    county.save()
    village.parent.name = "白龙镇"
    village.parent.save()
    return VillageElectionFactory(
        cycle=cycle, village=village, party_seats=3, committee_seats=3, election_day=date(2027, 1, 20)
    )


@pytest.fixture
def party_stage(election):
    """The election in the Party organization election, where the Party's nominees are worked on."""
    return move_to(election, Stage.PARTY_ELECTION)


@pytest.fixture
def neighbour(cycle):
    return VillageElectionFactory(cycle=cycle, village=region_chain(NEIGHBOUR, name="邻乡村"))


@pytest.fixture
def outside(cycle):
    return VillageElectionFactory(cycle=cycle, village=region_chain(OUTSIDE, name="界外村"))


@pytest.fixture
def people(election):
    village = election.village
    township = village.parent
    county = township.parent
    return {
        "township": UserFactory(
            username="township", role=Role.TOWNSHIP, region=township, display_name="王干事"
        ),
        "county": UserFactory(username="county", role=Role.COUNTY, region=county, display_name="陈审核"),
        "city": UserFactory(username="city", role=Role.CITY, region=county.parent),
        "clerk": UserFactory(username="clerk", role=Role.CLERK, region=village),
        "police": UserFactory(
            username="police",
            role=Role.DEPARTMENT,
            region=county,
            unit="婺城区公安分局",
            display_name="赵警官",
        ),
        "court": UserFactory(username="court", role=Role.DEPARTMENT, region=county, unit="婺城区人民法院"),
    }


@pytest.fixture
def units(election):
    return services.ensure_review_units(county=county_of(election.division_code))
