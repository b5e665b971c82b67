"""A village clerk, in a real browser, works the roll's tabs before polling day: records a written proxy
(both voters found by the search as one types) and sees it listed by village group; records an objection
that a voter moved away, answers it upheld, and finds the change, with the answer as its reason, in the
roll's change log; then prints the voter cards. Each page fits a laptop."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from tests.e2e.conftest import LAPTOP, login, screenshot
from tests.factories import (
    TEST_PASSWORD,
    CycleFactory,
    UserFactory,
    VillageElectionFactory,
    make_id_number,
    region_chain,
)
from voters import services
from voters.models import ProxyAuthorisation, RollObjection, Status, VoterRegistration

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = (
    ("王一", "第一村民小组"),
    ("李二", "第一村民小组"),
    ("张三", "第二村民小组"),
    ("刘四", "第二村民小组"),
)


def village():
    """上方村 in its villagers' committee election, its roll of four published ten days ago."""
    today = timezone.localdate()
    election = VillageElectionFactory(
        cycle=CycleFactory(),
        village=region_chain("330702001001", name="上方村"),
        election_day=today + timedelta(days=12),
    )
    clerk = UserFactory(username="clerk", role=Role.CLERK, region=election.village, first_name="村文书")
    for serial, (name, group) in enumerate(PEOPLE, start=1):
        values = {
            "name": name,
            "id_number": make_id_number(serial=serial),
            "group": group,
            "category": "hukou_resident",
        }
        services.register_person(election=election, values=values, by=clerk)
    services.publish_roll(election=election, published_on=today - timedelta(days=10), by=clerk)
    return election


def pick(page, search: str, select: str, text: str) -> None:
    page.fill(search, text)
    page.wait_for_function(
        "([sel, text]) => [...document.querySelectorAll(sel + ' option')].some(o => o.textContent.includes(text))",
        arg=[select, text],
    )
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value)


def fits_the_laptop(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


def test_the_clerk_records_a_written_proxy_and_sees_it_listed(page):
    election = village()
    login(page, "clerk", TEST_PASSWORD)
    page.goto(f"{page.base_url}/voters/election/{election.pk}/")
    page.click("#tab-proxies")
    assert page.locator("#proxies td.empty").is_visible()
    pick(page, "#grantor-search", "#id_grantor", "张三")
    pick(page, "#proxy-search", "#id_proxy", "王一")
    screenshot(page, "proxies-1-form")
    page.click("#proxy-submit")
    page.wait_for_load_state("networkidle")

    assert "已登记：王一代张三投票。" in page.locator(".messages").inner_text()
    row = page.locator("#proxies tbody tr").first.inner_text()
    for shown in ("第一村民小组", "王一", "张三", "第二村民小组", "村文书"):
        assert shown in row, shown
    assert page.locator("#proxies-in-force").inner_text() == "1"
    authorisation = ProxyAuthorisation.objects.get()
    assert (authorisation.grantor.resident.name, authorisation.proxy.resident.name) == ("张三", "王一")
    assert fits_the_laptop(page)
    screenshot(page, "proxies-2-listed")


def test_the_clerk_answers_an_objection_upheld_and_the_roll_log_shows_it(page):
    election = village()
    login(page, "clerk", TEST_PASSWORD)
    page.goto(f"{page.base_url}/voters/election/{election.pk}/")
    page.click("#tab-objections")
    page.fill("#id_objector_name", "赵大")
    page.select_option("#id_kind", "remove")
    pick(page, "#subject-search", "#id_registration", "刘四")
    page.fill("#id_ground", "刘四已于去年迁往杭州落户")
    screenshot(page, "objections-1-form")
    page.click("#objection-submit")
    page.wait_for_load_state("networkidle")

    objection = RollObjection.objects.get()
    row = page.locator(f"#objection-{objection.pk}").inner_text()
    assert "应当除名" in row and "刘四" in row and "赵大" in row
    due = (objection.received_on + timedelta(days=3)).strftime("%Y-%m-%d")
    assert due in row
    assert page.locator("#objections-open").inner_text() == "1"
    screenshot(page, "objections-2-listed")

    page.click(f"#objection-{objection.pk} a.button")
    page.check("input[name=answer][value=upheld]")
    page.fill("#id_answer_text", "经核实已迁出，予以除名")
    page.select_option("#id_reason_code", "moved")
    screenshot(page, "objections-3-answer")
    page.click("#answer-submit")
    page.wait_for_load_state("networkidle")
    assert "异议的答复已记录" in page.locator(".messages").inner_text()
    assert "异议成立" in page.locator(f"#objection-{objection.pk}").inner_text()

    page.click("#tab-roll")
    page.wait_for_load_state("networkidle")
    log = page.locator("#changes").inner_text()
    assert "异议成立：经核实已迁出，予以除名" in log and "刘四" in log
    assert VoterRegistration.objects.get(resident__name="刘四").status == Status.LEFT_OFF
    assert fits_the_laptop(page)
    screenshot(page, "objections-4-roll-log")


def test_the_voter_cards_print_eight_to_a_sheet_from_the_roll_page(page):
    election = village()
    login(page, "clerk", TEST_PASSWORD)
    page.goto(f"{page.base_url}/voters/election/{election.pk}/")
    page.click("#print-cards")
    page.wait_for_load_state("networkidle")
    names = page.locator(".voter-card .card-name").all_inner_texts()
    assert names == ["王一", "李二", "刘四", "张三"]  # 王 4 strokes before 李 7; 刘 6 before 张 7
    screenshot(page, "cards-1-screen")
    page.emulate_media(media="print")
    screenshot(page, "cards-2-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
