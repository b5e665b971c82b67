"""The progress board's village list written by a job is the sheet answered at once (elections.exports)."""

import pytest

from tests.elections.test_exports import at_once_and_as_job, media  # noqa: F401 - a fixture
from tests.lifecycle.conftest import today, world  # noqa: F401 - fixtures
from tests.lifecycle.test_county_progress import county  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def test_the_village_deadlines_as_a_job_are_the_list_at_once(client, county, settings):  # noqa: F811
    client.force_login(county["county"])
    url = "/board/330702000000/villages.xlsx?sort=urgency"
    at_once, as_job = at_once_and_as_job(client, settings, url)
    assert at_once == as_job and len(as_job) > 5 and "剩余天数" in as_job[0]
