from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.trail.helpers import tampering
from trail.models import TrailEntry
from trail.services import record_bulk

pytestmark = pytest.mark.django_db


def fill(n):
    for _ in range(n):
        record_bulk(
            actor=None,
            action="recompute",
            model="risk.score",
            division_code="330702000000",
            summary="每周选情指数重算",
            counts={"villages": 300},
        )


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("verify_trail", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_honest_trail_reports_the_number_checked_and_its_head():
    fill(3)
    out, _ = run()
    head = TrailEntry.objects.get(seq=3).hash
    assert "OK: 3 entries checked" in out and f"Head: 3:{head}" in out


def test_a_tampered_trail_names_the_entry_and_fails():
    fill(3)
    with tampering() as cursor:
        cursor.execute("UPDATE trail_trailentry SET object_repr = '未重算' WHERE seq = 2")
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_trail", stdout=StringIO(), stderr=err)
    assert "entry 2: altered" in err.getvalue()


def test_an_anchor_from_an_earlier_run_is_checked():
    fill(2)
    head = TrailEntry.objects.get(seq=2).hash
    assert "OK" in run("--anchor", f"2:{head}")[0]
    with pytest.raises(CommandError):
        run("--anchor", f"2:{'0' * 64}")


def test_a_malformed_anchor_is_refused():
    with pytest.raises(CommandError, match="NUMBER:SHA256"):
        run("--anchor", "two")
