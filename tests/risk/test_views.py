"""The risk pages: dashboard (fixed queries, cache, export), village page actions, weekly assessment table."""

import re
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from risk import recompute, services
from risk.models import PlanStatus, RectificationPlan, WeeklyAssessment
from tests.risk.conftest import COUNTY, MONDAY, add_villages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def make_red(world, election, week=MONDAY):
    services.record_assessment(
        election=election,
        week=week,
        values={"clan_gang_interference": 3, "team_disunity": 3, "township_assessment": 3},
        by=world["county_user"],
    )


def rate(world, week=MONDAY):
    recompute.recompute_county(cycle=world["cycle"], county_code=COUNTY, week=week)


def get_counted(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_dashboard_shows_colours_map_and_red_list(client, world):
    make_red(world, world["home"][0])
    rate(world)
    client.force_login(world["county_user"])
    response = client.get("/risk/")
    data = response.context["data"]
    assert data["counts"] == {"red": 1, "orange": 0, "green": 4}
    assert [v["name"] for v in data["red_list"]] == [world["home"][0].village.name]
    text = response.content.decode()
    assert f"/risk/election/{world['home'][0].pk}/" in text and "c-red" in text
    assert world["other_county"][0].division_code not in text


def test_the_dashboard_query_count_does_not_grow_with_villages(client, world):
    make_red(world, world["home"][0])
    rate(world)
    client.force_login(world["county_user"])
    cache.clear()  # both measures read the session and the dashboard cold, whatever the cache backend
    small, _ = get_counted(client, "/risk/")
    more = add_villages(world["cycle"], "330702003", 40)
    for election in more[:8]:
        make_red(world, election)
    rate(world)
    services.open_plan(
        election=more[0],
        city_leader="a",
        county_leader="b",
        township_leader="c",
        work_team="d",
        stationed_on=MONDAY,
        by=world["county_user"],
    )
    cache.clear()
    large, response = get_counted(client, "/risk/")
    assert response.context["data"]["counts"]["red"] == 9
    assert large == small


def test_the_dashboard_is_cached_until_the_next_recompute(client, world):
    rate(world)
    client.force_login(world["county_user"])
    first, _ = get_counted(client, "/risk/")
    cached, _ = get_counted(client, "/risk/")
    assert cached < first
    make_red(world, world["home"][1])
    rate(world)
    fresh, response = get_counted(client, "/risk/")
    assert fresh == first and response.context["data"]["counts"]["red"] == 1


def test_the_week_filter_shows_an_earlier_week(client, world):
    make_red(world, world["home"][0], MONDAY.replace(day=16))
    rate(world, MONDAY.replace(day=16))
    services.record_assessment(election=world["home"][0], week=MONDAY, values={}, by=world["county_user"])
    rate(world)
    client.force_login(world["county_user"])
    assert client.get("/risk/").context["data"]["counts"]["red"] == 0
    assert client.get("/risk/?week=2026-11-18").context["data"]["counts"]["red"] == 1


def test_a_township_user_sees_only_the_township(client, world):
    rate(world)
    client.force_login(world["township_user"])
    response = client.get("/risk/")
    assert response.context["region"].level == "township"
    assert response.context["data"]["rated"] == 3
    assert client.get(f"/risk/region/{COUNTY}/").status_code == 404


def test_clerks_do_not_read_the_dashboard(client, world):
    client.force_login(world["clerk"])
    assert client.get("/risk/").status_code == 403


def test_the_export_has_one_row_per_village_with_the_five_dimensions(client, world):
    make_red(world, world["home"][0])
    rate(world)
    client.force_login(world["county_user"])
    response = client.get(f"/risk/export.xlsx?region={COUNTY}")
    rows = list(load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 6 and len(rows[0]) == 13
    red = next(r for r in rows if r[0] == world["home"][0].division_code)
    assert red[4] == 58 and red[6] == 12  # team building: disunity 3 × 4
    filename = unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert "选情三色预警" in filename and not re.search("[A-Za-z]", filename.removesuffix(".xlsx"))


def test_the_village_page_shows_the_breakdown_and_opens_a_plan(client, world):
    election = world["home"][0]
    make_red(world, election)
    rate(world)
    client.force_login(world["county_user"])
    url = f"/risk/election/{election.pk}/"
    response = client.get(url)
    assert [d["key"] for d in response.context["dimensions"]] == [
        "team_building",
        "village_operation",
        "candidate_search",
        "petitions_disputes",
        "previous_election",
    ]
    assert response.context["gate_open"] is True
    response = client.post(
        url,
        {
            "action": "plan",
            "plan-city_leader": "市委常委 张明",
            "plan-county_leader": "县委副书记 李强",
            "plan-township_leader": "镇党委书记 王刚",
            "plan-work_team": "县委组织部工作组",
            "plan-stationed_on": "2026-11-20",
        },
    )
    assert response.status_code == 302
    plan = RectificationPlan.objects.get(election=election)
    assert plan.status == PlanStatus.OPEN
    response = client.post(
        url,
        {
            "action": "task",
            "task-description": "化解积案",
            "task-owner": "镇信访办",
            "task-due_on": "2026-11-30",
        },
    )
    assert response.status_code == 302 and plan.tasks.count() == 1
    response = client.post(url, {"action": "close_out", "close_out-note": ""})
    assert response.status_code == 400
    assert "risk.tasks_open" in [e.code for e in response.context["failed"].non_field_errors().as_data()]


def test_a_township_user_may_not_close_out(client, world):
    client.force_login(world["township_user"])
    response = client.post(f"/risk/election/{world['home'][0].pk}/", {"action": "close_out"})
    assert response.status_code == 403


def test_the_assessment_table_lists_the_townships_villages(client, world):
    client.force_login(world["township_user"])
    response = client.get("/risk/assessment/", follow=True)
    assert len(response.context["rows"]) == 3
    assert response.context["editable"] is True


def test_one_row_is_saved_by_the_htmx_partial(client, world):
    election = world["home"][1]
    client.force_login(world["township_user"])
    prefix = f"e{election.pk}"
    response = client.post(
        f"/risk/assessment/election/{election.pk}/",
        {
            "week": MONDAY.isoformat(),
            f"{prefix}-team_disunity": "2",
            f"{prefix}-township_assessment": "1",
            f"{prefix}-key_persons_disputes": "4",
            f"{prefix}-negative_public_opinion": "0",
            f"{prefix}-clan_gang_interference": "3",
            f"{prefix}-note": "宗族矛盾",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and b"saved" in response.content
    assessment = WeeklyAssessment.objects.get(election=election, week=MONDAY)
    assert (assessment.team_disunity, assessment.key_persons_disputes, assessment.note) == (2, 4, "宗族矛盾")
    assert assessment.recorded_by == world["township_user"]


def test_the_whole_table_is_saved_at_once(client, world):
    client.force_login(world["township_user"])
    township = world["home"][0].village.parent
    data = {"week": MONDAY.isoformat()}
    for election in world["home"]:
        prefix = f"e{election.pk}"
        data |= {f"{prefix}-{code}": "1" for code in ("team_disunity", "township_assessment")}
        data |= {f"{prefix}-{code}": "0" for code in ("negative_public_opinion", "clan_gang_interference")}
        data |= {f"{prefix}-key_persons_disputes": "2", f"{prefix}-note": ""}
    response = client.post(f"/risk/assessment/{township.code}/", data)
    assert response.status_code == 302
    assert WeeklyAssessment.objects.filter(week=MONDAY).count() == 3


def test_a_city_user_reads_the_assessment_but_cannot_save(client, world):
    client.force_login(world["city_user"])
    township = world["home"][0].village.parent
    assert client.get(f"/risk/assessment/{township.code}/").context["editable"] is False
    assert client.post(f"/risk/assessment/election/{world['home'][0].pk}/", {}).status_code == 403


def test_the_overview_links_to_the_risk_map(client, world):
    client.force_login(world["county_user"])
    assert b'href="/risk/' in client.get("/overview/", follow=True).content


def test_the_administrator_edits_the_cycles_weights_in_the_admin(client, world):
    from risk.models import IndicatorWeight

    services.ensure_default_weights(cycle=world["cycle"])
    client.force_login(world["admin"])
    assert client.get("/admin/risk/indicatorweight/").status_code == 200
    weight = IndicatorWeight.objects.get(cycle=world["cycle"], code="open_petitions")
    response = client.post(
        f"/admin/risk/indicatorweight/{weight.pk}/change/",
        {"cycle": world["cycle"].pk, "code": "open_petitions", "weight": "4.50", "cap": "18"},
    )
    assert response.status_code == 302
    weight.refresh_from_db()
    assert (weight.weight, weight.cap) == (Decimal("4.50"), Decimal("18.00"))
    assert client.get("/admin/risk/risksnapshot/").status_code == 200


def test_the_region_drop_down_lists_each_region_once_under_its_parent(client, world):
    for user in (world["county_user"], world["city_user"]):
        client.force_login(user)
        html = client.get("/risk/").content.decode()
        select = html[
            html.index('<select name="region">') : html.index("</select>", html.index('name="region"'))
        ]
        codes = re.findall(r'<option value="(\d{12})"', select)
        assert codes and len(codes) == len(set(codes)), codes
        assert codes[0] == user.region.code and codes == [codes[0], *sorted(codes[1:])]
