"""A township officer records, in a real browser, that a daughter married into the next village is her
father's child: both found by the search as one types, the relation and its basis chosen, and the link
listed on the village's close-relatives page (reached from the roll); it fits a laptop and a phone."""

import pytest

from tests.e2e.conftest import LAPTOP, PHONE, login, screenshot
from tests.factories import TEST_PASSWORD
from tests.voters.kinship_world import kinship_world
from voters.models import Kinship

pytestmark = pytest.mark.django_db(transaction=True)


def pick(page, search: str, select: str, text: str) -> None:
    page.fill(search, text)
    page.wait_for_function(
        "([sel, text]) => [...document.querySelectorAll(sel + ' option')].some(o => o.textContent.includes(text))",
        arg=[select, text],
    )
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value)


def test_a_township_officer_records_a_relative_in_another_household_and_sees_it_listed(page):
    world = kinship_world()
    login(page, "township", TEST_PASSWORD)
    page.goto(f"{page.base_url}/voters/election/{world.home.pk}/")
    page.click("#tab-kinship")
    assert page.locator("#kinship td.empty").is_visible()
    page.click("#record-kinship")

    pick(page, "#person-search", "#id_person", "李女")
    assert "下方村" in page.locator("#id_person option:checked").inner_text()
    pick(page, "#relative-search", "#id_relative", "李父")
    page.select_option("#id_relation", "child")
    page.select_option("#id_basis", "committee_certificate")
    page.fill("#id_note", "出嫁到下方村，村委会出具证明")
    screenshot(page, "kinship-1-form")
    page.click("#record-submit")
    page.wait_for_load_state("networkidle")

    assert "已登记：李女 是 李父 的子女。" in page.locator(".messages").inner_text()
    row = page.locator("#kinship tbody tr").first
    text = row.inner_text()
    for shown in (
        "李父",
        "上方村",
        "第一村民小组",
        "父母",
        "李女",
        "下方村",
        "第三村民小组",
        "村（居）委会证明",
        "乡镇换届办",
    ):
        assert shown in text, shown
    assert world.people["daughter"].id_number not in page.content()
    link = Kinship.objects.get()
    assert (link.person, link.relative, link.relation) == (
        world.people["father"],
        world.people["daughter"],
        "parent",
    )
    # Fits the laptop: the table does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    screenshot(page, "kinship-2-listed")

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("#kinship tbody tr").first.is_visible()
    screenshot(page, "kinship-3-phone")
