import pytest

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


def test_the_overview_leads_to_the_progress_board(client):
    """The county's reading of progress lives on the lifecycle board (tests/lifecycle/test_county_progress.py);
    the overview's addresses, the reviewers' landing page, lead there with the region and the query."""
    user = build(1, townships=1)
    client.force_login(user)
    assert client.get("/overview/")["Location"] == "/board/"
    assert client.get("/overview/330702001/?x=1")["Location"] == "/board/330702001/?x=1"


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


def test_the_export_exports_what_the_filtered_page_shows(client):
    """15 villages shown → 15 exported; the htmx re-render of the table carries the filter to its export."""
    import re
    from io import BytesIO
    from urllib.parse import unquote

    from openpyxl import load_workbook

    user = build(15, townships=3)  # 45 villages, 15 in township 002
    client.force_login(user)
    table = client.get(
        "/elections/?township=" + region_chain("330702002001").parent.code, headers={"HX-Request": "true"}
    ).content.decode()
    href = re.search(r'id="export" href="([^"]+)"', table).group(1).replace("&amp;", "&")
    assert "township=" in href
    response = client.get(href)
    rows = list(load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) - 1 == 15 and all(str(r[0]).startswith("330702002") for r in rows[1:])
    filename = unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert filename == "村级换届.xlsx"
