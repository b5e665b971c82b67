"""Pages that fit the phone (issue 14, part 6): at 390×844 the roll, the review inbox, tally entry and the
import preview never scroll the whole page sideways; wide tables scroll inside their own frame, and the
forms and verdict controls stay on screen. The department's inbox also fits a 1366×768 laptop."""

from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from candidates import services as candidate_services
from candidates.selectors import county_of
from elections.models import Stage
from tests.ballots.factories import add_box, make_village
from tests.candidates.factories import NominationFactory, ResidentFactory, move_to
from tests.e2e.conftest import LAPTOP, PHONE, SCREENSHOTS, login, screenshot
from tests.factories import TEST_PASSWORD, UserFactory, VillageElectionFactory, make_id_number, region_chain
from voters import services as voter_services
from voters.models import LeftOffReason, VoterRegistration

pytestmark = pytest.mark.django_db(transaction=True)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def assert_fits(page, width: int, name: str) -> None:
    scroll = page_width(page)
    print(f"{name}: scrollWidth {scroll} at viewport {width}")
    screenshot(page, name)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-screen.png"))  # what the first screen shows
    assert scroll <= width, f"{name} is {scroll} px wide at {width} px"


def assert_on_screen(page, selector: str, width: int = PHONE["width"]) -> None:
    """The element's box lies inside the viewport horizontally (not clipped off to the right)."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)


def test_the_roll_page_fits_a_phone(page):
    village = make_village(registered=300)
    # Long village groups, as offices type them.
    VoterRegistration.objects.filter(election=village.election).update(group="第十二村民小组（东片）")
    # Published, then corrected: the changes after publication are listed under the roll.
    election = village.election
    voter_services.publish_roll(election=election, published_on=timezone.localdate(), by=village.clerk)
    for registration in VoterRegistration.objects.filter(election=election).order_by("pk")[290:293]:
        voter_services.leave_off(
            registration=registration,
            reason_code=LeftOffReason.values[0],
            note="经村民选举委员会核实，本人已于2026年10月将户口迁往金华市婺城区城北街道，不再具有本村选民资格",
            by=village.clerk,
        )
    page.set_viewport_size(PHONE)
    login(page, "clerk1", TEST_PASSWORD)
    page.goto(f"{page.base_url}/voters/election/{village.election.pk}/")
    assert page.locator("#roll tbody tr").count() == 100
    assert "不再具有本村选民资格" in page.content()
    assert_fits(page, PHONE["width"], "phone-roll")
    page.locator("main section.card").last.screenshot(path=str(SCREENSHOTS / "phone-roll-changes.png"))
    for selector in ("#id_file", "#add-person button[type=submit]", "#publish button[type=submit]"):
        assert_on_screen(page, selector)
    # The table scrolls inside its own frame: its take-off controls are reached by scrolling it.
    button = page.locator("#roll tbody tr").first.locator("button")
    button.scroll_into_view_if_needed()
    assert_on_screen(page, "#roll tbody tr >> nth=0 >> button")
    page.screenshot(path=str(SCREENSHOTS / "phone-roll-take-off.png"))
    assert page_width(page) <= PHONE["width"]


def inbox_data():
    """A county's police reviewer with a dozen pending requests and a few decided ones (long notes)."""
    village = region_chain("330702001001", name="白龙桥镇上方行政村第二经济合作社")
    township, county = village.parent, village.parent.parent
    county.name = "婺城区"
    county.save(update_fields=["name"])
    township.name = "白龙桥镇"
    township.save(update_fields=["name"])
    election = move_to(VillageElectionFactory(village=village, party_seats=3), Stage.PARTY_ELECTION)
    officer = UserFactory(username="township", role=Role.TOWNSHIP, region=township)
    police = UserFactory(
        username="police", role=Role.DEPARTMENT, region=county, unit="婺城区公安分局", display_name="赵警官"
    )
    units = [
        u
        for u in candidate_services.ensure_review_units(county=county_of(election.division_code))
        if u.name == "婺城区公安分局"
    ]
    names = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
    nominations = []
    for n, surname in enumerate(names):
        resident = ResidentFactory(village=village, name=f"{surname}建国", sex="F" if n % 2 else "M")
        nomination = NominationFactory(election=election, resident=resident)
        candidate_services.record_first_review(nomination=nomination, passed=True, note="", by=officer)
        nominations.append(nomination)
    candidate_services.request_reviews(nominations=nominations, units=units, by=officer)
    for nomination in nominations[:3]:
        review = nomination.reviews.get(unit="婺城区公安分局")
        candidate_services.decide_review(
            review=review,
            passed=False,
            note="经查询，该同志于2019年因聚众赌博受到行政拘留处罚，2021年因酒后驾驶机动车受到罚款处罚",
            by=police,
        )
    # A request from a village whose Party election is over: its row shows why it can no longer be decided.
    later = move_to(
        VillageElectionFactory(
            village=region_chain("330702001002", name="白龙桥镇下方行政村"),
            cycle=election.cycle,
            party_seats=3,
        ),
        Stage.PARTY_ELECTION,
    )
    late = NominationFactory(election=later, resident=ResidentFactory(village=later.village, name="晚送审"))
    candidate_services.record_first_review(nomination=late, passed=True, note="", by=officer)
    candidate_services.request_reviews(nominations=[late], units=units, by=officer)
    move_to(later, Stage.SUPERVISION)
    return police


def test_the_review_inbox_fits_a_phone_and_a_laptop(page):
    inbox_data()
    login(page, "police", TEST_PASSWORD)
    page.goto(f"{page.base_url}/candidates/reviews/")
    assert page.locator("#pending tr[data-review]").count() == 14
    assert page.locator("#pending [data-door=review]").count() == 1
    assert_fits(page, LAPTOP["width"], "laptop-inbox")
    # Nothing is cut off inside the tables' frames either: the laptop needs no sideways scrolling at all.
    for frame in page.locator(".table-wrap").all():
        assert frame.evaluate("e => e.scrollWidth <= e.clientWidth"), frame.evaluate("e => e.scrollWidth")
    row = page.locator("#pending tr[data-review]").first
    for control in ("input[value=pass]", "input[value=fail]", "input[name=note]", "button"):
        box = row.locator(control).bounding_box()
        assert box["x"] + box["width"] <= LAPTOP["width"], (control, box)

    page.set_viewport_size(PHONE)
    page.goto(f"{page.base_url}/candidates/reviews/")
    assert_fits(page, PHONE["width"], "phone-inbox")
    row = page.locator("#pending tr[data-review]").first
    for control in ("input[value=pass]", "input[value=fail]", "input[name=note]", "button"):
        box = row.locator(control).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (control, box)
    # The verdict is given from the phone.
    name = row.get_attribute("data-nominee")
    row.locator("input[value=pass]").check()
    row.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert f"{name}" in page.inner_text(".messages")
    assert page_width(page) <= PHONE["width"]


def test_tally_entry_fits_a_phone(page):
    village = make_village()
    box = add_box(village)
    page.set_viewport_size(PHONE)
    login(page, "clerk1", TEST_PASSWORD)
    page.goto(
        f"{page.base_url}/ballots/election/{village.election.pk}/enter/?body=committee&round=1&box={box.pk}"
    )
    assert_fits(page, PHONE["width"], "phone-tally-entry")
    for selector in (
        "input[name=issued]",
        f"input[name='v:chair:{village.key('赵一')}']",
        "input[name='wn:committee_member:0']",
        "input[name='wv:committee_member:0']",
        "button[type=submit].primary",
    ):
        assert_on_screen(page, selector)


def fill_template(template_path, target, people):
    wb = load_workbook(template_path)
    ws = wb.active
    ws.delete_rows(3)
    for row, values in enumerate(people, start=3):
        for column, value in enumerate(values, start=1):
            ws.cell(row=row, column=column, value=value)
    wb.save(target)


def test_the_import_preview_fits_a_phone(page, tmp_path):
    election = VillageElectionFactory(village=region_chain("330702001001", name="上方村"))
    UserFactory(username="village_clerk", role=Role.CLERK, region=election.village)
    page.set_viewport_size(PHONE)
    login(page, "village_clerk", TEST_PASSWORD)
    page.goto(f"{page.base_url}/voters/election/{election.pk}/")
    with page.expect_download() as download:
        page.click("text=下载模板")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    wrong_check = make_id_number(serial=4)
    wrong_check = wrong_check[:-1] + ("1" if wrong_check[-1] != "1" else "2")
    people = [
        ["王五", make_id_number(serial=1), "男", "", "一组", "001", "户主"],
        [
            "方平",
            make_id_number(serial=2, sex="F"),
            "男",
            "",
            "一组",
            "001",
            "配偶",
        ],  # sex contradicts the ID
        ["孔明", make_id_number(serial=3), "男", "", "第二村民小组（东片自然村）", "002", "户主"],
        ["孔明", make_id_number(serial=3), "男", "", "二组", "002", "户主"],  # repeated in the file
        ["邓小", make_id_number(birth=date(2010, 3, 1), serial=5), "男", "", "二组", "002", "子"],
        ["陈错", wrong_check, "男", "", "二组", "003", "户主"],
        ["", "33070219800517ABCD", "男", "", "二组", "003", "户主"],
    ]
    upload = tmp_path / "roll.xlsx"
    fill_template(template, upload, people)
    page.set_input_files("#id_file", str(upload))
    page.click("text=上传并检查")
    page.wait_for_selector("#confirm-import")
    page.wait_for_selector("#errors")
    assert "身份证号码校验位错误" in page.content()
    assert_fits(page, PHONE["width"], "phone-import-preview")
    assert_on_screen(page, "#confirm-import")
    # The problem text wraps inside the frame instead of being cut off.
    for cell in page.locator("#errors tbody td:last-child").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"], box


def test_the_favicon_is_served(page):
    response = page.goto(f"{page.base_url}/favicon.ico")
    assert response.ok and response.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    page.goto(f"{page.base_url}/accounts/login/")
    icons = page.locator("link[rel=icon]")
    assert icons.count() == 2
    for href in icons.evaluate_all("links => links.map(l => l.href)"):
        assert page.request.get(href).ok, href
