"""A person of each role logs in and lands on the page they work from, on a laptop and on a phone."""

import pytest

from accounts.roles import Role
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import TEST_PASSWORD, CycleFactory, UserFactory, VillageElectionFactory, region_chain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_people():
    cycle = CycleFactory(name="2026—2027年村（社区）“两委”换届")
    village = region_chain("330702001001", name="上方村")
    other = region_chain("330702001002", name="王宅村")
    for v in (village, other):
        VillageElectionFactory(cycle=cycle, village=v)
    region = {r.level: r for r in [village, *village.ancestors()]}
    return {
        Role.CITY: UserFactory(username="city_reviewer", role=Role.CITY, region=region["city"]),
        Role.COUNTY: UserFactory(username="county_reviewer", role=Role.COUNTY, region=region["county"]),
        Role.TOWNSHIP: UserFactory(username="township_office", role=Role.TOWNSHIP, region=region["township"]),
        Role.CLERK: UserFactory(username="village_clerk", role=Role.CLERK, region=village),
        Role.DEPARTMENT: UserFactory(
            username="department_reviewer",
            role=Role.DEPARTMENT,
            region=region["county"],
            unit="婺城区公安分局",
        ),
        Role.ADMIN: UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
    }


# What each role must see on landing: (path prefix, a heading or text that only that page shows).
LANDING = {
    Role.CITY: ("/board/", "换届进展"),
    Role.COUNTY: ("/board/", "换届进展"),
    Role.TOWNSHIP: ("/elections/", "上方村"),
    Role.CLERK: ("/elections/", "村民委员会席位"),
    Role.DEPARTMENT: ("/", "本单位资格审查"),
    Role.ADMIN: ("/board/", "换届进展"),
}


def test_each_role_logs_in_and_lands_on_its_page(page, demo_people):
    for role, user in demo_people.items():
        page.context.clear_cookies()
        login(page, user.username, TEST_PASSWORD)
        path, marker = LANDING[role]
        assert page.url.startswith(page.base_url + path), (role, page.url)
        assert marker in page.content(), (role, page.url)
        assert "退出" in page.content()  # the Chinese UI, with the logout button
        screenshot(page, f"landing-{role}-laptop")
        page.set_viewport_size(PHONE)
        page.reload()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{role}: page is {overflow}px wider than a phone"
        screenshot(page, f"landing-{role}-phone")
        page.set_viewport_size({"width": 1366, "height": 768})


def test_wrong_password_shows_a_chinese_message(page, demo_people):
    login(page, "village_clerk", "wrong-password")
    assert "/accounts/login/" in page.url
    assert "用户名或密码错误" in page.content()
