"""The further round (另行选举) in a real browser: a confirmed first round leaves a member seat unfilled →
the results page links to the further round → its ballot lists only those standing → two clerks enter it →
counted by the further-round threshold → the township approves both rounds → one announcement and one set
of certificates cover both."""

import pytest

from ballots import services
from candidates.choices import Position
from tests.ballots.factories import add_box, enter_twice, make_village, sheet_values
from tests.e2e.conftest import fill_sheet_counts, go, login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def first_round_leaving_a_seat(village):
    """赵一 is chair and 李四 a member; 孙三 4 of 8 is not more than half: one member seat is left."""
    values = sheet_values(village, signed_for=8)
    values["votes"][Position.COMMITTEE_MEMBER][village.key("孙三")] = 4
    enter_twice(village, add_box(village), values)
    services.count_election(election=village.election, body="committee", by=village.clerk)
    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        services.acknowledge_warning(
            election=village.election, body="committee", key=services.finding_key(finding), by=village.clerk
        )
    services.confirm_results(election=village.election, body="committee", by=village.clerk)


def enter_further_sheet(page, village):
    go(page, "text=录入计票单")
    # Only the post with a seat left, and only those standing for it.
    assert page.locator("input[name^='v:chair:']").count() == 0
    standing = page.locator("input[name^='v:committee_member:']")
    assert standing.count() == 2
    fill_sheet_counts(page)
    page.fill(f"input[name='v:committee_member:{village.key('孙三')}']", "3")
    page.fill(f"input[name='v:committee_member:{village.key('周五')}']", "2")
    go(page, "button:has-text('保存录入')")


def test_the_further_round_from_the_results_page_to_one_set_of_certificates(page):
    village = make_village()
    first_round_leaving_a_seat(village)
    results = f"{page.base_url}/ballots/election/{village.election.pk}/results/?body=committee&round=1"

    login(page, "clerk1", TEST_PASSWORD)
    page.goto(results)
    card = page.inner_text("#further-round")
    assert "尚有 1 个职数须另行选举补足" in card and "孙三、周五" in card
    screenshot(page, "further_round_results_link")
    go(page, "#hold-further-round")
    assert "另行选举" in page.inner_text("h1")
    page.fill("input[name='label']", "另行选举会场")
    page.select_option("select[name='kind']", "central")
    page.fill("input[name='ballots_issued']", "8")
    go(page, "button:has-text('设置票箱')")
    enter_further_sheet(page, village)
    screenshot(page, "further_round_first_entry")

    page.context.clear_cookies()
    login(page, "clerk2", TEST_PASSWORD)
    page.goto(results)
    go(page, "#round-2-link")
    enter_further_sheet(page, village)
    assert "两次录入一致" in page.content()
    go(page, "text=选票核对")
    assert "核对通过" in page.content()
    go(page, "button:has-text('计票')")
    assert "选举有效" in page.content()
    assert "孙三" in page.inner_text("main")
    go(page, "button:has-text('确认选举结果')")
    assert "选举委员会已确认" in page.content()

    page.context.clear_cookies()
    login(page, "township", TEST_PASSWORD)
    page.goto(results)
    go(page, "button:has-text('审核通过选举结果')")
    go(page, "text=打印当选证书")
    assert page.locator("#further-pending").count() == 1  # the further round is not approved yet
    page.goto(results.replace("round=1", "round=2"))
    go(page, "button:has-text('审核通过选举结果')")
    assert "乡镇已审核" in page.content()
    go(page, "text=打印结果公告")
    notice = page.inner_text("main")
    assert all(name in notice for name in ("赵一", "李四", "孙三")) and "另行选举" in notice
    screenshot(page, "further_round_announcement")
    page.go_back()
    go(page, "text=打印当选证书")
    assert page.locator("article.certificate").count() == 3
    assert all(name in page.inner_text("main") for name in ("赵一", "李四", "孙三"))
    go(page, "button:has-text('登记证书已发放')")
    assert page.locator("#issued").count() == 1
    screenshot(page, "further_round_certificates")
