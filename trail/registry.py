"""The one door into the activity trail for single-object changes: `register(Model, ...)`.

A registered model is tracked by django-auditlog (create, update, delete through model signals) and each
of its log entries becomes a chained TrailEntry (`trail.receivers`). Register in your AppConfig.ready:

    from trail.registry import register
    register(OutgoingAudit, exclude_fields=["created_at"])

The entry's `division_code` comes from, in order: the model's `trail_division_code()` method, the
`division_code=` callable given here, or the object's `division_code` attribute. Signals do not fire for
`bulk_create`, `QuerySet.update()` or raw SQL: code that writes that way calls
`trail.services.record_bulk` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from auditlog.registry import auditlog
from django.apps import apps
from django.db import models

DivisionCode = Callable[[models.Model], str]

_registered: dict[type[models.Model], DivisionCode | None] = {}

# Election data of apps that do not register themselves (yet). Labels, not imports: the trail lives on
# the ground floor and must not import the apps above it. Fields excluded are bookkeeping that changes
# on every save; fields masked are personal data the trail must not spread (DOMAIN.md: ID numbers).
DEFAULT_REGISTRATIONS: dict[str, dict] = {
    "elections.ElectionCycle": {"division_code": lambda cycle: cycle.region.code},
    "elections.VillageElection": {"exclude_fields": ["updated_at"]},
    "voters.Household": {},
    "voters.Resident": {
        "mask_fields": ["id_number", "phone"],
        "mask_callable": "trail.registry.mask_personal",
    },
    "voters.Kinship": {},
    "voters.VoterRegistration": {"exclude_fields": ["created_at", "updated_at"]},
    "voters.ProxyAuthorisation": {},
    "voters.RollPublication": {"exclude_fields": ["recorded_at"]},
    "voters.RollChange": {"exclude_fields": ["at"]},
}


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
) -> None:
    """Track `model` in the activity trail (idempotent: registering twice replaces the options)."""
    auditlog.unregister(model)
    auditlog.register(
        model,
        exclude_fields=list(exclude_fields),
        mask_fields=list(mask_fields),
        mask_callable=mask_callable,
    )
    _registered[model] = division_code


def unregister(model: type[models.Model]) -> None:
    auditlog.unregister(model)
    _registered.pop(model, None)


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


def register_defaults() -> None:
    """Register DEFAULT_REGISTRATIONS for the apps that are installed (called from TrailConfig.ready)."""
    for label, options in DEFAULT_REGISTRATIONS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        register(model, **options)
