import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from accounts.roles import Role
from tests.factories import UserFactory, region_chain
from tests.trail.helpers import tampering
from trail import codes
from trail.chain import GENESIS, entry_hash
from trail.models import Action, AppendOnlyError, ChainHead, TrailEntry
from trail.services import record_bulk, seal_pending, verify_chain
from voters.models import VoterRegistration

pytestmark = pytest.mark.django_db

VILLAGE = "330702001001"


@pytest.fixture(autouse=True, params=["inline", "deferred"])
def seal_mode(request, settings):
    """Every check of the chain holds whether writers chain their entries or the sealer does."""
    settings.TRAIL_SEAL = request.param
    return request.param


def bulk(n=1, **overrides):
    kwargs = {
        "actor": None,
        "action": "import",
        "model": VoterRegistration,
        "division_code": VILLAGE,
        "summary": "导入选民名单",
        "counts": {"created": 3},
    }
    written = [record_bulk(**(kwargs | overrides)) for _ in range(n)]
    if written and not isinstance(written[0], TrailEntry):  # deferred: the sealer chains them
        seal_pending()
        return list(TrailEntry.objects.order_by("-seq")[:n])[::-1]
    return written


def kinds(result):
    return [(p.seq, p.kind) for p in result.problems]


def test_entries_are_numbered_from_one_and_each_links_to_the_one_before():
    first, second, third = bulk(3)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert ChainHead.objects.get().seq == 3 and ChainHead.objects.get().hash == third.hash


def test_time_never_runs_backwards_along_the_chain():
    entries = bulk(5)
    assert all(a.at <= b.at for a, b in zip(entries, entries[1:], strict=False))


def test_a_bulk_write_records_who_what_counts_and_the_files_fingerprint():
    clerk = UserFactory(
        username="clerk", role=Role.CLERK, region=region_chain(VILLAGE), display_name="李文书"
    )
    digest = hashlib.sha256(b"roll.xlsx").hexdigest()
    (entry,) = bulk(actor=clerk, counts={"created": 350, "updated": 12}, sha256=digest)
    entry = TrailEntry.objects.get(pk=entry.pk)
    assert (entry.action, entry.actor, entry.actor_name) == (Action.BULK, clerk, "李文书")
    assert entry.model_label == "voters.voterregistration" and entry.division_code == VILLAGE
    assert entry.extra == {"operation": "import", "counts": {"created": 350, "updated": 12}, "sha256": digest}
    assert entry.hash == entry_hash(entry.hashed_fields())


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"division_code": "330702"}, codes.DIVISION_CODE_INVALID),
        ({"sha256": "abc"}, codes.SHA256_INVALID),
        ({"sha256": "A" * 64}, codes.SHA256_INVALID),
        ({"counts": {"created": -1}}, codes.COUNTS_INVALID),
        ({"counts": {"created": 1.5}}, codes.COUNTS_INVALID),
        ({"summary": " "}, codes.SUMMARY_REQUIRED),
        ({"action": ""}, codes.OPERATION_REQUIRED),
    ],
)
def test_a_malformed_bulk_record_is_refused(overrides, code):
    with pytest.raises(ValidationError) as error:
        bulk(**overrides)
    assert error.value.code == code
    assert not TrailEntry.objects.exists()


def test_counts_of_zero_are_accepted():
    (entry,) = bulk(counts={"created": 0})
    assert entry.extra["counts"] == {"created": 0}


def test_an_entry_cannot_be_changed_or_deleted_through_the_orm():
    (entry,) = bulk()
    entry.object_repr = "篡改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        TrailEntry.objects.filter(pk=entry.pk).update(object_repr="篡改")
    with pytest.raises(AppendOnlyError):
        TrailEntry.objects.all().delete()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql", ["UPDATE trail_trailentry SET object_repr = 'x'", "DELETE FROM trail_trailentry"]
)
def test_postgresql_refuses_raw_updates_and_deletes(sql):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    bulk()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert TrailEntry.objects.get().object_repr == "导入选民名单"


def test_an_honest_trail_verifies():
    bulk(4)
    result = verify_chain()
    assert result.ok and result.checked == 4 and result.problems == []
    assert (result.head_seq, result.head_hash) == (4, TrailEntry.objects.get(seq=4).hash)


def test_an_empty_trail_verifies():
    result = verify_chain()
    assert result.ok and result.checked == 0


def test_an_entry_edited_in_the_database_is_named():
    bulk(4)
    with tampering() as cursor:
        cursor.execute("UPDATE trail_trailentry SET actor_name = 'someone else' WHERE seq = 2")
    result = verify_chain()
    assert not result.ok and kinds(result) == [(2, "altered")]


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_link_of_the_next():
    bulk(4)
    entry = TrailEntry.objects.get(seq=2)
    entry.object_repr = "篡改"
    forged = entry_hash(entry.hashed_fields())
    with tampering() as cursor:
        cursor.execute(
            "UPDATE trail_trailentry SET object_repr = %s, hash = %s WHERE seq = 2", ["篡改", forged]
        )
    assert kinds(verify_chain()) == [(3, "bad_link")]


def test_an_entry_deleted_from_the_middle_is_named():
    bulk(4)
    with tampering() as cursor:
        cursor.execute("DELETE FROM trail_trailentry WHERE seq = 2")
    assert kinds(verify_chain()) == [(2, "removed")]


def test_entries_deleted_from_the_end_are_named():
    bulk(4)
    with tampering() as cursor:
        cursor.execute("DELETE FROM trail_trailentry WHERE seq >= 3")
    assert kinds(verify_chain()) == [(3, "removed")]


def _forged_insert(cursor, *, seq, at, prev_hash):
    fields = {
        "seq": seq,
        "at": at,
        "actor_id": None,
        "actor_name": "",
        "action": "bulk",
        "model_label": "voters.voterregistration",
        "object_pk": "",
        "object_repr": "补录",
        "division_code": VILLAGE,
        "changes": {},
        "extra": {},
        "prev_hash": prev_hash,
    }
    cursor.execute(
        "INSERT INTO trail_trailentry (seq, at, actor_id, actor_name, action, model_label, object_pk, "
        "object_repr, division_code, changes, extra, prev_hash, hash) "
        "VALUES (%s, %s, NULL, '', 'bulk', %s, '', %s, %s, '{}', '{}', %s, %s)",
        [seq, at, fields["model_label"], fields["object_repr"], VILLAGE, prev_hash, entry_hash(fields)],
    )
    return entry_hash(fields)


def test_an_entry_inserted_after_the_head_without_the_trail_is_named():
    entries = bulk(3)
    with tampering() as cursor:
        _forged_insert(cursor, seq=4, at=entries[-1].at + timedelta(seconds=1), prev_hash=entries[-1].hash)
    assert kinds(verify_chain()) == [(4, "out_of_order")]


def test_an_entry_backdated_into_the_chain_is_named():
    entries = bulk(3)
    with tampering() as cursor:
        forged = _forged_insert(
            cursor, seq=4, at=entries[0].at - timedelta(days=1), prev_hash=entries[-1].hash
        )
    # The intruder also moves the chain head, so only the timestamp gives the insertion away.
    ChainHead.objects.filter(pk=1).update(seq=4, hash=forged)
    assert kinds(verify_chain()) == [(4, "out_of_order")]


def test_a_rewritten_chain_is_caught_by_an_anchor_written_down_earlier():
    bulk(3)
    anchor = (3, TrailEntry.objects.get(seq=3).hash)
    assert verify_chain(anchors=[anchor]).ok
    assert kinds(verify_chain(anchors=[(3, "0" * 64)])) == [(3, "altered")]


def test_a_missing_chain_head_is_reported():
    bulk(2)
    ChainHead.objects.all().delete()
    assert kinds(verify_chain()) == [(2, "removed")]
