"""The township's vetting journey in a real browser (DOMAIN.md "Candidate vetting", lifecycle 2 and 3):
nominate → send to the departments → a department passes one nominee and fails another → the board shows
who is blocked, who is qualified and why → the county approves an "in principle" breach → the formal
candidate list is printed in surname stroke order."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from candidates import services
from candidates.choices import Position
from candidates.models import Approval, Nomination
from candidates.selectors import county_of
from elections.models import Stage
from elections.ordering import stroke_order_key
from tests.candidates.factories import NominationFactory, ResidentFactory, move_to, pass_everything
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import TEST_PASSWORD, CycleFactory, UserFactory, VillageElectionFactory, region_chain

pytestmark = pytest.mark.django_db(transaction=True)
COMMITTEE = (Position.CHAIR, Position.COMMITTEE_MEMBER)


@pytest.fixture
def village(settings):
    settings.ROOT_URLCONF = "tests.candidates.urls_for_tests"
    cycle = CycleFactory(name="2026—2027年村（社区）“两委”换届", reference_date=date(2027, 1, 1))
    place = region_chain("330702001001", name="上方村")
    place.parent.name, place.parent.parent.name = "白龙镇", "婺城区"
    place.parent.save()
    place.parent.parent.save()
    election = VillageElectionFactory(
        cycle=cycle,
        village=place,
        party_seats=3,
        committee_seats=3,
        election_day=timezone.localdate() + timedelta(days=12),
        stage=Stage.PARTY_ELECTION,
    )
    county, township = place.parent.parent, place.parent
    people = {
        "township": UserFactory(
            username="township_office", role=Role.TOWNSHIP, region=township, display_name="王干事"
        ),
        "county": UserFactory(
            username="county_reviewer", role=Role.COUNTY, region=county, display_name="陈审核"
        ),
        "police": UserFactory(
            username="police",
            role=Role.DEPARTMENT,
            region=county,
            unit="婺城区公安分局",
            display_name="赵警官",
        ),
        "court": UserFactory(username="court", role=Role.DEPARTMENT, region=county, unit="婺城区人民法院"),
    }
    units = [
        u
        for u in services.ensure_review_units(county=county_of(election.division_code))
        if u.name in ("婺城区公安分局", "婺城区人民法院")
    ]
    residents = {
        name: ResidentFactory(village=place, name=name, sex=sex, birth_date=born, education=education)
        for name, sex, born, education in [
            ("吴建国", "M", date(1963, 4, 2), "senior"),
            ("钱多多", "M", date(1985, 8, 8), "college"),
        ]
    }
    # The rest of the slate, already vetted: three Party members and the villagers' committee nominees.
    reviewers = {"婺城区公安分局": people["police"], "婺城区人民法院": people["court"]}
    for name, position, sex in [
        ("孔德明", Position.PARTY_MEMBER, "M"),
        ("方秀英", Position.PARTY_MEMBER, "F"),
        ("黄志强", Position.PARTY_MEMBER, "M"),
        ("王海涛", Position.CHAIR, "M"),
        ("邓伟", Position.CHAIR, "M"),
        ("李红梅", Position.COMMITTEE_MEMBER, "F"),
        ("杨建华", Position.COMMITTEE_MEMBER, "M"),
        ("陈平", Position.COMMITTEE_MEMBER, "M"),
        ("丁一", Position.COMMITTEE_MEMBER, "M"),
    ]:
        # each body's nominees are vetted in its body's stage (elections.permits)
        move_to(election, Stage.COMMITTEE_ELECTION if position in COMMITTEE else Stage.PARTY_ELECTION)
        nominee = NominationFactory(
            election=election, position=position, resident=ResidentFactory(village=place, name=name, sex=sex)
        )
        pass_everything(nominee, township=people["township"], units=units, reviewers=reviewers)
    move_to(election, Stage.PARTY_ELECTION)  # a test's shortcut: the journey starts in the Party election
    return {"election": election, "people": people, "residents": residents, "units": units}


def as_user(page, user):
    page.context.clear_cookies()
    login(page, user.username, TEST_PASSWORD)


def nominate(page, election, resident, position):
    page.goto(f"{page.base_url}/candidates/{election.pk}/nominate/")
    page.select_option("#id_resident", value=str(resident.pk))
    page.select_option("#id_position", value=position)
    page.select_option("#id_source", value="party_members")
    page.fill("#id_votes", "52")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")


def board_row(page, name):
    return page.locator(f'tr[data-nominee="{name}"]')


def test_township_vets_nominees_with_the_departments_and_the_county(page, village):
    election, people, residents = village["election"], village["people"], village["residents"]
    board = f"{page.base_url}/candidates/{election.pk}/"

    # 1. The township nominates two Party members.
    as_user(page, people["township"])
    nominate(page, election, residents["吴建国"], Position.SECRETARY)
    nominate(page, election, residents["钱多多"], Position.DEPUTY_SECRETARY)
    assert board_row(page, "钱多多").get_attribute("data-status") == "awaiting"
    assert board_row(page, "吴建国").get_attribute("data-status") == "needs_approval"
    screenshot(page, "candidates-1-nominated")

    # 2. First review, negative list and the other steps on each nominee's page.
    for name in ("吴建国", "钱多多"):
        page.goto(board)
        board_row(page, name).locator("a").click()
        page.wait_for_load_state("networkidle")
        page.check('#first-review input[value="pass"]')
        page.click("#first-review button")
        page.wait_for_load_state("networkidle")
        assert "step-done" in page.locator("#first-review p").first.get_attribute("class")
        # Nothing comes pre-answered: the township answers each of the ten items.
        radios = page.locator("#negative-list input[type=radio][value=no]")
        assert radios.count() == 10 and not page.locator("#negative-list input[type=radio]:checked").count()
        for n in range(radios.count()):
            radios.nth(n).check()
        page.fill("#negative-list input[name=common_evidence]", "公安机关无犯罪记录证明")
        page.select_option("#negative-list select[name=common_source]", "certificate")
        page.click("#negative-list button")
        page.wait_for_load_state("networkidle")
        page.fill("#id_evaluation_score", "93")
        page.fill("#id_interviews", "18")
        page.click("#inspection button")
        page.wait_for_load_state("networkidle")
        for kind in ("pledge", "campaign", "work", "resignation"):
            page.fill(f"#id_{kind}", "2026-12-01")
        page.click("#commitments button")
        page.wait_for_load_state("networkidle")
    screenshot(page, "candidates-2-nominee-page")

    # 3. Send both to the police and the court, from the board.
    page.goto(board)
    for checkbox in page.locator("#send input[name=units]").all():
        label = checkbox.locator("xpath=..").inner_text()
        if "公安分局" not in label and "人民法院" not in label:
            checkbox.uncheck()
    page.click("#send button")
    page.wait_for_load_state("networkidle")
    assert Nomination.objects.get(resident=residents["吴建国"]).reviews.filter(kind="department").count() == 2
    assert page.locator("#send").count() == 0

    # 4. The police pass one nominee and fail the other; the court passes both.
    as_user(page, people["police"])
    page.goto(f"{page.base_url}/candidates/reviews/")
    assert page.locator("#pending tr[data-nominee]").count() == 2
    screenshot(page, "candidates-3-department-inbox")
    row = page.locator('#pending tr[data-nominee="钱多多"]')
    row.locator('input[value="fail"]').check()
    row.locator("input[name=note]").fill("2019年因聚众赌博受到行政拘留处罚")
    row.locator("button").click()
    page.wait_for_load_state("networkidle")
    row = page.locator('#pending tr[data-nominee="吴建国"]')
    row.locator('input[value="pass"]').check()
    row.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#pending").count() == 0
    assert "2019年因聚众赌博" in page.content()

    # 4a. The township sees who holds the vetting up: the court owes both answers (issue 15, part 2).
    as_user(page, people["township"])
    page.goto(board)
    page.click("nav.subnav >> text=联审进度")
    waiting = page.locator("#waiting tr.unit-waiting")
    assert waiting.count() == 1 and "人民法院" in waiting.inner_text() and "2" in waiting.inner_text()
    waiting.locator("button", has_text="催办").click()
    page.wait_for_load_state("networkidle")
    assert "今日已催办" in page.inner_text("#waiting")
    screenshot(page, "candidates-3a-review-matrix")

    as_user(page, people["court"])
    assert "乡镇催办" in page.inner_text("#review-inbox") and "2项未答复" in page.inner_text("#reminders")
    screenshot(page, "candidates-3b-court-home-reminded")
    page.goto(f"{page.base_url}/candidates/reviews/")
    for name in ("吴建国", "钱多多"):
        row = page.locator(f'#pending tr[data-nominee="{name}"]')
        row.locator('input[value="pass"]').check()
        row.locator("button").click()
        page.wait_for_load_state("networkidle")

    # 5. The township sees every department answered, who is blocked, who is qualified, and why.
    as_user(page, people["township"])
    page.goto(f"{page.base_url}/candidates/{election.pk}/reviews/")
    assert "所有被请求的部门均已答复" in page.inner_text("#waiting")
    row = page.locator("#matrix tbody tr", has_text="吴建国").inner_text()
    assert row.count("无异常") == 2 and "待答复" not in row
    assert "有异常" in page.locator("#matrix tbody tr", has_text="钱多多").inner_text()
    page.goto(board)
    assert board_row(page, "钱多多").get_attribute("data-status") == "blocked"
    assert "婺城区公安分局" in board_row(page, "钱多多").inner_text()
    assert "2019年因聚众赌博" in board_row(page, "钱多多").inner_text()
    assert board_row(page, "吴建国").get_attribute("data-status") == "needs_approval"
    assert "1963-04-02" in board_row(page, "吴建国").inner_text()
    assert board_row(page, "孔德明").get_attribute("data-status") == "qualified"
    screenshot(page, "candidates-4-board-vetted")

    # 6. The secretary is over 60 "in principle": the township asks the county with a justification.
    board_row(page, "吴建国").locator("a").click()
    page.wait_for_load_state("networkidle")
    page.fill("#approvals textarea[name=justification]", "现任书记，身体健康，群众公认度高，暂无更合适人选")
    page.click("#approvals button")
    page.wait_for_load_state("networkidle")
    assert Approval.objects.get().state == "pending"

    # 7. The county approves it.
    as_user(page, people["county"])
    page.goto(f"{page.base_url}/candidates/approvals/")
    card = page.locator(f'section[data-approval="{Approval.objects.get().pk}"]')
    assert "吴建国" in card.inner_text() and "暂无更合适人选" in card.inner_text()
    screenshot(page, "candidates-5-county-approvals")
    card.locator('input[value="approve"]').check()
    card.locator("textarea").fill("同意继续提名")
    card.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert Approval.objects.get().state == "approved"

    as_user(page, people["township"])
    page.goto(board)
    assert board_row(page, "吴建国").get_attribute("data-status") == "qualified"
    page.set_viewport_size(PHONE)
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the board is {overflow}px wider than a phone"
    screenshot(page, "candidates-6-board-phone")
    page.set_viewport_size({"width": 1366, "height": 768})

    # 8. The villagers' committee's formal candidates are chosen and the list is printed in stroke order,
    # once the lifecycle moved the election to the villagers' committee election.
    move_to(election, Stage.COMMITTEE_ELECTION)
    page.goto(f"{page.base_url}/candidates/{election.pk}/list/?body=committee")
    for checkbox in page.locator("input[name=nominations]:not([disabled])").all():
        checkbox.check()
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    page.goto(f"{page.base_url}/candidates/{election.pk}/notices/formal/")
    deadline = (election.election_day - timedelta(days=5)).isoformat()
    assert deadline in page.locator("#deadline").inner_text()
    page.click("#notice-checks form button")
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-code="candidate.formal_list_late"]').count() == 0
    tables = page.locator("#notice table")
    assert tables.count() == 2
    for table, names in zip(
        tables.all(), (["王海涛", "邓伟"], ["丁一", "李红梅", "杨建华", "陈平"]), strict=True
    ):
        shown = [cell.inner_text() for cell in table.locator("td.notice-name").all()]
        assert shown == sorted(names, key=stroke_order_key) == names
    page.emulate_media(media="print")
    assert page.locator(".subnav").is_hidden() and page.locator("#notice").is_visible()
    screenshot(page, "candidates-7-formal-list-print")
    page.emulate_media(media="screen")
