"""The one door into the activity trail for single-object changes: `register(Model, ...)`.

A registered model is tracked by django-auditlog (create, update, delete through model signals) and each
of its log entries becomes a chained TrailEntry (`trail.receivers`). Register in your AppConfig.ready:

    from trail.registry import register
    register(OutgoingAudit, exclude_fields=["created_at"])

The entry's `division_code` comes from, in order: the model's `trail_division_code()` method, the
`division_code=` callable given here, or the object's `division_code` attribute. Signals do not fire for
`bulk_create`, `QuerySet.update()` or raw SQL: code that writes that way calls
`trail.services.record_bulk` itself.

Every app registers its own models; there is no central list of other apps' labels here. The test
`tests/trail/test_coverage.py` fails on a model of the project that is neither registered nor exempted
there with a written reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from auditlog.registry import auditlog
from django.db import models

DivisionCode = Callable[[models.Model], str]

_registered: dict[type[models.Model], DivisionCode | None] = {}
_actor_fields: dict[type[models.Model], tuple[str, ...]] = {}


def mask_personal(value: str) -> str:
    """A personal number as the trail keeps it: only the last 4 characters readable ("None" stays)."""
    if value in ("", "None"):
        return value
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * max(len(value) - 4, 0) + value[-4:]


def register(
    model: type[models.Model],
    *,
    exclude_fields: Iterable[str] = (),
    mask_fields: Iterable[str] = (),
    mask_callable: str | None = None,
    division_code: DivisionCode | None = None,
    actor_fields: Iterable[str] = (),
) -> None:
    """Track `model` in the activity trail (idempotent: registering twice replaces the options).

    `actor_fields` name the model's own "who" fields (`decided_by`, `requested_by`…), in order: a change
    made where no person is known (a command, a task, a service called without a request) is attributed
    to the first of them this change set, or else the first one filled in. A signed-in request's user
    and `trail.services.acting_as` come first."""
    auditlog.unregister(model)
    exclude_fields = list(exclude_fields)
    auditlog.register(
        model,
        # The row's own columns only: left to itself, auditlog reads every reverse relation too, which
        # costs a query each and leaves a reverse one-to-one cached as missing on the saved instance
        # (`nomination.commitments` then raises after the commitments were recorded).
        include_fields=[f.name for f in model._meta.concrete_fields if f.name not in exclude_fields],
        exclude_fields=exclude_fields,
        mask_fields=list(mask_fields),
        mask_callable=mask_callable,
    )
    _registered[model] = division_code
    _actor_fields[model] = tuple(actor_fields)


def unregister(model: type[models.Model]) -> None:
    auditlog.unregister(model)
    _registered.pop(model, None)
    _actor_fields.pop(model, None)


def actor_of(instance: models.Model, changed: Iterable[str] = ()):
    """The user the instance's own "who" fields name for a change of the fields `changed` (or None)."""
    names = _actor_fields.get(type(instance), ())
    changed = set(changed)
    for name in [n for n in names if n in changed] + list(names):
        if getattr(instance, f"{name}_id", None) is not None:
            return getattr(instance, name)
    return None


def is_registered(model: type[models.Model]) -> bool:
    return model in _registered


def registered_models() -> list[type[models.Model]]:
    return sorted(_registered, key=lambda m: m._meta.label_lower)


def division_code_of(instance: models.Model) -> str:
    """The division code a change to `instance` belongs to ("" when it belongs to none)."""
    hook = getattr(instance, "trail_division_code", None)
    if callable(hook):
        return hook() or ""
    resolver = _registered.get(type(instance))
    if resolver is not None:
        return resolver(instance) or ""
    return getattr(instance, "division_code", "") or ""
