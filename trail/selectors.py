"""Reads of the activity trail, scoped to the user, and what a page shows of one entry."""

from __future__ import annotations

import ast
import datetime
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

from . import registry
from .anchors import short_code
from .models import Action, TrailEntry

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
    "rejected": gettext_lazy("rejected"),
    "raised": gettext_lazy("raised"),
    "lowered": gettext_lazy("lowered"),
}
OPERATION_LABELS = {
    "import": gettext_lazy("import"),
    "recompute": gettext_lazy("recompute"),
    "seed": gettext_lazy("demo data"),
    "create": gettext_lazy("create"),
    "update": gettext_lazy("update"),
    "delete": gettext_lazy("delete"),
    "red_flag": gettext_lazy("red flag"),
}
# Field names of models that give no verbose_name (Django makes one of the field's name, in English).
FIELD_LABELS = {
    "answered_by": gettext_lazy("answered by"),
    "approved_by": gettext_lazy("approved by"),
    "by": gettext_lazy("by"),
    "certificates_issued_by": gettext_lazy("certificates issued by"),
    "confirmed_by": gettext_lazy("confirmed by"),
    "counted_by": gettext_lazy("counted by"),
    "cycle": gettext_lazy("cycle"),
    "election": gettext_lazy("election"),
    "first_round": gettext_lazy("first round"),
    "grantor": gettext_lazy("grantor"),
    "inspected_by": gettext_lazy("inspected by"),
    "item": gettext_lazy("item"),
    "nomination": gettext_lazy("nomination"),
    "person": gettext_lazy("person"),
    "proxy": gettext_lazy("proxy"),
    "published_by": gettext_lazy("published by"),
    "recorded_by": gettext_lazy("recorded by"),
    "registration": gettext_lazy("registration"),
    "relative": gettext_lazy("relative"),
    "requested_by": gettext_lazy("requested by"),
    "sheet": gettext_lazy("sheet"),
}
NO_ACTOR = "none"  # the person filter's value for changes made by the system (no signed-in person)


def village_trail(
    *,
    user: User,
    division_code: str,
    model_label: str = "",
    object_pk: str = "",
    action: str = "",
    actor: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[TrailEntry]:
    """The entries of one village the user may see, newest first; optionally of one kind of record or one
    record, of one kind of change (create/update/delete/bulk), by one person (`NO_ACTOR`: the system),
    and between two days (inclusive, in the project's time zone, Asia/Shanghai)."""
    entries = TrailEntry.objects.visible_to(user).filter(division_code=division_code)
    if model_label:
        entries = entries.filter(model_label=model_label.lower())
    if object_pk:
        entries = entries.filter(object_pk=object_pk)
    if action in Action.values:
        entries = entries.filter(action=action)
    if actor == NO_ACTOR:
        entries = entries.filter(actor__isnull=True)
    elif actor.isdigit():
        entries = entries.filter(actor_id=int(actor))
    if date_from is not None:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to is not None:
        entries = entries.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return entries.select_related("actor").order_by("-seq")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def actor_choices(*, user: User, division_code: str) -> list[tuple[str, str]]:
    """(value, name) of everyone who changed this village's records, for the person filter (one query)."""
    seen = (
        TrailEntry.objects.visible_to(user)
        .filter(division_code=division_code, actor__isnull=False)
        .values_list("actor_id", "actor_name")
        .distinct()
    )
    names: dict[int, str] = {}
    for actor_id, name in seen:
        names.setdefault(actor_id, name)
    choices = sorted(((str(pk), name or f"#{pk}") for pk, name in names.items()), key=lambda c: c[1])
    return [*choices, (NO_ACTOR, _("System"))]


def action_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Action.choices]


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
    records: list[str] = field(default_factory=list)

    @property
    def actor(self) -> str:
        """The person's name as recorded (hashed into the entry), or "系统" for the system."""
        return self.entry.actor_name or _("System")

    @property
    def role(self) -> str:
        """The person's role and unit (a department's), "" for the system or a user no longer there."""
        actor = self.entry.actor if self.entry.actor_id else None
        if actor is None:
            return ""
        role = str(actor.get_role_display())
        return f"{role} · {actor.unit}" if actor.unit else role

    @property
    def local_at(self) -> datetime.datetime:
        return timezone.localtime(self.entry.at)

    def summary_lines(self) -> list[str]:
        """What changed, one line each, as the Excel export writes it."""
        entry = self.entry
        lines = []
        if entry.action == Action.BULK:
            head = self.operation
            if self.counts:
                head += "：" + "，".join(f"{label} {n}" for label, n in self.counts)
            lines.append(head)
        for c in self.changes:
            if entry.action == Action.CREATE:
                lines.append(f"{c.field}：{c.after}")
            elif entry.action == Action.DELETE:
                lines.append(f"{c.field}：{c.before}")
            else:
                lines.append(f"{c.field}：{c.before} → {c.after}")
        if self.records:
            lines.append(_("Records: %(names)s") % {"names": "、".join(self.records)})
        if self.sha256:
            lines.append(f"{_('File SHA-256')} {self.sha256}")
        return lines


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_of(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return model_field if model_field.concrete else None


def _label(model_field: models.Field | None, name: str) -> str:
    """The field's name in Chinese: its verbose_name, or FIELD_LABELS where the model gave none."""
    if model_field is None:
        return str(FIELD_LABELS.get(name, name))
    verbose = model_field.verbose_name
    if isinstance(verbose, str) and verbose == name.replace("_", " "):
        return str(FIELD_LABELS.get(name, verbose))
    return str(verbose)


def _pair(value: object) -> tuple[object, object]:
    if isinstance(value, list):
        before, after = (list(value) + [None, None])[:2]
        return before, after
    return None, value


def _is_empty(value: object) -> bool:
    return value in (None, "None", "")


class _Related:
    """The str() of every record the changes of a page of entries point to, in one query per kind of
    record (not per entry): "王建国 · 村委会主任", not "#4"."""

    def __init__(self, wanted: dict[type[models.Model], set[str]]):
        self.names: dict[tuple[type[models.Model], str], str] = {}
        for model, pks in wanted.items():
            keys = self._keys(model, pks)
            if not keys:
                continue
            rows = model._base_manager.select_related().filter(pk__in=keys)
            for obj in rows:
                self.names[(model, str(obj.pk))] = str(obj)

    @staticmethod
    def _keys(model: type[models.Model], pks: set[str]) -> list:
        keys = []
        for pk in pks:
            try:
                keys.append(model._meta.pk.to_python(pk))
            except Exception:  # a value the key field cannot hold: shown as recorded
                continue
        return keys

    def name(self, model: type[models.Model], pk: object) -> str:
        # A record deleted since is shown by its number, which the trail's own entries describe.
        return self.names.get((model, str(pk)), f"#{pk}")


def _wanted(entries: Sequence[TrailEntry]) -> dict[type[models.Model], set[str]]:
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = _model(entry.model_label)
        for name, pair in (entry.changes or {}).items():
            model_field = _field_of(model, name)
            if model_field is None or not model_field.is_relation or model_field.related_model is None:
                continue
            for value in _pair(pair):
                if not _is_empty(value):
                    wanted[model_field.related_model].add(str(value))
    return wanted


def _shown(model_field: models.Field | None, value: object, related: _Related | None = None) -> str:
    if _is_empty(value):
        return EMPTY
    if model_field is None:
        return _plain(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if str(value) == "True" else _("no")
    if model_field.is_relation:
        if related is not None and model_field.related_model is not None:
            return related.name(model_field.related_model, value)
        return f"#{value}"
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"
    if isinstance(model_field, models.DateField):
        day = parse_date(str(value)[:10])
        if day is not None:
            return f"{day:%Y-%m-%d}"
    if isinstance(model_field, models.JSONField):
        return _plain(value)
    return str(value)


def _plain(value: object) -> str:
    """A JSON value in words: "甲：1；乙：2" for an object, "1、2" for a list, else as written."""
    data = value
    if isinstance(value, str) and value[:1] in "[{":
        try:
            data = json.loads(value)
        except ValueError:
            try:  # auditlog writes dicts as Python reprs
                data = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return value
    if isinstance(data, dict):
        return "；".join(f"{k}：{_plain(v)}" for k, v in data.items()) or EMPTY
    if isinstance(data, list):
        return "、".join(_plain(v) for v in data) or EMPTY
    return str(data)


def present(entry: TrailEntry, related: _Related | None = None) -> EntryView:
    """One entry as a page shows it: Chinese field names, values in words (choices by their label,
    records by their name, times in Asia/Shanghai), bulk details unpacked."""
    if related is None:
        related = _Related(_wanted([entry]))
    model = _model(entry.model_label)
    view = EntryView(entry=entry, kind=str(model._meta.verbose_name) if model else entry.model_label)
    for name, pair in sorted((entry.changes or {}).items()):
        model_field = _field_of(model, name)
        label = _label(model_field, name)
        before, after = _pair(pair)
        change = Change(label, _shown(model_field, before, related), _shown(model_field, after, related))
        if entry.action == Action.CREATE and change.after == EMPTY:
            continue  # a new record's empty fields say nothing
        view.changes.append(change)
    extra = entry.extra or {}
    if entry.action == Action.BULK:
        operation = str(extra.get("operation", ""))
        view.operation = str(OPERATION_LABELS.get(operation, operation))
        view.counts = [(str(COUNT_LABELS.get(k, k)), n) for k, n in (extra.get("counts") or {}).items()]
        view.sha256 = str(extra.get("sha256", ""))
        view.records = [str(r.get("repr") or f"#{r.get('pk')}") for r in extra.get("records") or []]
    return view


def present_all(entries: Iterable[TrailEntry]) -> list[EntryView]:
    """A page of entries as `present` shows them, the records they name looked up together."""
    entries = list(entries)
    related = _Related(_wanted(entries))
    return [present(e, related) for e in entries]
