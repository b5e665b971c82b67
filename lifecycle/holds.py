"""Which gates hold which villages: the closed gates of every village's next stage move, for a whole region.

lifecycle.gates answers for one election with several queries per gate; a county (~300–800 villages) or a
city (~3,000) read that way would cost thousands of queries. This module gives the same answers, gate by
gate and in the same order (`gates.ENTRY_GATES`), from a fixed number of set-based queries whatever the
number of villages:

- the elections (one query) and, for the postponed ones, the stage each resumes at (one, only when
  there are postponed villages);
- the completed audits (one); the records of the derived steps (lifecycle.records: seven, or none when the
  caller passes the facts it already read for the board);
- the red-village verdict (risk: open plans, each village's latest weekly colour, its latest close-out:
  three) and the county's approved close-out exceptions (one); the signed-off handovers (one).

`tests/lifecycle/test_holds.py` compares both on villages in every state, so the two cannot drift; a gate
added to `gates.ENTRY_GATES` without its set-based twin here fails with a KeyError rather than silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audits.models import AuditStatus, OutgoingAudit
from elections.models import ElectionCycle, Stage, VillageElection
from risk.models import PlanStatus, RectificationPlan, RiskSnapshot
from risk.scoring import Colour

from . import codes, deadlines, gates, records, workflow
from .models import ExceptionKind, ExceptionStatus, GateException, Handover, StageChange, StepSource


@dataclass
class VillageHold:
    """One village that cannot yet make its next stage move, and the gates that hold it."""

    election_id: int
    division_code: str
    name: str
    township: str
    stage: str
    target: str
    blocked: list[gates.Blocked] = field(default_factory=list)

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def target_label(self) -> str:
        return str(Stage(self.target).label)

    @property
    def badges(self) -> list[tuple[gates.Blocked, str]]:
        """Each closed gate with its short name (GATE_TITLES), for badges in a row of villages."""
        return [(b, str(GATE_TITLES.get(b.code, b.code))) for b in self.blocked]


@dataclass
class GateGroup:
    """One gate (a code) with the villages it holds."""

    code: str
    title: str
    villages: list[tuple[VillageHold, gates.Blocked]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.villages)


@dataclass
class _Known:
    """What the set-based gates read, for every election of the region."""

    cycle: ElectionCycle
    facts: dict[int, records.Facts]
    audited: set[int]
    plan_open: set[int]
    latest: dict[int, tuple[date, str]]  # election id → (week, colour) of its latest weekly rating
    closed_out: dict[int, date]  # election id → its latest plan close-out
    red_exception: set[int]
    signed_off: set[int]


def _audit(row: dict, known: _Known) -> list[gates.Blocked]:
    if row["id"] in known.audited:
        return []
    return [gates._blocked(codes.GATE_AUDIT, reverse("audits:election", args=[row["id"]]))]


def _red_rated(election_id: int, known: _Known) -> bool:
    """risk.selectors.red_village_open for a set: a plan open, or rated red in its latest week and no plan
    closed out on or after that Monday."""
    if election_id in known.plan_open:
        return True
    latest = known.latest.get(election_id)
    if latest is None or latest[1] != Colour.RED:
        return False
    closed = known.closed_out.get(election_id)
    return not (closed is not None and closed >= latest[0])


def _red(row: dict, known: _Known) -> list[gates.Blocked]:
    flagged = row["risk_red_open"] or _red_rated(row["id"], known)
    if not flagged or row["id"] in known.red_exception:
        return []
    url = reverse("lifecycle:workflow", args=[row["id"]]) + "#exceptions"
    return [gates._blocked(codes.GATE_RED, url)]


def _voting(row: dict, known: _Known) -> list[gates.Blocked]:
    steps_url = reverse("lifecycle:workflow", args=[row["id"]])
    day = row["election_day"]
    if day is None:
        return [gates._blocked(codes.GATE_ELECTION_DAY, steps_url + "#election-day")]
    facts, found = known.facts.get(row["id"], {}), []
    for source, setting, missing, late, page, late_on_day in gates.PUBLICATIONS:
        required, url = getattr(known.cycle, setting), reverse(page, args=[row["id"]])
        published = facts.get(source)
        if published is None:
            found.append(gates._blocked(missing, url, required=required))
        elif not deadlines.published_in_time(published, day, required):
            days = deadlines.days_before(published, day)
            where = steps_url + "#election-day" if late_on_day else url
            found.append(
                gates._blocked(late, where, published=gates._fmt(published), days=days, required=required)
            )
    return found


def _voting_held(row: dict, known: _Known) -> list[gates.Blocked]:
    if known.facts.get(row["id"], {}).get(StepSource.VOTE_COUNTED):
        return []
    return [gates._blocked(codes.GATE_VOTING_NOT_HELD, reverse("ballots:overview", args=[row["id"]]))]


def _party_elected(row: dict, known: _Known) -> list[gates.Blocked]:
    if known.facts.get(row["id"], {}).get(StepSource.PARTY_VOTE):
        return []
    url = reverse("ballots:overview", args=[row["id"]]) + "?body=party"
    return [gates._blocked(codes.GATE_PARTY_NOT_ELECTED, url)]


def _result_approved(row: dict, known: _Known) -> list[gates.Blocked]:
    if known.facts.get(row["id"], {}).get(StepSource.RESULT_APPROVED):
        return []
    return [gates._blocked(codes.GATE_RESULT_NOT_APPROVED, reverse("ballots:results", args=[row["id"]]))]


def _handover(row: dict, known: _Known) -> list[gates.Blocked]:
    if row["id"] in known.signed_off:
        return []
    return [gates._blocked(codes.GATE_HANDOVER, reverse("lifecycle:handover", args=[row["id"]]))]


# The set-based twin of each per-election gate of gates.ENTRY_GATES (the postponement gate is no "next
# stage": a village is postponed by the county's decision, not held on its way).
TWINS: dict[Callable, Callable[[dict, _Known], list[gates.Blocked]]] = {
    gates._audit: _audit,
    gates._red: _red,
    gates._voting: _voting,
    gates._voting_held: _voting_held,
    gates._party_elected: _party_elected,
    gates._result_approved: _result_approved,
    gates._handover: _handover,
}

ROW_FIELDS = ("id", "division_code", "stage", "election_day", "risk_red_open", "village__name",
              "village__parent__name")  # fmt: skip


def _resume_stages(elections: QuerySet[VillageElection]) -> dict[int, str]:
    """The stage each postponed election resumes at (progress.stage_before_postponement, one query)."""
    changes = (
        StageChange.objects.filter(election__in=elections.filter(stage=Stage.POSTPONED).values("pk"))
        .filter(to_stage=Stage.POSTPONED)
        .order_by("election_id", "at", "id")
        .values_list("election_id", "from_stage")
    )
    return dict(changes)  # the latest postponement of each election wins


def target_stage(row: dict, resume: dict[int, str]) -> str | None:
    """The stage a village moves to next (lifecycle.views: a postponed one resumes where it stopped)."""
    if row["stage"] == Stage.POSTPONED:
        return resume.get(row["id"]) or Stage.PREPARATION
    return workflow.NEXT_STAGE.get(row["stage"])


def _read(
    elections: QuerySet[VillageElection], cycle: ElectionCycle, prefix: str, facts: dict | None
) -> _Known:
    ids = elections.values("pk")
    audited = set(
        OutgoingAudit.objects.filter(election__in=ids, status=AuditStatus.COMPLETED).values_list(
            "election_id", flat=True
        )
    )
    plan_open = set(
        RectificationPlan.objects.filter(election__in=ids, status=PlanStatus.OPEN).values_list(
            "election_id", flat=True
        )
    )
    newest = RiskSnapshot.objects.filter(election=OuterRef("election")).order_by("-week").values("week")[:1]
    latest = {
        election_id: (week, colour)
        for election_id, week, colour in RiskSnapshot.objects.filter(election__in=ids, week=Subquery(newest))
        .order_by()
        .values_list("election_id", "week", "colour")
    }
    closed_out = dict(
        RectificationPlan.objects.filter(
            election__in=ids, status=PlanStatus.CLOSED_OUT, closed_out_on__isnull=False
        )
        .order_by()
        .values("election_id")
        .annotate(last=Max("closed_out_on"))
        .values_list("election_id", "last")
    )
    red_exception = set(
        GateException.objects.filter(
            election__in=ids, kind=ExceptionKind.RED_CLOSE_OUT, status=ExceptionStatus.APPROVED
        ).values_list("election_id", flat=True)
    )
    signed_off = set(
        Handover.objects.filter(election__in=ids, signed_off_at__isnull=False).values_list(
            "election_id", flat=True
        )
    )
    if facts is None:
        facts = records.facts(cycle_id=cycle.pk, prefix=prefix)
    return _Known(
        cycle=cycle,
        facts=facts,
        audited=audited,
        plan_open=plan_open,
        latest=latest,
        closed_out=closed_out,
        red_exception=red_exception,
        signed_off=signed_off,
    )


def held(
    *,
    elections: QuerySet[VillageElection],
    cycle: ElectionCycle,
    prefix: str,
    facts: dict[int, records.Facts] | None = None,
) -> list[VillageHold]:
    """Every village of `elections` (already scoped to the user and filtered to `prefix`) that cannot yet
    make its next stage move, with the gates that hold it, as `gates.for_transition` would name them.

    Villages whose next move is open, and completed ones, are left out. Fifteen queries (eight with
    `facts`), whatever the number of villages.
    """
    elections = elections.filter(cycle=cycle, division_code__startswith=prefix)
    rows = list(elections.order_by("division_code").values(*ROW_FIELDS))
    resume = _resume_stages(elections) if any(r["stage"] == Stage.POSTPONED for r in rows) else {}
    known = _read(elections, cycle, prefix, facts)
    found = []
    for row in rows:
        target = target_stage(row, resume)
        if target is None:
            continue
        blocked = [b for gate in gates.ENTRY_GATES[target] for b in TWINS[gate](row, known)]
        if blocked:
            found.append(
                VillageHold(
                    election_id=row["id"],
                    division_code=row["division_code"],
                    name=row["village__name"],
                    township=row["village__parent__name"],
                    stage=row["stage"],
                    target=target,
                    blocked=blocked,
                )
            )
    return found


# The gates in the order a village meets them on its way, each with a short name for the board's headings
# (the messages of lifecycle.codes speak of one village and carry its dates).
GATE_TITLES = {
    codes.GATE_AUDIT: _("Outgoing audit not completed"),
    codes.GATE_RED: _("Red village not closed out"),
    codes.GATE_PARTY_NOT_ELECTED: _("Party organization not elected"),
    codes.GATE_ELECTION_DAY: _("Election day not set"),
    codes.GATE_ROLL_MISSING: _("Voter roll not published"),
    codes.GATE_ROLL_LATE: _("Voter roll published too late"),
    codes.GATE_CANDIDATES_MISSING: _("Formal candidate list not published"),
    codes.GATE_CANDIDATES_LATE: _("Formal candidate list published too late"),
    codes.GATE_VOTING_NOTICE_MISSING: _("Voting notice not published"),
    codes.GATE_VOTING_NOTICE_LATE: _("Voting notice published too late"),
    codes.GATE_VOTING_NOT_HELD: _("Villagers' vote not held and confirmed"),
    codes.GATE_RESULT_NOT_APPROVED: _("Result not approved by the township"),
    codes.GATE_HANDOVER: _("Handover not signed off"),
}
GATE_ORDER = list(GATE_TITLES)


def by_gate(holds: list[VillageHold]) -> list[GateGroup]:
    """The closed gates counted per gate, each with the villages it holds, in GATE_ORDER."""
    groups: dict[str, GateGroup] = {}
    for hold in holds:
        for blocked in hold.blocked:
            group = groups.get(blocked.code)
            if group is None:
                title = str(GATE_TITLES.get(blocked.code, blocked.code))
                group = groups[blocked.code] = GateGroup(code=blocked.code, title=title)
            group.villages.append((hold, blocked))
    rank = {code: i for i, code in enumerate(GATE_ORDER)}
    return sorted(groups.values(), key=lambda g: rank.get(g.code, len(rank)))
