"""The gates of the workflow: what must be recorded in the apps below before a stage move or a step.

A gate is a rule that refuses a stage move or a step until something recorded elsewhere is done:
- "audit done": no election-stage step or move in a village whose outgoing audit is not completed
  (`audits.selectors.audit_completed`, DOMAIN.md "Preparation", a hard gate);
- "not red": the election does not start (preparation → Party election) in a village rated red until it
  is closed out: the weekly rating (`risk.selectors.red_village_open`: red, or a rectification plan still
  open) or the flag `VillageElection.risk_red_open` a township sets; the county's close-out of the plan
  clears both, or the county approves a close-out exception (GateException RED_CLOSE_OUT);
- "published in time": no vote before the roll (voters.RollPublication, its first publication) was
  published ≥ roll_publication_days, the formal candidate list (candidates' notice) ≥ candidate_list_days
  and the voting notice (ballots) ≥ voting_notice_days before election day;
- "vote held" (a valid, confirmed count with every seat filled) before the supervision stage, "result
  approved" before the handover, "handover signed off" before "completed"; "postponement approved by the
  county" before "postponed".

Each closed gate is a `Blocked` with a stable code (lifecycle.codes), the message, what to do and where.
The dates of the records are read by lifecycle.records.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse

from audits.selectors import audit_completed
from elections.models import Stage, VillageElection
from risk.selectors import red_village_open

from . import codes, deadlines, records
from .models import (
    ExceptionKind,
    ExceptionStatus,
    GateException,
    Handover,
    StageChange,
    StepDefinition,
    StepSource,
)

# The step the gates name (a code of the default checklist, migration elections 0003).
VOTING_HELD = "voting_held"
ELECTION_STAGES = frozenset({Stage.PARTY_ELECTION, Stage.COMMITTEE_ELECTION, Stage.SUPERVISION})


@dataclass(frozen=True)
class Blocked:
    """One closed gate: its code, what is wrong, what to do, and the page where it is done."""

    code: str
    message: str
    remedy: str
    url: str = ""

    def error(self) -> ValidationError:
        # The page to fix it rides along as a parameter (the message has no placeholder left to fill).
        return ValidationError(f"{self.message} {self.remedy}", code=self.code, params={"url": self.url})


def _blocked(code: str, url: str = "", **params) -> Blocked:
    message, remedy = str(codes.MESSAGES[code]), str(codes.REMEDIES[code])
    if params:
        message, remedy = message % params, remedy % params
    return Blocked(code=code, message=message, remedy=remedy, url=url)


def exception_approved(election: VillageElection, kind: str) -> GateException | None:
    return (
        GateException.objects.filter(election=election, kind=kind, status=ExceptionStatus.APPROVED)
        .order_by("-decided_at")
        .first()
    )


def _audit(election: VillageElection) -> list[Blocked]:
    if audit_completed(election):
        return []
    return [_blocked(codes.GATE_AUDIT, reverse("audits:election", args=[election.pk]))]


def _red(election: VillageElection) -> list[Blocked]:
    """Red and not closed out: the township's flag, or the weekly rating without a county close-out."""
    flagged = election.risk_red_open or red_village_open(election)
    if not flagged or exception_approved(election, ExceptionKind.RED_CLOSE_OUT):
        return []
    return [_blocked(codes.GATE_RED, reverse("lifecycle:workflow", args=[election.pk]) + "#exceptions")]


def _fmt(day: date) -> str:
    return day.strftime("%Y-%m-%d")


# The publications the vote waits for (DOMAIN.md "Villagers' committee election"): the record's source,
# the cycle's setting of days, the codes when missing and when late, the page where it is published, and
# whether a late one is mended by moving the election day (the roll and the list) or on its own page.
PUBLICATIONS = (
    (StepSource.ROLL_PUBLICATION, "roll_publication_days", codes.GATE_ROLL_MISSING, codes.GATE_ROLL_LATE,
     "voters:roll", True),
    (StepSource.FORMAL_LIST, "candidate_list_days", codes.GATE_CANDIDATES_MISSING, codes.GATE_CANDIDATES_LATE,
     "candidates:notice_formal", True),
    (StepSource.VOTING_NOTICE, "voting_notice_days", codes.GATE_VOTING_NOTICE_MISSING,
     codes.GATE_VOTING_NOTICE_LATE, "ballots:voting_notice", False),
)  # fmt: skip


def _voting(election: VillageElection) -> list[Blocked]:
    """No vote before the roll (its first publication), the formal candidate list (its latest) and the
    voting notice were published in time (one read of the records)."""
    steps_url = reverse("lifecycle:workflow", args=[election.pk])
    if election.election_day is None:
        return [_blocked(codes.GATE_ELECTION_DAY, steps_url + "#election-day")]
    day, known, found = election.election_day, _facts(election), []
    for source, setting, missing, late, page, late_on_day in PUBLICATIONS:
        required, url = getattr(election.cycle, setting), reverse(page, args=[election.pk])
        published = known.get(source)
        if published is None:
            found.append(_blocked(missing, url, required=required))
        elif not deadlines.published_in_time(published, day, required):
            days = deadlines.days_before(published, day)
            where = steps_url + "#election-day" if late_on_day else url
            found.append(_blocked(late, where, published=_fmt(published), days=days, required=required))
    return found


def _voting_held(election: VillageElection) -> list[Blocked]:
    """The villagers' vote held and counted: the latest round confirmed on the spot, valid, no seat left
    for a further round (lifecycle.records)."""
    if _facts(election).get(StepSource.VOTE_COUNTED):
        return []
    return [_blocked(codes.GATE_VOTING_NOT_HELD, reverse("ballots:overview", args=[election.pk]))]


def _party_elected(election: VillageElection) -> list[Blocked]:
    """The Party organization elected before the villagers' committee election starts (DOMAIN.md: the
    Party election comes first): the members' assembly's latest vote valid, counted and confirmed. Its
    approval may follow in the next stage (elections.permits AFTER_VOTE)."""
    if _facts(election).get(StepSource.PARTY_VOTE):
        return []
    url = reverse("ballots:overview", args=[election.pk]) + "?body=party"
    return [_blocked(codes.GATE_PARTY_NOT_ELECTED, url)]


def _result_approved(election: VillageElection) -> list[Blocked]:
    """The township approved the villagers' committee result before the handover starts."""
    if _facts(election).get(StepSource.RESULT_APPROVED):
        return []
    return [_blocked(codes.GATE_RESULT_NOT_APPROVED, reverse("ballots:results", args=[election.pk]))]


def _handover(election: VillageElection) -> list[Blocked]:
    if Handover.objects.filter(election=election, signed_off_at__isnull=False).exists():
        return []
    return [_blocked(codes.GATE_HANDOVER, reverse("lifecycle:handover", args=[election.pk]))]


def unused_postponement(election: VillageElection) -> GateException | None:
    """An approved postponement that no stage change has acted on yet."""
    used = StageChange.objects.filter(election=election, exception__isnull=False).values("exception_id")
    return (
        GateException.objects.filter(
            election=election, kind=ExceptionKind.POSTPONEMENT, status=ExceptionStatus.APPROVED
        )
        .exclude(pk__in=used)
        .order_by("-decided_at")
        .first()
    )


def _postponement(election: VillageElection) -> list[Blocked]:
    if unused_postponement(election):
        return []
    return [
        _blocked(codes.GATE_POSTPONEMENT, reverse("lifecycle:workflow", args=[election.pk]) + "#exceptions")
    ]


Gate = Callable[[VillageElection], list[Blocked]]

# The gates of entering each stage, from wherever the election comes (a resumed postponement included).
ENTRY_GATES: dict[str, tuple[Gate, ...]] = {
    Stage.PREPARATION: (),
    Stage.PARTY_ELECTION: (_audit, _red),
    Stage.COMMITTEE_ELECTION: (_audit, _party_elected),
    Stage.SUPERVISION: (_audit, _voting, _voting_held),
    Stage.HANDOVER: (_result_approved,),
    Stage.COMPLETED: (_result_approved, _handover),
    Stage.POSTPONED: (_postponement,),
}


# The records read once per transition: several gates of one stage read the same derived steps (the
# supervision stage's publications and vote), and each read is eleven queries (lifecycle.records).
_TRANSITION_FACTS: ContextVar[dict[int, records.Facts] | None] = ContextVar("gate_facts", default=None)


def _facts(election: VillageElection) -> records.Facts:
    cache = _TRANSITION_FACTS.get()
    if cache is None:
        return records.facts_of(election)
    if election.pk not in cache:
        cache[election.pk] = records.facts_of(election)
    return cache[election.pk]


def for_transition(election: VillageElection, to: str) -> list[Blocked]:
    """Every closed gate on the way into stage `to` (empty: the move may be made)."""
    token = _TRANSITION_FACTS.set({})
    try:
        return [blocked for gate in ENTRY_GATES[to] for blocked in gate(election)]
    finally:
        _TRANSITION_FACTS.reset(token)


def for_step(election: VillageElection, step: StepDefinition) -> list[Blocked]:
    """Every closed gate on recording `step`: election-stage steps need the audit; the vote needs the roll
    and the candidate list published in time."""
    found = []
    if step.stage in ELECTION_STAGES:
        found += _audit(election)
    if step.code == VOTING_HELD:
        found += _voting(election)
    return found


def raise_if_blocked(blocked: list[Blocked]) -> None:
    if blocked:
        raise ValidationError([b.error() for b in blocked])


# Where each derived step is done, for links from the checklist and the to-do list.
SOURCE_URLS = {
    StepSource.RISK_RATED: "risk:village",
    StepSource.RED_CLOSED_OUT: "risk:village",
    StepSource.ROLL_PUBLICATION: "voters:roll",
    StepSource.ROLL_OBJECTIONS: "voters:objections",
    StepSource.OUTGOING_AUDIT: "audits:election",
    StepSource.FINANCE_CLEANUP: "audits:election",
    StepSource.PRELIMINARY_NOTICE: "candidates:notice_preliminary",
    StepSource.PARTY_VOTE: "ballots:overview",
    StepSource.PARTY_APPROVED: "ballots:results",
    StepSource.FORMAL_LIST: "candidates:notice_formal",
    StepSource.VOTING_NOTICE: "ballots:voting_notice",
    StepSource.VOTE_COUNTED: "ballots:overview",
    StepSource.RESULT_APPROVED: "ballots:results",
    StepSource.CERTIFICATES_ISSUED: "ballots:certificates",
    StepSource.HANDOVER: "lifecycle:handover",
}
