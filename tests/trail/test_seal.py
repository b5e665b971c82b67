"""The deferred seal (settings.TRAIL_SEAL = "deferred", PostgreSQL's default): a traced write inserts a
pending entry with no lock, and the sealer numbers, links and hashes pending entries into the one chain."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from tests.factories import CycleFactory, VillageElectionFactory, region_chain
from tests.trail.helpers import registration, resident, tampering
from tests.trail.test_concurrency import WRITERS, run_concurrently
from trail import services as trail_services
from trail import tasks
from trail.models import AppendOnlyError, PendingEntry, TrailEntry
from trail.services import record_bulk, seal_pending, verify_chain

VILLAGE = "330702001001"


@pytest.fixture(autouse=True)
def deferred(settings):
    settings.TRAIL_SEAL = "deferred"
    settings.TRAIL_SEAL_AFTER_COMMIT_SECONDS = 0


def bulk(summary="导入选民名单"):
    return record_bulk(
        actor=None,
        action="import",
        model="voters.voterregistration",
        division_code=VILLAGE,
        summary=summary,
        counts={"created": 1},
    )


@pytest.mark.django_db
def test_a_write_waits_pending_and_the_seal_chains_it_in_order():
    for n in range(3):
        bulk(f"第{n}批")
    assert PendingEntry.objects.count() == 3 and not TrailEntry.objects.exists()
    assert seal_pending() == 3
    assert not PendingEntry.objects.exists()
    entries = list(TrailEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert [e.object_repr for e in entries] == ["第0批", "第1批", "第2批"]
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert verify_chain().ok
    assert seal_pending() == 0  # nothing left: a second run writes nothing


@pytest.mark.django_db
def test_a_captured_change_is_sealed_once_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        election = VillageElectionFactory(cycle=CycleFactory(), village=region_chain(VILLAGE))
        person = resident(election.village)
        sealed_before = TrailEntry.objects.count()
        with transaction.atomic():
            registration(election, person)
            registration(election, resident(election.village, name="李四"))
            assert PendingEntry.objects.exists()
    # Many traced writes in one transaction schedule one seal.
    assert len(callbacks) == 1
    assert not PendingEntry.objects.exists()
    assert sealed_before == 0 and TrailEntry.objects.count() > 2
    assert TrailEntry.objects.filter(model_label="voters.voterregistration").count() == 2
    assert verify_chain().ok


@pytest.mark.django_db
def test_after_commit_seals_are_throttled_per_process(settings, django_capture_on_commit_callbacks):
    settings.TRAIL_SEAL_AFTER_COMMIT_SECONDS = 60
    trail_services._after_commit.clear()  # this process has not sealed yet
    for summary in ("一", "二"):
        with django_capture_on_commit_callbacks(execute=True):
            bulk(summary)
    # The first commit sealed (no seal for a minute before it); the second was left to the beat.
    assert list(TrailEntry.objects.values_list("object_repr", flat=True)) == ["一"]
    assert PendingEntry.objects.count() == 1
    assert tasks.seal_trail.delay().get() == 1


@pytest.mark.django_db
def test_rolled_back_writes_leave_no_gap_in_the_chain():
    bulk("一")
    with pytest.raises(RuntimeError), transaction.atomic():
        bulk("回滚")
        raise RuntimeError
    bulk("二")
    ids = list(PendingEntry.objects.order_by("id").values_list("id", flat=True))
    if connection.vendor == "postgresql":
        assert ids[1] - ids[0] == 2  # the sequence skipped the rolled-back one
    seal_pending()
    assert list(TrailEntry.objects.order_by("seq").values_list("seq", "object_repr")) == [
        (1, "一"),
        (2, "二"),
    ]
    assert verify_chain().ok


@pytest.mark.django_db
def test_time_never_runs_backwards_even_when_a_late_commit_is_sealed_after_a_newer_entry():
    first = bulk("先提交")
    seal_pending()
    sealed = TrailEntry.objects.get(seq=1)
    # A writer that began earlier (its change's time is older) commits after that seal.
    late = PendingEntry(
        at=sealed.at - timedelta(seconds=5), action="bulk", model_label="x.y", object_repr="晚"
    )
    late.save(force_insert=True)
    seal_pending()
    times = list(TrailEntry.objects.order_by("seq").values_list("at", flat=True))
    assert times == sorted(times)
    assert first.at <= times[0]
    assert verify_chain().ok


@pytest.mark.django_db
def test_verify_trail_seals_what_is_pending_first(capsys):
    bulk()
    bulk()
    call_command("verify_trail")
    out = capsys.readouterr().out
    assert "Sealed 2 pending entries first." in out and "OK: 2 entries checked" in out
    assert not PendingEntry.objects.exists()


@pytest.mark.django_db
def test_the_beat_task_seals_and_is_idempotent():
    bulk()
    assert tasks.seal_trail.delay().get() == 1
    assert tasks.seal_trail.delay().get() == 0
    assert TrailEntry.objects.count() == 1


@pytest.mark.django_db
def test_an_anchor_includes_what_was_pending():
    from trail.services import record_anchor

    bulk()
    recorded = record_anchor(reason="test")
    assert recorded is not None and recorded.anchor.seq == 1


@pytest.mark.django_db
def test_inline_mode_chains_at_once(settings):
    settings.TRAIL_SEAL = "inline"
    entry = bulk()
    assert isinstance(entry, TrailEntry) and entry.seq == 1
    assert not PendingEntry.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE trail_pendingentry SET object_repr = 'x'",
        "DELETE FROM trail_pendingentry",
        # The sealer's old session setting opens no door any more: only a chained entry does.
        "SELECT set_config('huanjie.trail_sealing', 'on', true); DELETE FROM trail_pendingentry",
        "TRUNCATE trail_pendingentry",
    ],
)
def test_postgresql_refuses_changes_to_pending_entries_outside_the_sealer(sql):
    if connection.vendor != "postgresql":
        pytest.skip("the pending entries' triggers are PostgreSQL's")
    bulk()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert PendingEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_remove_pending_entries():
    pending = bulk()
    with pytest.raises(AppendOnlyError):
        PendingEntry.objects.update(object_repr="改")
    with pytest.raises(AppendOnlyError):
        PendingEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        pending.delete()
    pending.object_repr = "改"
    with pytest.raises(AppendOnlyError):
        pending.save()
    assert PendingEntry.objects.get().object_repr == "导入选民名单"


@pytest.mark.django_db
def test_a_row_slipped_in_beyond_the_head_is_not_absorbed_by_the_next_seal():
    bulk("一")
    seal_pending()
    head = TrailEntry.objects.get(seq=1)
    with tampering() as cursor:
        cursor.execute(
            "INSERT INTO trail_trailentry (seq, at, actor_id, actor_name, action, model_label, object_pk, "
            "object_repr, division_code, changes, extra, prev_hash, hash) "
            "VALUES (2, %s, NULL, '', 'bulk', 'x.y', '', '补录', %s, '{}', '{}', %s, %s)",
            [head.at, VILLAGE, head.hash, "f" * 64],
        )
    bulk("二")
    # The seal builds on the chain head (entry 1), so number 2 is taken: it fails and chains nothing.
    with pytest.raises(IntegrityError), transaction.atomic():
        seal_pending()
    assert PendingEntry.objects.count() == 1
    assert (2, "out_of_order") in [(p.seq, p.kind) for p in verify_chain().problems]


@pytest.mark.django_db
def test_entries_left_pending_when_a_site_switches_to_inline_are_still_sealed(settings):
    bulk("切换前")
    settings.TRAIL_SEAL = "inline"
    assert tasks.seal_trail.delay().get() == 1
    assert TrailEntry.objects.get().object_repr == "切换前"


@pytest.mark.django_db
def test_a_seal_stops_at_what_was_pending_when_it_began(monkeypatch):
    """Under a steady stream of writes the sealer still returns: what commits after it began waits."""
    for n in range(3):
        bulk(f"第{n}批")
    original = trail_services._delete_pending

    def and_one_more_writer(using, ids):
        original(using, ids)
        bulk("写入中")  # a writer commits while the seal runs

    monkeypatch.setattr(trail_services, "_delete_pending", and_one_more_writer)
    assert seal_pending(batch=1) == 3
    assert PendingEntry.objects.count() == 3


EACH = 15  # writes per writer (WRITERS writers, tests.trail.test_concurrency)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_writers_and_their_after_commit_seals_form_one_unbroken_chain():
    """Writers commit at once and each tries to seal after its commit; the chain never forks and every
    entry is chained once (the beat's seal at the end picks up any whose seal found the lock taken)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers")

    def work(n, i):
        with transaction.atomic():
            bulk(f"写入{n}-{i}")

    run_concurrently(work, each=EACH)
    seal_pending()
    total = WRITERS * EACH
    assert list(TrailEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))
    assert TrailEntry.objects.values("object_repr").distinct().count() == total
    assert not PendingEntry.objects.exists()
    result = verify_chain()
    assert result.ok, result.problems
