"""A police reviewer empties the inbox in a real browser (issue 15, part 1): filters to one township,
gives "no finding" to 30 requests in one action (after the page's confirmation), gives one "found" with
its note on its own request; the inbox fits a 1366×768 laptop and a 390 px phone."""

import pytest

from accounts.roles import Role
from candidates.models import QualificationReview
from elections.models import Stage
from tests.candidates.factories import move_to
from tests.candidates.test_inbox import make_requests
from tests.e2e.conftest import LAPTOP, PHONE, SCREENSHOTS, login, screenshot
from tests.factories import TEST_PASSWORD, CycleFactory, UserFactory, VillageElectionFactory, region_chain

pytestmark = pytest.mark.django_db(transaction=True)
POLICE = "婺城区公安分局"


def requests_in_two_townships():
    """36 requests in two villages of 白龙桥镇, 12 in 罗店镇, and a few answered already."""
    cycle = CycleFactory(name="2026—2027年村（社区）“两委”换届")
    places = {}
    for code, name, township in (
        ("330702001001", "上方村", "白龙桥镇"),
        ("330702001002", "下方村", "白龙桥镇"),
        ("330702002001", "罗店村", "罗店镇"),
    ):
        village = region_chain(code, name=name)
        village.parent.name = township
        village.parent.save(update_fields=["name"])
        village.parent.parent.name = "婺城区"
        village.parent.parent.save(update_fields=["name"])
        places[code] = move_to(
            VillageElectionFactory(cycle=cycle, village=village, party_seats=3), Stage.PARTY_ELECTION
        )
    county = places["330702001001"].village.parent.parent
    officer = UserFactory(username="township", role=Role.TOWNSHIP, region=county)
    police = UserFactory(
        username="police", role=Role.DEPARTMENT, region=county, unit=POLICE, display_name="赵警官"
    )
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
    given = "建国秀英志强海涛丽娟"
    names = [f"{surnames[i % len(surnames)]}{given[i % 5 * 2 : i % 5 * 2 + 2]}" for i in range(48)]
    made = make_requests(places["330702001001"], 20, by=officer, names=names[:20], sent_days_ago=9)
    made += make_requests(places["330702001002"], 16, by=officer, names=names[20:36], sent_days_ago=2)
    made += make_requests(places["330702002001"], 12, by=officer, names=names[36:], sent_days_ago=1)
    return police, places["330702001001"].village.parent, made


def test_a_police_reviewer_answers_one_township_in_one_action(page):
    police, township, made = requests_in_two_townships()
    login(page, "police", TEST_PASSWORD)
    page.goto(f"{page.base_url}/candidates/reviews/")
    assert page.locator("#pending tr[data-review]").count() == 48
    assert page.locator("#pending tr.overdue").count() == 20  # sent 9 days ago, due after 7
    screenshot(page, "review-inbox-1-all")

    # 1. Only the township's requests.
    page.select_option("#id_township", township.code)
    page.click("#inbox-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#pending tr[data-review]").count() == 36
    assert "罗店村" not in page.inner_text("#pending")

    # 2. Tick the whole page, untick six, "no finding" with one note, confirmed (accept_confirms).
    page.check("#pick-all")
    assert page.locator("#pending input[name=reviews]:checked").count() == 36
    for box in page.locator("#pending input[name=reviews]").all()[30:]:
        box.uncheck()
    page.fill("#bulk input[name=note]", "经查询公安信息系统，未发现违法犯罪记录")
    screenshot(page, "review-inbox-2-ticked")
    page.click("#bulk button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "30" in page.inner_text(".messages")
    answered = QualificationReview.objects.filter(unit=POLICE, verdict="passed")
    assert answered.count() == 30
    assert set(answered.values_list("reviewer", flat=True)) == {police.pk}
    assert set(answered.values_list("note", flat=True)) == {"经查询公安信息系统，未发现违法犯罪记录"}
    # Still on the township's requests: six are left.
    assert page.locator("#id_township").input_value() == township.code
    assert page.locator("#pending tr[data-review]").count() == 6
    screenshot(page, "review-inbox-3-after-bulk")

    # 3. One "found", with its note, on its own request.
    row = page.locator("#pending tr[data-review]").first
    name = row.get_attribute("data-nominee")
    row.locator("input[value=fail]").check()
    row.locator("input[name=note]").fill("2019年因聚众赌博受到行政拘留处罚（公安机关档案）")
    row.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert name in page.inner_text(".messages")
    found = QualificationReview.objects.get(unit=POLICE, verdict="failed")
    assert (found.nomination.resident.name, found.reviewer) == (name, police)
    assert found.note == "2019年因聚众赌博受到行政拘留处罚（公安机关档案）"
    assert page.locator("#pending tr[data-review]").count() == 5
    assert "2019年因聚众赌博" in page.inner_text("#answered")
    screenshot(page, "review-inbox-4-found")
    page.screenshot(path=str(SCREENSHOTS / "review-inbox-4-found-screen.png"))

    # The home page's counts follow: 17 open (5 + 罗店镇's 12); the 20 overdue came first (soonest due
    # first) and are answered.
    page.goto(f"{page.base_url}/")
    assert page.inner_text("#review-inbox [data-count=open] .num") == "17"
    assert page.inner_text("#review-inbox [data-count=overdue] .num") == "0"
    assert page.inner_text("#review-inbox [data-count=answered] .num") == "31"
    screenshot(page, "review-inbox-5-home")

    # 4. The phone: nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base_url}/candidates/reviews/?township={township.code}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "review-inbox-6-phone")
    page.set_viewport_size(LAPTOP)
