"""Chinese 400, 403 (and CSRF), 404, 405 and 500 pages with DEBUG off, each carrying the security headers."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory, region_chain

pytestmark = pytest.mark.django_db

ENGLISH = ("Bad Request", "Forbidden", "Not Found", "Server Error", "CSRF", "English detail")


@pytest.fixture
def clerk(client, settings):
    settings.ROOT_URLCONF = "tests.accounts.urls_for_error_pages"
    user = UserFactory(username="clerk", role=Role.CLERK, region=region_chain("330702001001"))
    client.force_login(user)
    return user


def assert_chinese_page(response, status, *phrases):
    assert settings.DEBUG is False
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'data-status="{status}"' in page
    main = page[page.index("<main") : page.index("</main>")]
    for phrase in phrases:
        assert phrase in main
    for word in ENGLISH:
        assert word not in main
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    return page


def test_400_for_a_suspicious_request_is_chinese(client, clerk):
    response = client.get("/", HTTP_HOST="evil.example")
    assert_chinese_page(response, 400, "请求有误")


def test_403_is_chinese_and_hides_the_exceptions_text(client, clerk):
    assert_chinese_page(client.get("/test-errors/forbidden/"), 403, "无权操作", "返回首页")


def test_404_is_chinese(client, clerk):
    assert_chinese_page(client.get("/no-such-page/"), 404, "返回首页")


def test_405_of_a_post_only_view_is_chinese_and_keeps_the_allow_header(client, clerk):
    response = client.get("/accounts/logout/")
    assert_chinese_page(response, 405, "不能以此方式访问", "按钮")
    assert "POST" in response["Allow"]


def test_500_is_static_chinese(client, clerk):
    client.raise_request_exception = False
    page = assert_chinese_page(client.get("/test-errors/broken/"), 500, "服务器错误", "系统管理员")
    assert "clerk" not in page  # rendered without a request: no user box, nothing from the database


def test_a_csrf_failure_without_the_cookie_says_to_allow_cookies():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "x", "password": "y"})
    assert_chinese_page(response, 403, "表单已失效", "允许本站使用 Cookie")


def test_a_csrf_failure_with_a_stale_token_says_to_reload_the_form():
    UserFactory(username="clerk", role=Role.CLERK, region=region_chain("330702001001"))
    strict = Client(enforce_csrf_checks=True)
    strict.get("/accounts/login/")  # sets the cookie
    response = strict.post(
        "/accounts/login/", {"username": "clerk", "password": TEST_PASSWORD, "csrfmiddlewaretoken": "x" * 64}
    )
    assert_chinese_page(response, 403, "表单已失效", "刷新页面（F5）")
