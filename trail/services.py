"""Writes and checks of the activity trail: append an entry to the chain, record a bulk write, verify,
anchor the chain head outside the database.

Two ways to put an entry on the chain, chosen by settings.TRAIL_SEAL:

- "inline" (the embedded SQLite default): the writer links and hashes its entry itself. SQLite has one
  writer at a time, so a second writer that read the same previous entry cannot write and fails
  ("database is locked") rather than fork the chain.
- "deferred" (the PostgreSQL default): the writer inserts a PendingEntry and takes no lock, so
  concurrent writers are bounded by PostgreSQL, not by one lock held until each commit (issue 17: a
  global advisory lock held to commit was 95% of an election-night entry's latency). The sealer
  (`seal_pending`) numbers, links and hashes pending entries in batches under a transaction-scoped
  advisory lock and deletes them in the same transaction. It runs right after a writer's commit when
  the lock is free (it never waits there), every few seconds from Celery beat ("trail-seal"), and
  before `verify_trail` and every anchor. Chain order is the order of sealing; an entry keeps the time
  of its change, raised where needed so time never runs backwards along the chain.

Per-county chains joined by a root chain were the other design: rejected, because an election night
loads one county's villages together (they vote on the same day), so a county lock would still
serialise the busiest writers, and the root chain needs a sealer of its own anyway. With the deferred
seal one chain stays, so verify_trail, the anchors and every check below are unchanged.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connections, models, router, transaction
from django.db.models import Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import codes
from .anchors import FILE_HEADER, Anchor, AnchorFile, clean_reason, format_line, parse_lines
from .chain import GENESIS, HASHED_FIELDS, entry_hash, plain_json
from .models import Action, ChainHead, PendingEntry, TrailEntry

if TYPE_CHECKING:
    from accounts.models import User

# pg_advisory_xact_lock key of the chain: any constant no other code of the project uses ("trail").
CHAIN_LOCK_KEY = 0x747261696C
CODE_RE = re.compile(r"^\d{12}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

logger = logging.getLogger(__name__)

_acting_user: ContextVar[User | None] = ContextVar("trail_acting_user", default=None)


@contextlib.contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Attribute the changes made inside the block to `user` (commands, Celery tasks, services).

    Web requests are attributed by django-auditlog's middleware already; this also works where there is
    no request, and nests cleanly.
    """
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def current_actor() -> User | None:
    return _acting_user.get()


def _lock_chain(using: str, *, wait: bool = True) -> bool:
    """Take the chain lock until the current transaction ends; False when `wait` is off and it is taken."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _chain_end(using: str) -> tuple[int, str, Any]:
    """(number, hash, time) of the chain's last entry as the chain head records it; read under the lock.

    The head, not the table's highest number: a row slipped in beyond the head without the trail must
    not become the base of the next entry (its number is then taken, the write fails, and verify_trail
    names the row). Before any head exists, the table's last entry (none: the genesis)."""
    head = ChainHead.objects.using(using).filter(pk=1).values("seq", "hash", "at").first()
    if head is None:
        head = TrailEntry.objects.using(using).order_by("-seq").values("seq", "hash", "at").first()
    if head is None:
        return 0, GENESIS, None
    return head["seq"], head["hash"], head["at"]


def _move_head(using: str, seq: int, digest: str, at) -> None:
    head = {"seq": seq, "hash": digest, "at": at}
    if not ChainHead.objects.using(using).filter(pk=1).update(**head):
        ChainHead.objects.using(using).create(pk=1, **head)


def deferred() -> bool:
    """Entries wait for the sealer (settings.TRAIL_SEAL = "deferred") instead of being chained at once."""
    return settings.TRAIL_SEAL == "deferred"


# How many pending entries one sealing transaction chains; a longer backlog takes several.
SEAL_BATCH = 2000
# After a commit a writer seals at most this many (one batch): a clerk's request never carries a backlog.
AFTER_COMMIT_BATCH = 500


def seal_pending(
    *, using: str | None = None, wait: bool = True, batches: int | None = None, batch: int = SEAL_BATCH
) -> int:
    """Chain the pending entries, oldest first: number, link and hash each, then delete it from pending,
    all in one transaction per batch under the chain lock. Returns how many were sealed.

    Seals what was pending when it began (and what committed meanwhile below that), never more: under
    a steady stream of writes it still returns. With `wait` off it returns 0 at once when another
    sealer holds the lock (that one seals what is pending). Entries whose writers have not committed
    yet are not seen; the next run seals them. Runs in either mode: entries left pending when a site
    switched to inline are sealed too.
    """
    using = using or router.db_for_write(TrailEntry)
    upto = PendingEntry.objects.using(using).order_by("-id").values_list("id", flat=True).first()
    if upto is None:
        return 0
    sealed = 0
    done = 0
    while batches is None or done < batches:
        done += 1
        with transaction.atomic(using=using):
            if not _lock_chain(using, wait=wait):
                return sealed
            pending = list(PendingEntry.objects.using(using).filter(id__lte=upto).order_by("id")[:batch])
            if not pending:
                return sealed
            seq, prev_hash, prev_at = _chain_end(using)
            entries = []
            for row in pending:
                seq += 1
                entry = TrailEntry(
                    seq=seq,
                    at=max(row.at, prev_at) if prev_at else row.at,
                    actor_id=row.actor_id,
                    actor_name=row.actor_name,
                    action=row.action,
                    model_label=row.model_label,
                    object_pk=row.object_pk,
                    object_repr=row.object_repr,
                    division_code=row.division_code,
                    changes=row.changes,
                    extra=row.extra,
                    prev_hash=prev_hash,
                    pending_id=row.pk,
                )
                entry.hash = entry_hash(entry.hashed_fields())
                entries.append(entry)
                prev_hash, prev_at = entry.hash, entry.at
            TrailEntry.objects.using(using).bulk_create(entries, batch_size=500)
            _delete_pending(using, [row.pk for row in pending])
            _move_head(using, seq, prev_hash, prev_at)
        # Go on: writers that committed while this batch was sealed woke no sealer (the lock was
        # taken), so one more look catches them; beat catches whatever is still left.
        sealed += len(pending)
    return sealed


def pending_count(using: str | None = None) -> tuple[int, Any]:
    """(how many entries wait for their seal, the time of the oldest)."""
    rows = PendingEntry.objects.using(using or router.db_for_read(PendingEntry))
    oldest = rows.order_by("id").values_list("at", flat=True).first()
    return (rows.count() if oldest is not None else 0), oldest


def _delete_pending(using: str, ids: list[int]) -> None:
    # Raw SQL: the ORM refuses to delete pending entries. On PostgreSQL the trigger of migration 0005
    # lets a row go only once the entry just written names it (pending_id).
    table = PendingEntry._meta.db_table
    deleted = 0
    with connections[using].cursor() as cursor:
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            deleted += cursor.rowcount
    if deleted != len(ids):  # another sealer took some: roll the whole batch back
        raise RuntimeError(f"sealed {len(ids)} pending trail entries but removed {deleted}")


class _SealAfterCommit:
    """The on-commit callback of one database alias, one object per alias so that a transaction with
    many traced writes schedules one seal, not one per write (Django's on_commit has no "once" option,
    hence the look at the connection's own list of callbacks).

    Throttled per process: a seal costs a dozen statements, so under load one writer per process seals
    for all the others at most every TRAIL_SEAL_AFTER_COMMIT_SECONDS, and a quiet office (one writer)
    still sees its change chained at once. What a throttled writer leaves waits for the next writer's
    seal or the beat's."""

    def __init__(self, using: str):
        self.using = using
        self.last = float("-inf")

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self.last < settings.TRAIL_SEAL_AFTER_COMMIT_SECONDS:
            return
        self.last = now
        seal_pending(using=self.using, wait=False, batches=1, batch=AFTER_COMMIT_BATCH)


_after_commit: dict[str, _SealAfterCommit] = {}


def _seal_after_commit(using: str) -> None:
    callback = _after_commit.setdefault(using, _SealAfterCommit(using))
    connection = transaction.get_connection(using)
    if any(entry[1] is callback for entry in getattr(connection, "run_on_commit", ())):
        return
    transaction.on_commit(callback, using=using, robust=True)


def append(
    *,
    action: str,
    model_label: str,
    object_pk: str = "",
    object_repr: str = "",
    division_code: str = "",
    changes: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    actor: User | None = None,
) -> TrailEntry | PendingEntry:
    """Append one entry to the chain (the low-level door; callers use the registry or record_bulk).

    Deferred (settings.TRAIL_SEAL): a PendingEntry, chained by the sealer once this transaction
    commits; inline: the chained TrailEntry itself."""
    using = router.db_for_write(TrailEntry)
    fields = {
        "actor": actor,
        "actor_name": str(actor)[:150] if actor else "",
        "action": action,
        "model_label": model_label,
        "object_pk": str(object_pk)[:64],
        "object_repr": str(object_repr)[:200],
        "division_code": division_code,
        "changes": plain_json(dict(changes or {})),
        "extra": plain_json(dict(extra or {})),
    }
    if deferred():
        # One INSERT and no lock: the sealer numbers and links it (see the module docstring).
        pending = PendingEntry(at=timezone.now(), **fields)
        pending.save(using=using, force_insert=True)
        _seal_after_commit(using)
        return pending
    with transaction.atomic(using=using):
        _lock_chain(using)
        seq, prev_hash, prev_at = _chain_end(using)
        now = timezone.now()
        entry = TrailEntry(
            seq=seq + 1,
            # Never earlier than the entry before, so that time runs forward along the chain even when
            # the clocks of two web servers disagree.
            at=max(now, prev_at) if prev_at else now,
            prev_hash=prev_hash,
            **fields,
        )
        entry.hash = entry_hash(entry.hashed_fields())
        entry.save(using=using)
        _move_head(using, entry.seq, entry.hash, entry.at)
    return entry


def record_bulk(
    *,
    actor: User | None,
    action: str,
    model: type[models.Model] | str,
    division_code: str,
    summary: str,
    counts: Mapping[str, int],
    sha256: str | None = None,
    extra: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    records: Iterable[models.Model] = (),
) -> TrailEntry | PendingEntry:
    """Record a write that model signals do not see (bulk_create, update(), an import, a recompute).

    `action` says what the bulk write did ("import", "recompute", "create"…); the entry's own action is
    always Action.BULK. `division_code` is the 12-digit code of the region it touched (a village for a
    roll import, a county for the weekly recompute), `counts` the rows per outcome, `sha256` the digest
    of the uploaded file. Call it inside the same transaction as the write, so both commit or neither.

    `changes` ({field: [before, after]}, like a captured change) is what the write did to each of
    `records`, the rows it touched, which the entry names (number and description) so that the trail
    says who, not only how many: an `update(elected=True)` of three nominees names the three.
    """
    if not action or not str(action).strip():
        raise ValidationError(codes.MESSAGES[codes.OPERATION_REQUIRED], code=codes.OPERATION_REQUIRED)
    if not summary or not summary.strip():
        raise ValidationError(codes.MESSAGES[codes.SUMMARY_REQUIRED], code=codes.SUMMARY_REQUIRED)
    if not CODE_RE.match(division_code or ""):
        raise ValidationError(codes.MESSAGES[codes.DIVISION_CODE_INVALID], code=codes.DIVISION_CODE_INVALID)
    if sha256 is not None and not SHA256_RE.match(sha256):
        raise ValidationError(codes.MESSAGES[codes.SHA256_INVALID], code=codes.SHA256_INVALID)
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts.values()):
        raise ValidationError(codes.MESSAGES[codes.COUNTS_INVALID], code=codes.COUNTS_INVALID)
    label = model if isinstance(model, str) else model._meta.label_lower
    details: dict[str, Any] = {**(extra or {}), "operation": str(action), "counts": dict(counts)}
    if sha256 is not None:
        details["sha256"] = sha256
    named = [{"pk": str(r.pk), "repr": str(r)[:200]} for r in records]
    if named:
        details["records"] = named
    return append(
        action=Action.BULK,
        model_label=label.lower(),
        object_repr=summary.strip(),
        division_code=division_code,
        changes=changes,
        extra=details,
        actor=actor or current_actor(),
    )


class Problem(NamedTuple):
    """One thing wrong with the chain: the entry it names, what kind of problem, and the detail."""

    seq: int
    kind: str  # "altered" | "removed" | "out_of_order" | "bad_link"
    detail: str


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[Problem] = field(default_factory=list)
    head_seq: int = 0
    head_hash: str = GENESIS


def verify_chain(*, anchors: Iterable[Anchor | tuple[int, str]] = ()) -> VerifyResult:
    """Walk the whole chain and report every entry that was altered, removed or inserted.

    - altered: the stored hash is not the hash of the entry's fields, or not the hash an anchor (the
      anchor file, a code from a paper, a head printed by `verify_trail`) says the entry had: the chain
      was rewritten as a whole after that anchor was taken;
    - removed: numbers are missing, the chain head names entries that are gone, or an anchor names an
      entry that is gone (the table was emptied or cut short and perhaps begun again);
    - out_of_order: time runs backwards, or rows lie beyond the chain head (added around the trail);
    - bad_link: an entry's previous hash is not the hash of the entry before it (the one before was
      replaced with a re-hashed copy).
    A hash chain without a secret proves consistency; the anchors, kept where the database cannot reach,
    also prove that nobody rewrote or emptied the whole chain.
    """
    anchors = [a if isinstance(a, Anchor) else Anchor(seq=a[0], digest=a[1]) for a in anchors]
    head = ChainHead.objects.filter(pk=1).values("seq", "hash").first()
    entries = TrailEntry.objects.order_by("seq").values(*HASHED_FIELDS, "hash")
    if head is not None:
        entries = entries.filter(seq__lte=head["seq"])
    problems: list[Problem] = []
    expected_seq, prev_hash, prev_at = 1, GENESIS, None
    checked = 0
    for row in entries.iterator(chunk_size=2000):
        checked += 1
        seq = row["seq"]
        gap = seq != expected_seq
        if gap:
            problems.append(
                Problem(expected_seq, "removed", f"entries {expected_seq}–{seq - 1} are missing before {seq}")
            )
        if entry_hash(row) != row["hash"]:
            problems.append(Problem(seq, "altered", "its content no longer matches its hash"))
        elif not gap and row["prev_hash"] != prev_hash:
            problems.append(
                Problem(seq, "bad_link", f"it does not link to entry {seq - 1}, which was replaced")
            )
        if prev_at is not None and row["at"] < prev_at:
            problems.append(
                Problem(
                    seq,
                    "out_of_order",
                    f"recorded at {row['at']:%Y-%m-%d %H:%M:%S}, before the entry before it",
                )
            )
        expected_seq, prev_hash, prev_at = seq + 1, row["hash"], row["at"]
    last_seq = expected_seq - 1
    if head is None:
        if checked:
            problems.append(Problem(last_seq, "removed", "the chain head record is missing"))
    else:
        if head["seq"] > last_seq:
            problems.append(
                Problem(
                    last_seq + 1, "removed", f"entries {last_seq + 1}–{head['seq']} are missing at the end"
                )
            )
        elif head["hash"] != prev_hash:
            problems.append(Problem(last_seq, "altered", "it no longer matches the chain head"))
        beyond = TrailEntry.objects.filter(
            seq__gt=Subquery(ChainHead.objects.filter(pk=1).values("seq"))
        ).values_list("seq", flat=True)
        problems.extend(
            Problem(
                seq, "out_of_order", "it was added without going through the trail (beyond the chain head)"
            )
            for seq in beyond.order_by("seq")
        )
    problems.extend(_anchor_problems(anchors))
    problems.sort(key=lambda p: p.seq)
    return VerifyResult(
        ok=not problems,
        checked=checked,
        problems=problems,
        head_seq=last_seq,
        head_hash=prev_hash,
    )


def _anchor_problems(anchors: list[Anchor]) -> list[Problem]:
    """Each anchor's entry must still exist and still have the hash the anchor recorded."""
    wanted = sorted({a.seq for a in anchors})
    stored: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        stored.update(
            TrailEntry.objects.filter(seq__in=wanted[start : start + 500]).values_list("seq", "hash")
        )
    problems = []
    for anchor in sorted(anchors, key=lambda a: a.seq):
        current = stored.get(anchor.seq)
        if current is None:
            problems.append(
                Problem(
                    anchor.seq,
                    "removed",
                    f"the entry is gone, but {anchor.describe()} recorded it: the trail was emptied or cut "
                    "short (and perhaps begun again)",
                )
            )
        elif not anchor.matches(current):
            problems.append(
                Problem(
                    anchor.seq,
                    "altered",
                    f"its hash {current[:16]}… differs from {anchor.digest[:16]}… recorded by "
                    f"{anchor.describe()}: the chain was rewritten after that anchor",
                )
            )
    return problems


# Anchors (issue 12: the trail must show a rewrite even by the database's superuser). The
# database's own defences (the append-only and TRUNCATE triggers of migrations 0002 and 0003) stop the
# application's role and mistakes; a superuser can drop or disable them, or re-hash the whole chain. What
# catches that is the chain head written down where the database's superuser cannot rewrite it: the file
# TRAIL_ANCHOR_FILE must live on storage that account cannot write (another machine's mount, opened by
# the app for appending only, e.g. `chattr +a` or a write-once bucket), and the mails to
# TRAIL_ANCHOR_EMAILS and the codes printed on signed papers are further copies.


@dataclass
class RecordedAnchor:
    anchor: Anchor
    written: bool  # False: this head was already in the file, nothing was appended
    mailed: bool = False


def anchor_file_path() -> Path:
    return Path(str(settings.TRAIL_ANCHOR_FILE))


def read_anchor_file(path: Path | str | None = None) -> AnchorFile:
    """Every anchor recorded in the anchor file (settings.TRAIL_ANCHOR_FILE unless `path` is given)."""
    path = Path(str(path)) if path is not None else anchor_file_path()
    try:
        with open(path, encoding="utf-8") as fh:
            return parse_lines(fh, path=str(path))
    except FileNotFoundError:
        return AnchorFile(path=str(path), exists=False, anchors=[], unreadable=[])


def record_anchor(*, reason: str) -> RecordedAnchor | None:
    """Append the chain head (time, entry number, hash, short code, `reason`) to the anchor file, and mail
    it to settings.TRAIL_ANCHOR_EMAILS; None when the trail is still empty.

    Idempotent: a head already in the file is neither written nor mailed again. The file is only ever
    opened for appending, under an exclusive lock (two anchors taken at once cannot interleave), and
    synced to disk before this returns. A mail that fails is logged: the file holds the anchor.
    """
    reason = clean_reason(reason)
    if not reason:
        raise ValidationError(codes.MESSAGES[codes.ANCHOR_REASON_REQUIRED], code=codes.ANCHOR_REASON_REQUIRED)
    seal_pending()  # the anchor is of the chain as it stands, every committed change included
    head = TrailEntry.objects.order_by("-seq").values("seq", "hash").first()
    if head is None:
        return None
    anchor = Anchor(
        seq=head["seq"],
        digest=head["hash"],
        at=timezone.localtime().replace(microsecond=0),
        reason=reason,
    )
    path = anchor_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    # "a+": every write goes to the end whatever the position (O_APPEND), which an append-only file
    # (chattr +a) allows; reading it back under the lock is what makes a second run skip the same head.
    with open(path, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        content = fh.read()
        for earlier in parse_lines(content.splitlines(), path=str(path)).anchors:
            if (earlier.seq, earlier.digest) == (anchor.seq, anchor.digest):
                return RecordedAnchor(anchor=earlier, written=False)
        # A new file opens with the header; a line torn by a crash is ended first, so it stays one
        # unreadable line that verify_trail reports instead of swallowing this anchor.
        lead = FILE_HEADER if not content else ("" if content.endswith("\n") else "\n")
        fh.write(lead + format_line(anchor))
        fh.flush()
        os.fsync(fh.fileno())
    if created:
        _sync_directory(path.parent)
    logger.info("trail anchored at %s (%s) in %s", anchor.code, reason, path)
    return RecordedAnchor(anchor=anchor, written=True, mailed=_mail_anchor(anchor))


def _sync_directory(folder: Path) -> None:
    """A new file's name is durable only once its folder is synced too."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _mail_anchor(anchor: Anchor) -> bool:
    recipients = list(settings.TRAIL_ANCHOR_EMAILS)
    if not recipients:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Activity trail anchor %(code)s") % {"code": anchor.code}
        body = _(
            "The activity trail's chain head, to keep outside the system.\n\n"
            "Check code: %(code)s\nEntry number: %(seq)s\nSHA-256: %(hash)s\nTaken at: %(at)s\n"
            "Reason: %(reason)s\n\n"
            "Keep this mail. Whoever checks the trail later runs verify_trail --anchor with this code: "
            "the entry must still have this hash."
        ) % {
            "code": anchor.code,
            "seq": anchor.seq,
            "hash": anchor.digest,
            "at": f"{anchor.at:%Y-%m-%d %H:%M:%S %z}",
            "reason": anchor.reason,
        }
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # the anchor is in the file already; a lost mail must not undo or repeat it
        logger.exception("the trail anchor %s could not be mailed to %s", anchor.code, recipients)
        return False
    return True


def anchor_on_commit(reason: str, *, using: str | None = None) -> None:
    """Anchor the chain head once the current transaction commits (a cycle milestone: the head then
    includes the milestone's own entries). Sent to Celery; robust: a broker that is down is logged and
    never fails the milestone, whose anchor the nightly beat writes anyway."""
    from .tasks import anchor_trail  # the task module imports this one

    def after_commit():
        # Chained now, before any paper prints the head's code: the milestone's own entries included.
        seal_pending(using=using)
        anchor_trail.delay(reason=reason)

    transaction.on_commit(after_commit, using=using, robust=True)
