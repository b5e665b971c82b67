"""Election night in a real browser: boxes → two clerks enter → mismatch → correction → reconciliation →
results → township approval → certificates of election."""

import pytest

from tests.ballots.factories import make_village
from tests.e2e.conftest import fill_sheet_counts, go, login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def enter_sheet(page, village, chair_votes_for_qian: int):
    go(page, "text=录入计票单")
    fill_sheet_counts(page)
    votes = {
        f"v:chair:{village.key('赵一')}": 6,
        f"v:chair:{village.key('钱二')}": chair_votes_for_qian,
        f"v:committee_member:{village.key('李四')}": 6,
        f"v:committee_member:{village.key('孙三')}": 5,
        f"v:committee_member:{village.key('周五')}": 3,
        "wv:committee_member:0": 1,
    }
    for name, value in votes.items():
        page.fill(f"input[name='{name}']", str(value))
    page.fill("input[name='wn:committee_member:0']", "王大")
    go(page, "button:has-text('保存录入')")


def test_two_clerks_count_a_box_and_the_township_approves(page):
    village = make_village()
    overview = f"{page.base_url}/ballots/election/{village.election.pk}/?body=committee&round=1"

    login(page, "clerk1", TEST_PASSWORD)
    page.goto(overview)
    page.fill("input[name='label']", "中心会场")
    page.select_option("select[name='kind']", "central")
    page.fill("input[name='ballots_issued']", "8")
    go(page, "button:has-text('设置票箱')")
    assert "票箱已设置" in page.content()
    enter_sheet(page, village, chair_votes_for_qian=2)
    assert "等待另一人录入" in page.content()

    page.context.clear_cookies()
    login(page, "clerk2", TEST_PASSWORD)
    page.goto(overview)
    enter_sheet(page, village, chair_votes_for_qian=3)  # a slip: 3 instead of 2
    assert "两次录入在以下项目不一致" in page.content()
    assert "钱二" in page.inner_text("table.mismatch")
    screenshot(page, "election_night_mismatch")

    go(page, "text=更正我的录入")
    page.fill(f"input[name='v:chair:{village.key('钱二')}']", "2")
    go(page, "button:has-text('保存录入')")
    assert "两次录入一致" in page.content()

    go(page, "text=选票核对")
    findings = page.inner_text("table.findings")
    assert "另选他人的得票人不在选民名单中" in findings and "人员：王大" in findings
    assert page.inner_text("table.findings small.code") == "reconcile.write_in_not_on_roll.W"  # support only
    page.fill("table.findings input[name='note']", "王大为外村人员，已核实")
    go(page, "table.findings button")
    assert "提示已确认" in page.content() and "核对通过" in page.content()
    screenshot(page, "election_night_reconciliation")
    go(page, "button:has-text('计票')")
    assert "选举有效" in page.content()
    go(page, "button:has-text('确认选举结果')")
    assert "选举委员会已确认" in page.content()
    go(page, "text=打印结果公告")
    text = page.inner_text("article.notice")
    assert "王大" in text and "赵一" in text
    screenshot(page, "election_night_announcement")

    page.context.clear_cookies()
    login(page, "township", TEST_PASSWORD)
    page.goto(overview.replace("/?", "/results/?"))
    go(page, "button:has-text('审核通过选举结果')")
    assert "乡镇已审核" in page.content()
    go(page, "text=打印当选证书")
    certificates = page.locator("article.certificate")
    assert certificates.count() == 3
    assert all(name in page.inner_text("main") for name in ("赵一", "李四", "孙三"))
    screenshot(page, "election_night_certificates")
