"""Writes of voter registration: imports, publication, changes after publication (one transaction each)."""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import may
from elections import permits
from elections.bulk import Encoded, SequenceConnection, allocate_ids, batched, encode_rows, send_rows
from elections.models import Region, Stage, VillageElection
from elections.races import insert_once
from trail.services import acting_as, record_bulk
from voters import codes
from voters import kinship as kinship_rules
from voters.importing import COLUMN_TITLES, CheckedRow, Phases, RowChecker
from voters.kinship import household_links
from voters.models import (
    ConflictRequest,
    Household,
    ImportJob,
    Kinship,
    LeftOffReason,
    ProxyAuthorisation,
    Resident,
    RollChange,
    RollObjection,
    RollPublication,
    Status,
    VoterRegistration,
)
from voters.reading import RollFileError, read_roll
from voters.rules import age_day, before_polling_day, mask_id_number

WRITE_BATCH = 5_000
# Rows checked, compared and written at a time (the unit of overlap between Python and the database).
CHUNK_ROWS = 5_000
WRITER_SWITCH_INTERVAL = 0.0005  # seconds (see _ChunkWriter)
LOOKAHEAD = 3  # chunks checked and looked up ahead of the one being handed to the writer
# A load of at least this many rows is followed by ANALYZE of the tables it wrote (PostgreSQL), so the
# next import's lookups are planned on real statistics (issue 12: >15 min without, 4.45 s with).
ANALYZE_AFTER_ROWS = 1_000
# … of those tables whose statistics it outgrew: rows changed since their last ANALYZE, this load's
# included, more than this share of the rows the statistics know (autovacuum's analyze scale factor, as
# risk.recompute uses it). A table that had none (the first load, issue 12's case) always is; 2,000 rows
# into a province's million are not worth a pass over samples of every column.
ANALYZE_SCALE = 0.1
Progress = Callable[[float], None]
logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), in the shape the command's --json prints."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    rows_read: int = 0
    header_row: int | None = None
    file_error: dict | None = None
    sha256: str = ""
    election_day: str = ""
    dry_run: bool = True
    # Seconds per phase (parse, normalise, check, prepare, lookup, write, trail, commit …): not part of
    # the report shown or stored (the roll import benchmark prints them).
    phases: Phases = field(default_factory=Phases, compare=False, repr=False)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": self.errors,
            "warnings": self.warnings,
            "duplicates": [{k: d[k] for k in ("row", "kind", "other")} for d in self.duplicates],
        }

    def as_stored(self) -> dict:
        return {
            **self.as_dict(),
            "duplicates": self.duplicates,  # with the names, for the conflicts page
            "warnings": self.warnings,
            "rows_read": self.rows_read,
            "header_row": self.header_row,
            "file_error": self.file_error,
            "sha256": self.sha256,
            "election_day": self.election_day,
            "dry_run": self.dry_run,
        }


def _roll_published(election: VillageElection) -> bool:
    return election.roll_publications.exists()


ROLL_EDIT = "roll.edit"


def require_roll_work(election: VillageElection, *, reason: str = "", checking: bool = False) -> None:
    """The stage's word on roll work (elections.permits), asked first by every door that changes the roll.

    `checking`: an upload kept for its check, which writes nothing to the roll yet. It is refused where
    the roll is closed, so the clerk learns it before the file is checked; but in a completed election,
    where a correction is accepted with its reason, it goes ahead and the confirmation asks the reason.

    A dry run (`import_roll(dry_run=True)`, the `--dry-run` of import_voters, the check of an uploaded
    file) is not asked: it writes nothing anywhere, a township may check its files in preparation, and
    the job's page shows the closed door in place of the confirmation. Its write is asked again.
    """
    error = permits.refusal(election, ROLL_EDIT, reason=reason)
    if error is None:
        return
    if checking and error.code == permits.COMPLETED and permits.ACTIONS[ROLL_EDIT].correctable:
        return
    raise error


def _logs_changes(election: VillageElection) -> bool:
    """Changes are logged with their reason once the roll is published, and in a completed election."""
    return election.stage == Stage.COMPLETED or _roll_published(election)


def import_roll(
    *, election: VillageElection, file, by, dry_run: bool, reason: str = "", progress: Progress | None = None
) -> ImportReport:
    """Check a roll file and, unless `dry_run`, write its accepted rows in one transaction.

    DOMAIN.md "Voter registration": no wrong entries (every row checked), no duplicates (within the file,
    against this roll, and against every other village's roll of the cycle), nothing half-written: any
    database error leaves the roll exactly as it was. After publication, every change needs a reason and
    is logged as a roll change. Re-importing the same file changes nothing.

    The stage is asked first (`require_roll_work`), unless it is a dry run, which writes nothing.
    """
    if not dry_run:
        require_roll_work(election, reason=reason)
    report = ImportReport(dry_run=dry_run)
    started = time.perf_counter()
    tick = progress or (lambda fraction: None)
    data = file.read() if hasattr(file, "read") else open(file, "rb").read()  # noqa: SIM115
    report.sha256 = hashlib.sha256(data).hexdigest()
    day = age_day(election)
    report.election_day = day.isoformat()
    published = _logs_changes(election)
    if published and not dry_run and not reason.strip():
        raise ValidationError(codes.MESSAGES[codes.CHANGE_NEEDS_REASON], code=codes.CHANGE_NEEDS_REASON)
    try:
        with report.phases.timing("parse"):
            sheet = read_roll(io.BytesIO(data))
    except RollFileError as error:
        report.file_error = {"code": error.code, "message": str(error.message)}
        return report
    report.header_row = sheet.header_row
    _register_rows(
        election=election,
        rows=sheet.rows,
        repeated_ids=sheet.repeated_ids,
        total_rows=sheet.row_count,
        by=by,
        dry_run=dry_run,
        reason=reason if published else "",
        report=report,
        tick=tick,
        summary=_("Roll import into %(village)s") % {"village": election.village.name},
    )
    report.phases.add("total", time.perf_counter() - started)
    return report


def kinship_after_write(*, election: VillageElection, report: ImportReport) -> None:
    """Derive the village's household kinship after a write that added or changed people, on every
    door that writes the roll (the web import's job, `import_voters`, `register_person`), so the
    avoidance checks never miss the relatives of people imported one way rather than another.
    (`import_roll` itself does not: its callers do, outside the import's own timing and transaction.)

    The roll is written by then: a failure is logged, and the next write derives the links again."""
    if not (report.created or report.updated):
        return
    try:
        derive_household_kinship(village_id=election.village_id)
    except Exception:
        logger.exception("deriving household kinship of village %s failed", election.village_id)


def _register_rows(
    *,
    election,
    rows,
    by,
    dry_run,
    reason,
    report,
    tick,
    summary,
    repeated_ids=None,
    total_rows=0,
) -> None:
    """The one path from rows to the roll: check, compare with the database, write, trail (one transaction).

    The rows are checked a chunk at a time. Each chunk's database work — its duplicate lookup, then its
    writes — goes to the writer (`_ChunkWriter`): on PostgreSQL a second thread sharing this connection
    and its transaction, so the database works while this thread checks the next chunks and prepares
    the writes of those already looked up (`_prepare`: compare, draw ids, encode). Rows whose ID number
    repeats in the file wait until the end (`importing.RowChecker`).
    """
    checker = RowChecker(election_day=age_day(election), repeated=repeated_ids)
    state = _ImportState(election=election, report=report, dry_run=dry_run, reason=reason, by=by)
    threaded = connection.vendor == "postgresql" and total_rows > CHUNK_ROWS
    phases = report.phases
    look_up, send = phases.timed("lookup", _look_up), phases.timed("write", _send)
    committing = None
    try:
        with (
            transaction.atomic() if not dry_run else nullcontext(),
            SequenceConnection(open_it=threaded and not dry_run) as ids,
        ):
            writer = _ChunkWriter(threaded=threaded)
            with writer:
                if not dry_run:
                    writer.submit(_check_constraints_now, True)
                    writer.submit(phases.timed("lookup", _load_households), state)
                # Each chunk's lookup is queued as soon as the chunk is checked and its writes once the
                # lookup is back, so the writer goes lookup, write, lookup, write … without waiting.
                lookups: deque[tuple[Future, list[CheckedRow]]] = deque()

                def hand_over() -> None:
                    known, ready = lookups.popleft()
                    with phases.timing("wait"):
                        found = known.result()
                    batch = _prepare(state, ready, found, ids)
                    if batch is not None:
                        writer.submit(send, state, batch)

                done = 0
                chunks = batched(rows, CHUNK_ROWS)
                while True:
                    # The rows' cells are cleaned as they are read (reading.RollSheet.rows is lazy).
                    with phases.timing("normalise"):
                        chunk = next(chunks, None)
                    if chunk is None:
                        break
                    with phases.timing("check"):
                        ready = checker.feed(chunk)
                    if ready:
                        lookups.append((writer.submit(look_up, state, ready), ready))
                    while len(lookups) > LOOKAHEAD or (lookups and lookups[0][0].done()):
                        hand_over()
                    done += len(chunk)
                    if total_rows:
                        writer.submit(tick, 0.9 * min(done / total_rows, 1.0))
                with phases.timing("check"):
                    final = checker.finish()
                if final:
                    lookups.append((writer.submit(look_up, state, final), final))
                while lookups:
                    hand_over()
                waiting = time.perf_counter()
            phases.add("wait", time.perf_counter() - waiting)  # for the writer's last chunks
            if not dry_run:
                with phases.timing("constraints"):
                    _check_constraints_now(False)
            checked = checker.result
            report.rows_read = checked.rows_read
            report.errors = sorted(checked.errors + report.errors, key=_by_row)
            report.warnings = checked.warnings
            report.duplicates = sorted(checked.duplicates + report.duplicates, key=_by_row)
            report.rejected = len(checked.rejected_rows | state.rejected_rows)
            if dry_run or not state.wrote:
                return
            # Bulk writes bypass the per-object capture: the import records its own trail entry.
            with phases.timing("trail"):
                record_bulk(
                    actor=by,
                    action="import",
                    model=VoterRegistration,
                    division_code=election.division_code,
                    summary=summary,
                    counts={
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                        "rejected": report.rejected,
                    },
                    sha256=report.sha256 or None,
                )
            committing = time.perf_counter()
    except (IntegrityError, connection.Database.IntegrityError) as error:  # COPY's errors are the driver's
        raise ValidationError(codes.MESSAGES[codes.IMPORT_CONFLICT], code=codes.IMPORT_CONFLICT) from error
    if committing is not None:
        # The outermost atomic block commits here (deferred checks, WAL flush); inside a caller's
        # transaction it is only a savepoint's release.
        phases.add("commit", time.perf_counter() - committing)
    if not dry_run and report.created + report.updated >= ANALYZE_AFTER_ROWS:
        analyze_after_commit(
            Household,
            Resident,
            VoterRegistration,
            RollChange,
            phases=phases,
            loaded=report.created + report.updated,
        )
    tick(1.0)


def analyze_after_commit(*models, phases: Phases | None = None, loaded: int | None = None) -> None:
    """ANALYZE the tables of `models` once the current transaction commits (at once outside one), on
    PostgreSQL: a bulk load leaves the planner without statistics where autovacuum is off or late.

    With `loaded` (the rows the load wrote, at most this many in each table), only the tables it took
    past `ANALYZE_SCALE` of their statistics are analyzed (`_outgrown`). A failure is logged and does
    not undo the load (`robust`). Its time goes to `phases` ("analyze")."""
    if connection.vendor != "postgresql":
        return
    names = [model._meta.db_table for model in models]

    def analyze() -> None:
        with phases.timing("analyze") if phases else nullcontext(), connection.cursor() as cursor:
            chosen = names if loaded is None else _outgrown(cursor, names, loaded)
            if chosen:
                cursor.execute(f"ANALYZE {', '.join(map(connection.ops.quote_name, chosen))}")

    transaction.on_commit(analyze, robust=True)


def _outgrown(cursor, tables: list[str], loaded: int) -> list[str]:
    """Those of `tables` whose rows changed since their last ANALYZE are more than `ANALYZE_SCALE` of the
    rows their statistics know (none: -1 or 0), in the order given. The changes are the activity
    statistics' count, or `loaded` when more: they may or may not count the load's commit yet."""
    cursor.execute(
        "SELECT c.relname, c.reltuples, COALESCE(s.n_mod_since_analyze, 0) FROM pg_class c"
        " LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid"
        " WHERE c.oid = ANY(%s::regclass[])",
        [tables],
    )
    known = {name: (estimated, modified) for name, estimated, modified in cursor.fetchall()}
    return [
        t for t in tables if t not in known or max(known[t][1], loaded) > ANALYZE_SCALE * max(known[t][0], 0)
    ]


def _by_row(entry: dict) -> int:
    return entry["row"]


def _check_constraints_now(now: bool) -> None:
    """Check foreign keys as each row is written rather than all at the commit: on PostgreSQL the checks
    then run while the next chunks are being checked, instead of after everything. Put back (Django's
    deferred checks) once the rows are written, for whatever the caller's transaction does next."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS ALL {'IMMEDIATE' if now else 'DEFERRED'}")


@dataclass
class _ImportState:
    election: VillageElection
    report: ImportReport
    dry_run: bool
    reason: str
    by: object
    rejected_rows: set[int] = field(default_factory=set)
    wrote: bool = False
    households: dict[str, int] = field(default_factory=dict)


def _load_households(state: _ImportState) -> None:
    state.households = dict(
        Household.objects.filter(village_id=state.election.village_id).values_list("number", "id")
    )


def _look_up(state: _ImportState, rows: list[CheckedRow]) -> _Known:
    """What the database holds of these rows' people (run by the writer while the next chunk is checked)."""
    return _known(state.election.cycle_id, [r.id_number for r in rows])


@dataclass
class _Batch:
    """One chunk's writes, prepared (compared, ids drawn, rows encoded) by the checking thread and sent
    by the writer, so the database never waits for Python between two chunks."""

    households: Encoded
    residents: Encoded
    registrations: Encoded
    changed_residents: list[Resident]
    changed_registrations: list[tuple[CheckedRow, int]]
    roll_changes: list[RollChange]
    now: datetime.datetime


class _ChunkWriter:
    """Runs submitted database work in order: inline, or on one worker thread sharing this connection.

    Django lets a second thread use a connection once it is marked as shared (as its live test server
    does); the calling thread must then leave the database alone until the writer is closed, which
    `_register_rows` does (it only checks rows meanwhile). After a failure the remaining work is skipped
    and the error is raised by `__exit__`, inside the caller's transaction, which then rolls back.
    """

    def __init__(self, *, threaded: bool) -> None:
        self._threaded = threaded
        self._executor: ThreadPoolExecutor | None = None
        self._futures: list = []
        self._failed = False

    def __enter__(self) -> _ChunkWriter:
        if self._threaded:
            shared = connections[DEFAULT_DB_ALIAS]
            shared.ensure_connection()
            shared.inc_thread_sharing()
            self._shared = shared
            self._executor = ThreadPoolExecutor(
                max_workers=1, initializer=connections.__setitem__, initargs=(DEFAULT_DB_ALIAS, shared)
            )
            # The writer holds the interpreter lock only briefly between database calls, but waits for it
            # after each one: by default up to 5 ms while the checking thread runs, a hundred times an import.
            self._interval = sys.getswitchinterval()
            sys.setswitchinterval(WRITER_SWITCH_INTERVAL)
        return self

    def submit(self, fn, *args) -> Future:
        if self._executor is None:
            future: Future = Future()
            future.set_result(fn(*args))
            return future
        future = self._executor.submit(self._run, fn, *args)
        self._futures.append(future)
        return future

    def _run(self, fn, *args):
        if self._failed:
            raise _Skipped
        try:
            return fn(*args)
        except BaseException:
            self._failed = True
            raise

    def __exit__(self, exc_type, exc, traceback) -> None:
        if self._executor is None:
            return
        if exc_type is not None:  # the caller failed: what is still queued would be rolled back anyway
            self._failed = True
        self._executor.shutdown(wait=True, cancel_futures=exc_type is not None)
        sys.setswitchinterval(self._interval)
        self._shared.dec_thread_sharing()
        if exc_type is not None and exc_type is not _Skipped:
            return
        for future in self._futures:
            error = future.exception()
            if error is not None and not isinstance(error, _Skipped):
                raise error  # the first failure; the caller's transaction rolls back


class _Skipped(Exception):
    """Work not done because earlier work on the writer failed."""


# A twin that lost a race reads again; a third loss in a row is reported as a conflict, not retried.
RACE_ATTEMPTS = 3


def register_person(
    *, election: VillageElection, values: dict, by, reason: str = "", update_existing: bool = False
) -> ImportReport:
    """Add one person on the roll from the form, or correct them once the clerk has compared and chosen to:
    the same checks and writes as an import.

    `values` holds the roll's fields (name, id_number, sex, group, category, phone, relation_to_head …) as
    typed; they are normalised like spreadsheet cells. After publication a reason is required.

    Nothing is overwritten silently (issue 14): a person whose ID number is already on this roll with other
    details is refused with `codes.ALREADY_ON_ROLL` (nothing written) unless `update_existing`, which the
    clerk chooses after seeing the record beside the new values (`selectors.on_this_roll`). The same
    details typed again change nothing and need no reason (`report.unchanged`). A person on another
    village's roll is refused (`codes.DUPLICATE_OTHER_VILLAGE`) and never moved.

    The same person sent twice at once (a double click, two clerks, or two villages) is answered as if
    the requests had come one after the other: the twin that loses the race on a unique constraint is
    undone in its savepoint, reads the roll again and gets "already on the roll" (or "registered in
    another village"). A person registered elsewhere is named with the place only if `by`'s
    jurisdiction covers it (selectors.disclosed_errors).

    The household's close-relative links are derived afterwards, as after a web import
    (`derive_household_kinship`), so the avoidance checks see the relatives of a person typed in.
    """
    from voters import selectors
    from voters.reading import RollRow, normalise_cells

    require_roll_work(election, reason=reason)
    published = _logs_changes(election)
    cleaned, issues = normalise_cells(values)
    id_number = cleaned.get("id_number")
    taken_off = (
        VoterRegistration.objects.filter(election=election, resident__id_number=id_number)
        .exclude(status=Status.REGISTERED)
        .first()
        if isinstance(id_number, str) and id_number
        else None
    )
    if taken_off is not None:
        # 补登 of a person taken off this roll: the import engine only matches registered rows and would
        # insert a second registration; the person is registered again, then their details are compared.
        if published and not reason.strip():
            raise ValidationError(codes.MESSAGES[codes.CHANGE_NEEDS_REASON], code=codes.CHANGE_NEEDS_REASON)
        with transaction.atomic():
            reinstate(registration=taken_off, reason=reason or str(_("Registered again")), by=by)
            return register_person(
                election=election, values=values, by=by, reason=reason, update_existing=True
            )
    rows = [RollRow(1, cleaned, issues)]
    summary = _("Registration in %(village)s") % {"village": election.village.name}
    day = age_day(election).isoformat()
    # COPY goes through the driver's cursor, whose IntegrityError Django does not wrap in its own.
    races = (IntegrityError, connection.Database.IntegrityError)
    for attempt in range(1, RACE_ATTEMPTS + 1):
        report = ImportReport(dry_run=False, election_day=day)
        try:
            with transaction.atomic():
                preview = ImportReport(dry_run=True, election_day=day)
                _register_rows(
                    election=election,
                    rows=rows,
                    by=by,
                    dry_run=True,
                    reason="",
                    report=preview,
                    tick=lambda f: None,
                    summary=summary,
                )
                if preview.errors:
                    report = preview  # the row's problems, all of them, before anything is asked
                    break
                if preview.unchanged:
                    return preview  # already on the roll with exactly these details: nothing to write
                if preview.updated and not update_existing:
                    raise ValidationError(codes.MESSAGES[codes.ALREADY_ON_ROLL], code=codes.ALREADY_ON_ROLL)
                if published and not reason.strip():
                    raise ValidationError(
                        codes.MESSAGES[codes.CHANGE_NEEDS_REASON], code=codes.CHANGE_NEEDS_REASON
                    )
                _register_rows(
                    election=election,
                    rows=rows,
                    by=by,
                    dry_run=False,
                    reason=reason if published else "",
                    report=report,
                    tick=lambda f: None,
                    summary=summary,
                )
        except races as error:
            if attempt == RACE_ATTEMPTS:
                raise ValidationError(
                    codes.MESSAGES[codes.IMPORT_CONFLICT], code=codes.IMPORT_CONFLICT
                ) from error
        except ValidationError as error:
            if getattr(error, "code", None) != codes.IMPORT_CONFLICT or attempt == RACE_ATTEMPTS:
                raise
        else:
            break
    if report.errors:
        shown = selectors.disclosed_errors(user=by, errors=report.errors)
        raise ValidationError(
            [ValidationError(e["message"], code=e["code"], params={"column": e["column"]}) for e in shown]
        )
    kinship_after_write(election=election, report=report)
    return report


@transaction.atomic
def leave_off(*, registration: VoterRegistration, reason_code: str, note: str, by) -> VoterRegistration:
    """Take a person off the roll with the reason the law allows (除名); logged once the roll is published."""
    election = registration.election
    require_roll_work(election, reason=note)  # the note is the reason of a correction
    if reason_code not in LeftOffReason.values:
        raise ValidationError(codes.MESSAGES[codes.CHOICE_INVALID], code=codes.CHOICE_INVALID)
    published = _logs_changes(election)
    if published and not note.strip():
        raise ValidationError(codes.MESSAGES[codes.CHANGE_NEEDS_REASON], code=codes.CHANGE_NEEDS_REASON)
    registration.status = Status.LEFT_OFF
    registration.left_off_reason = reason_code
    registration.note = note[:200]
    registration.full_clean()
    registration.save(update_fields=["status", "left_off_reason", "note", "updated_at"])
    _end_proxies_of(registration, by=by)
    if published:
        RollChange.objects.create(
            election=election,
            registration=registration,
            division_code=election.division_code,
            kind=RollChange.Kind.REMOVE,
            reason=note,
            by=by,
            after={
                "name": registration.resident.name,
                "id_number": mask_id_number(registration.resident.id_number),
                "left_off_reason": reason_code,
            },
        )
    return registration


def _end_proxies_of(registration: VoterRegistration, *, by) -> None:
    """A voter taken off the roll before polling day neither gives nor holds a proxy any more: each one in
    force is revoked with that reason (kept, and trailed row by row). After the day they stand as used."""
    if not before_polling_day(timezone.localdate(), registration.election.election_day):
        return
    touching = ProxyAuthorisation.objects.select_for_update().filter(
        Q(grantor=registration) | Q(proxy=registration), revoked_at__isnull=True
    )
    for authorisation in touching:
        authorisation.revoked_at = timezone.now()
        authorisation.revoked_by = by
        authorisation.revoke_reason = _("The voter was taken off the roll")
        authorisation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])


def _settles_for(user, code: str) -> bool:
    """A township office (or a superuser) whose jurisdiction covers the village of this code."""
    from voters import selectors

    return selectors.may_settle_conflicts(user) and Region.objects.visible_to(user).filter(code=code).exists()


def request_conflict_resolution(
    *, election: VillageElection, registration_id: int, by, note: str = ""
) -> ConflictRequest:
    """Ask the township holding another registration of a person to settle it (DOMAIN.md 不重登).

    Only a person among the village's conflicts (its latest upload) can be asked about, and only while
    still registered elsewhere in the cycle, so no township can probe other rolls by id. One open
    request per person and village: asking again, or twice at the same moment, returns the open one.
    """
    from voters import selectors

    require_roll_work(
        election, reason=note
    )  # the requesting village's roll (a note says why, once completed)
    if not _settles_for(by, election.division_code):
        raise PermissionDenied
    registration = None
    if selectors.conflict_in_latest_upload(election=election, registration_id=registration_id):
        registration = (
            VoterRegistration.objects.filter(
                pk=registration_id, cycle_id=election.cycle_id, status=Status.REGISTERED
            )
            .exclude(election=election)
            .first()
        )
    if registration is None:
        raise ValidationError(codes.MESSAGES[codes.CONFLICT_NOT_FOUND], code=codes.CONFLICT_NOT_FOUND)
    pending = ConflictRequest.objects.filter(
        election=election, resident_id=registration.resident_id, state=ConflictRequest.State.OPEN
    )
    existing = pending.first()
    if existing is not None:
        return existing
    request = ConflictRequest(
        cycle_id=election.cycle_id,
        election=election,
        division_code=election.division_code,
        resident_id=registration.resident_id,
        registration=registration,
        holding_code=registration.division_code,
        note=note.strip()[:200],
        requested_by=by,
    )
    return insert_once(request, twin=pending)  # a concurrent twin sent it first: the same request


@transaction.atomic
def answer_conflict_request(
    *, request: ConflictRequest, by, keep: bool, note: str, reason_code: str = ""
) -> ConflictRequest:
    """The holding township's answer: keep the person on its roll (saying why), or take them off it with
    the legal reason (`leave_off`), after which the requesting village can register them. Answered once."""
    request = ConflictRequest.objects.select_for_update().get(pk=request.pk)
    holding = request.registration
    if (
        holding is not None
    ):  # the roll that keeps or loses the person (a registration gone: nothing to change)
        require_roll_work(holding.election, reason=note)
    if not _settles_for(by, request.holding_code):
        raise PermissionDenied
    if request.state != ConflictRequest.State.OPEN:
        raise ValidationError(codes.MESSAGES[codes.CONFLICT_ANSWERED], code=codes.CONFLICT_ANSWERED)
    note = note.strip()
    if keep:
        if not note:
            raise ValidationError(
                codes.MESSAGES[codes.CONFLICT_KEEP_NEEDS_NOTE], code=codes.CONFLICT_KEEP_NEEDS_NOTE
            )
        request.state = ConflictRequest.State.KEPT
    else:
        registration = holding
        if registration is not None and registration.status == Status.REGISTERED:
            leave_off(registration=registration, reason_code=reason_code, note=note, by=by)
        request.state = ConflictRequest.State.RELEASED
    request.answer_note = note[:300]
    request.answered_by = by
    request.answered_at = timezone.now()
    request.save(update_fields=["state", "answer_note", "answered_by", "answered_at"])
    return request


@dataclass
class _Plan:
    new: list[CheckedRow] = field(default_factory=list)
    new_for_existing: list[tuple[CheckedRow, int]] = field(default_factory=list)
    changed_residents: list[tuple[CheckedRow, int]] = field(default_factory=list)
    changed_registrations: list[tuple[CheckedRow, int]] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)


EXISTING_SQL = """
    SELECT r.id, r.id_number, r.division_code, r.name, r.sex, r.birth_date, r.phone, r.address,
           r.relation_to_head, r.has_hukou, r.party_member, r.education,
           g.election_id, g."group", g.category, g.division_code, g.id
    FROM {source}
    JOIN voters_resident r ON r.id_number = wanted.id_number
    LEFT JOIN voters_voterregistration g
           ON g.resident_id = r.id AND g.cycle_id = %s AND g.status = 'registered'
"""


def _existing(cycle_id: int, id_numbers: list[str]) -> list[tuple]:
    """Residents with these ID numbers and their registration in the cycle, in one join.

    On PostgreSQL the wanted numbers travel as one array and are unnested into the join, so the query
    count does not grow with the file; elsewhere they go in chunks of an IN list.
    """
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = EXISTING_SQL.format(source="unnest(%s::varchar[]) AS wanted(id_number)")
            cursor.execute(sql, [id_numbers, cycle_id])
            return cursor.fetchall()
        for chunk in batched(id_numbers, 900):
            marks = ", ".join(["(%s)"] * len(chunk))
            sql = EXISTING_SQL.format(source=f"(SELECT column1 AS id_number FROM (VALUES {marks})) AS wanted")
            cursor.execute(sql, [*chunk, cycle_id])
            found.extend(cursor.fetchall())
    return found


@dataclass
class _Known:
    """What the database holds for some ID numbers: residents by number and their registration in the
    cycle by resident id, asked for set-based (see `_existing`)."""

    residents: dict[str, tuple] = field(default_factory=dict)
    registrations: dict[int, tuple] = field(default_factory=dict)


def _known(cycle_id: int, id_numbers: list[str]) -> _Known:
    known = _Known()
    for values in _existing(cycle_id, id_numbers):
        born = values[5] if isinstance(values[5], datetime.date) else datetime.date.fromisoformat(values[5])
        # SQLite hands back dates as text and booleans as 0/1: compare like with like.
        known.residents[values[1]] = (
            *values[:5],
            born,
            *values[6:9],
            bool(values[9]),
            bool(values[10]),
            values[11],
        )
        if values[12] is not None:
            known.registrations[values[0]] = (values[0], *values[12:])
    return known


def _plan(*, election: VillageElection, rows: list[CheckedRow], report: ImportReport, known: _Known) -> _Plan:
    """Compare the accepted rows with what the database holds of them (`known`, see `_look_up`)."""
    plan = _Plan()
    residents, registrations = known.residents, known.registrations
    for row in rows:
        existing = residents.get(row.id_number)
        if existing is None:
            plan.new.append(row)
            report.created += 1
            continue
        resident_id = existing[0]
        registration = registrations.get(resident_id)
        if registration is not None and registration[1] != election.id:
            # Where the person is registered is kept as identifiers (the other village's division code,
            # its election and registration), never as a place name: who may read the place is decided
            # per viewer when the result is shown (selectors.disclosed_result, DOMAIN.md 不重登).
            report.duplicates.append(
                {
                    "row": row.row,
                    "kind": "other_village",
                    "other": registration[4],
                    "election": registration[1],
                    "registration": registration[5],
                    "name": row.name,
                }
            )
            report.errors.append(
                {
                    "row": row.row,
                    "name": row.name,
                    "column": COLUMN_TITLES["id_number"],
                    "value": mask_id_number(row.id_number),
                    "code": codes.DUPLICATE_OTHER_VILLAGE,
                    "message": str(codes.MESSAGES[codes.DUPLICATE_OTHER_VILLAGE]),
                    "other": registration[4],
                }
            )
            plan.rejected_rows.add(row.row)
            continue
        ours = existing[2] == election.division_code
        resident_changed = ours and tuple(existing[3:]) != row.resident_values()
        if registration is None:
            plan.new_for_existing.append((row, resident_id))
            if resident_changed:
                plan.changed_residents.append((row, resident_id))
            report.created += 1
            continue
        report.duplicates.append({"row": row.row, "kind": "roll", "other": row.name})
        registration_changed = tuple(registration[2:4]) != row.registration_values()
        if resident_changed:
            plan.changed_residents.append((row, resident_id))
        if registration_changed:
            plan.changed_registrations.append((row, resident_id))
        if resident_changed or registration_changed:
            report.updated += 1
        else:
            report.unchanged += 1
    return plan


RESIDENT_COLUMNS = (
    "id",
    "village_id",
    "division_code",
    "name",
    "id_number",
    "sex",
    "birth_date",
    "phone",
    "address",
    "household_id",
    "relation_to_head",
    "has_hukou",
    "party_member",
    "education",
)
RESIDENT_UPDATE_FIELDS = [
    "name",
    "sex",
    "birth_date",
    "phone",
    "address",
    "household_id",
    "relation_to_head",
    "has_hukou",
    "party_member",
    "education",
]
REGISTRATION_COLUMNS = (
    "id",
    "election_id",
    "cycle_id",
    "resident_id",
    "division_code",
    "group",
    "category",
    "status",
    "left_off_reason",
    "note",
    "created_at",
    "updated_at",
)


def _prepare(
    state: _ImportState, rows: list[CheckedRow], known: _Known, ids: SequenceConnection
) -> _Batch | None:
    """Compare rows with what the database holds and make their writes ready: new households and
    residents with ids drawn from the sequences (on `ids`' connection), rows encoded for COPY. No use of
    the default connection, which the writer may be using meanwhile."""
    election, phases = state.election, state.report.phases
    with phases.timing("compare"):
        plan = _plan(election=election, rows=rows, report=state.report, known=known)
    state.rejected_rows |= plan.rejected_rows
    if state.dry_run or not (
        plan.new or plan.new_for_existing or plan.changed_residents or plan.changed_registrations
    ):
        return None
    with phases.timing("encode"):
        return _encode(state, plan, ids)


def _encode(state: _ImportState, plan: _Plan, ids: SequenceConnection) -> _Batch:
    election = state.election
    households = state.households
    numbers: dict[str, CheckedRow] = {}
    linked = (
        *plan.new,
        *(r for r, _rid in plan.new_for_existing),
        *(r for r, _rid in plan.changed_residents),
    )
    for r in linked:
        if r.household_no and r.household_no not in households:
            numbers[r.household_no] = r
    household_ids = allocate_ids(Household, len(numbers), cursor=ids.cursor)
    households.update(zip(numbers, household_ids, strict=True))
    village_id, code = election.village_id, election.division_code
    new_households = encode_rows(
        Household,
        ("id", "village_id", "division_code", "number", "group", "address"),
        ((households[n], village_id, code, n, r.group, r.address) for n, r in numbers.items()),
    )
    resident_ids = allocate_ids(Resident, len(plan.new), cursor=ids.cursor)
    residents = encode_rows(
        Resident,
        RESIDENT_COLUMNS,
        (
            (
                rid,
                village_id,
                code,
                r.name,
                r.id_number,
                r.sex,
                r.birth_date,
                r.phone,
                r.address,
                households.get(r.household_no),
                r.relation_to_head,
                r.category != "non_hukou",
                r.party_member,
                r.education,
            )
            for rid, r in zip(resident_ids, plan.new, strict=True)
        ),
    )
    changed_residents = [
        Resident(
            id=rid,
            name=r.name,
            sex=r.sex,
            birth_date=r.birth_date,
            phone=r.phone,
            address=r.address,
            household_id=households.get(r.household_no),
            relation_to_head=r.relation_to_head,
            has_hukou=r.category != "non_hukou",
            party_member=r.party_member,
            education=r.education,
        )
        for r, rid in plan.changed_residents
    ]
    to_register = list(zip(plan.new, resident_ids, strict=True)) + plan.new_for_existing
    now = timezone.now()
    # The same timestamp on every row: turned into text once rather than by COPY's writer for each row.
    stamp = str(now) if connection.vendor == "postgresql" else now
    registered = Status.REGISTERED
    rows_out = (
        (election.id, election.cycle_id, rid, code, r.group, r.category, registered, "", r.note, stamp, stamp)
        for r, rid in to_register
    )
    columns = REGISTRATION_COLUMNS[1:]  # ids from the table's own default, unless roll changes need them
    roll_changes: list[RollChange] = []
    if state.reason:
        registration_ids = allocate_ids(VoterRegistration, len(to_register), cursor=ids.cursor)
        rows_out = ((i, *row) for i, row in zip(registration_ids, rows_out, strict=True))
        columns = REGISTRATION_COLUMNS
        roll_changes = [
            RollChange(
                election_id=election.id,
                registration_id=reg_id,
                division_code=code,
                kind=RollChange.Kind.ADD,
                reason=state.reason,
                by=state.by,
                after={"name": r.name, "id_number": mask_id_number(r.id_number)},
            )
            for reg_id, (r, _) in zip(registration_ids, to_register, strict=True)
        ] + [
            RollChange(
                election_id=election.id,
                division_code=code,
                kind=RollChange.Kind.CORRECT,
                reason=state.reason,
                by=state.by,
                after={"name": r.name, "id_number": mask_id_number(r.id_number)},
            )
            for r, _ in plan.changed_registrations + plan.changed_residents
        ]
    state.wrote = True
    return _Batch(
        households=new_households,
        residents=residents,
        registrations=encode_rows(VoterRegistration, columns, rows_out),
        changed_residents=changed_residents,
        changed_registrations=plan.changed_registrations,
        roll_changes=roll_changes,
        now=now,
    )


def _send(state: _ImportState, batch: _Batch) -> None:
    """Write a prepared chunk: households, residents, registrations (COPY on PostgreSQL), corrections."""
    send_rows(batch.households)
    send_rows(batch.residents)
    if batch.changed_residents:
        Resident.objects.bulk_update(batch.changed_residents, RESIDENT_UPDATE_FIELDS, batch_size=WRITE_BATCH)
    send_rows(batch.registrations)
    if batch.changed_registrations:
        ids = dict(
            VoterRegistration.objects.filter(
                election_id=state.election.id, resident_id__in=[rid for _, rid in batch.changed_registrations]
            ).values_list("resident_id", "id")
        )
        VoterRegistration.objects.bulk_update(
            [
                VoterRegistration(id=ids[rid], group=r.group, category=r.category, updated_at=batch.now)
                for r, rid in batch.changed_registrations
            ],
            ["group", "category", "updated_at"],
            batch_size=WRITE_BATCH,
        )
    if batch.roll_changes:
        RollChange.objects.bulk_create(batch.roll_changes, batch_size=WRITE_BATCH)


@transaction.atomic
def publish_roll(*, election: VillageElection, published_on: datetime.date, by) -> RollPublication:
    """Publish the roll: fix its date (the workflow checks it is ≥ 20 days before election day).

    Idempotent per date: publishing again on a day the roll was already published (in sequence or at
    the same moment) returns that publication; another date is a new one (a republication).
    """
    permits.require(election, "roll.publish")
    voters = election.registrations.filter(status=Status.REGISTERED).count()
    if voters == 0:
        raise ValidationError(codes.MESSAGES[codes.PUBLISH_EMPTY], code=codes.PUBLISH_EMPTY)
    if published_on > timezone.localdate():
        raise ValidationError(codes.MESSAGES[codes.PUBLISH_FUTURE], code=codes.PUBLISH_FUTURE)
    if election.election_day and published_on >= election.election_day:
        raise ValidationError(codes.MESSAGES[codes.PUBLISH_AFTER_ELECTION], code=codes.PUBLISH_AFTER_ELECTION)
    same_day = RollPublication.objects.filter(election=election, published_on=published_on)
    existing = same_day.first()
    if existing is not None:
        return existing
    publication = RollPublication(
        election=election,
        division_code=election.division_code,
        published_on=published_on,
        voters=voters,
        published_by=by,
    )
    return insert_once(publication, twin=same_day)  # a concurrent twin's publication is this one


STORED_ERRORS = 20_000
# Deliveries of a step's task that may start it: a second delivery finds the first started and never
# finished (its worker died: killed, out of memory, a crash inside a library), so the job ends failed
# instead of running the same file again — a poison message is delivered twice at most, run once.
MAX_DELIVERIES = 1


def start_import_job(*, election: VillageElection, upload, by, kind: str = ImportJob.Kind.ROLL) -> ImportJob:
    """Keep an uploaded roll file (or, `kind` KINSHIP, a sheet of close relatives) and open its import
    job; the check runs as a task (tasks.py).

    Each upload also ends the jobs whose worker died and deletes the files kept too long
    (`purge_roll_uploads`), so they go even where no periodic task runs.

    Refused where the stage closes the roll (`require_roll_work`, as a check: nothing is written yet), or
    for close relatives where the stage closes their recording or the role may not record them."""
    if kind == ImportJob.Kind.KINSHIP:
        _require_kinship_role(by)
        permits.require(election, KINSHIP_ACTION)
    else:
        require_roll_work(election, checking=True)
    data = upload.read()
    job = ImportJob(
        election=election,
        division_code=election.division_code,
        kind=kind,
        original_name=upload.name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
        step_started_at=timezone.now(),
    )
    job.file.save(f"{election.division_code}-{job.sha256[:16]}.xlsx", ContentFile(data), save=False)
    job.save()
    try:
        purge_roll_uploads()
    except Exception:  # housekeeping: never the reason an upload fails
        logger.exception("purging roll uploads failed")
    return job


def _job_progress(job_id: int, start: int, span: int) -> Progress:
    key = ImportJob(pk=job_id).progress_key

    def tick(fraction: float) -> None:
        percent = start + int(span * fraction)
        cache.set(
            key, percent, timeout=3600
        )  # seen by the page at once, even inside the import's transaction
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=job_id).update(progress=percent)

    return tick


def _claim(job_id: int, *, waiting: tuple[str, ...], running: str) -> ImportJob | None:
    """Take a job for this delivery of its step's task, or None when there is nothing to run: the job is
    gone, already past the step (a job DONE or FAILED is never run again), or an earlier delivery started
    it and never finished, in which case the job ends failed."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .select_related("election__cycle", "election__village", "uploaded_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state not in waiting:
            return None
        if job.attempts >= MAX_DELIVERIES:
            _fail(job_id, codes.IMPORT_INTERRUPTED)
            return None
        if not job.file:
            _fail(job_id, codes.IMPORT_EXPIRED)
            return None
        job.state, job.attempts, job.progress = running, job.attempts + 1, 0
        job.step_started_at = timezone.now()
        job.save(update_fields=["state", "attempts", "progress", "step_started_at"])
    cache.delete(job.progress_key)
    return job


def _fail(job_id: int, code: str, message: str | None = None, url: str = "") -> None:
    """End a job failed with the message the clerk sees (kept with what the check found, if anything);
    `url` is the page that says what to do (a stage's refusal: the election's steps page)."""
    result = ImportJob.objects.filter(pk=job_id).values_list("result", flat=True).first() or {}
    failure = {"code": code, "message": message or str(codes.MESSAGES[code])}
    if url:
        failure["url"] = url
    ImportJob.objects.filter(pk=job_id).update(
        state=ImportJob.State.FAILED,
        progress=100,
        finished_at=timezone.now(),
        result={**result, "failure": failure},
    )
    cache.delete(ImportJob(pk=job_id).progress_key)


def check_import_job(*, job_id: int) -> None:
    """The preview: run the import as a dry run and store what it would do (idempotent).

    Whatever goes wrong ends the job failed with a message, never a job left "checking"."""
    job = _claim(
        job_id, waiting=(ImportJob.State.UPLOADED, ImportJob.State.CHECKING), running=ImportJob.State.CHECKING
    )
    if job is None:
        return
    try:
        report = _run_job(job, by=job.uploaded_by, dry_run=True)
    except ValidationError as error:
        _fail_with(job_id, error)
        return
    except Exception:
        logger.exception("roll import job %s: the check failed", job_id)
        _fail(job_id, codes.IMPORT_FAILED)
        return
    _finish(job_id, report, ImportJob.State.FAILED if report.file_error else ImportJob.State.PREVIEWED)


def _fail_with(job_id: int, error: ValidationError) -> None:
    """End a job failed with a service's coded refusal (a stage's: its code, and the steps page)."""
    params = getattr(error, "params", None) or {}
    _fail(
        job_id,
        getattr(error, "code", None) or codes.IMPORT_FAILED,
        " ".join(error.messages),
        url=params.get("url", "") if isinstance(params, dict) else "",
    )


def apply_import_job(*, job_id: int, by_id: int, reason: str = "") -> None:
    """Confirm: write the accepted rows of a checked file in one transaction (idempotent on retry).

    A conflict or any other failure rolls the transaction back and ends the job failed with a message."""
    job = _claim(job_id, waiting=(ImportJob.State.IMPORTING,), running=ImportJob.State.IMPORTING)
    if job is None:
        return
    try:
        by = type(job.uploaded_by).objects.get(pk=by_id)
        report = _run_job(job, by=by, dry_run=False, reason=reason)
    except ValidationError as error:
        _fail_with(job_id, error)
        return
    except Exception:
        logger.exception("roll import job %s: the import failed", job_id)
        _fail(job_id, codes.IMPORT_FAILED)
        return
    _finish(job_id, report, ImportJob.State.FAILED if report.file_error else ImportJob.State.DONE)
    if job.kind == ImportJob.Kind.ROLL:
        kinship_after_write(election=job.election, report=report)


def _run_job(job: ImportJob, *, by, dry_run: bool, reason: str = "") -> ImportReport:
    """The check or the import of a job's file by the service of its kind (one job machinery for both)."""
    progress = _job_progress(job.pk, 0, 100)
    with job.file.open("rb") as handle:
        if job.kind == ImportJob.Kind.KINSHIP:
            return import_kinship(
                election=job.election, file=handle, by=by, dry_run=dry_run, progress=progress
            )
        return import_roll(
            election=job.election, file=handle, by=by, dry_run=dry_run, reason=reason, progress=progress
        )


def _finish(job_id: int, report: ImportReport, state: str) -> None:
    """Store what the step found; a job done no longer needs its file, which holds full ID numbers."""
    stored = report.as_stored()
    stored["errors_total"] = len(stored["errors"])
    stored["errors"] = stored["errors"][:STORED_ERRORS]
    kept = ImportJob.objects.filter(pk=job_id).values_list("result", flat=True).first() or {}
    if "acknowledged" in kept:  # who acknowledged the warnings stays with the job
        stored["acknowledged"] = kept["acknowledged"]
    ImportJob.objects.filter(pk=job_id).update(
        state=state, progress=100, result=stored, finished_at=timezone.now()
    )
    if state == ImportJob.State.DONE:
        _delete_upload(ImportJob.objects.get(pk=job_id))


def _delete_upload(job: ImportJob) -> None:
    try:
        if job.file:
            job.file.delete(save=False)
    except OSError:  # the job's outcome stands; the next purge tries again
        logger.exception("roll import job %s: its upload could not be deleted", job.pk)
        return
    ImportJob.objects.filter(pk=job.pk).update(file="")


def purge_roll_uploads(*, now: datetime.datetime | None = None) -> int:
    """End the jobs whose worker died (`ImportJob.is_stale`) and delete the uploaded files no longer
    needed: a done job's at once, a failed or never confirmed one's after ROLL_UPLOAD_KEEP_FAILED_DAYS
    (kept meanwhile for the clerk's questions). Returns the number of files deleted."""
    now = now or timezone.now()
    running = ImportJob.objects.filter(state__in=ImportJob.RUNNING_STATES)
    for job_id in running.filter(
        Q(step_started_at__lt=now - ImportJob.STALE_AFTER)
        | Q(step_started_at__isnull=True, created_at__lt=now - ImportJob.STALE_AFTER)
    ).values_list("pk", flat=True):
        _fail(job_id, codes.IMPORT_INTERRUPTED)
    cutoff = now - datetime.timedelta(days=settings.ROLL_UPLOAD_KEEP_FAILED_DAYS)
    abandoned = ImportJob.objects.filter(state=ImportJob.State.PREVIEWED, finished_at__lt=cutoff)
    for job_id in abandoned.values_list("pk", flat=True):
        _fail(job_id, codes.IMPORT_EXPIRED)
    expired = ImportJob.objects.exclude(file="").filter(
        Q(state=ImportJob.State.DONE) | Q(state=ImportJob.State.FAILED, finished_at__lt=cutoff)
    )
    deleted = 0
    for job in expired:
        _delete_upload(job)
        deleted += 1
    return deleted


def confirm_import_job(*, job: ImportJob, by, reason: str, acknowledged: bool = False) -> ImportJob:
    """Mark a previewed job for import; the roll's publication makes a reason mandatory.

    A file whose check found warnings (a sex or birth date that contradicts the ID number …) is imported
    only when `by` acknowledges them (`acknowledged`): who, when and which rows are kept with the job and
    recorded in the trail, in the same transaction as the confirmation (issue 14 part 7).

    A sheet of close relatives is all or nothing: confirmed only when every row passed the check."""
    if job.kind == ImportJob.Kind.KINSHIP:
        _require_kinship_role(by)
        permits.require(job.election, KINSHIP_ACTION)
    else:
        require_roll_work(job.election, reason=reason)
    if job.state != ImportJob.State.PREVIEWED:
        raise ValidationError(codes.MESSAGES[codes.IMPORT_STATE], code=codes.IMPORT_STATE)
    if job.kind == ImportJob.Kind.KINSHIP and (job.result or {}).get("errors"):
        raise _kinship_error(codes.KINSHIP_FILE_HAS_ERRORS)
    if job.kind == ImportJob.Kind.ROLL and _logs_changes(job.election) and not reason.strip():
        raise ValidationError(codes.MESSAGES[codes.CHANGE_NEEDS_REASON], code=codes.CHANGE_NEEDS_REASON)
    warnings = (job.result or {}).get("warnings") or []
    if warnings and not acknowledged:
        raise ValidationError(
            codes.MESSAGES[codes.WARNINGS_NOT_ACKNOWLEDGED], code=codes.WARNINGS_NOT_ACKNOWLEDGED
        )
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PREVIEWED).update(
            state=ImportJob.State.IMPORTING, progress=0, attempts=0, step_started_at=timezone.now()
        )
        if not updated:  # a second confirm at the same moment
            raise ValidationError(codes.MESSAGES[codes.IMPORT_STATE], code=codes.IMPORT_STATE)
        if warnings:
            _record_acknowledgement(job, by, warnings)
    cache.delete(job.progress_key)  # the check's last figure is not the import's
    job.refresh_from_db()
    return job


def _record_acknowledgement(job: ImportJob, by, warnings: list[dict]) -> None:
    """Keep who acknowledged a file's warnings with the job, and record it in the trail."""
    name = (by.get_full_name() or by.get_username()) if by is not None else ""
    acknowledgement = {
        "by": name,
        "by_id": getattr(by, "pk", None),
        "at": timezone.now().isoformat(),
        "warnings": len(warnings),
        "rows": sorted({w["row"] for w in warnings}),
    }
    result = ImportJob.objects.values_list("result", flat=True).get(pk=job.pk) or {}
    ImportJob.objects.filter(pk=job.pk).update(result={**result, "acknowledged": acknowledgement})
    record_bulk(
        actor=by,
        action="acknowledge_warnings",
        model=ImportJob,
        division_code=job.election.division_code,
        summary=_("%(name)s acknowledged the %(n)s warnings of the roll file %(file)s")
        % {"name": name, "n": len(warnings), "file": job.original_name},
        counts={"warnings": len(warnings), "rows": len(acknowledgement["rows"])},
        sha256=job.sha256 or None,
        extra={
            "job": job.pk,
            "warnings": [
                {k: w.get(k, "") for k in ("row", "name", "column", "value", "message")}
                for w in warnings[:500]
            ],
        },
    )


def fail_import_job(*, job: ImportJob, code: str = codes.IMPORT_FAILED) -> None:
    """End a job whose task could not even be queued (the broker is down), with a message."""
    _fail(job.pk, code)


@transaction.atomic
def derive_household_kinship(*, village_id: int) -> int:
    """Store the close-relative links of every household of a village (idempotent); returns links added.

    It only adds: links recorded by a township (MANUAL, IMPORT) stay as they are, and one the household
    also implies is not stored twice."""
    members: dict[int, list[tuple[int, str]]] = {}
    division_code = Region.objects.values_list("code", flat=True).get(pk=village_id)
    for resident_id, household_id, relation in Resident.objects.filter(
        division_code=division_code, household__isnull=False
    ).values_list("id", "household_id", "relation_to_head"):
        members.setdefault(household_id, []).append((resident_id, relation))
    links: set = set()
    for household in members.values():
        links |= household_links(household)
    # Every link already stored for these people, whatever its source: a link a township recorded (by hand
    # or imported) is never duplicated, and never removed, by the household's.
    residents = Resident.objects.filter(division_code=division_code).values("pk")
    existing = set(
        Kinship.objects.filter(Q(person__in=residents) | Q(relative__in=residents)).values_list(
            "person_id", "relative_id", "relation"
        )
    )
    new = [
        Kinship(
            person_id=a,
            relative_id=b,
            relation=kind,
            source=Kinship.Source.HOUSEHOLD,
            division_code=division_code,
        )
        for a, b, kind in links - existing
    ]
    Kinship.objects.bulk_create(new, batch_size=WRITE_BATCH, ignore_conflicts=True)
    if len(new) >= ANALYZE_AFTER_ROWS:
        analyze_after_commit(Kinship)
    return len(new)


# --- Close relatives across households (近亲属回避; DOMAIN.md "Candidate vetting") ----------------------

KINSHIP_ACTION = "roll.kinship"  # the stage's word (elections.permits)
KINSHIP_PERMISSION = "voters.record_kinship"  # the role's (accounts.permissions)
# Words written in a relationship sheet's 依据 column → Kinship.Basis (a slash or brackets may be full-width).
BASIS_WORDS = {
    Kinship.Basis.HUKOU_RECORD: ("户籍档案/公安户籍资料", "户籍档案", "公安户籍资料", "户籍资料", "户口簿"),
    Kinship.Basis.COMMITTEE_CERTIFICATE: (
        "村(居)委会证明",
        "村委会证明",
        "居委会证明",
        "村(居)民委员会证明",
        "证明",
    ),
    Kinship.Basis.SELF_DECLARED: ("本人申报", "申报", "自报"),
    Kinship.Basis.VISIT: ("走访核实", "走访", "入户核实"),
    Kinship.Basis.OTHER: ("其他", "其它"),
}
BASIS_BY_WORD = {word: basis for basis, words in BASIS_WORDS.items() for word in (*words, basis)}
KINSHIP_COLUMNS = {
    "person_id": "甲方身份证号码",
    "relative_id": "乙方身份证号码",
    "relation": "关系",
    "basis": "依据",
    "note": "备注",
}


def _kinship_error(code: str) -> ValidationError:
    return ValidationError(codes.MESSAGES[code], code=code)


def _require_kinship_role(by) -> None:
    if by is None or not may(by, KINSHIP_PERMISSION):
        raise PermissionDenied


def _cycle_registrations(cycle_id: int, resident_ids) -> dict[int, VoterRegistration]:
    """Each resident's registration on a roll of the cycle (one at most: 不重登), with its election."""
    return {
        r.resident_id: r
        for r in VoterRegistration.objects.filter(
            cycle_id=cycle_id, resident_id__in=list(resident_ids), status=Status.REGISTERED
        ).select_related("election__village", "election__cycle")
    }


def _linked_pairs(resident_ids) -> dict[frozenset, str]:
    """The pairs among links touching these residents, whatever their direction, kind and source."""
    ids = list(resident_ids)
    return {
        frozenset((a, b)): kind
        for a, b, kind in Kinship.objects.filter(Q(person_id__in=ids) | Q(relative_id__in=ids)).values_list(
            "person_id", "relative_id", "relation"
        )
    }


def _kinship_refusal(
    *,
    by,
    person: Resident,
    relative: Resident,
    said: str,
    basis: str,
    note: str,
    registrations,
    linked,
    basis_stated: bool = True,
) -> tuple[ValidationError, str] | None:
    """The first rule a link breaks, with the side or field it concerns, or None. The one list of
    refusals of both doors (`record_kinship`, `import_kinship`): self, relation and basis words, on the
    cycle's rolls, inside `by`'s jurisdiction, the stage of each side's election, already recorded (the
    pair in either direction and any kind), and birth dates that contradict it. A basis of 其他 needs a
    note saying what it is, unless no basis was stated at all (a sheet's empty 依据 cell)."""
    if person.pk == relative.pk:
        return _kinship_error(codes.KINSHIP_SELF), "relative_id"
    if said not in kinship_rules.SAID:
        return _kinship_error(codes.KINSHIP_RELATION), "relation"
    if basis not in Kinship.Basis.values:
        return _kinship_error(codes.KINSHIP_BASIS), "basis"
    if basis == Kinship.Basis.OTHER and basis_stated and not note.strip():
        return _kinship_error(codes.KINSHIP_BASIS_NOTE), "note"
    for side, resident in (("person_id", person), ("relative_id", relative)):
        registration = registrations.get(resident.pk)
        if registration is None:
            return _kinship_error(codes.KINSHIP_NOT_ON_ROLL), side
        if not may(by, KINSHIP_PERMISSION, registration):
            return _kinship_error(codes.KINSHIP_OUTSIDE), side
    for side, resident in (("person_id", person), ("relative_id", relative)):
        closed = permits.refusal(registrations[resident.pk].election, KINSHIP_ACTION)
        if closed is not None:
            return closed, side
    if frozenset((person.pk, relative.pk)) in linked:
        return _kinship_error(codes.KINSHIP_EXISTS), "relative_id"
    a, b, kind = kinship_rules.canonical_link(person.pk, relative.pk, said)
    born = {person.pk: person.birth_date, relative.pk: relative.birth_date}
    if kinship_rules.birth_order_contradicts(kind, born[a], born[b]):
        return _kinship_error(codes.KINSHIP_BIRTH_ORDER), "relation"
    return None


def record_kinship(
    *,
    cycle,
    person: Resident,
    relative: Resident,
    relation: str,
    basis: str,
    note: str = "",
    by,
) -> Kinship:
    """Record that `person` is `relation` of `relative` (as people say it: spouse, parent, child, sibling,
    grandparent, grandchild), for close-relative avoidance across households (DOMAIN.md "Candidate
    vetting": married-out daughters, siblings with their own households, parents living apart).

    Both must be registered on a village's roll of `cycle` inside `by`'s jurisdiction; `by` is a township
    office or above (accounts.permissions "voters.record_kinship"); each side's election must be in a stage
    where vetting goes on (elections.permits "roll.kinship"). Refused with a coded error: a person as their
    own relative, a pair already linked (either direction, any kind, household links included), birth
    dates that make a parent or grandparent the younger, a basis of 其他 without a note. Stored in
    Kinship's canonical direction (`kinship.canonical_link`), with its basis, who and when (trailed)."""
    _require_kinship_role(by)
    note = (note or "").strip()[:200]
    with transaction.atomic(), acting_as(by):
        registrations = _cycle_registrations(cycle.pk, {person.pk, relative.pk})
        refusal = _kinship_refusal(
            by=by,
            person=person,
            relative=relative,
            said=relation,
            basis=basis,
            note=note,
            registrations=registrations,
            linked=_linked_pairs({person.pk}),
        )
        if refusal is not None:
            raise refusal[0]
        a, b, kind = kinship_rules.canonical_link(person.pk, relative.pk, relation)
        kinship = Kinship(
            person_id=a,
            relative_id=b,
            relation=kind,
            source=Kinship.Source.MANUAL,
            division_code=registrations[a].division_code,
            basis=basis,
            note=note,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        kinship.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                kinship.save()
        except IntegrityError as error:  # the same link recorded at the same moment
            raise _kinship_error(codes.KINSHIP_EXISTS) from error
    return kinship


def remove_kinship(*, cycle, kinship: Kinship, reason: str, by) -> None:
    """Remove a relationship a township recorded (by hand or imported), with the reason, which the trail
    keeps beside the deleted row. A household link is not removed: it follows the household register and
    would be derived again (`derive_household_kinship`)."""
    _require_kinship_role(by)
    if kinship.source == Kinship.Source.HOUSEHOLD:
        raise _kinship_error(codes.KINSHIP_NOT_RECORDED)
    reason = (reason or "").strip()
    if not reason:
        raise _kinship_error(codes.KINSHIP_REMOVE_REASON)
    with transaction.atomic(), acting_as(by):
        registrations = _cycle_registrations(cycle.pk, {kinship.person_id, kinship.relative_id})
        for resident_id in (kinship.person_id, kinship.relative_id):
            registration = registrations.get(resident_id)
            if registration is None:
                raise _kinship_error(codes.KINSHIP_NOT_ON_ROLL)
            if not may(by, KINSHIP_PERMISSION, registration):
                raise _kinship_error(codes.KINSHIP_OUTSIDE)
            permits.require(registration.election, KINSHIP_ACTION)
        record_bulk(
            actor=by,
            action="remove",
            model=Kinship,
            division_code=kinship.division_code,
            summary=_("Close relatives removed: %(link)s") % {"link": kinship},
            counts={"removed": 1},
            extra={"reason": reason[:300]},
            records=[kinship],
        )
        kinship.delete()


def import_kinship(
    *, election: VillageElection, file, by, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Check a sheet of close relatives (two ID numbers, the relation, optionally the basis and a note)
    and, unless `dry_run`, record every row in one transaction: all or nothing — a file with any row in
    error writes nothing (`codes.KINSHIP_FILE_HAS_ERRORS`). Each row meets the rules of `record_kinship`
    (one list: `_kinship_refusal`) across the villages of `by`'s jurisdiction in `election`'s cycle;
    an empty basis is 其他, the file being its record. The file passes the roll's file checks
    (`reading.read_roll`, layout `KINSHIP`)."""
    from voters.importing import shown_value
    from voters.reading import KINSHIP

    _require_kinship_role(by)
    report = ImportReport(dry_run=dry_run)
    tick = progress or (lambda fraction: None)
    data = file.read() if hasattr(file, "read") else open(file, "rb").read()  # noqa: SIM115
    report.sha256 = hashlib.sha256(data).hexdigest()
    try:
        sheet = read_roll(io.BytesIO(data), layout=KINSHIP)
    except RollFileError as error:
        report.file_error = {"code": error.code, "message": str(error.message)}
        return report
    report.header_row = sheet.header_row
    rows = list(sheet.rows)
    report.rows_read = len(rows)
    numbers = {r.values.get(f) for r in rows for f in ("person_id", "relative_id")} - {None}
    people = {
        p.id_number: p
        for p in Resident.objects.filter(id_number__in=[n for n in numbers if isinstance(n, str)])
    }
    registrations = _cycle_registrations(election.cycle_id, {p.pk for p in people.values()})
    linked = _linked_pairs({p.pk for p in people.values()})
    seen: dict[frozenset, int] = {}
    accepted: list[Kinship] = []
    now = timezone.now()

    def problem(row, error: ValidationError, column, value, names) -> None:
        """One row's problem as the roll import reports it: row, names, column, value, code, message."""
        report.errors.append(
            {
                "row": row.row,
                "name": names,
                "column": KINSHIP_COLUMNS.get(column, column),
                "value": shown_value("id_number" if column.endswith("_id") else column, value),
                "code": error.code,
                "message": " ".join(error.messages),
            }
        )

    for row in rows:
        values = row.values
        found = {side: people.get(values.get(side)) for side in ("person_id", "relative_id")}
        names = " / ".join(p.name for p in found.values() if p is not None)
        if row.issues:
            for issue in row.issues:
                column = issue.column or ""
                problem(
                    row, ValidationError(issue.message, code=issue.code), column, values.get(column), names
                )
            continue
        missing = [side for side in ("person_id", "relative_id", "relation") if not values.get(side)]
        if missing:
            for side in missing:
                problem(row, _kinship_error(codes.REQUIRED), side, "", names)
            continue
        unknown = [side for side, person in found.items() if person is None]
        if unknown:
            for side in unknown:
                problem(row, _kinship_error(codes.KINSHIP_ID_UNKNOWN), side, values[side], names)
            continue
        said = kinship_rules.SAID_BY_WORD.get(str(values["relation"]).replace(" ", ""), "")
        basis_word = str(values.get("basis") or "").replace(" ", "")
        basis = BASIS_BY_WORD.get(basis_word, "") if basis_word else Kinship.Basis.OTHER
        note = str(values.get("note") or "")
        person, relative = found["person_id"], found["relative_id"]
        refusal = _kinship_refusal(
            by=by,
            person=person,
            relative=relative,
            said=said,
            basis=basis,
            note=note,
            registrations=registrations,
            linked=linked,
            basis_stated=bool(basis_word),
        )
        if refusal is None and frozenset((person.pk, relative.pk)) in seen:
            refusal = (_kinship_error(codes.KINSHIP_REPEATED), "relative_id")
        if refusal is not None:
            column = refusal[1]
            problem(row, refusal[0], column, values.get(column), names)
            continue
        seen[frozenset((person.pk, relative.pk))] = row.row
        a, b, kind = kinship_rules.canonical_link(person.pk, relative.pk, said)
        accepted.append(
            Kinship(
                person_id=a,
                relative_id=b,
                relation=kind,
                source=Kinship.Source.IMPORT,
                division_code=registrations[a].division_code,
                basis=basis,
                note=note[:200],
                recorded_by=by,
                recorded_at=now,
            )
        )
    report.errors.sort(key=_by_row)
    report.rejected = len({e["row"] for e in report.errors})
    report.created = len(accepted)
    tick(0.9)
    if dry_run:
        tick(1.0)
        return report
    if report.errors:
        raise _kinship_error(codes.KINSHIP_FILE_HAS_ERRORS)
    try:
        with transaction.atomic(), acting_as(by):
            Kinship.objects.bulk_create(accepted, batch_size=WRITE_BATCH)
            record_bulk(
                actor=by,
                action="import",
                model=Kinship,
                division_code=election.division_code,
                summary=_("Close relatives imported from Excel into %(village)s")
                % {"village": election.village.name},
                counts={"created": len(accepted)},
                sha256=report.sha256,
            )
    except IntegrityError as error:  # a link recorded meanwhile: nothing of the file is written
        raise ValidationError(codes.MESSAGES[codes.IMPORT_CONFLICT], code=codes.IMPORT_CONFLICT) from error
    tick(1.0)
    return report


# --- Written proxies (委托投票) ---------------------------------------------------------------------------

# The village clerk and the township office keep the roll's pages; proxies are one of them.
ROLL_PERMISSION = "voters.edit_roll"


def _coded(code: str, **params) -> ValidationError:
    message = codes.MESSAGES[code]
    return ValidationError(str(message) % params if params else message, code=code)


def _require_proxy_work(election: VillageElection, by, *, recording: bool) -> None:
    """Who may act (the village's clerk or township office), the stage (elections.permits "roll.proxies"),
    the cycle's rule (proxy voting allowed, for a new proxy) and the day (before polling day)."""
    from voters import selectors

    if by is None or not may(by, ROLL_PERMISSION, election):
        raise PermissionDenied
    error = selectors.proxy_door(election=election, recording=recording)
    if error is not None:
        raise error


@transaction.atomic
def record_proxy(
    *,
    election: VillageElection,
    grantor: VoterRegistration,
    proxy: VoterRegistration,
    signed_on: datetime.date,
    by,
) -> ProxyAuthorisation:
    """Record a written proxy (委托投票) from `grantor` to `proxy`, both registered voters of this roll.

    Rules (DOMAIN.md "voting"): proxy voting is allowed in the cycle; it is recorded before election day
    (none on the day itself or after: no on-the-spot proxies); not to oneself; a voter gives one proxy
    in force; one voter holds at most the cycle's `proxies_per_voter` (three by default: a fourth is
    refused); and a proxy is not passed on (a grantor holds none, a holder gives none).

    The two registrations are locked in id order, so two clerks giving a fourth proxy to one voter at
    the same moment, or crossing two proxies, are answered one after the other; the partial unique
    constraint keeps one proxy in force per grantor whatever door wrote it.
    """
    _require_proxy_work(election, by, recording=True)
    if signed_on > timezone.localdate():
        raise _coded(codes.PROXY_SIGNED_FUTURE)
    if grantor.pk == proxy.pk:
        raise _coded(codes.PROXY_SELF)
    locked = {
        r.pk: r
        for r in VoterRegistration.objects.select_for_update()
        .select_related("resident")
        .filter(pk__in=[grantor.pk, proxy.pk])
        .order_by("pk")
    }
    grantor, proxy = locked.get(grantor.pk), locked.get(proxy.pk)
    if any(
        r is None or r.election_id != election.pk or r.status != Status.REGISTERED for r in (grantor, proxy)
    ):
        raise _coded(codes.PROXY_NOT_ON_ROLL)
    in_force = ProxyAuthorisation.objects.filter(election=election, revoked_at__isnull=True)
    given = in_force.filter(grantor=grantor).select_related("proxy__resident").first()
    if given is not None:
        raise _coded(codes.PROXY_ALREADY_GIVEN, name=grantor.resident.name, proxy=given.proxy.resident.name)
    if in_force.filter(proxy=grantor).exists() or in_force.filter(grantor=proxy).exists():
        raise _coded(codes.PROXY_CHAIN)
    limit = election.cycle.proxies_per_voter
    if in_force.filter(proxy=proxy).count() >= limit:
        raise _coded(codes.PROXY_LIMIT, name=proxy.resident.name, limit=limit)
    authorisation = ProxyAuthorisation(
        election=election,
        grantor=grantor,
        proxy=proxy,
        division_code=election.division_code,
        signed_on=signed_on,
        recorded_by=by,
    )
    twin = in_force.filter(grantor=grantor)
    refuse = _coded(codes.PROXY_ALREADY_GIVEN, name=grantor.resident.name, proxy=proxy.resident.name)
    return insert_once(authorisation, twin=twin, refuse=refuse)


@transaction.atomic
def revoke_proxy(*, authorisation: ProxyAuthorisation, reason: str, by) -> ProxyAuthorisation:
    """Revoke a written proxy before election day (the voter takes their vote back, or will come after
    all), with the reason; the record is kept. Refused on the day itself and after, like a new one."""
    authorisation = (
        ProxyAuthorisation.objects.select_for_update()
        .select_related("election__cycle")
        .get(pk=authorisation.pk)
    )
    _require_proxy_work(authorisation.election, by, recording=False)
    if authorisation.revoked_at is not None:
        raise _coded(codes.PROXY_REVOKED)
    reason = reason.strip()
    if not reason:
        raise _coded(codes.PROXY_REVOKE_REASON)
    authorisation.revoked_at = timezone.now()
    authorisation.revoked_by = by
    authorisation.revoke_reason = reason[:200]
    authorisation.full_clean()
    authorisation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return authorisation


# --- Objections to the roll (选民名单异议) -------------------------------------------------------------------

_step_listeners: list[Callable[[VillageElection], object]] = []


def register_step_listener(listener: Callable[[VillageElection], object]) -> None:
    """An app above that derives a step from these records (the lifecycle's "objections handled") asks to
    hear of each write, to bring the village's to-do list up to date at once; voters knows nothing of it
    (registered at its `ready()`, ARCHITECTURE.md "Floors")."""
    if listener not in _step_listeners:
        _step_listeners.append(listener)


def _steps_changed(election: VillageElection) -> None:
    for listener in _step_listeners:
        listener(election)


def _require_objection_work(election: VillageElection, by) -> None:
    """The village's clerk or township office (the roll's pages), and the stage (roll.objections)."""
    if by is None or not may(by, ROLL_PERMISSION, election):
        raise PermissionDenied
    permits.require(election, "roll.objections")


@transaction.atomic
def reinstate(*, registration: VoterRegistration, reason: str, by) -> VoterRegistration:
    """补登 of a person taken off this roll: registered again, with the reason, logged once the roll is
    published. Refused if the person has been registered in another village of the cycle meanwhile."""
    election = registration.election
    require_roll_work(election, reason=reason)
    published = _logs_changes(election)
    if published and not reason.strip():
        raise _coded(codes.CHANGE_NEEDS_REASON)
    registration = (
        VoterRegistration.objects.select_for_update().select_related("resident").get(pk=registration.pk)
    )
    if registration.status == Status.REGISTERED:
        return registration
    elsewhere = VoterRegistration.objects.filter(
        cycle_id=registration.cycle_id, resident_id=registration.resident_id, status=Status.REGISTERED
    )
    if elsewhere.exists():
        raise _coded(codes.DUPLICATE_OTHER_VILLAGE)
    registration.status = Status.REGISTERED
    registration.left_off_reason = ""
    registration.note = reason.strip()[:200]
    registration.full_clean()
    registration.save(update_fields=["status", "left_off_reason", "note", "updated_at"])
    if published:
        RollChange.objects.create(
            election=election,
            registration=registration,
            division_code=election.division_code,
            kind=RollChange.Kind.ADD,
            reason=reason.strip()[:300],
            by=by,
            after={
                "name": registration.resident.name,
                "id_number": mask_id_number(registration.resident.id_number),
                "group": registration.group,
            },
        )
    return registration


@transaction.atomic
def record_objection(
    *,
    election: VillageElection,
    objector_name: str,
    kind: str,
    ground: str,
    received_on: datetime.date,
    by,
    objector: VoterRegistration | None = None,
    registration: VoterRegistration | None = None,
    person_name: str = "",
) -> RollObjection:
    """Record an objection to the published roll as the election committee received it (DOMAIN.md "Voter
    registration": objections go to the election committee, which answers within 3 days).

    Rules: the roll is published and the objection was received on or after its first publication and
    not in the future; the objector is named (a voter of this roll, or any villager by name); it is about
    a voter of this roll or a person named who is not on it, as its kind requires (someone to add is not
    registered here; someone to take off or correct is); its ground is given.
    """
    _require_objection_work(election, by)
    first = election.roll_publications.aggregate(first=Min("published_on"))["first"]
    if first is None or received_on < first:
        raise _coded(codes.OBJECTION_BEFORE_PUBLICATION)
    if received_on > timezone.localdate():
        raise _coded(codes.OBJECTION_DATE_FUTURE)
    if objector is not None and objector.election_id != election.pk:
        raise _coded(codes.OBJECTION_OBJECTOR)
    objector_name = objector_name.strip() or (objector.resident.name if objector is not None else "")
    if not objector_name:
        raise _coded(codes.OBJECTION_OBJECTOR)
    person_name = person_name.strip()
    if registration is not None and registration.election_id != election.pk:
        raise _coded(codes.OBJECTION_SUBJECT)
    if registration is None and not person_name:
        raise _coded(codes.OBJECTION_SUBJECT)
    if kind not in RollObjection.Kind.values:
        raise _coded(codes.CHOICE_INVALID)
    # Someone to add is not registered here (named, or taken off); someone to take off or correct is.
    registered = registration is not None and registration.status == Status.REGISTERED
    if registered == (kind == RollObjection.Kind.ADD):
        raise _coded(codes.OBJECTION_SUBJECT_KIND)
    ground = ground.strip()
    if not ground:
        raise _coded(codes.OBJECTION_GROUND)
    objection = RollObjection(
        election=election,
        division_code=election.division_code,
        objector_name=objector_name[:30],
        objector=objector,
        kind=kind,
        registration=registration,
        person_name="" if registration is not None else person_name[:30],
        ground=ground[:500],
        received_on=received_on,
        recorded_by=by,
    )
    objection.full_clean()
    objection.save()
    _steps_changed(election)
    return objection


@transaction.atomic
def answer_objection(
    *,
    objection: RollObjection,
    upheld: bool,
    answer_text: str,
    answered_on: datetime.date,
    by,
    values: dict | None = None,
    reason_code: str = "",
) -> RollObjection:
    """The election committee's answer to an objection (解释或补正), once, dated the day it was given.

    Upheld, the roll changes through its own services with the answer as the reason, so the change is
    in the roll's change log (RollChange, linked as `roll_change`): a person to add is registered
    (`register_person` with `values`, the add form's fields) or a person taken off registered again
    (`reinstate`); a voter to take off is left off with the legal `reason_code` (`leave_off`); wrong
    particulars are corrected (`register_person` with the corrected `values`). Rejected, the roll stays.
    An answer after the deadline (received + `objection_answer_days`) is recorded and flagged late
    (selectors.objections, the lifecycle's step), never refused.
    """
    objection = (
        RollObjection.objects.select_for_update(of=("self",))
        .select_related("election__cycle", "election__village", "registration__resident__household")
        .get(pk=objection.pk)
    )
    election = objection.election
    _require_objection_work(election, by)
    if objection.answer:
        raise _coded(codes.OBJECTION_ANSWERED)
    text = answer_text.strip()
    if not text:
        raise _coded(codes.OBJECTION_ANSWER_TEXT)
    if answered_on > timezone.localdate():
        raise _coded(codes.OBJECTION_DATE_FUTURE)
    if answered_on < objection.received_on:
        raise _coded(codes.OBJECTION_ANSWER_BEFORE_RECEIPT)
    if upheld:
        reason = (_("Objection upheld: %(answer)s") % {"answer": text})[:300]
        objection.roll_change = _uphold(
            objection, reason=reason, by=by, values=values or {}, reason_code=reason_code
        )
    objection.answer = RollObjection.Answer.UPHELD if upheld else RollObjection.Answer.REJECTED
    objection.answer_text = text[:500]
    objection.answered_on = answered_on
    objection.answered_by = by
    objection.full_clean()
    objection.save(update_fields=["answer", "answer_text", "answered_on", "answered_by", "roll_change"])
    _steps_changed(election)
    return objection


def _uphold(
    objection: RollObjection, *, reason: str, by, values: dict, reason_code: str
) -> RollChange | None:
    """Make the roll change an upheld objection asks for; the change the roll's services logged."""
    from voters import selectors

    election, registration = objection.election, objection.registration
    logged_before = RollChange.objects.filter(election=election).aggregate(last=Max("id"))["last"] or 0
    if objection.kind == RollObjection.Kind.ADD and registration is not None:
        reinstate(registration=registration, reason=reason, by=by)
    elif objection.kind == RollObjection.Kind.ADD:
        report = register_person(election=election, values=values, by=by, reason=reason)
        if not report.created:
            raise _coded(codes.OBJECTION_NOTHING_CHANGED)
    elif registration is None:  # the voter's registration is gone: nothing left to change
        raise _coded(codes.OBJECTION_SUBJECT)
    elif objection.kind == RollObjection.Kind.REMOVE:
        leave_off(registration=registration, reason_code=reason_code, note=reason, by=by)
    else:
        current = selectors.registration_values(registration)
        merged = {**current, **{k: v for k, v in values.items() if k in current and k != "id_number"}}
        report = register_person(election=election, values=merged, by=by, reason=reason, update_existing=True)
        if not report.updated:
            raise _coded(codes.OBJECTION_NOTHING_CHANGED)
    return RollChange.objects.filter(election=election, id__gt=logged_before).order_by("id").first()
