import re

import pytest

from accounts.roles import Role
from elections.models import Region
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


def test_the_township_drop_down_lists_each_township_once_under_its_county(client):
    """Two counties may each have a 城东街道: a city reviewer sees both, each under its own county."""
    cycle = CycleFactory()
    for code in ("330702001001", "330703001001", "330703002001"):
        VillageElectionFactory(cycle=cycle, village=region_chain(code))
    Region.objects.filter(code__in=["330702001000", "330703001000"]).update(name="城东街道")
    Region.objects.filter(code="330702000000").update(name="婺城区")
    Region.objects.filter(code="330703000000").update(name="金东区")
    city = UserFactory(username="city", role=Role.CITY, region=Region.objects.get(code="330700000000"))
    client.force_login(city)
    html = client.get("/elections/").content.decode()
    select = html[html.index('name="township"') : html.index("</select>", html.index('name="township"'))]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, flags=re.S)
    assert [label for label, _ in groups] == ["婺城区", "金东区"]
    assert [re.findall(r">([^<]+)</option>", body) for _, body in groups] == [
        ["城东街道"],
        ["城东街道", "区330703002000"],
    ]
    chosen = client.get("/elections/?township=330703001000", headers={"HX-Request": "true"}).content.decode()
    assert "330703001001" in chosen or chosen.count("<tr") >= 2
    assert client.get("/elections/?township=330702001000").status_code == 200
    # A county reviewer's own townships need no heading.
    county = UserFactory(username="county2", role=Role.COUNTY, region=Region.objects.get(code="330703000000"))
    client.force_login(county)
    html = client.get("/elections/").content.decode()
    assert "<optgroup" not in html and html.count("城东街道") >= 1
