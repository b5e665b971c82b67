"""What the trail's tests build: residents and registrations of a village election, and raw tampering."""

from __future__ import annotations

import contextlib
from datetime import date
from itertools import count

from django.db import connection

from tests.factories import make_id_number
from voters.models import Resident, VoterRegistration

_numbers = count(1)


def resident(village, *, name="张三", sex="M") -> Resident:
    n = next(_numbers)
    return Resident.objects.create(
        village=village,
        division_code=village.code,
        name=name,
        id_number=make_id_number(birth=date(1980, 1, 1), serial=n, sex=sex),
        sex=sex,
        birth_date=date(1980, 1, 1),
    )


def registration(election, person: Resident) -> VoterRegistration:
    return VoterRegistration.objects.create(
        election=election, cycle=election.cycle, resident=person, division_code=election.division_code
    )


@contextlib.contextmanager
def tampering():
    """Let raw SQL change trail rows, as an intruder with database access could (PostgreSQL: the
    append-only trigger is disabled for the test's transaction and enabled again after, firing ALWAYS as
    migration 0003 left it)."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            # Deferred foreign-key checks of rows written earlier in the test must run before ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE trail_trailentry DISABLE TRIGGER trail_entry_append_only")
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE trail_trailentry ENABLE ALWAYS TRIGGER trail_entry_append_only")
