"""The risk ratings' export written by a job is the sheet answered at once (elections.exports)."""

import pytest

from tests.elections.test_exports import at_once_and_as_job, media  # noqa: F401 - a fixture
from tests.risk.conftest import COUNTY, world  # noqa: F401 - a fixture
from tests.risk.test_views import make_red, rate

pytestmark = pytest.mark.django_db


def test_the_risk_ratings_as_a_job_are_the_ratings_at_once(client, world, settings):  # noqa: F811
    make_red(world, world["home"][0])
    rate(world)
    client.force_login(world["county_user"])
    at_once, as_job = at_once_and_as_job(client, settings, f"/risk/export.xlsx?region={COUNTY}")
    assert at_once == as_job and len(as_job) == 6 and len(as_job[0]) == 13
