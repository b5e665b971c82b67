"""Failed-login lockout: a lock on the account and a separate, higher limit on the address.

django-axes records every failure (one AccessAttempt row per username, address and browser) and keeps the
login closed while a limit is reached, but it compares every lockout parameter against one
AXES_FAILURE_LIMIT. Township offices share one NAT address, so the address needs a higher limit than the
account, and the axes maintainers' answer to that (jazzband/django-axes#661) is a handler of one's own.
This one reads the same rows twice:

- the account: failures for the username from any address, against AXES_FAILURE_LIMIT;
- the address: failures from the address across all usernames, against LOGIN_ADDRESS_FAILURE_LIMIT, so
  password spraying (a few guesses at many accounts) is stopped too.

Both count within the cool-off (AXES_COOLOFF_TIME) only, so a lock ends by time; the administrator ends
it at once with `unlock` (the user admin's action), the axes admin or the `axes_reset_*` commands.
"""

from __future__ import annotations

from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ACCOUNT = "account"
ADDRESS = "address"


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    """The database handler of axes, with one limit for the account and a higher one for the address."""

    def _recent(self, request: HttpRequest) -> QuerySet:
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts

    def failure_counts(self, request: HttpRequest, credentials: dict | None = None) -> tuple[int, int]:
        """(failures of this username from anywhere, failures from this address for anyone)."""
        recent = self._recent(request)
        username = get_client_username(request, credentials)
        by_account = _failures(recent.filter(username=username)) if username else 0
        by_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        return by_account, by_address

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The account's failures, raised to the account limit when the address reached its own.

        axes compares this one number with AXES_FAILURE_LIMIT, both when it refuses a login and when it
        decides that a failure locks; the kind of lock is kept on the request for the lockout page.
        """
        by_account, by_address = self.failure_counts(request, credentials)
        account_limit = settings.AXES_FAILURE_LIMIT
        if by_account >= account_limit:
            request.axes_lock_kind = ACCOUNT
            return by_account
        if by_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            request.axes_lock_kind = ADDRESS
            return account_limit
        return by_account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """A successful login clears that account's failures only.

        axes would delete every row matching any lockout parameter, the address's included: one user of a
        shared address who logs in would then wipe the failures others made (or an attacker's spraying)
        from it.
        """
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def unlock(*, username: str | None = None, ip_address: str | None = None) -> int:
    """Lift the lock on an account or an address at once (the administrator's unlock); returns rows cleared."""
    if not (username or ip_address):
        raise ValueError("unlock needs a username or an address")
    return AxesProxyHandler.reset_attempts(username=username, ip_address=ip_address)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The lockout page (HTTP 429): which lock applies, when it ends by itself, and whom to ask."""
    kind = getattr(request, "axes_lock_kind", ACCOUNT)
    cool_off = get_cool_off(request) or timedelta(0)
    context = {
        "kind": kind,
        "limit": settings.AXES_FAILURE_LIMIT if kind == ACCOUNT else settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "minutes": max(1, round(cool_off.total_seconds() / 60)),
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
