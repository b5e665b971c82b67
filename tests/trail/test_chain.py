import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trail.chain import GENESIS, HASHED_FIELDS, canonical, entry_hash, plain_json, timestamp_text

AT = datetime(2027, 1, 9, 8, 30, 0, 123456, tzinfo=UTC)


def fields(**overrides):
    base = {
        "seq": 1,
        "at": AT,
        "actor_id": 7,
        "actor_name": "王干事",
        "action": "update",
        "model_label": "voters.voterregistration",
        "object_pk": "42",
        "object_repr": "张三",
        "division_code": "330702001001",
        "changes": {"status": ["registered", "left_off"]},
        "extra": {},
        "prev_hash": GENESIS,
    }
    return base | overrides


def test_the_hash_covers_every_recorded_field():
    original = entry_hash(fields())
    changed = {
        "seq": 2,
        "at": AT + timedelta(microseconds=1),
        "actor_id": None,
        "actor_name": "李文书",
        "action": "delete",
        "model_label": "voters.resident",
        "object_pk": "43",
        "object_repr": "李四",
        "division_code": "330702001002",
        "changes": {"status": ["registered", "registered"]},
        "extra": {"counts": {"rows": 1}},
        "prev_hash": "f" * 64,
    }
    assert set(changed) == set(HASHED_FIELDS)
    for name, value in changed.items():
        assert entry_hash(fields(**{name: value})) != original, name


def test_the_same_instant_in_another_time_zone_hashes_the_same():
    shanghai = AT.astimezone(timezone(timedelta(hours=8)))
    assert entry_hash(fields(at=shanghai)) == entry_hash(fields())


def test_a_naive_timestamp_is_refused():
    with pytest.raises(ValueError):
        timestamp_text(datetime(2027, 1, 9))


def test_plain_json_turns_decimals_dates_and_floats_into_text():
    assert plain_json({"amount": Decimal("12.50"), "on": datetime(2027, 1, 9).date(), "ratio": 0.5}) == {
        "amount": "12.50",
        "on": "2027-01-09",
        "ratio": "0.5",
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@given(changes=st.dictionaries(st.text(), json_values, max_size=5))
def test_what_is_stored_hashes_the_same_after_a_round_trip_through_json(changes):
    stored = plain_json(changes)
    reread = json.loads(json.dumps(stored, sort_keys=False))
    assert canonical(fields(changes=reread)) == canonical(fields(changes=stored))
