"""Every gate of the workflow, closed and open (lifecycle.gates, through lifecycle.workflow)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots.models import ElectionResult
from elections.models import Stage, VillageElection
from lifecycle import codes, gates, workflow
from lifecycle.models import ExceptionKind
from voters.models import RollPublication

from .conftest import complete_audit, force_stage, hold_vote, publish_roll, ready_to_vote, step

pytestmark = pytest.mark.django_db


def codes_of(excinfo) -> set[str]:
    return {e.code for e in excinfo.value.error_list}


def test_no_party_election_before_the_audit_is_completed(world):
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=world["home"], to=Stage.PARTY_ELECTION, by=world["township"])
    assert codes_of(excinfo) == {codes.GATE_AUDIT}
    complete_audit(world["home"])
    workflow.advance_stage(election=world["home"], to=Stage.PARTY_ELECTION, by=world["township"])
    world["home"].refresh_from_db()
    assert world["home"].stage == Stage.PARTY_ELECTION


def test_an_audit_in_progress_does_not_open_the_gate(world):
    audit = complete_audit(world["home"])
    audit.status, audit.completed_on = "in_progress", None
    audit.save()
    assert [b.code for b in gates.for_transition(world["home"], Stage.PARTY_ELECTION)] == [codes.GATE_AUDIT]


def test_no_election_stage_step_before_the_audit(world, today):
    force_stage(world["home"], Stage.PARTY_ELECTION)
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(
            election=world["home"],
            step=step("party_recommendation"),
            status="done",
            done_on=today,
            by=world["township"],
        )
    assert codes_of(excinfo) == {codes.GATE_AUDIT}


def test_preparation_steps_need_no_audit(world, today):
    record = workflow.record_step(
        election=world["home"],
        step=step("prep_organization"),
        status="done",
        done_on=today,
        by=world["township"],
    )
    assert record.done_on == today


def test_a_red_village_does_not_start_until_closed_out(world):
    complete_audit(world["home"])
    VillageElection.objects.filter(pk=world["home"].pk).update(risk_red_open=True)
    world["home"].refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=world["home"], to=Stage.PARTY_ELECTION, by=world["township"])
    assert codes_of(excinfo) == {codes.GATE_RED}


def test_the_county_approved_close_out_opens_the_red_gate(world):
    complete_audit(world["home"])
    VillageElection.objects.filter(pk=world["home"].pk).update(risk_red_open=True)
    world["home"].refresh_from_db()
    request = workflow.request_exception(
        election=world["home"],
        kind=ExceptionKind.RED_CLOSE_OUT,
        reason="整顿到位，三级领导验收销号",
        by=world["township"],
    )
    assert gates.for_transition(world["home"], Stage.PARTY_ELECTION)  # asked, not yet approved
    workflow.decide_exception(exception=request, approve=True, by=world["county"])
    workflow.advance_stage(election=world["home"], to=Stage.PARTY_ELECTION, by=world["township"])


def test_a_rejected_close_out_keeps_the_gate_closed(world):
    complete_audit(world["home"])
    VillageElection.objects.filter(pk=world["home"].pk).update(risk_red_open=True)
    world["home"].refresh_from_db()
    request = workflow.request_exception(
        election=world["home"], kind=ExceptionKind.RED_CLOSE_OUT, reason="整顿完成", by=world["township"]
    )
    workflow.decide_exception(exception=request, approve=False, by=world["county"], note="信访积案未化解")
    assert [b.code for b in gates.for_transition(world["home"], Stage.PARTY_ELECTION)] == [codes.GATE_RED]


def test_the_vote_is_open_once_roll_and_candidates_are_in_time(world, today):
    election = ready_to_vote(world, today)
    assert gates.for_step(election, step("voting_held")) == []


def test_the_vote_is_a_record_of_the_ballots_app_not_a_tick(world, today):
    election = ready_to_vote(world, today)
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(
            election=election, step=step("voting_held"), status="done", done_on=today, by=world["township"]
        )
    assert codes_of(excinfo) == {codes.STEP_DERIVED}


def test_no_vote_without_an_election_day(world, today):
    election = ready_to_vote(world, today)
    VillageElection.objects.filter(pk=election.pk).update(election_day=None)
    election.refresh_from_db()
    assert [b.code for b in gates.for_step(election, step("voting_held"))] == [codes.GATE_ELECTION_DAY]


def test_no_vote_before_the_roll_is_published(world, today):
    election = ready_to_vote(world, today)
    RollPublication.objects.filter(election=election).delete()
    hold_vote(election, today, world["township"])
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=election, to=Stage.SUPERVISION, by=world["township"])
    assert codes_of(excinfo) == {codes.GATE_ROLL_MISSING}


def test_roll_published_19_days_before_closes_the_voting_gate(world, today):
    election = ready_to_vote(world, today)
    RollPublication.objects.filter(election=election).update(published_on=today - timedelta(days=19))
    blocked = gates.for_step(election, step("voting_held"))
    assert [b.code for b in blocked] == [codes.GATE_ROLL_LATE]
    assert "19" in blocked[0].message


def test_the_roll_counts_from_its_first_publication(world, today):
    election = ready_to_vote(world, today)
    publish_roll(election, today - timedelta(days=2), world["township"])  # republished after a change
    assert gates.for_step(election, step("voting_held")) == []


def test_no_vote_before_the_candidate_list_is_published(world, today):
    election = ready_to_vote(world, today)
    election.candidate_notices.all().delete()
    assert [b.code for b in gates.for_step(election, step("voting_held"))] == [codes.GATE_CANDIDATES_MISSING]


def test_candidates_published_4_days_before_closes_the_gate_and_5_opens_it(world, today):
    election = ready_to_vote(world, today)
    election.candidate_notices.update(published_on=today - timedelta(days=4))
    assert [b.code for b in gates.for_step(election, step("voting_held"))] == [codes.GATE_CANDIDATES_LATE]
    election.candidate_notices.update(published_on=today - timedelta(days=5))
    assert gates.for_step(election, step("voting_held")) == []


def test_leaving_the_committee_election_needs_the_vote_recorded(world, today):
    election = ready_to_vote(world, today)
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=election, to=Stage.SUPERVISION, by=world["township"])
    assert codes_of(excinfo) == {codes.GATE_VOTING_NOT_HELD}
    hold_vote(election, today, world["township"])
    workflow.advance_stage(election=election, to=Stage.SUPERVISION, by=world["township"])


@pytest.mark.parametrize(
    "vote",
    [{"valid": False}, {"unfilled": 1}],
    ids=["void for low turnout", "seats left for a further round"],
)
def test_a_void_vote_or_unfilled_seats_keep_the_vote_gate_closed(world, today, vote):
    election = ready_to_vote(world, today)
    hold_vote(election, today, world["township"], **vote)
    assert [b.code for b in gates.for_transition(election, Stage.SUPERVISION)] == [codes.GATE_VOTING_NOT_HELD]
    hold_vote(election, today, world["township"], round=2)  # the vote held again, or the further round
    assert gates.for_transition(election, Stage.SUPERVISION) == []


def test_no_handover_before_the_township_approves_the_result(world, today):
    election = ready_to_vote(world, today)
    result = hold_vote(election, today, world["township"])
    force_stage(election, Stage.SUPERVISION)
    assert [b.code for b in gates.for_transition(election, Stage.HANDOVER)] == [
        codes.GATE_RESULT_NOT_APPROVED
    ]
    ElectionResult.objects.filter(pk=result.pk).update(
        state="approved", approved_by=world["township"], approved_at=result.confirmed_at
    )
    workflow.advance_stage(election=election, to=Stage.HANDOVER, by=world["township"])


def test_not_completed_before_the_handover_is_signed_off(world, today):
    election = force_stage(world["home"], Stage.HANDOVER)
    hold_vote(election, today, world["township"], approved=True)
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=election, to=Stage.COMPLETED, by=world["township"])
    assert codes_of(excinfo) == {codes.GATE_HANDOVER}


def test_postponement_needs_the_county(world):
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=world["home"], to=Stage.POSTPONED, by=world["township"])
    assert codes_of(excinfo) == {codes.GATE_POSTPONEMENT}


def test_a_closed_gate_says_what_to_do_and_where(world):
    blocked = gates.for_transition(world["home"], Stage.PARTY_ELECTION)
    assert blocked[0].remedy and blocked[0].url == f"/audits/election/{world['home'].pk}/"
    error = blocked[0].error()
    assert error.code == codes.GATE_AUDIT and error.params["url"] == blocked[0].url


def test_every_gate_code_has_a_message_and_a_remedy():
    gate_codes = [v for k, v in vars(codes).items() if k.startswith("GATE_")]
    assert gate_codes and all(c.startswith("gate.") for c in gate_codes)
    assert all(c in codes.MESSAGES and c in codes.REMEDIES for c in gate_codes)


def test_the_gates_of_one_move_read_the_records_once(world, today):
    """The supervision stage's gates (publications in time, the vote held) share one read of the records."""
    election = ready_to_vote(world, today)
    with CaptureQueriesContext(connection) as ctx:
        gates.for_transition(election, Stage.SUPERVISION)
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "ballots_electionresult"' in q["sql"]]
    assert len(reads) == 1, reads
