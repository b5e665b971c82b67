"""Request hygiene in one place, before any view, filter or form sees the request."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string

# C0 control characters and DEL. A tab is whitespace a paste from a spreadsheet brings along, and forms
# strip it, so it passes everywhere; a line break belongs in a form body (a textarea), never in a URL.
IN_URL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
IN_BODY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseControlCharactersMiddleware:
    """Answer 400 (the Chinese 400 page) when the path, a query parameter or a form field holds a NUL or
    another control character.

    PostgreSQL cannot store or even compare a NUL (psycopg2 raises ValueError, a 500), and no name, ID
    number or note legitimately holds a control character. Refusing here covers every list filter, search
    box, form and import field at once, instead of one check per form that the next form forgets.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if IN_URL.search(request.path) or _has(request.GET, IN_URL):
            raise BadRequest("control character in the URL")
        # Uploaded files' names need no check: Django's multipart parser drops non-printable characters.
        if request.method == "POST" and request.content_type in FORM_TYPES and _has(request.POST, IN_BODY):
            raise BadRequest("control character in a form field")
        return self.get_response(request)


def _has(data, pattern: re.Pattern) -> bool:
    return any(pattern.search(key) or any(pattern.search(v) for v in data.getlist(key)) for key in data)


class MethodNotAllowedPageMiddleware:
    """Give the empty 405 of `require_POST` and friends the Chinese page (Django has no 405 template)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
