"""A township officer walks one village from preparation to completed in a real browser.

Each gate stops them with a message that says what is missing and where to do it; they do it and pass.
Then the county reviewer approves a postponement that the township asked for another village.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from elections.models import Stage, VillageElection
from tests.e2e.conftest import login, screenshot
from tests.factories import TEST_PASSWORD, CycleFactory, UserFactory, VillageElectionFactory, region_chain
from tests.lifecycle.conftest import hold_vote, publish_formal_list
from tests.trail.helpers import registration, resident

pytestmark = pytest.mark.django_db(transaction=True)


def d(day) -> str:
    return day.strftime("%Y-%m-%d")


def advance(page):
    page.click("#advance")
    page.wait_for_load_state("networkidle")


def gate_codes(page) -> set[str]:
    return set(page.eval_on_selector_all("#errors [data-code]", "els => els.map(e => e.dataset.code)"))


def test_township_walks_a_village_through_every_gate_and_the_county_approves_a_postponement(
    page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    election_day = today - timedelta(days=2)  # the vote took place two days ago
    cycle = CycleFactory(
        name="2026—2027年村（社区）“两委”换届",
        starts_on=today - timedelta(days=90),
        ends_on=today + timedelta(days=120),
    )
    home = VillageElectionFactory(
        cycle=cycle,
        village=region_chain("330702001001", name="上方村"),
        election_day=election_day,
        stage=Stage.PREPARATION,
    )
    other = VillageElectionFactory(
        cycle=cycle,
        village=region_chain("330702001002", name="溪口村"),
        election_day=today + timedelta(days=40),
        stage=Stage.PREPARATION,
    )
    VillageElection.objects.filter(pk=home.pk).update(risk_red_open=True)
    for name in ("王五", "方平", "孔明"):
        registration(home, resident(home.village, name=name))
    township = home.village.parent
    township_user = UserFactory(
        username="township_office", role=Role.TOWNSHIP, region=township, display_name="王干事"
    )
    UserFactory(username="county_reviewer", role=Role.COUNTY, region=township.parent, display_name="陈审核")
    base = page.base_url

    login(page, "township_office", TEST_PASSWORD)
    assert page.locator("#todo").is_visible()  # the township's landing page carries its to-do list
    page.click("#results a:has-text('上方村')")
    page.click("a:has-text('换届流程')")
    assert "上方村换届流程" in page.content()

    # Gates 1 and 2: no Party election before the audit is completed and while the village is red.
    advance(page)
    assert gate_codes(page) == {"gate.audit_not_completed", "gate.red_village_open"}
    assert "本村离任经济责任审计尚未完成" in page.inner_text("#errors")
    screenshot(page, "lifecycle-gate-audit-red")

    page.click("#errors a[href*='/audits/election/']")
    page.fill("#id_record-auditor_name", "白龙桥镇农村集体“三资”管理服务中心")
    page.fill("#id_record-started_on", d(today - timedelta(days=30)))
    page.click("button[value=record]")
    page.fill("#id_complete-completed_on", d(today - timedelta(days=20)))
    page.click("button[value=complete]")
    assert "审计" in page.content()

    page.goto(f"{base}/elections/{home.pk}/workflow/")
    advance(page)
    assert gate_codes(page) == {"gate.red_village_open"}
    page.select_option("#id_kind", "red_close_out")
    page.fill("#id_reason", "集中整顿完成，三级领导验收，信访积案已化解")
    page.click("#request-exception")
    assert "待县委组织部审批" in page.inner_text("#exceptions")

    # The county approves the close-out from its approvals page.
    county = page.context.browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    county_page = county.new_page()
    county_page.base_url = base
    login(county_page, "county_reviewer", TEST_PASSWORD)
    county_page.goto(f"{base}/approvals/")
    county_page.click("#pending button[value=approve]")
    county_page.wait_for_load_state("networkidle")
    assert "已批准" in county_page.content()

    page.goto(f"{base}/elections/{home.pk}/workflow/")
    advance(page)
    assert page.inner_text("#stage") == "党组织换届"
    advance(page)
    assert page.inner_text("#stage") == "村委会选举"

    # Gate 3: no vote before the roll and the formal candidate list were published in time.
    # The vote is the ballots app's record: its step page says what stands in the way.
    page.goto(f"{base}/elections/{home.pk}/steps/voting_held/")
    codes = page.eval_on_selector_all(".gates [data-code]", "els => els.map(e => e.dataset.code)")
    assert set(codes) == {
        "gate.roll_not_published",
        "gate.candidates_not_published",
        "gate.voting_notice_not_published",
    }
    assert "选民名单尚未张榜公布" in page.inner_text(".gates")
    screenshot(page, "lifecycle-gate-voting")

    page.click(".gates a[href*='/voters/election/']")
    page.fill("input[name=published_on]", d(election_day - timedelta(days=21)))
    page.click("#publish button[type=submit]")
    # Interim: the formal list and the counted, approved vote are the candidates' and ballots' records,
    # written here directly; the walk through those pages joins this journey with issue 13's e2e.
    publish_formal_list(home, election_day - timedelta(days=6), township_user)
    hold_vote(home, election_day, township_user, approved=True)
    page.goto(f"{base}/elections/{home.pk}/steps/voting_notice/")
    page.click("#record a.button")  # the step is the ballots app's printable notice
    page.fill("input[name='voting_on']", d(election_day))
    page.fill("input[name='starts_at']", "08:00")
    page.check("input[value='central']")
    page.fill("input[name='place']", "村文化礼堂")
    page.fill("input[name='published_on']", d(election_day - timedelta(days=4)))
    page.click("button:has-text('发布投票公告')")
    assert "投票公告已发布" in page.content()
    page.goto(f"{base}/elections/{home.pk}/steps/voting_notice/")
    assert d(election_day - timedelta(days=4)) in page.inner_text("#derived-done")

    page.goto(f"{base}/elections/{home.pk}/workflow/")
    advance(page)
    assert page.inner_text("#stage") == "村务监督委员会"
    advance(page)
    assert page.inner_text("#stage") == "工作交接"

    # Gate 4: not completed before the handover is signed off.
    advance(page)
    assert gate_codes(page) == {"gate.handover_not_signed_off"}
    page.click("#errors a[href*='/handover/']")
    page.click("#open-handover")
    for category, description, quantity in [
        ("seals", "村民委员会公章", "1"),
        ("archives", "会计档案（卷）", "36"),
        ("funds", "银行存款（元）", "182345.60"),
        ("assets", "集体房屋（处）", "3"),
        ("resources", "集体山林（亩）", "420"),
    ]:
        page.select_option("#id_item-category", category)
        page.fill("#id_item-description", description)
        page.fill("#id_item-quantity_listed", quantity)
        page.click("#add-item button")
    for i in range(5):  # the new team counts each line (the count is prefilled with the listed one)
        page.locator("#items button[value=confirm]").nth(i).click()
        page.wait_for_load_state("networkidle")
    page.fill("#id_signatures-handed_over_on", d(today))
    page.fill("#id_signatures-outgoing_signatory", "张老书记")
    page.fill("#id_signatures-incoming_signatory", "李新书记")
    page.fill("#id_signatures-witness", "王干事")
    page.click("button[value=signatures]")
    screenshot(page, "lifecycle-handover")
    page.click("#sign-off")
    assert page.inner_text("#handover-state") == "已签字确认"

    page.goto(f"{base}/elections/{home.pk}/workflow/")
    advance(page)
    assert page.inner_text("#stage") == "已完成"
    assert "换届已完成" in page.content()
    screenshot(page, "lifecycle-completed")

    # The township asks to postpone the other village; the county approves it.
    page.goto(f"{base}/elections/{other.pk}/workflow/")
    page.select_option("#id_kind", "postponement")
    page.fill("#id_reason", "选情特别复杂，信访矛盾突出，报请县委批准暂缓换届")
    page.click("#request-exception")
    county_page.goto(f"{base}/")
    assert "溪口村" in county_page.inner_text("#todo")
    screenshot(county_page, "lifecycle-county-todo")
    county_page.click("#todo a:has-text('溪口村')")
    county_page.click("#pending button[value=approve]")
    county_page.wait_for_load_state("networkidle")
    other.refresh_from_db()
    assert other.stage == Stage.POSTPONED
    county_page.goto(f"{base}/board/")
    assert county_page.locator("#board").is_visible()
    screenshot(county_page, "lifecycle-county-board")
    county.close()
