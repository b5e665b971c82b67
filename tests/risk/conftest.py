"""A county of villages for the risk tests: 330702 with townships 001 (home) and 002, and county 330703."""

from datetime import date

import pytest

from accounts.roles import Role
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain

COUNTY = "330702000000"
MONDAY = date(2026, 11, 23)  # a Monday in the cycle's preparation


def add_villages(cycle, township: str, count: int, start: int = 1):
    return [
        VillageElectionFactory(
            cycle=cycle, village=region_chain(f"{township}{n:03d}", name=f"试点{township[-3:]}-{n}村")
        )
        for n in range(start, start + count)
    ]


@pytest.fixture
def world():
    cycle = CycleFactory()
    home = add_villages(cycle, "330702001", 3)
    neighbour = add_villages(cycle, "330702002", 2)
    other_county = add_villages(cycle, "330703001", 1)
    township = home[0].village.parent
    county = township.parent
    return {
        "cycle": cycle,
        "home": home,
        "neighbour": neighbour,
        "other_county": other_county,
        "township_user": UserFactory(
            username="township", role=Role.TOWNSHIP, region=township, display_name="王干事"
        ),
        "county_user": UserFactory(username="county", role=Role.COUNTY, region=county, display_name="陈审核"),
        "city_user": UserFactory(
            username="city", role=Role.CITY, region=county.parent, display_name="刘审核"
        ),
        "clerk": UserFactory(username="clerk", role=Role.CLERK, region=home[0].village),
        "admin": UserFactory(
            username="admin", role=Role.ADMIN, region=None, is_superuser=True, is_staff=True
        ),
    }
