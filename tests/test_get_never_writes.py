"""GET views and selectors never write (issue 14, part 2): reference data comes from migrations or from
elections.services.prepare_cycle when a cycle opens, never from the first reading of a page.

The test opens every page of the site (every URL pattern outside the admin) for a village with a roll,
nominees, a counted tally and a trail, as each role that works on it, and fails on any INSERT, UPDATE or
DELETE, except the session and login bookkeeping that Django and django-axes keep for every request.
"""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role
from candidates.models import CandidateRuleSettings, NegativeListItem, ReviewUnit
from candidates.selectors import county_of
from elections.models import ElectionCycle
from elections.services import import_regions, open_cycle, prepare_cycle
from risk.models import IndicatorWeight
from tests.ballots.factories import add_box, enter_twice, make_village
from tests.factories import CycleFactory, UserFactory

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)
# Bookkeeping every request may do: the session row and the login attempt logs.
ALLOWED_TABLES = ("django_session", "axes_")


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(pattern: str, values: dict[str, str]) -> str | None:
    path = pattern
    for name in re.findall(r"<(?:\w+:)?(\w+)>", pattern):
        if name not in values:
            return None
        path = re.sub(rf"<(?:\w+:)?{name}>", values[name], path)
    return "/" + path.lstrip("^").rstrip("$")


def _writes(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if WRITE.match(q["sql"])
        and not any(f'"{t}' in q["sql"] or f" {t}" in q["sql"] for t in ALLOWED_TABLES)
    ]


def test_no_page_writes_when_it_is_read(client):
    village = make_village()
    election = village.election
    enter_twice(village, add_box(village))
    township, county_region = election.village.parent, county_of(election.division_code)
    county = UserFactory(username="county", role=Role.COUNTY, region=county_region)
    values = {
        "pk": str(election.pk),
        "code": township.code,
        "step": "roll_published",
    }
    paths = sorted({p for p in (_fill(p, values) for p in _patterns(get_resolver())) if p})
    assert len(paths) > 50  # the walk reaches the site, not a handful of pages
    opened = 0
    for user in (village.clerk, village.township, county):
        client.force_login(user)
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            opened += response.status_code == 200
            assert not _writes(captured), f"GET {path} as {user.role} wrote: {_writes(captured)[:2]}"
    assert opened > 60


def test_a_cycle_opened_has_its_reference_data_and_preparing_again_adds_nothing():
    village = make_village()
    region = county_of(village.election.division_code)
    cycle = open_cycle(
        name="2030年换届",
        region=region,
        year=2030,
        reference_date=village.election.cycle.reference_date,
        starts_on=village.election.cycle.starts_on,
        ends_on=village.election.cycle.ends_on,
    )
    counts = (
        CandidateRuleSettings.objects.filter(cycle=cycle).count(),
        NegativeListItem.objects.filter(cycle=cycle).count(),
        ReviewUnit.objects.filter(region=region).count(),
        IndicatorWeight.objects.filter(cycle=cycle).count(),
    )
    assert counts[0] == 1 and counts[1] == 10 and counts[2] >= 10 and counts[3] > 0
    prepare_cycle(cycle=ElectionCycle.objects.get(pk=cycle.pk))
    assert counts == (
        CandidateRuleSettings.objects.filter(cycle=cycle).count(),
        NegativeListItem.objects.filter(cycle=cycle).count(),
        ReviewUnit.objects.filter(region=region).count(),
        IndicatorWeight.objects.filter(cycle=cycle).count(),
    )


def test_a_county_imported_while_a_cycle_runs_gets_its_reviewing_departments():
    cycle = CycleFactory(ends_on=date.today() + timedelta(days=30))
    result = import_regions(
        rows=[{"code": "330100000000", "name": "杭州市"}, {"code": "330106000000", "name": "西湖区"}]
    )
    assert result.created == 2 and not result.errors
    assert ReviewUnit.objects.filter(region__code="330106000000").count() == 11
    assert cycle.region.code == "330000000000"
