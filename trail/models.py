"""The activity trail (操作留痕): an append-only, hash-chained record of every change to election data.

django-auditlog captures single-object changes through model signals; `trail.receivers` turns each of its
log entries into a chained TrailEntry. Bulk writes, which fire no signals, record themselves through
`trail.services.record_bulk`. The chain and the PostgreSQL triggers of migrations 0002 and 0003 make an
edit or removal of any entry visible to `python manage.py verify_trail`; the anchors written outside the
database (`trail.services.record_anchor`) make a rewrite of the whole chain visible too.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a trail entry: the trail is append-only."""


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    BULK = "bulk", _("Bulk change")


class TrailQuerySet(ScopedQuerySet):
    """Scoped like every other model; queryset-wide updates and deletes are refused."""

    def update(self, **kwargs):
        raise AppendOnlyError("trail entries cannot be updated")

    update.alters_data = True

    def delete(self):
        raise AppendOnlyError("trail entries cannot be deleted")

    delete.alters_data = True
    delete.queryset_only = True


class PendingQuerySet(models.QuerySet):
    """Pending entries leave only through the sealer (raw SQL, in the transaction that chains them)."""

    def update(self, **kwargs):
        raise AppendOnlyError("pending trail entries cannot be updated")

    update.alters_data = True

    def delete(self):
        raise AppendOnlyError("pending trail entries are removed only by the sealer")

    delete.alters_data = True
    delete.queryset_only = True


class TrailEntry(models.Model):
    """留痕记录: one change (who, when, what, before → after), chained to the entry before it by hash.

    `seq` is assigned under the chain lock as the previous entry's seq + 1, so the numbers have no gaps
    and a missing number is a removed entry. `division_code` is the village (or region) the change
    belongs to, for jurisdiction scoping.
    """

    seq = models.BigIntegerField(_("number"), primary_key=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        # The trail never changes, not even when a user is deleted: the entry keeps the user's id and
        # name (hashed), so there is no database constraint to cascade or null it.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model_label = models.CharField(_("kind of record"), max_length=100)
    object_pk = models.CharField(_("record"), max_length=64, blank=True)
    object_repr = models.CharField(_("description"), max_length=200, blank=True)
    division_code = models.CharField(_("division code"), max_length=12, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    # The pending entry this one was sealed from (deferred seal), unique: PostgreSQL lets a pending
    # entry be deleted only once an entry names it here. Not hashed: it says where the entry came from,
    # not what happened (and entries sealed inline have none).
    pending_id = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)

    objects = TrailQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("trail entry")
        verbose_name_plural = _("trail entries")
        ordering = ["-seq"]
        indexes = [
            # One village's trail, newest first; the pattern operator class also serves prefix scoping.
            models.Index(
                fields=["division_code", "seq"],
                name="trail_code_seq_idx",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["model_label", "object_pk"], name="trail_object_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=1), name="trail_seq_positive"),
            models.CheckConstraint(
                condition=Q(action__in=[a.value for a in Action]), name="trail_action_known"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("trail entries cannot be changed once written")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("trail entries cannot be deleted")

    def hashed_fields(self) -> dict:
        from .chain import HASHED_FIELDS

        return {name: getattr(self, name) for name in HASHED_FIELDS}


class PendingEntry(models.Model):
    """待封存的留痕: a change recorded but not yet linked into the chain (settings.TRAIL_SEAL = "deferred").

    A traced write inserts one of these and takes no lock; the sealer (`trail.services.seal_pending`,
    run after the writer's commit, every few seconds by Celery beat, and before `verify_trail`) moves
    them into the chain in order under the chain lock, numbering, linking and hashing each, and deletes
    them in the same transaction. `id` comes from a database sequence, so it has gaps where a writer
    rolled back; the chain's own numbers (`TrailEntry.seq`) have none. Append-only like the chain: the
    ORM refuses changes and deletes here, and on PostgreSQL triggers (migrations 0004, 0005) refuse
    UPDATE and TRUNCATE always, and DELETE of a pending entry no chained entry names (`pending_id`).
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    model_label = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    division_code = models.CharField(max_length=12, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    objects = PendingQuerySet.as_manager()

    class Meta:
        verbose_name = _("trail entry awaiting its seal")
        verbose_name_plural = _("trail entries awaiting their seal")

    def __str__(self) -> str:
        return f"~{self.pk} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("pending trail entries cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("pending trail entries are removed only by the sealer")


class ChainHead(models.Model):
    """链头: the number and hash of the newest entry, updated with every append in the same transaction.

    It lets `verify_trail` notice entries removed from the end of the chain, or rows added after it
    without going through the trail; the entries remain the source of truth.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(_("number"))
    hash = models.CharField(_("hash"), max_length=64)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("trail chain head")
        verbose_name_plural = _("trail chain head")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="trail_one_chain_head")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
