import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain

pytestmark = pytest.mark.django_db


def build(villages_per_township: int, townships: int = 3):
    cycle = CycleFactory()
    for t in range(1, townships + 1):
        for v in range(1, villages_per_township + 1):
            VillageElectionFactory(cycle=cycle, village=region_chain(f"330702{t:03d}{v:03d}"))
    county = region_chain("330702001001").parent.parent
    return UserFactory(username="county", role=Role.COUNTY, region=county)


def overview_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/overview/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_overview_counts_each_township(client):
    user = build(4)
    _, response = overview_queries(client, user)
    rows = response.context["rows"]
    assert [r["total"] for r in rows] == [4, 4, 4]
    assert response.context["grand_total"] == 12


def test_overview_query_count_does_not_grow_with_villages(client):
    user = build(2)
    small, _ = overview_queries(client, user)
    from elections.models import VillageElection

    cycle = VillageElection.objects.first().cycle
    for v in range(50, 80):
        VillageElectionFactory(cycle=cycle, village=region_chain(f"330702001{v:03d}"))
    large, response = overview_queries(client, user)
    assert response.context["grand_total"] == 36
    assert large == small


def test_list_filters_by_stage_and_name(client):
    user = build(3, townships=1)
    from elections.models import Stage, VillageElection

    VillageElection.objects.filter(division_code="330702001002").update(stage=Stage.POSTPONED)
    client.force_login(user)
    response = client.get("/elections/?stage=postponed")
    assert [e.division_code for e in response.context["page"]] == ["330702001002"]


def test_export_neutralises_formulas(client):
    from io import BytesIO

    from openpyxl import load_workbook

    user = build(1, townships=1)
    from elections.models import Region

    Region.objects.filter(code="330702001001").update(name='=HYPERLINK("http://x")村')
    client.force_login(user)
    response = client.get("/elections/export.xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x")村' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_htmx_request_gets_only_the_table(client):
    user = build(1, townships=1)
    client.force_login(user)
    response = client.get("/elections/", headers={"HX-Request": "true"})
    assert b"<html" not in response.content and b"<table" in response.content
