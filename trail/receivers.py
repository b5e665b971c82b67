"""Turn django-auditlog's log entries of registered models into chained trail entries."""

from __future__ import annotations

from auditlog.models import LogEntry

from . import registry
from .models import Action
from .services import append, current_actor

ACTIONS = {
    LogEntry.Action.CREATE: Action.CREATE,
    LogEntry.Action.UPDATE: Action.UPDATE,
    LogEntry.Action.DELETE: Action.DELETE,
}


def _field_changes(model, changes: dict) -> dict:
    """The changes of the model's own columns: auditlog also lists reverse relations, which hold no value
    of this row, unset fields of a new row as "None" → "None", and the primary key (the entry's record)."""
    columns = {f.name for f in model._meta.concrete_fields} - {model._meta.pk.name}
    return {
        name: pair
        for name, pair in changes.items()
        if name in columns and not (isinstance(pair, list) and len(pair) == 2 and pair[0] == pair[1])
    }


def chain_log_entry(sender, instance, action, log_entry=None, log_created=False, **kwargs) -> None:
    """auditlog `post_log` receiver: one TrailEntry per LogEntry of a model registered with the trail.

    Runs in the same transaction as the change, so a change that rolls back leaves no entry behind.
    Accesses (auditlog's fourth action) are not changes and are not chained.
    """
    if not log_created or log_entry is None or not registry.is_registered(sender):
        return
    kind = ACTIONS.get(action)
    if kind is None:
        return
    changes = _field_changes(sender, log_entry.changes or {})
    append(
        action=kind,
        model_label=sender._meta.label_lower,
        object_pk=log_entry.object_pk,
        object_repr=log_entry.object_repr,
        division_code=registry.division_code_of(instance),
        changes=changes,
        extra={"log_entry": log_entry.pk},
        actor=current_actor() or log_entry.actor or registry.actor_of(instance, changes),
    )
