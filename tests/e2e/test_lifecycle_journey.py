"""A township officer walks one village from preparation to completed in a real browser.

Every fact a gate reads is recorded on its app's page by the user whose work it is: the audit, the red
village's close-out (the county), the Party members' assembly (its attendance, and its count by two clerks
of the village's election committee), the roll, the formal candidate list, the voting notice, the
villagers' count (the same two clerks), the township's approval of the result, the handover. Each record
ticks its step on the checklist; each gate stops the officer with its message until its record exists.
The nominations of both committees and the departments' verdicts, which this journey does not walk, are
built through the candidates services (tests/e2e/journey_setup.py). At the end the county approves a
postponement that the township asked for another village, and its board shows one village completed.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from elections.models import Stage, VillageElection
from tests.e2e import journey_setup
from tests.e2e.conftest import LAPTOP, accept_confirms, go, login, screenshot
from tests.factories import TEST_PASSWORD, CycleFactory, VillageElectionFactory, region_chain

pytestmark = pytest.mark.django_db(transaction=True)


def d(day) -> str:
    return day.strftime("%Y-%m-%d")


def advance(page):
    page.click("#advance")
    page.wait_for_load_state("networkidle")


def gate_codes(page, where="#errors") -> set[str]:
    return set(page.eval_on_selector_all(f"{where} [data-code]", "els => els.map(e => e.dataset.code)"))


def step_done(page, election, code) -> str:
    """The step's page, where a step completed from another app's record says the day it was done."""
    page.goto(f"{page.base_url}/elections/{election.pk}/steps/{code}/")
    done = page.locator("#derived-done")
    assert done.count() == 1, f"step {code} is not shown as done"
    return done.inner_text()


def checklist_done_on(page, election, code) -> str:
    """The day the village's checklist shows a step done ("—" while it is not)."""
    page.goto(f"{page.base_url}/elections/{election.pk}/workflow/")
    return page.locator(f"#step-{code} td").nth(3).inner_text()


def new_user_page(page, username):
    """A second browser window for another user (the county, the village's clerks)."""
    context = page.context.browser.new_context(viewport=LAPTOP, locale="zh-CN")
    other = accept_confirms(context.new_page())
    other.set_default_timeout(15000)
    other.base_url = page.base_url
    login(other, username, TEST_PASSWORD)
    return other


def enter_sheet(page, figures, votes):
    """One clerk types the paper tally sheet of the box (the other clerk's entry is not shown)."""
    go(page, "text=录入计票单")
    for name, value in figures.items():
        page.fill(f"input[name='{name}']", str(value))
    for candidate, value in votes.items():  # each candidate's row is headed by their name (its label)
        page.fill(f"tr.candidate:has(label:text-is('{candidate}')) input", str(value))
    go(page, "button:has-text('保存录入')")


def hold_vote(page, overview, box, figures, votes, shot):
    """The vote of one body: a clerk sets up the box (unless it stands from an earlier meeting) and enters
    the tally sheet, a second clerk enters it again, reconciles, counts and confirms the result on the spot."""
    clerk = new_user_page(page, "clerk_li")
    clerk.goto(overview)
    if box:
        label, kind, issued = box
        clerk.fill("input[name='label']", label)
        clerk.select_option("select[name='kind']", kind)
        clerk.fill("input[name='ballots_issued']", str(issued))
        go(clerk, "button:has-text('设置票箱')")
        assert "票箱已设置" in clerk.content()
    enter_sheet(clerk, figures, votes)
    assert "等待另一人录入" in clerk.content()

    clerk.context.clear_cookies()
    login(clerk, "clerk_zhang", TEST_PASSWORD)
    clerk.goto(overview)
    enter_sheet(clerk, figures, votes)
    assert "两次录入一致" in clerk.content()
    go(clerk, "text=选票核对")
    assert "核对通过" in clerk.content()
    go(clerk, "button:has-text('计票')")
    assert "选举有效" in clerk.content()
    go(clerk, "button:has-text('确认选举结果')")
    assert "选举委员会已确认" in clerk.content()
    screenshot(clerk, shot)
    clerk.context.close()


def test_township_walks_a_village_through_every_gate_and_the_county_approves_a_postponement(
    page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    election_day = today  # the villagers vote today; every publication stood its days before
    cycle = CycleFactory(
        name="2026—2027年村（社区）“两委”换届",
        starts_on=today - timedelta(days=90),
        ends_on=today + timedelta(days=120),
    )
    home = VillageElectionFactory(
        cycle=cycle,
        village=region_chain("330702001001", name="上方村"),
        election_day=election_day,
        committee_seats=3,
        party_seats=journey_setup.PARTY_SEATS,
        stage=Stage.PREPARATION,
    )
    other = VillageElectionFactory(
        cycle=cycle,
        village=region_chain("330702001002", name="溪口村"),
        election_day=today + timedelta(days=40),
        stage=Stage.PREPARATION,
    )
    VillageElection.objects.filter(pk=home.pk).update(risk_red_open=True)
    journey_setup.name_places(home)
    village = journey_setup.villagers(home)  # ten registered voters, five of them to be nominated
    people = journey_setup.users(home)
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
    assert d(today - timedelta(days=20)) in step_done(page, home, "prep_audit")

    page.goto(f"{base}/elections/{home.pk}/workflow/")
    advance(page)
    assert gate_codes(page) == {"gate.red_village_open"}
    page.select_option("#id_kind", "red_close_out")
    page.fill("#id_reason", "集中整顿完成，三级领导验收，信访积案已化解")
    page.click("#request-exception")
    assert "待县委组织部审批" in page.inner_text("#exceptions")

    # The county approves the close-out from its approvals page.
    county_page = new_user_page(page, "county_reviewer")
    county_page.goto(f"{base}/approvals/")
    county_page.click("#pending button[value=approve]")
    county_page.wait_for_load_state("networkidle")
    assert "已批准" in county_page.content()
    # The close-out's step page fails (gates.SOURCE_URLS has no page for the risk app's records): the
    # checklist shows the step ticked.
    assert checklist_done_on(page, home, "prep_red_close_out") == d(today)

    page.goto(f"{base}/elections/{home.pk}/workflow/")
    advance(page)
    assert page.inner_text("#stage") == "党组织换届"

    # Gate 3: the villagers' committee election waits for the Party organization's, elected by the Party
    # members' assembly (its vote counted and confirmed).
    advance(page)
    assert gate_codes(page) == {"gate.party_not_elected"}
    assert "党组织尚未完成选举：党员大会选举没有经当场确认的有效计票结果" in page.inner_text("#errors")
    assert page.inner_text("#stage") == "党组织换届"
    screenshot(page, "lifecycle-gate-party")

    # Meanwhile the two recommendations named the Party's nominees, the departments passed them and the
    # township settled the preliminary list (not walked here).
    journey_setup.vet_party_nominees(home, people, village)

    # The Party members' assembly: the officer follows the gate to the Party's count and records who was
    # due (the ten villagers are all Party members, one seriously ill and excused) and present (eight:
    # more than 4/5 of nine). The clerks count it in the Party members' meeting's own box: the villagers'
    # assembly later counts its own boxes (ballots.services.boxes_of).
    page.click("#errors a[href*='/ballots/election/']")
    assert "body=party" in page.url
    page.fill("input[name='members']", "10")
    page.fill("input[name='seriously_ill']", "1")
    page.fill("input[name='present']", "8")
    go(page, "button:has-text('登记出席情况')")
    assert "出席情况已登记" in page.content()
    assert "党员 10 名，实到 8 名" in page.content()
    screenshot(page, "lifecycle-party-attendance")
    hold_vote(
        page,
        f"{base}/ballots/election/{home.pk}/?body=party&round=1",
        ("党员大会会场", "central", 8),
        {"issued": 8, "returned": 8, "valid": 8, "invalid": 0, "unreturned": 0, "signed_for": 8},
        {"吴六": 7, "郑七": 6, "冯八": 5, "陈九": 2},  # more than half of the eight present: 5 or more
        "lifecycle-party-vote-confirmed",
    )
    assert d(today) in step_done(page, home, "party_assembly")

    page.goto(f"{base}/elections/{home.pk}/workflow/")
    advance(page)
    assert page.inner_text("#stage") == "村委会选举"

    # Gate 4: no vote before the roll, the formal candidate list and the voting notice were published in
    # time. The vote is the ballots app's record: its step page says what stands in the way.
    page.goto(f"{base}/elections/{home.pk}/steps/voting_held/")
    assert gate_codes(page, ".gates") == {
        "gate.roll_not_published",
        "gate.candidates_not_published",
        "gate.voting_notice_not_published",
    }
    assert "选民名单尚未张榜公布" in page.inner_text(".gates")
    screenshot(page, "lifecycle-gate-voting")

    # The roll, 21 days before election day.
    page.click(".gates a[href*='/voters/election/']")
    page.fill("input[name=published_on]", d(election_day - timedelta(days=21)))
    page.click("#publish button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert d(election_day - timedelta(days=21)) in step_done(page, home, "roll_published")

    # Meanwhile the villagers nominated directly and the departments passed every nominee (not walked
    # here: tests/e2e/test_candidates_journey.py walks the vetting).
    journey_setup.vet_committee_nominees(home, people, village)

    # The formal candidate list: chosen on the vetting board, published six days before election day.
    page.goto(f"{base}/elections/{home.pk}/steps/voting_held/")
    assert gate_codes(page, ".gates") == {
        "gate.candidates_not_published",
        "gate.voting_notice_not_published",
    }
    page.click(".gates a[href*='/notices/formal/']")
    assert page.locator("#notice .notice-name").count() == 0  # nobody is on the list yet
    page.click(f".subnav a[href$='/candidates/{home.pk}/']")
    page.click("a[href*='/list/?body=committee']")
    qualified = page.locator("input[name=nominations]:not([disabled])")
    assert qualified.count() == len(journey_setup.NOMINEES)
    for checkbox in qualified.all():
        checkbox.check()
    screenshot(page, "lifecycle-formal-list-choose")
    go(page, "button:has-text('保存名单')")
    assert "已确定5名人选" in page.inner_text(".messages")
    page.click(".subnav a[href$='/notices/formal/']")
    assert page.locator("#notice .notice-name").count() == len(journey_setup.NOMINEES)
    page.fill("#notice-checks input[name=published_on]", d(election_day - timedelta(days=6)))
    go(page, "#notice-checks form button")
    assert "公布日期已记录" in page.content()
    assert page.locator('[data-code="candidate.formal_list_late"]').count() == 0
    screenshot(page, "lifecycle-formal-list-published")
    assert d(election_day - timedelta(days=6)) in step_done(page, home, "candidates_published")

    # The voting notice, four days before.
    page.goto(f"{base}/elections/{home.pk}/steps/voting_notice/")
    page.click("#record a.button")  # the step is the ballots app's printable notice
    page.fill("input[name='voting_on']", d(election_day))
    page.fill("input[name='starts_at']", "08:00")
    page.check("input[value='central']")
    page.fill("input[name='place']", "村文化礼堂")
    page.fill("input[name='published_on']", d(election_day - timedelta(days=4)))
    page.click("button:has-text('发布投票公告')")
    assert "投票公告已发布" in page.content()
    assert d(election_day - timedelta(days=4)) in step_done(page, home, "voting_notice")

    # Gate 5: published in time, but no supervision committee before the vote is counted and confirmed.
    page.goto(f"{base}/elections/{home.pk}/steps/voting_held/")
    assert gate_codes(page, ".gates") == set()
    page.goto(f"{base}/elections/{home.pk}/workflow/")
    advance(page)
    assert gate_codes(page) == {"gate.voting_not_recorded"}
    assert "村委会选举尚无经当场确认的有效计票结果" in page.inner_text("#errors")
    assert page.inner_text("#stage") == "村委会选举"
    screenshot(page, "lifecycle-gate-vote")

    # Election night: in the central box of the Party members' meeting, a clerk enters the tally sheet, a
    # second clerk enters it again, reconciles, counts and confirms the result on the spot.
    hold_vote(
        page,
        f"{base}/ballots/election/{home.pk}/?body=committee&round=1",
        ("中心会场", "central", 8),
        {"issued": 8, "returned": 8, "valid": 8, "invalid": 0, "unreturned": 0, "signed_for": 8},
        {"赵一": 6, "钱二": 2, "李四": 6, "孙三": 5, "周五": 3},
        "lifecycle-vote-confirmed",
    )
    assert d(today) in step_done(page, home, "voting_held")

    assert checklist_done_on(page, home, "voting_held") == d(today)  # ticked on the checklist too
    advance(page)
    assert page.inner_text("#stage") == "村务监督委员会"

    # Gate 6: no handover before the township approves the villagers' committee result.
    advance(page)
    assert gate_codes(page) == {"gate.result_not_approved"}
    assert "乡镇尚未审核村委会选举结果" in page.inner_text("#errors")
    page.click("#errors a[href*='/ballots/election/']")
    go(page, "button:has-text('审核通过选举结果')")
    assert "乡镇已审核" in page.content()
    screenshot(page, "lifecycle-result-approved")
    assert d(today) in step_done(page, home, "committee_result_approved")

    page.goto(f"{base}/elections/{home.pk}/workflow/")
    advance(page)
    assert page.inner_text("#stage") == "工作交接"

    # Gate 7: not completed before the handover is signed off.
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
    assert d(today) in step_done(page, home, "handover_done")

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

    # The county's board: one village completed, one postponed, and the completed one is 上方村.
    county_page.goto(f"{base}/board/")
    assert county_page.locator("#board").is_visible()
    total = county_page.locator("#total-row")
    assert total.locator("a[href$='?stage=completed']").inner_text() == "1"
    assert total.locator("a[href$='?stage=postponed']").inner_text() == "1"
    screenshot(county_page, "lifecycle-county-board")
    go(county_page, "#total-row a[href$='?stage=completed']")
    rows = county_page.locator("#village-list tbody tr")
    assert rows.count() == 1
    assert "上方村" in rows.first.inner_text() and "已完成" in rows.first.inner_text()
    screenshot(county_page, "lifecycle-county-completed")
    county_page.context.close()
