"""Writes of the workflow: stage moves, step records and their documents, the election day, exceptions the
county decides, and the daily reminders (DOMAIN.md "The lifecycle of one village's election").

One verb, one function, one transaction; keyword arguments only; `full_clean()` before every save.
`VillageElection.stage` changes only in `advance_stage`, which checks ALLOWED and the gates
(lifecycle.gates) and records a StageChange. Rule violations raise ValidationError with a code of
lifecycle.codes. Single-row changes reach the activity trail through the trail registry (elections.apps);
the reminder recompute is derived data and is not trailed.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import may
from elections.models import ElectionCycle, Stage, VillageElection
from elections.races import insert_once
from elections.red_flag import set_red_flag
from trail.services import record_bulk

from . import codes, deadlines, documents, gates, progress, records
from .models import (
    ExceptionKind,
    ExceptionStatus,
    GateException,
    Reminder,
    ReminderKind,
    StageChange,
    StepDefinition,
    StepDocument,
    StepRecord,
    StepSource,
    StepStatus,
)

# The moves of a village election's stage; anything else is refused (STYLE.md "States").
ALLOWED: dict[str, set[str]] = {
    Stage.PREPARATION: {Stage.PARTY_ELECTION, Stage.POSTPONED},
    Stage.PARTY_ELECTION: {Stage.COMMITTEE_ELECTION, Stage.POSTPONED},
    Stage.COMMITTEE_ELECTION: {Stage.SUPERVISION, Stage.POSTPONED},
    Stage.SUPERVISION: {Stage.HANDOVER, Stage.POSTPONED},
    Stage.HANDOVER: {Stage.COMPLETED},
    Stage.COMPLETED: set(),
    # A postponed election resumes at the stage it was postponed in (checked in advance_stage).
    Stage.POSTPONED: {Stage.PREPARATION, Stage.PARTY_ELECTION, Stage.COMMITTEE_ELECTION, Stage.SUPERVISION},
}
NEXT_STAGE = {
    Stage.PREPARATION: Stage.PARTY_ELECTION,
    Stage.PARTY_ELECTION: Stage.COMMITTEE_ELECTION,
    Stage.COMMITTEE_ELECTION: Stage.SUPERVISION,
    Stage.SUPERVISION: Stage.HANDOVER,
    Stage.HANDOVER: Stage.COMPLETED,
}
# Who does what (DOMAIN.md "Who uses the system"): the township office runs the elections and the county
# oversees them; the village election committee's clerk records steps of its own village; the county
# alone decides exceptions. The roles are accounts.permissions' ("lifecycle.*"), asked with the election.


def _error(code: str, **params) -> ValidationError:
    message = codes.MESSAGES[code]
    return ValidationError(message % params if params else message, code=code)


def can_move_stage(user: User | None, election: VillageElection) -> bool:
    return may(user, "lifecycle.move_stage", election)


def can_record_steps(user: User | None, election: VillageElection) -> bool:
    return may(user, "lifecycle.record_step", election)


def can_request_exception(user: User | None, election: VillageElection) -> bool:
    return may(user, "lifecycle.request_exception", election)


def can_decide_exception(user: User | None, election: VillageElection) -> bool:
    """Only the county organization department (not the administrator: an IT role decides no policy)."""
    return may(user, "lifecycle.decide_exception", election)


def _require(allowed: bool) -> None:
    if not allowed:
        raise _error(codes.NOT_ALLOWED)


@transaction.atomic
def advance_stage(
    *, election: VillageElection, to: str, by: User, note: str = "", expected: str | None = None
) -> StageChange:
    """Move a village election to stage `to`, if ALLOWED and every gate of entering `to` is open.

    `expected` is the stage the user saw (a form's hidden field): if someone moved the election meanwhile
    the move is refused rather than applied twice. Records who and when in a StageChange.
    """
    election = VillageElection.objects.select_for_update().select_related("cycle").get(pk=election.pk)
    _require(can_move_stage(by, election))
    current, to = Stage(election.stage), Stage(to)
    if expected is not None and expected != current:
        raise _error(codes.STAGE_CHANGED)
    if to not in ALLOWED[current]:
        raise _error(codes.STAGE_TRANSITION, **{"from": current.label, "to": to.label})
    if current == Stage.POSTPONED:
        before = progress.stage_before_postponement(election) or Stage.PREPARATION
        if to != before:
            raise _error(codes.STAGE_RESUME, stage=Stage(before).label)
    gates.raise_if_blocked(gates.for_transition(election, to))
    change = StageChange(
        election=election,
        from_stage=current,
        to_stage=to,
        by=by,
        note=note.strip()[:300],
        exception=gates.unused_postponement(election) if to == Stage.POSTPONED else None,
    )
    change.full_clean()
    change.save()
    election.stage = to
    election.save(update_fields=["stage", "updated_at"])
    refresh_village_reminders(election=election)
    return change


# The record that shows a village has finished the work before each stage (records, not checkboxes):
# entering the villagers' committee stage is shown by the Party result approved, the supervision stage by
# the villagers' vote counted, the handover by its result approved, completion by the signed handover.
# Entering the Party election has no such record (its work starts with the move), so it is never caught up.
EVIDENCE = {
    Stage.COMMITTEE_ELECTION: StepSource.PARTY_APPROVED,
    Stage.SUPERVISION: StepSource.VOTE_COUNTED,
    Stage.HANDOVER: StepSource.RESULT_APPROVED,
    Stage.COMPLETED: StepSource.HANDOVER,
}


def catch_up_path(election: VillageElection) -> list[str]:
    """The stages the records have already passed: each next stage whose record (EVIDENCE) exists and
    whose gates are open, in order, stopping at the first that is not (one read of the records)."""
    known = records.facts_of(election)
    path, stage = [], election.stage
    while (to := NEXT_STAGE.get(stage)) and EVIDENCE.get(to) in known:
        if gates.for_transition(election, to):
            break
        path.append(to)
        stage = to
    return path


@transaction.atomic
def catch_up(*, election: VillageElection, by: User, expected: str | None = None) -> list[StageChange]:
    """Advance in one click through every stage the records have passed (`catch_up_path`); each move is
    an ordinary `advance_stage` (its gates, its StageChange, its trail). Nothing to catch up is an error."""
    path = catch_up_path(election)
    if not path:
        raise _error(codes.NOTHING_TO_CATCH_UP)
    changes = []
    for to in path:
        note = _("Advanced by the records")
        changes.append(advance_stage(election=election, to=to, by=by, expected=expected, note=note))
        expected = to
    return changes


def _stage_reached(election: VillageElection, step: StepDefinition) -> bool:
    if election.stage == Stage.POSTPONED:
        return step.stage == Stage.PREPARATION
    return progress.STAGE_INDEX[election.stage] >= progress.STAGE_INDEX.get(step.stage, 0)


@transaction.atomic
def record_step(
    *,
    election: VillageElection,
    step: StepDefinition,
    status: str,
    by: User,
    done_on: date | None = None,
    opened_on: date | None = None,
    note: str = "",
) -> StepRecord:
    """Record what a village did of one step of its checklist (creating or updating its record).

    Rules: the step belongs to the village's checklist and is recorded by hand (derived steps are
    completed where their record lives); its stage has been reached (a postponed election records only
    preparation); a done step has a date, not in the future and not before it was opened; only an
    optional step may be "not applicable"; and the gates of the step are open (lifecycle.gates.for_step).
    """
    _require(can_record_steps(by, election))
    status = StepStatus(status)
    if not step.is_active or not progress.applies(step, election.division_code):
        raise _error(codes.STEP_NOT_APPLICABLE_HERE)
    if step.source:
        raise _error(codes.STEP_DERIVED, source=step.get_source_display())
    if not _stage_reached(election, step):
        if election.stage == Stage.POSTPONED:
            raise _error(codes.STEP_POSTPONED)
        raise _error(codes.STEP_STAGE_NOT_REACHED, stage=Stage(step.stage).label)
    today = timezone.localdate()
    if status == StepStatus.DONE and done_on is None:
        raise _error(codes.STEP_DATE_MISSING)
    if status != StepStatus.DONE:
        done_on = None
    if step.deadline_kind == "after_opened" and status == StepStatus.OPEN and opened_on is None:
        raise _error(codes.STEP_OPENED_MISSING)
    if any(d and d > today for d in (done_on, opened_on)):
        raise _error(codes.STEP_DATE_FUTURE)
    if done_on and opened_on and done_on < opened_on:
        raise _error(codes.STEP_DONE_BEFORE_OPENED)
    if status == StepStatus.NOT_APPLICABLE and step.required:
        raise _error(codes.STEP_NOT_REQUIRED_ONLY)
    gates.raise_if_blocked(gates.for_step(election, step))

    def fill(record: StepRecord) -> StepRecord:
        record.status = status
        record.done_on = done_on
        record.opened_on = opened_on
        record.note = note.strip()[:500]
        record.done_by = by
        return record

    same_step = StepRecord.objects.filter(election=election, step=step)
    record = same_step.first()
    fresh = None
    if record is None:
        # A concurrent twin that recorded the step first is updated instead, as a sequential call would be.
        fresh = fill(StepRecord(election=election, step=step))
        record = insert_once(fresh, twin=same_step)
    if record is not fresh:
        fill(record)
        record.full_clean()
        record.save()
    refresh_village_reminders(election=election)
    return record


@transaction.atomic
def attach_document(*, record: StepRecord, upload, by: User) -> StepDocument:
    """Keep a paper of a step (notice, minutes, signed list): PDF/JPG/PNG/DOCX/XLSX, ≤ 20 MB, checked by
    content as well as by name (lifecycle.documents), stored in the configured default storage."""
    _require(can_record_steps(by, record.election))
    data = upload.read()
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    kind = documents.check_document(
        name=name, size=len(data), data=data, max_bytes=settings.STEP_DOCUMENT_MAX_MB * 1024 * 1024
    )
    digest = hashlib.sha256(data).hexdigest()
    document = StepDocument(
        record=record, original_name=name, kind=kind, size=len(data), sha256=digest, uploaded_by=by
    )
    document.file.save(
        f"{record.division_code}-{record.step.code}-{digest[:16]}.{kind}", ContentFile(data), save=False
    )
    document.full_clean()
    document.save()
    return document


# The publications the vote waits for, as the warning names them (gates.PUBLICATIONS' sources).
PUBLICATION_NAMES = {
    StepSource.ROLL_PUBLICATION: gettext_lazy("the voter roll (%(days)s days before)"),
    StepSource.FORMAL_LIST: gettext_lazy("the formal candidate list (%(days)s days before)"),
    StepSource.VOTING_NOTICE: gettext_lazy("the voting notice (%(days)s days before)"),
}


def _too_close(election: VillageElection, day: date, today: date) -> list[str]:
    """The statutory publications that can no longer stand their days before `day`: not published in
    time for it yet, and fewer days left than the law asks (DOMAIN.md: 20, 5 and 3 days)."""
    known, late = records.facts_of(election), []
    for source, setting, *_rest in gates.PUBLICATIONS:
        required, published = getattr(election.cycle, setting), known.get(source)
        if published is not None and deadlines.published_in_time(published, day, required):
            continue
        if (day - today).days < required:
            late.append(str(PUBLICATION_NAMES[source]) % {"days": required})
    return late


@transaction.atomic
def set_election_day(
    *, election: VillageElection, day: date, by: User, acknowledge: bool = False
) -> VillageElection:
    """Set or move the election day while the vote is still ahead; the deadlines follow it.

    A day in the past is refused. A day too close for the roll's, the list's or the notice's days is a
    warning: saved only when the user acknowledges it, and the acknowledgement goes to the trail."""
    election = VillageElection.objects.select_for_update().select_related("cycle").get(pk=election.pk)
    _require(can_move_stage(by, election))
    if election.stage in progress.VOTED_STAGES:
        raise _error(codes.ELECTION_DAY_FIXED)
    today = timezone.localdate()
    if day < today:
        raise _error(codes.ELECTION_DAY_PAST, day=day.strftime("%Y-%m-%d"))
    late = _too_close(election, day, today)
    if late and not acknowledge:
        raise _error(
            codes.ELECTION_DAY_TOO_CLOSE, day=day.strftime("%Y-%m-%d"), days=(day - today).days,
            what="、".join(late),
        )  # fmt: skip
    if late:
        record_bulk(
            actor=by,
            action="acknowledge",
            model=VillageElection,
            division_code=election.division_code,
            summary=str(codes.MESSAGES[codes.ELECTION_DAY_TOO_CLOSE])
            % {"day": day.strftime("%Y-%m-%d"), "days": (day - today).days, "what": "、".join(late)},
            counts={"publications_late": len(late)},
            extra={"about": "election_day_too_close", "election": election.pk, "day": day.isoformat()},
        )
    election.election_day = day
    election.full_clean()
    election.save(update_fields=["election_day", "updated_at"])
    refresh_village_reminders(election=election)
    return election


# Exceptions the county decides -----------------------------------------------------------------------------

POSTPONABLE = frozenset(s for s, targets in ALLOWED.items() if Stage.POSTPONED in targets)


@transaction.atomic
def request_exception(*, election: VillageElection, kind: str, reason: str, by: User) -> GateException:
    """Ask the county for an exception (postponement, red close-out, over-age secretary …) with a reason."""
    _require(can_request_exception(by, election))
    kind = ExceptionKind(kind)
    if not reason or not reason.strip():
        raise _error(codes.EXCEPTION_REASON)
    if kind == ExceptionKind.POSTPONEMENT and election.stage not in POSTPONABLE:
        raise _error(codes.EXCEPTION_POSTPONED)
    pending = GateException.objects.filter(election=election, kind=kind, status=ExceptionStatus.REQUESTED)
    if pending.exists():
        raise _error(codes.EXCEPTION_PENDING)
    exception = GateException(election=election, kind=kind, reason=reason.strip(), requested_by=by)
    # The database keeps one pending request per kind (constraint one_open_request_per_kind): a concurrent
    # twin that got in first is answered like a sequential one.
    return insert_once(exception, twin=pending, refuse=_error(codes.EXCEPTION_PENDING))


@transaction.atomic
def decide_exception(*, exception: GateException, approve: bool, by: User, note: str = "") -> GateException:
    """The county approves or rejects an exception; an approved postponement postpones the election at once,
    an approved red close-out lowers the village's red flag (elections.red_flag, trailed)."""
    exception = GateException.objects.select_for_update().select_related("election").get(pk=exception.pk)
    if not can_decide_exception(by, exception.election):
        raise _error(codes.EXCEPTION_COUNTY_ONLY)
    if exception.status != ExceptionStatus.REQUESTED:
        raise _error(codes.EXCEPTION_DECIDED)
    if (
        approve
        and exception.kind == ExceptionKind.POSTPONEMENT
        and exception.election.stage not in POSTPONABLE
    ):
        raise _error(codes.EXCEPTION_POSTPONED)
    exception.status = ExceptionStatus.APPROVED if approve else ExceptionStatus.REJECTED
    exception.decided_by = by
    exception.decided_at = timezone.now()
    exception.decision_note = note.strip()[:300]
    exception.full_clean()
    exception.save()
    if approve and exception.kind == ExceptionKind.POSTPONEMENT:
        advance_stage(election=exception.election, to=Stage.POSTPONED, by=by, note=exception.reason[:300])
    if approve and exception.kind == ExceptionKind.RED_CLOSE_OUT:
        set_red_flag(election=exception.election, open=False, by=by)
    return exception


@transaction.atomic
def record_exception(*, election: VillageElection, kind: str, reason: str, by: User) -> GateException:
    """The county records an exception it approves itself (asked and decided in one go)."""
    if not can_decide_exception(by, election):
        raise _error(codes.EXCEPTION_COUNTY_ONLY)
    exception = request_exception(election=election, kind=kind, reason=reason, by=by)
    return decide_exception(exception=exception, approve=True, by=by)


# Reminders (the to-do list) ---------------------------------------------------------------------------------


def _reminders_of(villages: list[progress.VillageProgress], today: date) -> list[Reminder]:
    found = []
    for village in villages:
        if village.stage in progress.UNFLAGGED_STAGES:
            continue
        for item in village.steps:
            if item.state not in (deadlines.State.DUE_SOON, deadlines.State.OVERDUE):
                continue
            found.append(
                Reminder(
                    election_id=village.election_id,
                    step=item.step,
                    division_code=village.division_code,
                    kind=ReminderKind.OVERDUE
                    if item.state == deadlines.State.OVERDUE
                    else ReminderKind.DUE_SOON,
                    due_on=item.evaluation.due_on,
                    computed_on=today,
                )
            )
    return found


@transaction.atomic
def refresh_reminders(*, cycle: ElectionCycle, prefix: str, today: date | None = None) -> int:
    """Replace the reminders of every village of `cycle` under `prefix` (idempotent: run it twice, get the
    same rows). The daily beat task runs it per county; the services run it for one village."""
    today = today or timezone.localdate()
    elections = VillageElection.objects.filter(cycle=cycle, division_code__startswith=prefix)
    villages = progress.evaluate_region(elections=elections, cycle=cycle, prefix=prefix, today=today)
    Reminder.objects.filter(election__cycle=cycle, division_code__startswith=prefix).delete()
    reminders = _reminders_of(villages, today)
    # Two refreshes of one village at once (a user's write next to the daily task, or two writes that
    # changed nothing the trail would serialise) both delete and then insert the same (election, step):
    # the later one keeps the rows already there instead of failing. Derived data: the next refresh
    # brings it up to date either way.
    Reminder.objects.bulk_create(reminders, batch_size=5000, ignore_conflicts=True)
    return len(reminders)


def refresh_village_reminders(*, election: VillageElection) -> int:
    return refresh_reminders(cycle=election.cycle, prefix=election.division_code)
