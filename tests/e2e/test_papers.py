"""Paper that is right, in a real browser: the tally sheet lists the formal notice's order and keeps the
write-in box clear of the votes box; the printed announcement and certificates carry the vote day and the
approval day."""

import datetime
import re

import pytest
from django.utils import timezone

from ballots.models import ElectionResult
from candidates import selectors as candidate_selectors
from candidates.choices import NominationState, NoticeKind, Position
from elections.models import VillageElection
from tests.ballots.factories import make_village, register
from tests.candidates.factories import NominationFactory, ResidentFactory
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_election_night import enter_sheet, go
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

VOTE_DAY = datetime.date(2026, 11, 30)
CODE = re.compile(r"[a-z_]+\.[a-z_]+(\.W)?")


def main_text_without_codes(page) -> str:
    """The rendered text of the page's main content, the small-print codes for support left out."""
    return page.evaluate(
        """() => { const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('small.code, script, style').forEach(e => e.remove());
        return main.innerText; }"""
    )


def chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def formal_order(village) -> dict[str, list[str]]:
    """The formal candidate list's names per post, as the candidates notice orders them."""
    vetting = candidate_selectors.election_vetting(election=village.election)
    notice = candidate_selectors.notice(vetting=vetting, kind=NoticeKind.FORMAL, today=timezone.localdate())
    return {str(label): [row.facts.name for row in rows] for label, rows in notice.sections}


def boxes_overlap(page, a, b) -> bool:
    one, two = a.bounding_box(), b.bounding_box()
    return not (
        one["x"] + one["width"] <= two["x"]
        or two["x"] + two["width"] <= one["x"]
        or one["y"] + one["height"] <= two["y"]
        or two["y"] + two["height"] <= one["y"]
    )


def test_tally_order_layout_and_the_dates_on_paper(page):
    village = make_village()
    # 应强 and 杨秀莉 for member, as in the issue: 杨 (7 strokes, 横 first) before 应 (7, 点 first)
    for name in ("应强", "杨秀莉"):
        resident = ResidentFactory(village=village.election.village, name=name)
        village.candidates[name] = NominationFactory(
            election=village.election,
            resident=resident,
            position=Position.COMMITTEE_MEMBER,
            state=NominationState.LISTED,
        )
        register(village.election, resident)
    VillageElection.objects.filter(pk=village.election.pk).update(election_day=VOTE_DAY)
    overview = f"{page.base_url}/ballots/election/{village.election.pk}/?body=committee&round=1"

    login(page, "clerk1", TEST_PASSWORD)
    page.goto(overview)
    page.fill("input[name='label']", "中心会场")
    page.select_option("select[name='kind']", "central")
    page.fill("input[name='ballots_issued']", "8")
    go(page, "button:has-text('设置票箱')")
    go(page, "text=录入计票单")

    # the order of the formal notice, post by post
    notice = formal_order(village)
    for table in page.locator("table.tally").all():
        label = table.get_attribute("data-position")
        shown = [t.strip() for t in table.locator("tr.candidate th").all_inner_texts()]
        assert shown == notice[label], label
    assert notice["村委会委员"].index("杨秀莉") < notice["村委会委员"].index("应强")

    # the write-in name box and its votes box do not overlap, on screen and on A4
    page.fill("input[name='wn:committee_member:0']", "王大")
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        if media == "print":
            page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        name = page.locator("input[name='wn:committee_member:0']")
        votes = page.locator("input[name='wv:committee_member:0']")
        assert name.is_visible() and votes.is_visible()
        assert not boxes_overlap(page, name, votes), media
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        screenshot(page, f"papers_tally_{media}")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(overview)
    enter_sheet(page, village, chair_votes_for_qian=2)

    page.context.clear_cookies()
    login(page, "clerk2", TEST_PASSWORD)
    page.goto(overview)
    enter_sheet(page, village, chair_votes_for_qian=2)
    assert "两次录入一致" in page.content()
    go(page, "text=选票核对")
    # what a user reads: the message and its figures in Chinese, the code only in small print
    assert CODE.search(page.inner_text("table.findings small.code"))
    assert not CODE.search(main_text_without_codes(page))
    assert "人员：王大；得票：1" in page.inner_text("table.findings")
    screenshot(page, "papers_reconcile")
    page.fill("table.findings input[name='note']", "王大为外村人员，已核实")
    go(page, "table.findings button")
    go(page, "button:has-text('计票')")
    go(page, "button:has-text('确认选举结果')")
    assert not CODE.search(main_text_without_codes(page))
    screenshot(page, "papers_results")

    page.context.clear_cookies()
    login(page, "township", TEST_PASSWORD)
    page.goto(overview.replace("/?", "/results/?"))
    go(page, "button:has-text('审核通过选举结果')")
    result = ElectionResult.objects.get(election=village.election, body="committee")
    approval = timezone.localdate(result.approved_at)

    go(page, "text=打印结果公告")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    notice_text = page.inner_text("article.notice")
    assert "2026年村民委员会选举结果公告" in notice_text
    assert page.get_attribute("article.notice time.vote-date", "datetime") == VOTE_DAY.isoformat()
    assert page.get_attribute("article.notice time.approval-date", "datetime") == approval.isoformat()
    assert chinese(VOTE_DAY) in notice_text and chinese(approval) in notice_text
    page.pdf(path=str(screenshot_dir() / "papers_announcement.pdf"), format="A4")
    screenshot(page, "papers_announcement")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 768})

    page.go_back()
    go(page, "text=打印当选证书")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})
    certificates = page.locator("article.certificate")
    assert certificates.count() == 3
    for certificate in certificates.all():
        assert certificate.locator("time.vote-date").get_attribute("datetime") == VOTE_DAY.isoformat()
        assert certificate.locator("time.approval-date").get_attribute("datetime") == approval.isoformat()
        assert f"于{chinese(VOTE_DAY)}在" in certificate.inner_text()
    screenshot(page, "papers_certificates")


def screenshot_dir():
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
