"""Progress as the county reads it (issue 13 part 7): villages per stage per township with a total row,
the gates that hold villages, each village's next deadline, the Excel exports, jurisdiction, query counts."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.roles import Role
from elections.models import Stage, VillageElection
from lifecycle import codes, progress
from lifecycle.views import days_text
from tests.factories import UserFactory, VillageElectionFactory, region_chain

from .conftest import complete_audit, force_stage, hold_vote, publish_roll

pytestmark = pytest.mark.django_db

COUNTY = "330702"


def add(world, township: int, n: int, stage: str, *, day=None, name=None) -> VillageElection:
    return VillageElectionFactory(
        cycle=world["cycle"],
        village=region_chain(f"{COUNTY}{township:03d}{n:03d}", name=name or f"{township}镇{n}村"),
        stage=stage,
        election_day=day,
    )


@pytest.fixture
def county(world, today):
    """Township 001 (上方村 and three more), township 002 (邻乡村 and two more), township 003 (one)."""
    add(world, 1, 2, Stage.PREPARATION)
    v = add(world, 1, 3, Stage.PARTY_ELECTION)
    complete_audit(v)
    add(world, 1, 4, Stage.POSTPONED)
    add(world, 2, 2, Stage.COMMITTEE_ELECTION, day=today + timedelta(days=10))
    v = add(world, 2, 3, Stage.COMPLETED)
    add(world, 3, 1, Stage.HANDOVER, day=today - timedelta(days=12))
    return world


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


# Villages per stage per township -------------------------------------------------------------------------


def test_the_stage_table_counts_each_township_with_a_total_row(client, county):
    client.force_login(county["county"])
    response = client.get("/board/")
    assert response.status_code == 200
    rows = {r.region.code: r for r in response.context["rows"]}
    assert (
        rows["330702001000"].total == 4
        and rows["330702002000"].total == 3
        and rows["330702003000"].total == 1
    )
    assert rows["330702001000"].stages == {Stage.PREPARATION: 2, Stage.PARTY_ELECTION: 1, Stage.POSTPONED: 1}
    total = response.context["total"]
    assert total.total == 8
    assert dict(total.stage_cells())[Stage.PREPARATION] == 3
    assert dict(total.stage_cells())[Stage.POSTPONED] == 1
    html = response.content.decode()
    assert 'id="total-row"' in html
    # Each cell links to the list of its villages.
    assert 'href="/board/330702001000/villages/?stage=postponed"' in html
    assert 'href="/board/330702000000/villages/?stage=preparation"' in html


def test_a_cell_lists_its_villages(client, county):
    client.force_login(county["county"])
    response = client.get("/board/330702001000/villages/?stage=preparation")
    names = [v.name for v in response.context["page"]]
    assert sorted(names) == ["1镇2村", "上方村"]
    response = client.get("/board/330702000000/villages/?stage=postponed")
    assert [v.name for v in response.context["page"]] == ["1镇4村"]


def test_the_reviewers_land_on_the_board_from_their_home_page(client, county):
    client.force_login(county["county"])
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/board/"
    assert "婺城区换届进展" in response.content.decode() or "换届进展" in response.content.decode()
    assert 'href="/board/"' in response.content.decode()  # the navigation


# Held by gates -------------------------------------------------------------------------------------------


def test_the_board_counts_the_gates_and_names_the_villages_held(client, county):
    client.force_login(county["county"])
    response = client.get("/board/")
    groups = {g.code: g for g in response.context["groups"]}
    # No audit: 上方村, 邻乡村, 1镇2村 (preparation), 2镇2村 (committee); the postponed one resumes at its
    # stage (preparation, no stage change recorded) without a gate; the handover waits for the result.
    assert {h.name for h, _b in groups[codes.GATE_AUDIT].villages} == {"上方村", "邻乡村", "1镇2村", "2镇2村"}
    assert groups[codes.GATE_AUDIT].count == 4
    assert {h.name for h, _b in groups[codes.GATE_RESULT_NOT_APPROVED].villages} == {"3镇1村"}
    assert codes.GATE_ROLL_MISSING in groups  # 2镇2村 votes in 10 days with nothing published
    # 1镇3村 is in the Party election with no Party vote yet: the villagers' committee election waits.
    assert {h.name for h, _b in groups[codes.GATE_PARTY_NOT_ELECTED].villages} == {"1镇3村"}
    assert response.context["totals"]["held"] == 6
    html = response.content.decode()
    assert "离任经济责任审计未完成" in html and 'href="/audits/' in html
    rows = {r.region.code: r for r in response.context["rows"]}
    assert (rows["330702001000"].held, rows["330702002000"].held, rows["330702003000"].held) == (3, 2, 1)
    listed = client.get(f"/board/330702000000/villages/?gate={codes.GATE_AUDIT}").context["page"]
    assert {v.name for v in listed} == {"上方村", "邻乡村", "1镇2村", "2镇2村"}
    assert len(client.get("/board/330702000000/villages/?held=1").context["page"].object_list) == 6


# Deadlines -----------------------------------------------------------------------------------------------


def test_each_village_has_its_next_deadline_and_days_left(world, today):
    soon = add(world, 1, 5, Stage.PREPARATION, day=today + timedelta(days=25))  # roll due in 5 days
    late = add(world, 1, 6, Stage.COMMITTEE_ELECTION, day=today + timedelta(days=10))  # roll 10 days overdue
    published = add(world, 1, 7, Stage.COMMITTEE_ELECTION, day=today + timedelta(days=10))
    publish_roll(published, today - timedelta(days=11), world["township"])  # next: the list, due in 5
    handover = add(world, 1, 8, Stage.HANDOVER, day=today - timedelta(days=12))
    publish_roll(handover, today - timedelta(days=40), world["township"])
    hold_vote(handover, today - timedelta(days=12), world["township"], approved=True)
    postponed = add(world, 1, 9, Stage.POSTPONED, day=today + timedelta(days=2))
    county = world["home"].village.parent.parent
    elections = VillageElection.objects.filter(pk__in=[soon.pk, late.pk, published.pk, postponed.pk])
    found = {
        v.election_id: v
        for v in progress.evaluate_region(elections=elections, cycle=world["cycle"], prefix=county.prefix)
    }
    assert (found[soon.pk].next_deadline.step.code, found[soon.pk].days_left) == ("roll_published", 5)
    assert (found[late.pk].next_deadline.step.code, found[late.pk].days_left) == ("roll_published", -10)
    assert found[late.pk].days_overdue == 10
    nxt = found[published.pk].next_deadline
    assert (nxt.step.code, found[published.pk].days_left) == ("candidates_published", 5)
    assert found[postponed.pk].next_deadline is None and found[postponed.pk].days_left is None
    ordered = progress.by_urgency(list(found.values()))
    assert [v.election_id for v in ordered] == [late.pk, soon.pk, published.pk]
    assert ordered[0].next_deadline.evaluation.due_on == today - timedelta(days=10)
    assert (days_text(-10), days_text(0), days_text(5)) == ("逾期 10 天", "今天到期", "还剩 5 天")


def test_the_handover_deadline_runs_from_the_result(world, today):
    v = add(world, 1, 8, Stage.HANDOVER, day=today - timedelta(days=12))
    hold_vote(v, today - timedelta(days=12), world["township"], approved=True)
    village = progress.village_checklist(election=v)
    handover = next(s for s in village.steps if s.step.source == "handover")
    assert handover.evaluation.due_on == today - timedelta(days=2)  # 10 days after the result
    assert village.days_left <= -2  # the handover (or an earlier step still open) is overdue


def test_the_board_lists_villages_by_urgency_with_overdue_days(client, county, today):
    client.force_login(county["county"])
    response = client.get("/board/")
    urgent = response.context["urgent"]
    lefts = [v.days_left for v in urgent]
    assert lefts == sorted(lefts)
    # The handover village never published its roll: 20 days before a day 12 days ago, 32 days overdue.
    assert (urgent[0].name, urgent[0].days_left) == ("3镇1村", -32)
    assert next(v for v in urgent if v.name == "2镇2村").days_left == -10  # roll: day + 10 − 20
    assert "逾期 10 天" in response.content.decode()


# Excel ---------------------------------------------------------------------------------------------------


def test_the_stage_export_has_chinese_headers_a_row_per_township_and_the_total(client, county):
    client.force_login(county["county"])
    rows = xlsx_rows(client.get("/board/330702000000/stages.xlsx"))
    header = rows[0]
    assert header[:3] == ["地区", "合计", "选举准备"] and "暂缓换届" in header and "卡点受阻村数" in header
    body = {r[0]: r for r in rows[1:]}
    postponed = header.index("暂缓换届")
    assert body["合计"][1] == 8 and body["合计"][postponed] == 1
    township = next(r for name, r in body.items() if name != "合计" and r[1] == 4)
    assert township[header.index("选举准备")] == 2
    assert rows[-1][0] == "合计"


def test_the_holds_export_names_gate_village_and_remedy(client, county):
    client.force_login(county["county"])
    response = client.get("/board/330702000000/holds.xlsx")
    assert (
        "受卡点阻滞村名单" in response["Content-Disposition"]
        or "%E5%8F%97" in response["Content-Disposition"]
    )
    rows = xlsx_rows(response)
    header = rows[0]
    assert header[:3] == ["卡点", "乡镇（街道）", "村（社区）"]
    assert not any("gate." in str(cell) for row in rows for cell in row)  # no rule code in the paper
    audit = [r for r in rows[1:] if r[0] == "离任经济责任审计未完成"]
    assert {r[2] for r in audit} == {"上方村", "邻乡村", "1镇2村", "2镇2村"}
    assert all(r[-1].startswith("http://testserver/audits/") for r in audit)


def test_the_deadline_export_sorts_by_urgency_with_days_left(client, county):
    client.force_login(county["county"])
    rows = xlsx_rows(client.get("/board/330702000000/villages.xlsx?sort=urgency"))
    header = rows[0]
    assert "剩余天数" in header and "下一法定期限" in header
    days = header.index("剩余天数")
    assert (rows[1][1], rows[1][days], rows[1][days + 1]) == ("3镇1村", -32, "逾期 32 天")
    row = next(r for r in rows if r[1] == "2镇2村")
    assert (row[days], row[days + 1], row[header.index("下一法定期限")]) == (
        -10,
        "逾期 10 天",
        "选民名单张榜公布",
    )
    filled = [r[days] for r in rows[1:] if r[days] is not None]
    assert filled == sorted(filled)


# Jurisdiction --------------------------------------------------------------------------------------------


def test_a_township_user_sees_only_their_township(client, county):
    client.force_login(county["township"])
    response = client.get("/board/")
    names = {v.name for v in response.context["villages"]}
    assert names == {"上方村", "1镇2村", "1镇3村", "1镇4村"}
    assert {h.name for g in response.context["groups"] for h, _b in g.villages} <= names
    assert client.get("/board/330702000000/").status_code == 404
    assert client.get("/board/330702002000/villages/").status_code == 404
    assert client.get("/board/330702000000/villages.xlsx").status_code == 404
    rows = xlsx_rows(client.get("/board/330702001000/villages.xlsx"))
    assert {r[1] for r in rows[1:]} == names
    rows = xlsx_rows(client.get("/board/330702001000/holds.xlsx"))
    assert {r[2] for r in rows[1:]} <= names


def test_a_county_user_of_another_county_sees_nothing_of_this_one(client, county):
    other = region_chain("330703001001").parent.parent
    client.force_login(UserFactory(username="other", role=Role.COUNTY, region=other))
    assert client.get("/board/330702000000/").status_code == 404
    assert client.get("/board/330702000000/stages.xlsx").status_code == 404


# Query counts --------------------------------------------------------------------------------------------


def _villages(world, n: int, today):
    by = world["township"]
    for i in range(n):
        stage = [Stage.PREPARATION, Stage.COMMITTEE_ELECTION, Stage.SUPERVISION, Stage.POSTPONED][i % 4]
        v = add(world, 4 + i % 6, 100 + i, stage, day=today + timedelta(days=i % 40 - 10))
        if i % 3:
            complete_audit(v)
        if i % 4 == 1:
            publish_roll(v, today - timedelta(days=i % 30), by)
        if i % 4 == 2:
            hold_vote(v, today - timedelta(days=1), by)


def _board_queries(client, user, path="/board/") -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path", ["/board/", "/board/330702000000/villages/", "/board/330702000000/holds.xlsx"]
)
def test_the_board_takes_as_many_queries_for_200_villages_as_for_50(client, world, today, path):
    _villages(world, 50, today)
    small = _board_queries(client, world["county"], path)
    VillageElection.objects.filter(division_code__startswith="330702").exclude(
        pk__in=[world["home"].pk, world["neighbour"].pk]
    ).delete()
    _villages(world, 200, today)
    assert VillageElection.objects.count() == 202
    large = _board_queries(client, world["county"], path)
    assert large == small, (small, large)
    assert small < 45, small


def test_the_postponed_village_resumes_where_it_stopped(world, today):
    """A village postponed in the committee election is held by the gates of that stage when it resumes."""
    from lifecycle.models import StageChange

    v = add(world, 1, 5, Stage.COMMITTEE_ELECTION)
    StageChange.objects.create(
        election=v, from_stage=Stage.COMMITTEE_ELECTION, to_stage=Stage.POSTPONED, by=world["township"]
    )
    force_stage(v, Stage.POSTPONED)
    from lifecycle import holds

    county = world["home"].village.parent.parent
    found = holds.held(
        elections=VillageElection.objects.filter(pk=v.pk), cycle=world["cycle"], prefix=county.prefix
    )
    assert found[0].target == Stage.COMMITTEE_ELECTION
    assert [b.code for b in found[0].blocked] == [codes.GATE_AUDIT, codes.GATE_PARTY_NOT_ELECTED]
