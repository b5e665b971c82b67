"""The three-colour risk journey in a real browser: the county reviewer reads the map and trend, opens a red
village's breakdown and plan; the township office enters the weekly assessment; the recompute changes colours."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import Role
from risk import recompute, services
from risk.models import WeeklyAssessment
from risk.weeks import week_of
from tests.e2e.conftest import LAPTOP, login, screenshot
from tests.factories import TEST_PASSWORD, CycleFactory, UserFactory
from tests.risk.conftest import COUNTY, add_villages

pytestmark = pytest.mark.django_db(transaction=True)

RED = {"clan_gang_interference": 3, "team_disunity": 3, "township_assessment": 3}


def test_reviewer_reads_the_map_and_township_assessment_changes_the_colours(page, browser):
    this_week = week_of(timezone.localdate())
    last_week = this_week - timedelta(days=7)
    cycle = CycleFactory(name="2026—2027年村（社区）“两委”换届")
    home = add_villages(cycle, "330702001", 3)
    add_villages(cycle, "330702002", 2)
    township, county = home[0].village.parent, home[0].village.parent.parent
    reviewer = UserFactory(username="county_reviewer", role=Role.COUNTY, region=county, display_name="陈审核")
    UserFactory(username="township_office", role=Role.TOWNSHIP, region=township, display_name="王干事")
    red, turning = home[0], home[1]
    for week in (last_week, this_week):
        services.record_assessment(election=red, week=week, values=RED, by=reviewer)
        recompute.recompute_county(cycle=cycle, county_code=COUNTY, week=week)
    plan = services.open_plan(
        election=red,
        city_leader="市委常委 张明",
        county_leader="县委副书记 李强",
        township_leader="镇党委书记 王刚",
        work_team="县委组织部驻村工作组（3人）",
        stationed_on=last_week,
        by=reviewer,
    )
    services.add_task(
        plan=plan, description="化解信访积案，逐件销号", owner="镇信访办", due_on=this_week, by=reviewer
    )

    # The county reviewer lands on the overview and follows its link to the three-colour map.
    login(page, "county_reviewer", TEST_PASSWORD)
    page.click("#risk-map-link")
    page.wait_for_selector("#trend-chart[data-ready] svg")
    assert page.locator("#risk-map .map .cell").count() == 5
    assert page.inner_text("#count-red") == "1"
    assert "镇党委书记 王刚" in page.inner_text("#red-list")
    screenshot(page, "risk-dashboard")

    page.click("#risk-map .map .cell.c-red")
    page.wait_for_selector("#breakdown")
    assert "班子建设" in page.inner_text("#breakdown") and "往届选情" in page.inner_text("#breakdown")
    assert "市委常委 张明" in page.inner_text("#plan") and "化解信访积案" in page.inner_text("#tasks")
    assert page.locator("#gate.gate-closed").count() == 1
    screenshot(page, "risk-village")

    # The township office enters this week's assessment: each change is saved at once.
    office = browser.new_context(viewport=LAPTOP, locale="zh-CN").new_page()
    office.base_url = page.base_url
    login(office, "township_office", TEST_PASSWORD)
    office.click("nav.mainnav a[href='/risk/assessment/']")
    row = f"#row-{turning.pk}"
    office.wait_for_selector(row)
    saved = f"{row} .status .status-saved"
    # Each change posts the row (htmx, queued in order): wait until no request is in flight (htmx marks
    # the row meanwhile), not for one given response, which a loaded machine may deliver late.
    busy = f"{row}.htmx-request"  # a selector, not a script: the page's CSP refuses eval
    for code, level in RED.items():
        office.select_option(f"{row} select[name=e{turning.pk}-{code}]", str(level))
        office.wait_for_selector(busy, state="detached")
    office.fill(f"{row} input[name=e{turning.pk}-note]", "宗族矛盾激化，有人串联拉票")
    office.press(f"{row} input[name=e{turning.pk}-note]", "Tab")
    office.wait_for_selector(busy, state="detached")
    office.wait_for_selector(saved)
    for _ in range(60):  # the last queued save reaches the database
        if WeeklyAssessment.objects.filter(
            election=turning, week=this_week, note__startswith="宗族"
        ).exists():
            break
        time.sleep(0.25)
    screenshot(office, "risk-assessment")
    office.context.close()

    assessment = WeeklyAssessment.objects.get(election=turning, week=this_week)
    assert assessment.values() | {"note": assessment.note} == {
        **dict.fromkeys(assessment.values(), 0),
        **RED,
        "note": "宗族矛盾激化，有人串联拉票",
    }
    call_command("recompute_risk")
    page.goto(page.base_url + "/risk/")
    page.wait_for_selector("#trend-chart[data-ready] svg")
    assert page.inner_text("#count-red") == "2"
    assert page.locator(f"#risk-map .map .cell.c-red[href$='/{turning.pk}/']").count() == 1
    screenshot(page, "risk-dashboard-after-recompute")
