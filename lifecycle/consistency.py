"""Does each village election's stage agree with its records? (issue 13: a demo, an import or a repair
must never leave a village in a stage its records do not support.)

A village in stage S passed through every stage before it, and `advance_stage` let it into each only when
that stage's entry gates were open (lifecycle.gates.ENTRY_GATES). The records those gates read must still
be there: `contradictions()` re-runs the entry gates of every stage the village has reached, and names each
gate that is closed now. A postponed village is checked for the gates of the stage it was postponed in and
for the county's approved postponement that its move used. The red gate is the exception: a rating can
turn red after the village started, so it is checked by the red flag the village still carries
(`_started_while_flagged`), not by today's rating.

Two ways, one verdict:
- `exact=True`: the gates themselves (`gates.for_transition`), one village at a time (some 15 queries per
  stage passed: ~10 s for 800 villages on SQLite);
- by default, set-based: the same rules from the same records read once for all the villages (a dozen
  queries whatever their number; lifecycle.records for the derived steps' dates). The tests check that the
  two agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet

from audits.models import AuditStatus, OutgoingAudit
from elections.models import Stage, VillageElection

from . import codes, deadlines, gates, records
from .models import ExceptionKind, ExceptionStatus, GateException, Handover, StageChange, StepSource
from .progress import STAGE_INDEX, STAGE_ORDER

Contradiction = tuple[int, str, str]


def _passed(stage: str, before_postponement: str | None) -> list[str]:
    """The stages whose entry gates a village in `stage` went through (postponed: those of the stage it
    was postponed in)."""
    if stage == Stage.POSTPONED:
        stage = before_postponement or Stage.PREPARATION
    return STAGE_ORDER[1 : STAGE_INDEX[stage] + 1]


def _message(code: str, **params) -> str:
    message = str(codes.MESSAGES[code])
    return message % params if params else message


def _postponements_used(ids: list[int]) -> tuple[dict[int, str], set[int]]:
    """(election → the stage it was postponed from, elections whose move into postponed used an approved
    postponement of theirs)."""
    before, used = {}, set()
    changes = StageChange.objects.filter(election_id__in=ids, to_stage=Stage.POSTPONED).order_by("at", "id")
    for election_id, from_stage, exception_id, kind, status, owner in changes.values_list(
        "election_id",
        "from_stage",
        "exception_id",
        "exception__kind",
        "exception__status",
        "exception__election_id",
    ):
        before[election_id] = from_stage
        approved = kind == ExceptionKind.POSTPONEMENT and status == ExceptionStatus.APPROVED
        if exception_id and approved and owner == election_id:
            used.add(election_id)
    return before, used


def contradictions(
    queryset: QuerySet[VillageElection] | None = None, *, exact: bool = False
) -> list[Contradiction]:
    """[(election id, gate code, message)] for every village election (of `queryset`) whose stage its
    records contradict; empty when every one is consistent."""
    elections = list(
        (queryset if queryset is not None else VillageElection.objects.all())
        .select_related("cycle")
        .order_by("id")
    )
    ids = [e.pk for e in elections]
    before, used = _postponements_used(ids)
    found: list[Contradiction] = []
    for election in elections:
        if election.stage == Stage.POSTPONED and election.pk not in used:
            found.append((election.pk, codes.GATE_POSTPONEMENT, _message(codes.GATE_POSTPONEMENT)))
    if exact:
        for election in elections:
            for stage in _passed(election.stage, before.get(election.pk)):
                blocked = gates.for_transition(election, stage)
                found += [(election.pk, b.code, b.message) for b in blocked if b.code != codes.GATE_RED]
    else:
        found += _set_based(elections, before)
    found += _started_while_flagged(elections, before)
    return sorted(set(found))


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _started_while_flagged(elections: list[VillageElection], before: dict[int, str]) -> list[Contradiction]:
    """The red gate after the fact: a village past the Party election's entry whose red flag is still
    raised and whose red close-out the county did not approve started while red (the weekly rating raises
    the flag only before the election starts, settings.RISK_RED_FLAG_STAGES, and only a close-out lowers
    it). Its latest rating is not the test: a village rated red after it started did not start red."""
    flagged = [
        e
        for e in elections
        if e.risk_red_open
        and e.stage not in settings.RISK_RED_FLAG_STAGES
        and Stage.PARTY_ELECTION in _passed(e.stage, before.get(e.pk))
    ]
    closed_out = set()
    for chunk in _chunks([e.pk for e in flagged]):
        closed_out |= set(
            GateException.objects.filter(
                election_id__in=chunk, kind=ExceptionKind.RED_CLOSE_OUT, status=ExceptionStatus.APPROVED
            ).values_list("election_id", flat=True)
        )
    message = _message(codes.GATE_RED)
    return [(e.pk, codes.GATE_RED, message) for e in flagged if e.pk not in closed_out]


def _set_based(elections: list[VillageElection], before: dict[int, str]) -> list[Contradiction]:
    ids = [e.pk for e in elections]
    audited, signed, facts = set(), set(), {}
    for chunk in _chunks(ids):
        audited |= set(
            OutgoingAudit.objects.filter(election_id__in=chunk, status=AuditStatus.COMPLETED).values_list(
                "election_id", flat=True
            )
        )
        signed |= set(
            Handover.objects.filter(election_id__in=chunk, signed_off_at__isnull=False).values_list(
                "election_id", flat=True
            )
        )
        facts.update(records.facts_for(chunk))
    found: list[Contradiction] = []
    for election in elections:
        known = facts.get(election.pk, defaultdict(lambda: None))
        passed = _passed(election.stage, before.get(election.pk))

        def closed(code: str, **params) -> None:
            found.append((election.pk, code, _message(code, **params)))  # noqa: B023 (used at once)

        if passed and election.pk not in audited:  # party, committee and supervision entries
            closed(codes.GATE_AUDIT)
        if Stage.COMMITTEE_ELECTION in passed and not known.get(StepSource.PARTY_VOTE):
            closed(codes.GATE_PARTY_NOT_ELECTED)
        if Stage.SUPERVISION in passed:
            _voting(election, known, closed)
            if not known.get(StepSource.VOTE_COUNTED):
                closed(codes.GATE_VOTING_NOT_HELD)
        if Stage.HANDOVER in passed and not known.get(StepSource.RESULT_APPROVED):
            closed(codes.GATE_RESULT_NOT_APPROVED)
        if Stage.COMPLETED in passed and election.pk not in signed:
            closed(codes.GATE_HANDOVER)
    return found


def _voting(election: VillageElection, known, closed) -> None:
    """gates._voting from the facts read once."""
    if election.election_day is None:
        closed(codes.GATE_ELECTION_DAY)
        return
    day = election.election_day
    for source, setting, missing, late, _page, _late_on_day in gates.PUBLICATIONS:
        required, published = getattr(election.cycle, setting), known.get(source)
        if published is None:
            closed(missing, required=required)
        elif not deadlines.published_in_time(published, day, required):
            days = deadlines.days_before(published, day)
            closed(late, published=published.strftime("%Y-%m-%d"), days=days, required=required)
