"""Every page and export, walked as every role: no full ID number where the role may not see one.

DOMAIN.md "Voter registration": the resident ID number is sensitive personal information, shown masked
and exported in full only to the roles of `ID_NUMBER_FULL_ROLES`. The walk follows the links a person of
each role can click from their home page (pages, Excel exports, the election archive ZIP), the way they
would reach them, and looks in every answer — HTML, spreadsheets and archives unpacked — for any real ID
number of the demo's residents.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from accounts.models import User
from voters.models import Resident

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(rb"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MASKED_ID = re.compile(rb"[0-9]{6}\*{8}[0-9]{3}[0-9X]")
HREF = re.compile(r"""href=["'](/[^"'#]*)["']""")
SKIPPED_PREFIXES = ("/logout", "/i18n/", "/static/", "/media/", "/admin/")
PER_PAGE_KIND = 1  # answers fetched per (URL name, query keys): every kind of page, not every village's
MAX_FETCHES = 400
# Each role, and pages it must have reached for the walk to count (where that role meets ID numbers).
ROLES_WALKED = {
    "village_clerk": {
        "voters:roll",
        "voters:export",
        "voters:print",
        "candidates:nominee",
        "lifecycle:archive",
    },
    "township_office": {"voters:roll", "voters:export", "voters:search", "candidates:nominee"},
    "county_reviewer": {"voters:roll", "voters:export", "voters:search", "candidates:nominee"},
    "city_reviewer": {"voters:roll", "voters:export", "voters:search"},
    "department_reviewer": {"candidates:inbox"},
}


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _texts(data: bytes, depth: int = 0):
    """The bytes to search: the answer itself, or every member of a spreadsheet or ZIP, unpacked."""
    if data[:2] == b"PK" and depth < 3:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            yield data
            return
        for name in archive.namelist():
            yield from _texts(archive.read(name), depth + 1)
        return
    yield data


def _kind(path: str) -> tuple[str, tuple[str, ...]] | None:
    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = tuple(sorted({k.split("=")[0] for k in parts.query.split("&") if k}))
    return (match.view_name, keys)


def walk(client: Client, real_ids: set[bytes]) -> tuple[dict[str, list[str]], Counter, int]:
    """Breadth-first from the home page over same-site GET links: the leaks (url -> full IDs), the kinds
    of page reached and how many masked numbers were seen (proof that ID-bearing pages were read)."""
    leaks: dict[str, list[str]] = {}
    masked = 0
    seen_kinds: Counter = Counter()
    queued = {"/"}
    queue = deque(["/"])
    fetched = 0
    while queue and fetched < MAX_FETCHES:
        path = queue.popleft()
        kind = _kind(path)
        if kind is None or seen_kinds[kind] >= PER_PAGE_KIND:
            continue
        seen_kinds[kind] += 1
        response = client.get(path, follow=True)
        fetched += 1
        if response.status_code != 200:
            continue
        data = _body(response)
        found = sorted({m.decode() for text in _texts(data) for m in FULL_ID.findall(text) if m in real_ids})
        if found:
            leaks[path] = found[:3]
        masked += sum(len(MASKED_ID.findall(text)) for text in _texts(data))
        if "html" in response.get("Content-Type", ""):
            for href in HREF.findall(data.decode("utf-8", "replace")):
                href = html.unescape(href)
                if href.startswith(SKIPPED_PREFIXES) or href in queued:
                    continue
                queued.add(href)
                queue.append(href)
    return leaks, seen_kinds, masked


def test_no_role_outside_the_setting_sees_a_full_id_number_on_any_page_or_export():
    call_command("seed_demo", scale=6, stdout=io.StringIO())
    real_ids = {n.encode() for n in Resident.objects.values_list("id_number", flat=True)}
    assert real_ids

    # The detector works: a township user (allowed by default) finds full numbers on the pages it walks.
    township = Client()
    township.force_login(User.objects.get(username="township_office"))
    with override_settings(ID_NUMBER_FULL_ROLES=["township"]):
        leaks, _kinds, _masked = walk(township, real_ids)
    assert leaks, "the walk found no full ID number even where the role may see them"

    # With no role allowed, no walk of any role may meet a single full number.
    failures = {}
    with override_settings(ID_NUMBER_FULL_ROLES=[]):
        for username, must_reach in ROLES_WALKED.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            leaks, kinds, masked = walk(client, real_ids)
            assert must_reach <= {name for name, _keys in kinds}, username
            assert masked > 0, f"{username} met no ID number at all"
            if leaks:
                failures[username] = leaks
    assert failures == {}
