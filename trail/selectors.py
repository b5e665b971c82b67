"""Reads of the activity trail, scoped to the user, and what a page shows of one entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

from . import registry
from .anchors import short_code
from .models import TrailEntry

EMPTY = "—"

# Words bulk writers use for their counts and operations, shown in Chinese; others are shown as written.
COUNT_LABELS = {
    "rows": gettext_lazy("rows"),
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "deleted": gettext_lazy("deleted"),
    "unchanged": gettext_lazy("unchanged"),
    "skipped": gettext_lazy("skipped"),
    "errors": gettext_lazy("errors"),
    "warnings": gettext_lazy("warnings"),
    "villages": gettext_lazy("villages"),
}
OPERATION_LABELS = {
    "import": gettext_lazy("import"),
    "recompute": gettext_lazy("recompute"),
    "seed": gettext_lazy("demo data"),
    "create": gettext_lazy("create"),
    "update": gettext_lazy("update"),
    "delete": gettext_lazy("delete"),
}


def village_trail(
    *, user: User, division_code: str, model_label: str = "", object_pk: str = ""
) -> QuerySet[TrailEntry]:
    """The entries of one village the user may see, newest first; optionally of one kind or one record."""
    entries = TrailEntry.objects.visible_to(user).filter(division_code=division_code)
    if model_label:
        entries = entries.filter(model_label=model_label.lower())
    if object_pk:
        entries = entries.filter(object_pk=object_pk)
    return entries.order_by("-seq")


def head_code() -> str:
    """The chain head as a short code ("#12345·3F9A-C21B") for the handover and results papers; "" while
    the trail is empty. The whole trail's head, not scoped: it names no record and no person."""
    head = TrailEntry.objects.order_by("-seq").values("seq", "hash").first()
    return short_code(head["seq"], head["hash"]) if head else ""


def model_choices() -> list[tuple[str, str]]:
    """(label, name) of every kind of record the trail follows, for the filter."""
    return [(m._meta.label_lower, str(m._meta.verbose_name)) for m in registry.registered_models()]


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class EntryView:
    entry: TrailEntry
    kind: str
    changes: list[Change] = field(default_factory=list)
    counts: list[tuple[str, object]] = field(default_factory=list)
    operation: str = ""
    sha256: str = ""


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _shown(model_field: models.Field | None, value: object) -> str:
    if value in (None, "None", ""):
        return EMPTY
    if model_field is None:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value == "True" else _("no")
    if model_field.is_relation:
        return f"#{value}"
    return str(value)


def present(entry: TrailEntry) -> EntryView:
    """One entry as a page shows it: field names and choice values in words, bulk details unpacked."""
    model = _model(entry.model_label)
    view = EntryView(entry=entry, kind=str(model._meta.verbose_name) if model else entry.model_label)
    for name, pair in sorted((entry.changes or {}).items()):
        model_field = None
        if model is not None:
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                model_field = None
            if model_field is not None and not model_field.concrete:
                model_field = None
        label = str(getattr(model_field, "verbose_name", name))
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        change = Change(label, _shown(model_field, before), _shown(model_field, after))
        if entry.action == "create" and change.after == EMPTY:
            continue  # a new record's empty fields say nothing
        view.changes.append(change)
    extra = entry.extra or {}
    if entry.action == "bulk":
        operation = str(extra.get("operation", ""))
        view.operation = str(OPERATION_LABELS.get(operation, operation))
        view.counts = [(str(COUNT_LABELS.get(k, k)), n) for k, n in (extra.get("counts") or {}).items()]
        view.sha256 = str(extra.get("sha256", ""))
    return view
