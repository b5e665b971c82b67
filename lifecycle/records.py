"""The records the derived steps read (ARCHITECTURE.md "records, not checkboxes").

A step with a `source` is never ticked by hand: it is done on the day its record says. This module reads
those days from the apps below, for one election or for every election of a cycle under a division-code
prefix, in eleven queries whatever the number of villages:

- the roll's first publication (voters.RollPublication; later changes are logged against it);
- the objections to the roll (voters.RollObjection), see `_objection_facts`;
- the outgoing audit's completion and the finance clean-up (audits);
- the preliminary notice and the formal candidate list (candidates.NoticePublication: the latest
  publication counts, since a list published again restarts the deadline);
- the voting notice (ballots.VotingNotice, while it announces the present election day);
- the Party assembly's vote and its approval, and the villagers' vote, its approval and its certificates of
  election issued (ballots.ElectionResult, see `_vote_days`);
- the handover signed off (lifecycle.Handover);
- the first weekly three-colour rating (risk.RiskSnapshot), and the red village's close-out (risk's plan
  closed out, or the county's approved close-out exception).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import F, Max, Min
from django.utils import timezone

from audits.models import AuditStatus, FinanceCleanup, OutgoingAudit
from ballots.models import ElectionResult, ResultState, VotingNotice
from candidates.choices import Body, NoticeKind
from candidates.models import NoticePublication
from elections.models import VillageElection
from risk.models import PlanStatus, RectificationPlan, RiskSnapshot
from voters.models import RollObjection, RollPublication

from .models import ExceptionKind, ExceptionStatus, GateException, Handover, StepSource

Facts = dict[str, date]

# A derived step whose deadline runs from the day it was opened reads that day from the facts too, under
# its own key (`opened_on`): the record is the objection, not a date typed on the step.
OPENED = {StepSource.ROLL_OBJECTIONS: "roll_objections.opened"}


def opened_on(facts: Facts, source: str) -> date | None:
    """The day a derived step's deadline runs from (None for a step whose record is not opened)."""
    key = OPENED.get(source)
    return facts.get(key) if key else None


def _objection_facts(rows, published: dict[int, date]) -> dict[int, Facts]:
    """ "Objections handled" from the objections themselves (records, not checkboxes; DOMAIN.md: the
    election committee answers within 3 days of receipt): with one still open, the step is open from the
    earliest open one's receipt (due N days later: overdue past it); with every one answered, it is done
    on the answer that was most late (flagged late) or, none late, on the last answer, opened on that
    one's receipt; with none at all, it is done once the roll is published (nothing to answer).
    `rows`: (election, received on, answered on or None, the cycle's N)."""
    by_election: dict[int, list] = defaultdict(list)
    for election_id, received, answered, days in rows:
        by_election[election_id].append((received, answered, days))
    found: dict[int, Facts] = {}
    for election_id, day in published.items():
        if election_id not in by_election:
            found[election_id] = {StepSource.ROLL_OBJECTIONS: day}
    opened_key = OPENED[StepSource.ROLL_OBJECTIONS]
    for election_id, objections in by_election.items():
        still_open = [received for received, answered, _days in objections if answered is None]
        if still_open:
            found[election_id] = {opened_key: min(still_open)}
            continue
        # (days late, answered on): the most late answer, or, none late, the last one
        received, answered, _days = max(objections, key=lambda o: (max((o[1] - o[0]).days - o[2], 0), o[1]))
        found[election_id] = {StepSource.ROLL_OBJECTIONS: answered, opened_key: received}
    return found


def _day(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def _vote_days(rows) -> dict[tuple[int, str], tuple[date | None, date | None, date | None]]:
    """(election, body) → (the day the vote was held and counted, the day its result was approved, the
    day its certificates of election were issued).

    Of each body only the latest round counts: a first round that left seats unfilled is not "held" until
    its further round (另行选举) is confirmed; a void vote (turnout below half, DOMAIN.md "Counting and
    results") is not held at all and must be held again. Held: the election committee confirmed the count
    on the spot (ResultState.CONFIRMED or later); approved: the township approved it.
    """
    latest: dict[tuple[int, str], dict] = {}
    for row in rows:
        key = (row["election_id"], row["body"])
        if key not in latest or row["round"] > latest[key]["round"]:
            latest[key] = row
    days = {}
    for key, row in latest.items():
        unfilled = sum(p.get("further_round_seats", 0) for p in (row["data"] or {}).get("positions", []))
        confirmed = row["state"] in (ResultState.CONFIRMED, ResultState.APPROVED)
        if not (confirmed and row["valid"]) or unfilled:
            days[key] = (None, None, None)
            continue
        approved = _day(row["approved_at"]) if row["state"] == ResultState.APPROVED else None
        issued = row["certificates_issued_on"] if approved else None
        days[key] = (_day(row["confirmed_at"]), approved, issued)
    return days


def _collect(**where) -> dict[int, Facts]:
    """{election id: {source: day}} for the elections selected by `where` (filters on the election's
    fields through each record's `election__` relation, or `division_code__startswith`)."""
    found: dict[int, Facts] = defaultdict(dict)

    def put(source: str, pairs) -> None:
        for election_id, day in pairs:
            if day is not None:
                found[election_id][source] = day

    rolls = RollPublication.objects.filter(**where).order_by().values("election_id")
    first_published = dict(rolls.annotate(first=Min("published_on")).values_list("election_id", "first"))
    put(StepSource.ROLL_PUBLICATION, first_published.items())
    objections = RollObjection.objects.filter(**where).values_list(
        "election_id", "received_on", "answered_on", "election__cycle__objection_answer_days"
    )
    for election_id, days in _objection_facts(objections.order_by(), first_published).items():
        found[election_id].update(days)
    audits = OutgoingAudit.objects.filter(status=AuditStatus.COMPLETED, **where)
    put(StepSource.OUTGOING_AUDIT, audits.values_list("election_id", "completed_on"))
    put(
        StepSource.FINANCE_CLEANUP,
        FinanceCleanup.objects.filter(**where).values_list("election_id", "completed_on"),
    )
    notices = (
        NoticePublication.objects.filter(**where)
        .order_by()
        .values("election_id", "kind")
        .annotate(last=Max("published_on"))
        .values_list("election_id", "kind", "last")
    )
    notice_source = {
        NoticeKind.PRELIMINARY: StepSource.PRELIMINARY_NOTICE,
        NoticeKind.FORMAL: StepSource.FORMAL_LIST,
    }
    for election_id, kind, day in notices:
        put(notice_source[kind], [(election_id, day)])
    # The voting notice counts only while it announces the election's present day (ballots.selectors).
    notices = VotingNotice.objects.filter(voting_on=F("election__election_day"), **where)
    put(StepSource.VOTING_NOTICE, notices.values_list("election_id", "published_on"))
    results = ElectionResult.objects.filter(body__in=(Body.PARTY, Body.COMMITTEE), **where).values(
        "election_id", "body", "round", "state", "valid", "data", "confirmed_at", "approved_at",
        "certificates_issued_on",
    )  # fmt: skip
    sources = {
        Body.PARTY: (StepSource.PARTY_VOTE, StepSource.PARTY_APPROVED),
        Body.COMMITTEE: (StepSource.VOTE_COUNTED, StepSource.RESULT_APPROVED),
    }
    for (election_id, body), (held, approved, issued) in _vote_days(results.order_by()).items():
        held_source, approved_source = sources[body]
        put(held_source, [(election_id, held)])
        put(approved_source, [(election_id, approved)])
        if body == Body.COMMITTEE:
            put(StepSource.CERTIFICATES_ISSUED, [(election_id, issued)])
    handovers = Handover.objects.filter(signed_off_at__isnull=False, **where)
    put(StepSource.HANDOVER, handovers.values_list("election_id", "handed_over_on"))
    # The risk assessment is done with the village's first weekly rating; a red village is closed out on
    # the day the county closed out its rectification plan, or approved the close-out on the steps page.
    snapshots = RiskSnapshot.objects.filter(**where).order_by().values("election_id")
    put(StepSource.RISK_RATED, snapshots.annotate(first=Min("week")).values_list("election_id", "first"))
    plans = RectificationPlan.objects.filter(status=PlanStatus.CLOSED_OUT, **where).order_by()
    closed = dict(
        plans.values("election_id").annotate(last=Max("closed_out_on")).values_list("election_id", "last")
    )
    approved = GateException.objects.filter(
        kind=ExceptionKind.RED_CLOSE_OUT, status=ExceptionStatus.APPROVED, **where
    ).order_by()
    for election_id, moment in (
        approved.values("election_id").annotate(last=Max("decided_at")).values_list("election_id", "last")
    ):
        day = _day(moment)
        closed[election_id] = max(closed.get(election_id, day), day)
    put(StepSource.RED_CLOSED_OUT, closed.items())
    return found


def facts(*, cycle_id: int, prefix: str) -> dict[int, Facts]:
    """The days of every derived step of the elections of a cycle under `prefix`: eleven queries."""
    return _collect(election__cycle_id=cycle_id, division_code__startswith=prefix)


def facts_of(election: VillageElection) -> Facts:
    """The days of one election's derived steps."""
    return _collect(election_id=election.pk).get(election.pk, {})


def facts_for(election_ids) -> dict[int, Facts]:
    """The days of the derived steps of the given elections (a page of them)."""
    return _collect(election_id__in=list(election_ids))
