"""Does each village election's stage agree with its records? (issue 13: a demo, an import or a repair
must never leave a village in a stage its records do not support.)

A village in stage S passed through every stage before it, and `advance_stage` let it into each only when
that stage's entry gates were open (lifecycle.gates.ENTRY_GATES). The records those gates read must still
be there: `contradictions()` re-runs the entry gates of every stage the village has reached, and names each
gate that is closed now. A postponed village is checked for the gates of the stage it was postponed in and
for the county's approved postponement that its move used.

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

from django.db.models import Max, OuterRef, QuerySet, Subquery

from audits.models import AuditStatus, OutgoingAudit
from elections.models import Stage, VillageElection
from risk.models import PlanStatus, RectificationPlan, RiskSnapshot
from risk.scoring import Colour

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
                found += [(election.pk, b.code, b.message) for b in gates.for_transition(election, stage)]
    else:
        found += _set_based(elections, before)
    return sorted(set(found))


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _red_open(ids: list[int]) -> set[int]:
    """risk.selectors.red_village_open for many: a plan open, or the latest rating red with no plan closed
    out on or after its week."""
    red = set()
    for chunk in _chunks(ids):
        red |= set(
            RectificationPlan.objects.filter(election_id__in=chunk, status=PlanStatus.OPEN).values_list(
                "election_id", flat=True
            )
        )
        latest = RiskSnapshot.objects.filter(election_id=OuterRef("election_id")).order_by("-week")
        rows = (
            RiskSnapshot.objects.filter(election_id__in=chunk, week=Subquery(latest.values("week")[:1]))
            .filter(colour=Colour.RED)
            .values_list("election_id", "week")
        )
        closed = dict(
            RectificationPlan.objects.filter(election_id__in=chunk, status=PlanStatus.CLOSED_OUT)
            .values("election_id")
            .annotate(last=Max("closed_out_on"))
            .values_list("election_id", "last")
        )
        red |= {pk for pk, week in rows if not (closed.get(pk) and closed[pk] >= week)}
    return red


def _set_based(elections: list[VillageElection], before: dict[int, str]) -> list[Contradiction]:
    ids = [e.pk for e in elections]
    audited, closed_out, signed, facts = set(), set(), set(), {}
    for chunk in _chunks(ids):
        audited |= set(
            OutgoingAudit.objects.filter(election_id__in=chunk, status=AuditStatus.COMPLETED).values_list(
                "election_id", flat=True
            )
        )
        closed_out |= set(
            GateException.objects.filter(
                election_id__in=chunk, kind=ExceptionKind.RED_CLOSE_OUT, status=ExceptionStatus.APPROVED
            ).values_list("election_id", flat=True)
        )
        signed |= set(
            Handover.objects.filter(election_id__in=chunk, signed_off_at__isnull=False).values_list(
                "election_id", flat=True
            )
        )
        facts.update(records.facts_for(chunk))
    red = _red_open(ids)
    found: list[Contradiction] = []
    for election in elections:
        known = facts.get(election.pk, defaultdict(lambda: None))
        passed = _passed(election.stage, before.get(election.pk))

        def closed(code: str, **params) -> None:
            found.append((election.pk, code, _message(code, **params)))  # noqa: B023 (used at once)

        if passed and election.pk not in audited:  # party, committee and supervision entries
            closed(codes.GATE_AUDIT)
        red_now = election.risk_red_open or election.pk in red
        if Stage.PARTY_ELECTION in passed and red_now and election.pk not in closed_out:
            closed(codes.GATE_RED)
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
