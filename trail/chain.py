"""The hash chain of the activity trail, as pure functions (no ORM, no request).

Each entry's hash is SHA-256 over a canonical JSON of its recorded fields and the previous entry's hash,
so editing, removing or inserting a row anywhere breaks the chain from that point on. The canonical form
must give the same bytes for an entry as written and as read back from either database: keys sorted, no
whitespace, datetimes in UTC with microseconds, JSON values reduced to plain JSON types (floats written as
text, because PostgreSQL's jsonb may read `1e20` back as an integer).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64

# The fields a hash covers, in the order a reader would list them; `hash` itself is not among them.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "model_label",
    "object_pk",
    "object_repr",
    "division_code",
    "changes",
    "extra",
    "prev_hash",
)


def plain_json(value: Any) -> Any:
    """`value` as plain JSON types (dict, list, str, int, bool, None): what the JSON column gives back.

    Dates, decimals and UUIDs become text (DjangoJSONEncoder); floats become text too, see the module
    docstring. Store the result, so that what is stored is exactly what was hashed.
    """
    return _no_floats(json.loads(json.dumps(value, cls=DjangoJSONEncoder)))


def _no_floats(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _no_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_floats(v) for v in value]
    return value


def timestamp_text(at: datetime) -> str:
    """A datetime as UTC ISO 8601 with microseconds (aware datetimes only: the project uses USE_TZ)."""
    if at.tzinfo is None:
        raise ValueError("trail timestamps must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The bytes an entry's hash is computed over."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["at"] = timestamp_text(payload["at"])
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of an entry's canonical form, which includes the previous entry's hash."""
    return hashlib.sha256(canonical(fields)).hexdigest()
