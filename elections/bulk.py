"""Fast set-based inserts for the big writes (roll imports, weekly snapshots).

Django's bulk_create builds a model instance and prepares every value through its field for each row,
which costs more than the database write itself at 100,000 rows. Here rows arrive as plain tuples already
in database form; on PostgreSQL they are streamed with COPY (ids drawn from the table's sequence first,
so the caller can link rows), elsewhere inserted with executemany. No library offers this for Django
without pulling in a second ORM layer, hence the few lines by hand.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model` (PostgreSQL: from its sequence; elsewhere: after the max)."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (tuples in column order, database-ready values) into `model`'s table; returns the count.

    Must run inside the caller's transaction; constraints are checked by the database as usual.
    """
    table = model._meta.db_table
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            count = 0
            for row in rows:
                buffer.write("\t".join(map(_text_value, row)))
                buffer.write("\n")
                count += 1
            buffer.seek(0)
            cursor.cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', buffer)
            return count
        rows = list(rows)
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)
        return len(rows)
