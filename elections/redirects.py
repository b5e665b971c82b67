"""Where a POSTed or linked `next` may send the user: only to this site's own pages (no open redirect).

Ground floor: every app's views may import it. Django's `url_has_allowed_host_and_scheme` does the
checking (scheme, host, `//evil`, `\\evil`, control characters); this only names the site's own host and,
on HTTPS, refuses a downgrade to plain HTTP.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def own_url(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """`candidate` if it is a URL of this site (a path, or this host), else `fallback`."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def next_url(request: HttpRequest, fallback: str, *, field: str = "next") -> str:
    """The request's `next` (POST first, then the query string) if it is one of this site's URLs."""
    return own_url(request, request.POST.get(field) or request.GET.get(field), fallback)
