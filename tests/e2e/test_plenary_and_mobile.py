"""In a real browser: the Party committee's plenary elects the secretary on the results page and the
certificates name the posts; a clerk approves a mobile ballot box voter from a search, records the box's
route and staff, and the voter it served."""

import pytest

from ballots import services
from elections.models import Stage
from tests.ballots.factories import add_box, make_village
from tests.ballots.test_party_plenary import _assembly, _nominees
from tests.candidates.factories import move_to
from tests.e2e.conftest import go, login, screenshot
from tests.factories import TEST_PASSWORD, VillageElectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_plenary_elects_the_posts_and_the_certificates_name_them(page):
    village = make_village(election=VillageElectionFactory(party_seats=3, committee_seats=3))
    move_to(village.election, Stage.PARTY_ELECTION)
    nominees = _nominees(village)
    _assembly(village, nominees)
    key = services.person_key
    login(page, "clerk1", TEST_PASSWORD)
    page.goto(f"{page.base_url}/ballots/election/{village.election.pk}/results/?body=party&round=1")
    form = page.locator("#plenary-form")
    assert form.locator("tbody tr").count() == 3  # the committee's three members, not 党四
    form.locator("input[name='present']").fill("3")
    form.locator(f"input[name='p:secretary:{key(nominees['党一'])}']").fill("3")
    form.locator(f"input[name='p:deputy_secretary:{key(nominees['党二'])}']").fill("3")
    form.locator(f"input[name='p:discipline_member:{key(nominees['党三'])}']").fill("2")
    screenshot(page, "plenary_form")
    go(page, "#plenary-form button[type='submit']")
    result = page.inner_text("#plenary-result")
    assert "党一" in result and "纪检委员" in result

    page.context.clear_cookies()
    login(page, "township", TEST_PASSWORD)
    page.goto(f"{page.base_url}/ballots/election/{village.election.pk}/results/?body=party&round=1")
    go(page, "button:has-text('审核通过选举结果')")
    go(page, "text=打印当选证书")
    text = page.inner_text("main")
    assert "党一" in text and "书记" in text and "纪检委员" in text
    screenshot(page, "plenary_certificates")


def test_a_clerk_approves_a_mobile_box_voter_and_records_the_visit(page):
    village = make_village(registered=12)
    add_box(village, label="流动票箱", kind="mobile", issued=2)
    login(page, "clerk1", TEST_PASSWORD)
    page.goto(f"{page.base_url}/ballots/election/{village.election.pk}/?body=committee&round=1")
    go(page, "#mobile-link")
    page.fill("#mobile-search input[name='q']", "吴0")
    go(page, "#mobile-search button")
    page.select_option("#matches select[name='reason']", "elderly")
    go(page, "#matches button")
    assert "已确定该选民为流动票箱投票对象" in page.content()
    box = page.locator("section.mobile-box")
    box.locator("input[name='route']").fill("三组—五组")
    box.locator("input[name='staff']").fill("张三、李四")
    go(page, "section.mobile-box button:has-text('登记路线和工作人员')")
    go(page, "section.mobile-box button:has-text('在本票箱投票')")
    text = page.inner_text("section.mobile-box")
    assert "已投票 1 人" in text and "吴0\t已投票" in text
    assert box.locator("input[name='staff']").input_value() == "张三、李四"
    screenshot(page, "mobile_boxes")
