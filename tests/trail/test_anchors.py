"""The chain head anchored outside the database: the anchor file, its task and command, the short code of
the papers, verify_trail against every recorded anchor, and the TRUNCATE trigger (PostgreSQL)."""

import importlib
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from tests.trail.helpers import tampering
from trail import codes, services
from trail.anchors import Anchor, clean_reason, format_line, parse_code, parse_line, short_code
from trail.chain import GENESIS, entry_hash
from trail.models import TrailEntry
from trail.selectors import head_code
from trail.services import anchor_on_commit, read_anchor_file, record_anchor, record_bulk, verify_chain
from trail.tasks import anchor_trail

HASH = "3f9ac21b" + "0123456789abcdef" * 3 + "00112233"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"
)


def fill(n):
    return [
        record_bulk(
            actor=None,
            action="recompute",
            model="risk.score",
            division_code="330702000000",
            summary="每周选情指数重算",
            counts={"villages": 300},
        )
        for _ in range(n)
    ]


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("verify_trail", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    err = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("verify_trail", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def anchor_lines():
    return [line for line in settings.TRAIL_ANCHOR_FILE.read_text(encoding="utf-8").splitlines() if line]


def rehash_whole_chain(*, altering):
    """What a database superuser can do: change an entry, then recompute every hash and link after it and
    move the chain head, so that the chain is consistent again (the triggers bypassed)."""
    prev = GENESIS
    with tampering() as cursor:
        for entry in TrailEntry.objects.order_by("seq"):
            if entry.seq == altering:
                entry.object_repr = "从未重算"
            entry.prev_hash = prev
            prev = entry_hash(entry.hashed_fields())
            cursor.execute(
                "UPDATE trail_trailentry SET object_repr = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.object_repr, entry.prev_hash, prev, entry.seq],
            )
        cursor.execute("UPDATE trail_chainhead SET hash = %s WHERE id = 1", [prev])


def empty_the_trail(cursor):
    cursor.execute("DELETE FROM trail_trailentry")
    cursor.execute("DELETE FROM trail_chainhead")


# The short code and the file's lines (pure).


def test_the_short_code_is_the_entry_number_and_the_first_eight_hex_of_its_hash_grouped():
    assert short_code(12345, HASH) == "#12345·3F9A-C21B"


@pytest.mark.parametrize(
    "typed",
    [
        "#12345·3F9A-C21B",
        "12345·3f9a-c21b",
        "#12345 3F9AC21B",
        "12345.3F9A C21B",
        "12345-3F9A-C21B",
        "＃１２３４５・３Ｆ９Ａ－Ｃ２１Ｂ",  # typed with a full-width Chinese input method
        " #12345•3F9A-C21B ",
    ],
)
def test_a_short_code_typed_by_hand_is_read_back(typed):
    assert parse_code(typed) == (12345, "3f9ac21b")


def test_the_whole_head_printed_by_verify_trail_is_read_back():
    assert parse_code(f"12345:{HASH.upper()}") == (12345, HASH)


@pytest.mark.parametrize(
    "typed", ["two", "#12345", "#12345·3F9A-C21", "#12345·3F9A-C21BB", "#12345·3F9G-C21B", "123453F9AC21B"]
)
def test_what_is_not_an_anchor_is_refused(typed):
    with pytest.raises(ValueError):
        parse_code(typed)


@given(
    seq=st.integers(min_value=1, max_value=10**12),
    digest=st.text("0123456789abcdef", min_size=64, max_size=64),
)
def test_every_short_code_reads_back_as_its_number_and_hash_prefix(seq, digest):
    assert parse_code(short_code(seq, digest)) == (seq, digest[:8])


@given(
    seq=st.integers(min_value=1, max_value=10**12),
    digest=st.text("0123456789abcdef", min_size=64, max_size=64),
    reason=st.text(max_size=300),
)
def test_every_anchor_line_reads_back_as_the_anchor_written(seq, digest, reason):
    anchor = Anchor(seq=seq, digest=digest, at=datetime(2027, 1, 9, 0, 15, tzinfo=UTC), reason=reason)
    line = format_line(anchor)
    assert line.endswith("\n") and line.count("\n") == 1
    back = parse_line(line)
    assert (back.seq, back.digest, back.at, back.reason) == (seq, digest, anchor.at, clean_reason(reason))


def test_a_line_whose_code_disagrees_with_its_hash_is_unreadable():
    line = format_line(Anchor(seq=7, digest=HASH, at=datetime(2027, 1, 9, tzinfo=UTC), reason="daily"))
    with pytest.raises(ValueError, match="does not match"):
        parse_line(line.replace(" 7 ", " 8 ", 1))


# Recording anchors.


@pytest.mark.django_db
def test_an_anchor_records_time_head_hash_code_and_reason_on_one_line(anchor_file):
    *_, head = fill(3)
    recorded = record_anchor(reason="results approved\nelection 7")
    assert recorded.written
    assert anchor_file.read_text(encoding="utf-8").startswith("# ")
    (line,) = anchor_lines()[1:]
    at, seq, digest, code, reason = line.split(" ", 4)
    assert (int(seq), digest, code, reason) == (
        3,
        head.hash,
        short_code(3, head.hash),
        "results approved election 7",
    )
    assert abs((datetime.fromisoformat(at) - datetime.now(UTC)).total_seconds()) < 60


@pytest.mark.django_db
def test_the_anchor_file_is_only_ever_appended_to(anchor_file):
    anchor_file.parent.mkdir(parents=True)
    anchor_file.write_text("# copied from the county's file\nnot an anchor line", encoding="utf-8")
    fill(1)
    record_anchor(reason="daily")
    text = anchor_file.read_text(encoding="utf-8")
    assert text.startswith("# copied from the county's file\nnot an anchor line\n")
    assert text.count("\n") == 3  # the torn last line was ended before the anchor was written


@pytest.mark.django_db
def test_the_task_writes_one_line_per_new_head_and_is_safe_to_run_twice():
    fill(2)
    first = anchor_trail.delay().get()
    again = anchor_trail.delay().get()
    assert first["written"] and not again["written"] and first["code"] == again["code"]
    assert len(read_anchor_file().anchors) == 1
    fill(1)
    assert anchor_trail.delay(reason="handover signed").get()["written"]
    anchors = read_anchor_file().anchors
    assert [(a.seq, a.reason) for a in anchors] == [(2, "daily"), (3, "handover signed")]


@pytest.mark.django_db
def test_an_empty_trail_is_not_anchored(anchor_file):
    assert record_anchor(reason="daily") is None and anchor_trail.delay().get() is None
    assert not anchor_file.exists()


@pytest.mark.django_db
def test_an_anchor_must_say_why_it_was_taken():
    fill(1)
    with pytest.raises(ValidationError) as caught:
        record_anchor(reason=" \n\t")
    assert caught.value.code == codes.ANCHOR_REASON_REQUIRED


@pytest.mark.django_db
def test_a_new_head_is_mailed_to_the_county_once(settings, mailoutbox):
    settings.TRAIL_ANCHOR_EMAILS = ["county-trail@example.org"]
    *_, head = fill(2)
    assert record_anchor(reason="daily").mailed
    assert not record_anchor(reason="daily").mailed
    (mail,) = mailoutbox
    assert mail.to == ["county-trail@example.org"]
    assert short_code(2, head.hash) in mail.subject and head.hash in mail.body
    assert "留痕" in mail.subject  # in Chinese, whatever language the caller had active


@pytest.mark.django_db
def test_no_mail_is_sent_when_no_county_address_is_set(mailoutbox):
    fill(1)
    recorded = record_anchor(reason="daily")
    assert recorded.written and not recorded.mailed and mailoutbox == []


@pytest.mark.django_db
def test_a_mail_that_fails_leaves_the_anchor_in_the_file(settings, monkeypatch):
    settings.TRAIL_ANCHOR_EMAILS = ["county-trail@example.org"]

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(services, "send_mail", refuse)
    fill(1)
    recorded = record_anchor(reason="daily")
    assert recorded.written and not recorded.mailed
    assert len(read_anchor_file().anchors) == 1


@pytest.mark.django_db
def test_a_milestone_is_anchored_once_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        fill(1)
        anchor_on_commit("cycle opened")
    assert read_anchor_file().anchors == [] and len(callbacks) == 1
    callbacks[0]()
    assert [(a.seq, a.reason) for a in read_anchor_file().anchors] == [(1, "cycle opened")]


@pytest.mark.django_db
def test_the_anchor_command_writes_the_head_and_then_says_it_is_anchored_already():
    *_, head = fill(2)
    out = StringIO()
    call_command("anchor_trail", "--reason", "before maintenance", stdout=out)
    call_command("anchor_trail", stdout=out)
    assert f"Anchored {short_code(2, head.hash)}" in out.getvalue()
    assert "Already anchored" in out.getvalue()
    assert [a.reason for a in read_anchor_file().anchors] == ["before maintenance"]


# The short code on papers.


@pytest.mark.django_db
def test_the_papers_code_names_the_chain_head():
    assert Template("{% load trail_tags %}{% trail_head_code %}").render(Context()) == "—"
    *_, head = fill(3)
    assert head_code() == short_code(3, head.hash)
    assert Template("{% load trail_tags %}{% trail_head_code %}").render(Context()) == head_code()
    labelled = Template("{% load trail_tags %}{% trail_head_code labelled=True %}").render(Context())
    assert labelled == f"留痕校验码 {head_code()}"


# verify_trail against the recorded anchors, by default.


@pytest.mark.django_db
def test_a_clean_chain_passes_against_every_recorded_anchor():
    fill(2)
    record_anchor(reason="daily")
    fill(2)
    record_anchor(reason="results approved")
    out, err = run()
    assert "OK: 4 entries checked" in out and "Anchors: 2 checked" in out and err == ""


@pytest.mark.django_db
def test_a_whole_chain_rehash_is_caught_by_the_recorded_anchor_without_passing_it_by_hand(anchor_file):
    fill(4)
    anchored = record_anchor(reason="daily").anchor
    rehash_whole_chain(altering=2)
    assert verify_chain().ok  # consistent again: without an anchor, the rewrite would pass
    err = run_failing()
    assert f"entry 4: altered: its hash {TrailEntry.objects.get(seq=4).hash[:16]}" in err
    assert anchored.code in err and "daily" in err and f"line 2 of {anchor_file}" in err
    assert "rewritten" in err


@pytest.mark.django_db
def test_a_truncation_below_an_anchor_is_caught():
    fill(5)
    record_anchor(reason="daily")
    with tampering() as cursor:
        empty_the_trail(cursor)
    fill(2)  # a new, shorter chain begun from entry 1
    assert verify_chain().ok
    err = run_failing()
    assert "entry 5: removed: the entry is gone" in err and "emptied or cut short" in err


@pytest.mark.django_db
def test_a_trail_emptied_entirely_is_caught():
    fill(3)
    record_anchor(reason="daily")
    with tampering() as cursor:
        empty_the_trail(cursor)
    assert verify_chain().ok and verify_chain().checked == 0
    assert "entry 3: removed" in run_failing()


@pytest.mark.django_db
def test_every_anchor_a_rewrite_contradicts_is_named():
    fill(2)
    record_anchor(reason="daily")
    fill(2)
    record_anchor(reason="handover signed")
    rehash_whole_chain(altering=1)
    err = run_failing()
    assert "entry 2: altered" in err and "entry 4: altered" in err
    assert "daily" in err and "handover signed" in err


@pytest.mark.django_db
def test_an_unreadable_anchor_line_fails_the_check(anchor_file):
    fill(1)
    record_anchor(reason="daily")
    with open(anchor_file, "a", encoding="utf-8") as fh:
        fh.write("2027-01-09T00:15:00+08:00 1 deadbeef #1·DEAD-BEEF daily\n")
    err = run_failing()
    assert "line 3: unreadable" in err


@pytest.mark.django_db
def test_without_an_anchor_file_the_check_says_it_proved_less(anchor_file):
    fill(1)
    out, _ = run()
    assert "OK: 1 entries checked" in out and f"No anchor file at {anchor_file}" in out


@pytest.mark.django_db
def test_a_copy_of_the_anchor_file_can_be_checked_instead(tmp_path):
    fill(2)
    record_anchor(reason="daily")
    county_copy = tmp_path / "county.log"
    county_copy.write_text(settings.TRAIL_ANCHOR_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    settings.TRAIL_ANCHOR_FILE.unlink()
    assert "Anchors: 1 checked" in run("--anchor-file", str(county_copy))[0]
    rehash_whole_chain(altering=1)
    assert "entry 2: altered" in run_failing("--anchor-file", str(county_copy))


@pytest.mark.django_db
def test_verify_trail_accepts_the_code_of_a_paper_typed_by_hand():
    fill(3)
    code = head_code()
    assert "OK" in run("--anchor", code)[0]
    assert "OK" in run("--anchor", code.lower().replace("·", " ").replace("-", ""))[0]
    rehash_whole_chain(altering=3)
    err = run_failing("--anchor", code)
    assert "entry 3: altered" in err and "given with --anchor" in err


@pytest.mark.django_db
def test_a_paper_code_for_an_entry_that_is_gone_is_reported_as_removed():
    fill(2)
    assert "entry 9: removed" in run_failing("--anchor", "#9·3F9A-C21B")


# The database's own defences (PostgreSQL).


def refused(*statements):
    """Run the statements in a savepoint; they must end in the trail triggers' refusal."""
    with (
        pytest.raises(DatabaseError, match="trail entries are append-only") as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        for sql in statements:
            cursor.execute(sql)
    return str(caught.value)


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_truncate_of_the_trail_is_refused():
    fill(3)
    assert "TRUNCATE refused on trail_trailentry" in refused("TRUNCATE trail_trailentry")
    assert "TRUNCATE refused" in refused("TRUNCATE trail_trailentry, trail_chainhead CASCADE")
    assert TrailEntry.objects.count() == 3


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_a_replica_session_no_longer_skips_the_triggers():
    fill(2)
    replica = "SET LOCAL session_replication_role = replica"
    assert "UPDATE refused" in refused(replica, "UPDATE trail_trailentry SET object_repr = 'x'")
    assert "DELETE refused" in refused(replica, "DELETE FROM trail_trailentry")
    assert "TRUNCATE refused" in refused(replica, "TRUNCATE trail_trailentry")
    assert TrailEntry.objects.count() == 2


@pytest.mark.postgres
@postgres_only
def test_the_flush_setting_opens_nothing_in_a_database_not_named_test():
    """The trigger function of migration 0003, tried in the `postgres` maintenance database (any name but
    test_*) on a temporary table: with the test flush setting on, TRUNCATE is still refused."""
    import psycopg2

    migration = importlib.import_module("trail.migrations.0003_refuse_truncate")
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    with psycopg2.connect(**params) as other, other.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert not cursor.fetchone()[0].startswith("test_")
        cursor.execute(migration.FUNCTION.replace("CREATE OR REPLACE FUNCTION ", "CREATE FUNCTION pg_temp."))
        cursor.execute("CREATE TEMPORARY TABLE trail_copy (seq bigint)")
        cursor.execute(
            "CREATE TRIGGER no_truncate BEFORE TRUNCATE ON trail_copy "
            "FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.trail_refuse_truncate()"
        )
        cursor.execute("SELECT set_config('huanjie.trail_test_flush', 'on', false)")
        with pytest.raises(psycopg2.Error, match="append-only: TRUNCATE refused"):
            cursor.execute("TRUNCATE trail_copy")
    other.close()


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_test_runners_flush_may_empty_the_trail_of_a_test_database():
    fill(2)
    call_command("flush", interactive=False, verbosity=0)
    assert TrailEntry.objects.count() == 0
    fill(1)
    # The setting ended with the flush's transaction: TRUNCATE is refused again on this connection.
    assert "TRUNCATE refused" in refused("TRUNCATE trail_trailentry")
    assert TrailEntry.objects.count() == 1
