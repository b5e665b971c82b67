"""The set-based "held by gates" (lifecycle.holds) gives the answers of lifecycle.gates, village by village."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from elections.models import Stage, VillageElection
from lifecycle import codes, gates, holds, workflow
from lifecycle.models import ExceptionKind, ExceptionStatus, GateException, Handover, StageChange
from risk.models import PlanStatus, RectificationPlan, RiskSnapshot
from tests.factories import VillageElectionFactory, region_chain

from .conftest import (
    complete_audit,
    force_stage,
    hold_vote,
    publish_formal_list,
    publish_roll,
    publish_voting_notice,
)

pytestmark = pytest.mark.django_db


def village(world, n: int, stage: str, *, day=None, township: int = 1, **fields) -> VillageElection:
    return VillageElectionFactory(
        cycle=world["cycle"],
        village=region_chain(f"330702{township:03d}{100 + n:03d}", name=f"测试{n}村"),
        stage=stage,
        election_day=day,
        **fields,
    )


def snapshot(election, week, colour):
    return RiskSnapshot.objects.create(
        election=election, cycle=election.cycle, week=week, score=Decimal("50" if colour == "red" else "85"),
        colour=colour,
    )  # fmt: skip


def plan(election, status, closed_out_on=None):
    return RectificationPlan.objects.create(
        election=election, city_leader="甲", county_leader="乙", township_leader="丙", work_team="工作组",
        stationed_on=closed_out_on or timezone.localdate(), status=status, closed_out_on=closed_out_on,
    )  # fmt: skip


def postpone(election, from_stage, by):
    StageChange.objects.create(election=election, from_stage=from_stage, to_stage=Stage.POSTPONED, by=by)
    return force_stage(election, Stage.POSTPONED)


def target(election: VillageElection) -> str | None:
    """The next stage as the workflow page computes it (lifecycle.views._target_stage)."""
    from lifecycle.views import _target_stage

    return _target_stage(election)


@pytest.fixture
def many_states(world, today):
    """Villages in every state a gate reads: audit, red (flag, rating, plans, close-out), publications in
    time, late and missing, the vote, the approval, the handover, postponed ones resuming."""
    t, by = today, world["township"]
    found = []
    # Preparation: no audit; audited; red by flag; red by flag with the county's close-out; red by rating;
    # red by rating then closed out; an open plan; red an earlier week, green now.
    found.append(village(world, 1, Stage.PREPARATION))
    v = village(world, 2, Stage.PREPARATION)
    complete_audit(v)
    found.append(v)
    v = village(world, 3, Stage.PREPARATION, risk_red_open=True)
    found.append(v)
    v = village(world, 4, Stage.PREPARATION, risk_red_open=True)
    complete_audit(v)
    GateException.objects.create(
        election=v, kind=ExceptionKind.RED_CLOSE_OUT, status=ExceptionStatus.APPROVED, reason="销号",
        requested_by=by, decided_by=world["county"], decided_at=timezone.now(),
    )  # fmt: skip
    found.append(v)
    monday = t - timedelta(days=t.weekday())
    v = village(world, 5, Stage.PREPARATION)
    complete_audit(v)
    snapshot(v, monday - timedelta(days=7), "green")
    snapshot(v, monday, "red")
    found.append(v)
    v = village(world, 6, Stage.PREPARATION)
    complete_audit(v)
    snapshot(v, monday, "red")
    plan(v, PlanStatus.CLOSED_OUT, closed_out_on=monday + timedelta(days=1))
    found.append(v)
    v = village(world, 7, Stage.PREPARATION)
    complete_audit(v)
    plan(v, PlanStatus.OPEN)
    found.append(v)
    v = village(world, 8, Stage.PREPARATION)
    complete_audit(v)
    snapshot(v, monday - timedelta(days=7), "red")
    snapshot(v, monday, "green")
    plan(v, PlanStatus.CLOSED_OUT, closed_out_on=monday - timedelta(days=14))  # before the red week
    found.append(v)
    # Party election: without the audit; with the audit and the Party members' vote held; with the audit
    # but no Party vote (held by the Party election's own gate).
    found.append(village(world, 9, Stage.PARTY_ELECTION))
    v = village(world, 10, Stage.PARTY_ELECTION)
    complete_audit(v)
    hold_vote(v, timezone.localdate(), world["township"], body="party")
    found.append(v)
    v = village(world, 23, Stage.PARTY_ELECTION)
    complete_audit(v)
    found.append(v)
    # Committee election: no day; nothing published; roll late, list in time, notice late; all in time
    # but the vote not held; the vote held.
    v = village(world, 11, Stage.COMMITTEE_ELECTION, township=2)
    complete_audit(v)
    found.append(v)
    v = village(world, 12, Stage.COMMITTEE_ELECTION, day=t + timedelta(days=30), township=2)
    complete_audit(v)
    found.append(v)
    v = village(world, 13, Stage.COMMITTEE_ELECTION, day=t, township=2)
    complete_audit(v)
    publish_roll(v, t - timedelta(days=19), by)
    publish_formal_list(v, t - timedelta(days=6), by)
    publish_voting_notice(v, t - timedelta(days=2), by)
    found.append(v)
    v = village(world, 14, Stage.COMMITTEE_ELECTION, day=t, township=2)
    complete_audit(v)
    publish_roll(v, t - timedelta(days=20), by)
    publish_formal_list(v, t - timedelta(days=5), by)
    publish_voting_notice(v, t - timedelta(days=3), by)
    found.append(v)
    v = village(world, 15, Stage.COMMITTEE_ELECTION, day=t, township=2)
    publish_roll(v, t - timedelta(days=25), by)
    publish_formal_list(v, t - timedelta(days=7), by)
    publish_voting_notice(v, t - timedelta(days=4), by)
    hold_vote(v, t, by)
    found.append(v)  # no audit: held by the audit alone
    # Supervision: confirmed but not approved; approved. Handover: not signed off; signed off. Completed.
    v = village(world, 16, Stage.SUPERVISION, day=t - timedelta(days=3), township=2)
    hold_vote(v, t - timedelta(days=3), by)
    found.append(v)
    v = village(world, 17, Stage.SUPERVISION, day=t - timedelta(days=3), township=2)
    hold_vote(v, t - timedelta(days=3), by, approved=True)
    found.append(v)
    v = village(world, 18, Stage.HANDOVER, day=t - timedelta(days=5), township=2)
    hold_vote(v, t - timedelta(days=5), by, approved=True)
    Handover.objects.create(election=v, result_on=t - timedelta(days=5))
    found.append(v)
    v = village(world, 19, Stage.HANDOVER, day=t - timedelta(days=5), township=2)
    hold_vote(v, t - timedelta(days=5), by, approved=True)
    Handover.objects.create(
        election=v, result_on=t - timedelta(days=5), handed_over_on=t, outgoing_signatory="李",
        incoming_signatory="张", signed_off_at=timezone.now(), signed_off_by=by,
    )  # fmt: skip
    found.append(v)
    found.append(village(world, 20, Stage.COMPLETED, day=t - timedelta(days=30), township=2))
    # Postponed: from the committee election without the audit; from preparation (resumes, no gate).
    v = village(world, 21, Stage.COMMITTEE_ELECTION, township=2)
    found.append(postpone(v, Stage.COMMITTEE_ELECTION, by))
    v = village(world, 22, Stage.PREPARATION, township=2)
    found.append(postpone(v, Stage.PREPARATION, by))
    return found


def per_election(world, elections):
    county = world["home"].village.parent.parent
    qs = VillageElection.objects.filter(pk__in=[e.pk for e in elections])
    found = holds.held(elections=qs, cycle=world["cycle"], prefix=county.prefix)
    return {h.election_id: h for h in found}


def test_holds_equal_the_gates_village_by_village(world, many_states):
    set_based = per_election(world, many_states)
    for election in many_states:
        election = VillageElection.objects.select_related("cycle").get(pk=election.pk)
        to = target(election)
        expected = gates.for_transition(election, to) if to else []
        hold = set_based.get(election.pk)
        assert (hold.blocked if hold else []) == expected, (election.village.name, election.stage, to)
        if hold:
            assert hold.target == to
    # The set covers every kind of gate a village meets on its way.
    seen = {b.code for h in set_based.values() for b in h.blocked}
    assert seen >= {
        codes.GATE_AUDIT, codes.GATE_RED, codes.GATE_ELECTION_DAY, codes.GATE_ROLL_MISSING,
        codes.GATE_ROLL_LATE, codes.GATE_CANDIDATES_MISSING, codes.GATE_VOTING_NOTICE_MISSING,
        codes.GATE_VOTING_NOTICE_LATE, codes.GATE_VOTING_NOT_HELD, codes.GATE_RESULT_NOT_APPROVED,
        codes.GATE_HANDOVER, codes.GATE_PARTY_NOT_ELECTED,
    }  # fmt: skip


def test_every_entry_gate_has_its_set_based_twin():
    for to, entry in gates.ENTRY_GATES.items():
        if to == Stage.POSTPONED:
            continue
        assert all(gate in holds.TWINS for gate in entry), to


def test_open_villages_are_not_held(world, many_states):
    set_based = per_election(world, many_states)
    names = {e.pk: e.village.name for e in many_states}
    free = {names[pk] for pk in names if pk not in set_based}
    # Audited and green, audited with the close-out approved, closed out after the red week, the vote held
    # (audit missing aside), the approved supervision, the signed-off handover, completed, resuming.
    assert free == {"测试2村", "测试4村", "测试6村", "测试8村", "测试10村", "测试17村", "测试19村", "测试20村",
                    "测试22村"}  # fmt: skip


def test_grouped_by_gate_in_the_order_a_village_meets_them(world, many_states):
    groups = holds.by_gate(list(per_election(world, many_states).values()))
    codes_in_order = [g.code for g in groups]
    assert codes_in_order == [c for c in holds.GATE_ORDER if c in codes_in_order]
    audit = next(g for g in groups if g.code == codes.GATE_AUDIT)
    assert {h.name for h, _b in audit.villages} == {"测试1村", "测试3村", "测试9村", "测试15村", "测试21村"}
    assert all(b.url.startswith("/audits/") for _h, b in audit.villages)
    party = next(g for g in groups if g.code == codes.GATE_PARTY_NOT_ELECTED)
    assert {h.name for h, _b in party.villages} == {"测试9村", "测试21村", "测试23村"}  # 21: resuming
    assert all("body=party" in b.url for _h, b in party.villages)


def _many(world, n: int, today):
    by = world["township"]
    for i in range(n):
        stage = [Stage.PREPARATION, Stage.COMMITTEE_ELECTION, Stage.SUPERVISION, Stage.HANDOVER][i % 4]
        v = village(world, i, stage, day=today + timedelta(days=i % 30 - 5), township=3 + i % 5)
        if i % 3:
            complete_audit(v)
        if i % 4 == 1:
            publish_roll(v, today - timedelta(days=i % 25), by)
        if i % 4 >= 2:
            hold_vote(v, today - timedelta(days=1), by, approved=i % 8 >= 4)
        if i % 7 == 0:
            postpone(v, stage if stage != Stage.HANDOVER else Stage.SUPERVISION, by)


@pytest.mark.parametrize("n", [50, 200])
def test_the_query_count_does_not_grow_with_the_villages(world, today, n):
    _many(world, n, today)
    county = world["home"].village.parent.parent
    qs = VillageElection.objects.all()
    with CaptureQueriesContext(connection) as queries:
        found = holds.held(elections=qs, cycle=world["cycle"], prefix=county.prefix)
    assert found
    # Nineteen for 50 villages as for 200: one query per kind of record, none per village (three of them
    # lifecycle.records' reads of the risk app for the derived steps of the risk assessment and close-out).
    assert len(queries) == 19, [q["sql"][:80] for q in queries.captured_queries]


def test_a_village_held_is_one_the_workflow_refuses(world, today):
    """The board's answer is the workflow's: a held village's move is refused with the same codes."""
    v = village(world, 1, Stage.PREPARATION, risk_red_open=True)
    hold = per_election(world, [v])[v.pk]
    with pytest.raises(Exception) as excinfo:
        workflow.advance_stage(election=v, to=hold.target, by=world["township"])
    assert {e.code for e in excinfo.value.error_list} == {b.code for b in hold.blocked}
