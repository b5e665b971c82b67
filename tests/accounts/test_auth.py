"""Login, lockout after repeated failures (django-axes), session expiry, password change."""

import pytest
from django.conf import settings

from accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory, region_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return UserFactory(username="clerk", role=Role.CLERK, region=region_chain("330702001001"))


def test_login_with_the_right_password_lands_on_home(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_wrong_password_is_refused_with_a_message(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"][0].startswith("用户名或密码错误")


def test_account_is_locked_after_the_failure_limit_even_with_the_right_password(client, clerk):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "clerk", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "clerk", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()


def test_one_failure_less_than_the_limit_still_lets_the_user_in(client, clerk):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": "clerk", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "clerk", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_session_ends_with_the_browser_and_after_a_working_day(client, clerk):
    client.post("/accounts/login/", {"username": "clerk", "password": TEST_PASSWORD})
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_password_change_requires_the_old_password(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/accounts/password/",
        {"old_password": "bad", "new_password1": "Xx9!qwerty-long", "new_password2": "Xx9!qwerty-long"},
    )
    assert response.status_code == 200
    clerk.refresh_from_db()
    assert clerk.check_password(TEST_PASSWORD)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Xx9!qwerty-long",
            "new_password2": "Xx9!qwerty-long",
        },
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Xx9!qwerty-long")


def test_logout_needs_a_post_and_ends_the_session(client, clerk):
    client.force_login(clerk)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_role_region_level_is_validated():
    from django.core.exceptions import ValidationError

    village = region_chain("330702001001")
    user = UserFactory.build(username="x", role=Role.COUNTY, region=village)
    with pytest.raises(ValidationError) as err:
        user.clean()
    assert "region" in err.value.message_dict
