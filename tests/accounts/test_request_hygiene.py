"""NUL and other control characters are refused in one place (accounts.middleware) with the Chinese 400
page, before any list filter, search box or form sees them: `?q=%00` on the roll was a 500 on PostgreSQL."""

import pytest
from django.conf import settings

from accounts.roles import Role
from tests.factories import TEST_PASSWORD, CycleFactory, UserFactory, VillageElectionFactory, region_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def township(client):
    election = VillageElectionFactory(cycle=CycleFactory(), village=region_chain("330702001001"))
    user = UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)
    client.force_login(user)
    return election


LIST_PAGES = [
    "/voters/election/{pk}/?q={c}",
    "/voters/election/{pk}/?group={c}&q=",
    "/voters/search/?q=330702{c}",
    "/elections/?q={c}",
    "/elections/?stage={c}",
    "/audits/?q=%E4%B8%8A{c}",
    "/trail/election/{pk}/?model={c}",
    "/risk/?week={c}",
    "/board/?page={c}",
]


def assert_chinese_400(response):
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误" in page and "控制字符" in page


def test_the_tests_run_with_debug_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize("url", LIST_PAGES)
@pytest.mark.parametrize("char", ["%00", "%01", "%1B", "%7F", "%0A", "%0D"])
def test_control_characters_in_a_list_filter_answer_the_chinese_400(client, township, url, char):
    assert_chinese_400(client.get(url.format(pk=township.pk, c=char)))


@pytest.mark.parametrize("url", LIST_PAGES)
def test_the_same_filters_without_a_control_character_answer_normally(client, township, url):
    assert client.get(url.format(pk=township.pk, c="")).status_code == 200


def test_a_tab_pasted_from_a_spreadsheet_passes(client, township):
    assert client.get(f"/voters/election/{township.pk}/?q=%09%E7%8E%8B").status_code == 200


def test_a_control_character_in_a_parameter_name_or_the_path_is_refused(client, township):
    assert_chinese_400(client.get(f"/voters/election/{township.pk}/?%00=1"))
    assert_chinese_400(client.get("/elections/%00/"))


def test_a_nul_in_a_form_field_is_refused_before_the_form_sees_it(client, township):
    client.logout()
    UserFactory(username="clerk", role=Role.CLERK, region=township.village)
    assert_chinese_400(client.post("/accounts/login/", {"username": "clerk\x00", "password": TEST_PASSWORD}))
    assert_chinese_400(client.post("/accounts/login/", {"username": "clerk", "password": "a\x08b"}))


def test_line_breaks_and_tabs_in_a_form_body_pass(client, township):
    client.logout()
    UserFactory(username="clerk", role=Role.CLERK, region=township.village)
    response = client.post("/accounts/login/", {"username": "clerk", "password": "line one\r\nline\ttwo"})
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
