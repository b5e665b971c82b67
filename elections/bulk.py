"""Fast set-based inserts for the big writes (roll imports, weekly snapshots).

Django's bulk_create builds a model instance and prepares every value through its field for each row,
which costs more than the database write itself at 100,000 rows. Here rows arrive as plain tuples already
in database form (str, int, bool, date, datetime, None; JSON as text); on PostgreSQL they are streamed
with COPY (ids drawn from the table's sequence first, so the caller can link rows), elsewhere inserted
with executemany. No library offers this for Django
without pulling in a second ORM layer, hence the few lines by hand.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model


def allocate_ids(model: type[Model], count: int, *, cursor=None) -> list[int]:
    """`count` fresh primary keys for `model` (PostgreSQL: from its sequence; elsewhere: after the max).

    `cursor` may be one of a separate connection (see `SequenceConnection`): sequences are outside
    transactions, so the numbers are the same wherever they are drawn.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    if cursor is not None:
        return _next_values(cursor, table, pk, count)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _next_values(cursor, table, pk, count)
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _next_values(cursor, table: str, pk: str, count: int) -> list[int]:
    # One array rather than `count` rows: fetching rows one tuple each cost more than the sequence.
    cursor.execute(
        "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
        [table, pk, count],
    )
    return cursor.fetchone()[0]


class SequenceConnection:
    """A second, autocommit PostgreSQL connection to draw ids from, for a thread that must leave the
    default connection to another (the roll import's writer). Use as a context manager; `cursor` is None
    when the database is not PostgreSQL, and `allocate_ids` then uses the default connection."""

    def __init__(self, *, open_it: bool) -> None:
        self._raw = None
        self.cursor = None
        if open_it and connection.vendor == "postgresql":
            self._raw = connection.get_new_connection(connection.get_connection_params())
            self._raw.autocommit = True
            self.cursor = self._raw.cursor()

    def __enter__(self) -> SequenceConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        if self._raw is not None:
            self._raw.close()


@dataclass(frozen=True, slots=True)
class Encoded:
    """Rows made ready for `send_rows`: CSV text for PostgreSQL's COPY, else the rows themselves."""

    model: type[Model]
    columns: tuple[str, ...]
    payload: object
    count: int


def encode_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> Encoded:
    """The Python half of `insert_rows`, which may run in another thread than the sending."""
    if connection.vendor != "postgresql":
        rows = list(rows)
        return Encoded(model, tuple(columns), rows, len(rows))
    # CSV written by the csv module's C writer: a quarter of the time of formatting the text format
    # value by value. An unquoted empty field is NULL in CSV, so non-null columns are forced to ''.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    count = 0
    for batch in batched(rows, 10_000):
        writer.writerows(batch)
        count += len(batch)
    return Encoded(model, tuple(columns), buffer, count)


def send_rows(encoded: Encoded) -> int:
    """Insert encoded rows on the default connection, inside the caller's transaction; returns the count.

    Constraints are checked by the database as usual.
    """
    if not encoded.count:
        return 0
    table = encoded.model._meta.db_table
    quoted = ", ".join(f'"{c}"' for c in encoded.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = encoded.payload
            size = buffer.tell()
            buffer.seek(0)
            fields = {f.column: f for f in encoded.model._meta.concrete_fields}
            not_null = ", ".join(f'"{c}"' for c in encoded.columns if not fields[c].null)
            options = f"FORMAT csv, FORCE_NOT_NULL ({not_null})" if not_null else "FORMAT csv"
            # Handed over in one read: psycopg2 reads 8 KB at a time by default, and each read must win
            # the interpreter lock back from a thread that is busy checking the next chunk of rows.
            cursor.cursor.copy_expert(
                f'COPY "{table}" ({quoted}) FROM STDIN WITH ({options})', buffer, size=size + 1
            )
            return encoded.count
        marks = ", ".join(["%s"] * len(encoded.columns))
        cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', encoded.payload)
        return encoded.count


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (tuples in column order, database-ready values) into `model`'s table; returns the count.

    Must run inside the caller's transaction; constraints are checked by the database as usual.
    """
    return send_rows(encode_rows(model, columns, rows))


def batched(rows: Iterable, size: int) -> Iterable[list]:
    """Lists of at most `size` items from `rows`, in order (itertools.batched arrives in Python 3.12)."""
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Stream `rows` into `table` (any table, a temporary one too) inside the caller's transaction.

    For an input too big to hold twice: on PostgreSQL one COPY reads the rows as they are made (the
    iterator may check and clean them on the way), so neither the rows nor their CSV text are ever all in
    memory; elsewhere executemany, a batch at a time. None is NULL, and so is '' (as in CSV, on every
    database alike): for a table whose text columns are never empty. Returns the count.
    """
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stream = _CsvStream(rows)
            cursor.cursor.copy_expert(
                f'COPY "{table}" ({quoted}) FROM STDIN WITH (FORMAT csv)', stream, size=_CsvStream.CHUNK
            )
            return stream.count
        marks = ", ".join(["%s"] * len(columns))
        count = 0
        for batch in batched(rows, 10_000):
            batch = [[None if v == "" else v for v in row] for row in batch]
            cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', batch)
            count += len(batch)
        return count


class _CsvStream:
    """A file-like `read()` for psycopg2's COPY that writes the CSV of the next rows only when asked."""

    CHUNK = 1 << 20

    def __init__(self, rows: Iterable[Sequence]) -> None:
        self._rows = iter(rows)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")
        self.count = 0

    def read(self, size: int = -1) -> str:
        want = self.CHUNK if size is None or size < 0 else size
        while self._buffer.tell() < want:
            batch = list(itertools.islice(self._rows, 2_000))
            if not batch:
                break
            self._writer.writerows(batch)
            self.count += len(batch)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text
