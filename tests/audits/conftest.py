from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from audits import services
from audits.models import AuditorKind, Committees
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain

HOME, NEIGHBOUR = "330702001001", "330702002001"


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def world():
    cycle = CycleFactory()
    home = VillageElectionFactory(cycle=cycle, village=region_chain(HOME, name="界内村"))
    neighbour = VillageElectionFactory(cycle=cycle, village=region_chain(NEIGHBOUR, name="邻乡村"))
    township = home.village.parent
    county = township.parent
    return {
        "cycle": cycle,
        "home": home,
        "neighbour": neighbour,
        "township": UserFactory(
            username="township", role=Role.TOWNSHIP, region=township, display_name="王干事"
        ),
        "county": UserFactory(username="county", role=Role.COUNTY, region=county),
        "city": UserFactory(username="city", role=Role.CITY, region=county.parent),
        "clerk": UserFactory(username="clerk", role=Role.CLERK, region=home.village),
        "admin": UserFactory(username="admin", role=Role.ADMIN, region=None),
    }


@pytest.fixture
def audit(world, today):
    """An audit of the home village in progress since 10 days ago."""
    return services.record_audit(
        election=world["home"],
        committees=Committees.BOTH,
        auditor_kind=AuditorKind.DEPARTMENT,
        auditor_name="白龙桥镇农村集体“三资”管理服务中心",
        started_on=today - timedelta(days=10),
        by=world["township"],
    )
