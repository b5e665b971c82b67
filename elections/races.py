"""Inserts under a unique constraint that a concurrent twin may win (issue 12, "races answered").

A service checks "is there one already?" and then inserts. Two identical requests at once both pass the
check; the database's unique constraint lets one insert through and makes the other wait for it, then
fail with an IntegrityError. If the twin committed between the check and the validation instead, the
model's own constraint validation fails, with Django's generic wording. Either way the loser must answer
like a sequential second call: the same coded refusal, or the row that is already there.

`insert_once` runs the validation and the insert in a savepoint (so the caller's transaction survives the
failure) and, when they fail, looks for the twin: found, the caller gets the sequential answer; not found,
the failure was something else and is raised unchanged. No row lock or retry loop is needed: the
constraint is the arbiter, and the twin is only looked for after the database has decided.

Ground floor: every app may import it. Hand-written because Django's `get_or_create` answers only with the
existing row and knows neither a coded refusal nor conditional constraints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

M = TypeVar("M", bound=models.Model)


def insert_once(
    instance: M,
    *,
    twin: models.QuerySet,
    refuse: ValidationError | None = None,
    clean: bool = True,
) -> M:
    """Validate (`full_clean`, unless `clean` is False) and insert the new `instance` in a savepoint.

    `twin` selects the row(s) the unique constraint would clash with. If validation or the insert fails
    and a twin exists: raise `refuse` when given (the coded message a sequential twin gets), otherwise
    return the twin's row, locked for update, for the caller to use or update as the sequential call would.
    """
    try:
        with transaction.atomic(using=twin.db):
            if clean:
                instance.full_clean()
            instance.save(force_insert=True)
    except (IntegrityError, ValidationError) as error:
        in_transaction = transaction.get_connection(twin.db).in_atomic_block
        existing = (twin.select_for_update() if in_transaction else twin).first()
        if existing is None:
            raise
        if refuse is not None:
            raise refuse from error
        return existing
    return instance


def insert_or_update(same: models.QuerySet[M], *, new: M, fill: Callable[[M], M], clean: bool = True) -> M:
    """The one row of `same` filled by `fill`: inserted from `new` when there is none, else the existing
    row (a sequential earlier call's or a concurrent twin's) updated, as a sequential second call would."""
    row = same.first()
    fresh = None
    if row is None:
        fresh = fill(new)
        row = insert_once(fresh, twin=same, clean=clean)
    if row is not fresh:
        fill(row)
        if clean:
            row.full_clean()
        row.save()
    return row
