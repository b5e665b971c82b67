"""Lockout on the account whatever the address, plus a higher limit per address (password spraying);
unlocking by time and by the administrator (accounts.lockout on django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.db.models import F, Sum

from accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory, region_chain

pytestmark = pytest.mark.django_db

A, B, C = "10.1.1.1", "10.2.2.2", "10.3.3.3"
LOGIN = "/accounts/login/"


@pytest.fixture
def village():
    return region_chain("330702001001")


def make_clerk(village, username):
    return UserFactory(username=username, role=Role.CLERK, region=village)


def fail(client, username, address, times=1):
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)
        assert response.status_code in (200, 429)


def log_in(client, username, address):
    client.logout()
    return client.post(LOGIN, {"username": username, "password": TEST_PASSWORD}, REMOTE_ADDR=address)


def assert_logged_in(response, client):
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" in client.session


def assert_refused(response, client, kind):
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert f'data-lock="{kind}"' in page
    return page


def backdate_failures(by):
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - by)


def cool_off():
    return timedelta(hours=settings.AXES_COOLOFF_TIME)


def test_the_address_limit_is_well_above_the_account_limit():
    """One township office behind one NAT address must not lock itself with its normal typos."""
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30


def test_five_failures_from_two_addresses_lock_the_account_for_a_correct_login_from_a_third(client, village):
    make_clerk(village, "clerk")
    fail(client, "clerk", A, times=3)
    fail(client, "clerk", B, times=2)
    page = assert_refused(log_in(client, "clerk", C), client, "account")
    assert "账号已锁定" in page
    assert "登录失败已达 5 次" in page and "30 分钟后自动解锁" in page and "系统管理员解锁" in page


def test_four_failures_from_two_addresses_still_let_the_user_in_from_a_third(client, village):
    make_clerk(village, "clerk")
    fail(client, "clerk", A, times=2)
    fail(client, "clerk", B, times=2)
    assert_logged_in(log_in(client, "clerk", C), client)


def test_the_fifth_failure_itself_answers_with_the_lockout_page(client, village):
    make_clerk(village, "clerk")
    fail(client, "clerk", A, times=4)
    response = client.post(LOGIN, {"username": "clerk", "password": "wrong"}, REMOTE_ADDR=B)
    assert_refused(response, client, "account")


def test_thirty_failures_over_ten_usernames_from_one_address_limit_that_address(client, village):
    for n in range(10):
        make_clerk(village, f"clerk{n}")
        fail(client, f"clerk{n}", A, times=3)  # below the account limit for each of them
    make_clerk(village, "eleventh")
    page = assert_refused(log_in(client, "eleventh", A), client, "address")
    assert (
        "该地址已暂停登录" in page
        and "30 分钟内登录失败已达 30 次" in page
        and "清除该地址的登录失败记录" in page
    )
    # The address is limited, not the accounts: the same user logs in from another address.
    assert_logged_in(log_in(client, "eleventh", B), client)


def test_twenty_nine_failures_from_one_office_address_do_not_limit_it(client, village):
    for n in range(10):
        make_clerk(village, f"clerk{n}")
        fail(client, f"clerk{n}", A, times=3 if n < 9 else 2)
    make_clerk(village, "eleventh")
    assert_logged_in(log_in(client, "eleventh", A), client)


def test_failures_older_than_the_cool_off_no_longer_count_and_the_account_unlocks(client, village):
    make_clerk(village, "clerk")
    fail(client, "clerk", A, times=5)
    assert_refused(log_in(client, "clerk", A), client, "account")
    backdate_failures(cool_off() - timedelta(minutes=1))
    assert_refused(log_in(client, "clerk", A), client, "account")
    backdate_failures(timedelta(minutes=2))
    assert_logged_in(log_in(client, "clerk", A), client)


def test_the_address_unlocks_after_the_cool_off(client, village):
    for n in range(10):
        make_clerk(village, f"clerk{n}")
        fail(client, f"clerk{n}", A, times=3)
    make_clerk(village, "eleventh")
    assert_refused(log_in(client, "eleventh", A), client, "address")
    backdate_failures(cool_off() + timedelta(minutes=1))
    assert_logged_in(log_in(client, "eleventh", A), client)


def test_attempts_while_locked_are_not_counted_and_do_not_prolong_the_lock(client, village):
    make_clerk(village, "clerk")
    fail(client, "clerk", A, times=5)
    backdate_failures(cool_off() - timedelta(minutes=1))
    fail(client, "clerk", B, times=3)
    assert_refused(log_in(client, "clerk", C), client, "account")
    assert AccessAttempt.objects.aggregate(n=Sum("failures_since_start"))["n"] == 5
    backdate_failures(timedelta(minutes=2))
    assert_logged_in(log_in(client, "clerk", C), client)


def test_the_administrators_unlock_action_unlocks_the_account(client, village):
    make_clerk(village, "clerk")
    fail(client, "clerk", A, times=3)
    fail(client, "clerk", B, times=2)
    assert_refused(log_in(client, "clerk", A), client, "account")

    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    locked = type(admin).objects.get(username="clerk")
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/", {"action": "unlock", "_selected_action": [locked.pk]}, follow=True
    )
    assert "已解锁账号：1 个" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    assert_logged_in(log_in(client, "clerk", A), client)


def test_the_administrator_unlocks_an_address_with_axes_reset_ip(client, village):
    for n in range(10):
        make_clerk(village, f"clerk{n}")
        fail(client, f"clerk{n}", A, times=3)
    make_clerk(village, "eleventh")
    assert_refused(log_in(client, "eleventh", A), client, "address")
    call_command("axes_reset_ip", A)
    assert_logged_in(log_in(client, "eleventh", A), client)


def test_a_successful_login_clears_only_that_accounts_failures_not_the_addresss(client, village):
    """Else one user of a shared address (or a sprayer with an account of their own) who logs in would wipe
    the failures made at other accounts from that address."""
    make_clerk(village, "mine")
    make_clerk(village, "target")
    fail(client, "target", A, times=4)
    fail(client, "mine", A, times=1)
    assert_logged_in(log_in(client, "mine", A), client)
    assert AccessAttempt.objects.filter(username="target").aggregate(n=Sum("failures_since_start"))["n"] == 4
    client.logout()
    fail(client, "target", A, times=1)
    assert_refused(log_in(client, "target", B), client, "account")
