"""Each gate of a stage move at each door: the steps page (view), `manage.py advance_stage` (command) and
the admin (which shows the stage read-only). Closed: refused with its code, nothing moved; open: moved."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ballots.models import ElectionResult, VotingNotice
from elections.models import Stage, VillageElection
from elections.red_flag import set_red_flag
from lifecycle import codes, workflow
from lifecycle.models import Handover, StageChange

from .conftest import (
    complete_audit,
    force_stage,
    hold_vote,
    publish_formal_list,
    publish_roll,
    publish_voting_notice,
    ready_to_vote,
)

pytestmark = pytest.mark.django_db


def _sign_handover(election, today, by):
    return Handover.objects.create(
        election=election,
        result_on=today,
        handed_over_on=today,
        outgoing_signatory="李老书记",
        incoming_signatory="张新书记",
        signed_off_at=timezone.now(),
        signed_off_by=by,
    )


# name → (set the election up with the gate closed, open it, the stage to move to, the gate's code)
def _audit(world, today):
    return world["home"], lambda: complete_audit(world["home"]), Stage.PARTY_ELECTION, codes.GATE_AUDIT


def _red(world, today):
    election = world["home"]
    complete_audit(election)
    set_red_flag(election=election, open=True, by=world["county"])
    return election, lambda: set_red_flag(election=election, open=False, by=world["county"]), \
        Stage.PARTY_ELECTION, codes.GATE_RED  # fmt: skip


def _roll(world, today):
    election = ready_to_vote(world, today)
    hold_vote(election, today, world["township"])
    election.roll_publications.all().delete()
    return election, lambda: publish_roll(election, today - timedelta(days=25), world["township"]), \
        Stage.SUPERVISION, codes.GATE_ROLL_MISSING  # fmt: skip


def _roll_late(world, today):
    election = ready_to_vote(world, today)
    hold_vote(election, today, world["township"])
    election.roll_publications.update(published_on=today - timedelta(days=19))
    return election, lambda: election.roll_publications.update(published_on=today - timedelta(days=20)), \
        Stage.SUPERVISION, codes.GATE_ROLL_LATE  # fmt: skip


def _formal_list(world, today):
    election = ready_to_vote(world, today)
    hold_vote(election, today, world["township"])
    election.candidate_notices.all().delete()
    return election, lambda: publish_formal_list(election, today - timedelta(days=6), world["township"]), \
        Stage.SUPERVISION, codes.GATE_CANDIDATES_MISSING  # fmt: skip


def _voting_notice(world, today):
    election = ready_to_vote(world, today)
    hold_vote(election, today, world["township"])
    VotingNotice.objects.filter(election=election).delete()
    return election, lambda: publish_voting_notice(election, today - timedelta(days=4), world["township"]), \
        Stage.SUPERVISION, codes.GATE_VOTING_NOTICE_MISSING  # fmt: skip


def _vote(world, today):
    election = ready_to_vote(world, today)
    return election, lambda: hold_vote(election, today, world["township"]), Stage.SUPERVISION, \
        codes.GATE_VOTING_NOT_HELD  # fmt: skip


def _approved(world, today):
    election = ready_to_vote(world, today)
    result = hold_vote(election, today, world["township"])
    force_stage(election, Stage.SUPERVISION)

    def approve():
        ElectionResult.objects.filter(pk=result.pk).update(
            state="approved", approved_by=world["township"], approved_at=result.confirmed_at
        )

    return election, approve, Stage.HANDOVER, codes.GATE_RESULT_NOT_APPROVED


def _handover(world, today):
    election = force_stage(world["home"], Stage.HANDOVER)
    hold_vote(election, today, world["township"], approved=True)
    return election, lambda: _sign_handover(election, today, world["township"]), Stage.COMPLETED, \
        codes.GATE_HANDOVER  # fmt: skip


GATES = [_audit, _red, _roll, _roll_late, _formal_list, _voting_notice, _vote, _approved, _handover]
IDS = [g.__name__.strip("_") for g in GATES]


def _stage(election) -> str:
    return VillageElection.objects.values_list("stage", flat=True).get(pk=election.pk)


@pytest.mark.parametrize("make", GATES, ids=IDS)
def test_the_steps_page_refuses_a_closed_gate_and_moves_once_it_opens(make, world, today, client):
    election, open_gate, to, code = make(world, today)
    before = _stage(election)
    client.force_login(world["township"])
    url = f"/elections/{election.pk}/workflow/advance/"
    response = client.post(url, {"to": to, "expected": before})
    assert response.status_code == 400
    assert str(codes.MESSAGES[code]).split("%")[0][:12] in response.content.decode()
    assert _stage(election) == before
    open_gate()
    response = client.post(url, {"to": to, "expected": before})
    assert response.status_code == 302
    assert _stage(election) == to


@pytest.mark.parametrize("make", GATES, ids=IDS)
def test_the_command_refuses_a_closed_gate_with_its_code_and_moves_once_it_opens(make, world, today):
    election, open_gate, to, code = make(world, today)
    before = _stage(election)
    with pytest.raises(CommandError) as caught:
        call_command("advance_stage", election=election.pk, user="township", to=to)
    assert code in str(caught.value)
    assert _stage(election) == before
    open_gate()
    call_command("advance_stage", election=election.pk, user="township", to=to)
    assert _stage(election) == to


def test_the_admin_shows_the_stage_read_only(world, client):
    election = world["home"]
    client.force_login(world["admin"])
    page = client.get(f"/admin/elections/villageelection/{election.pk}/change/")
    assert page.status_code == 200
    assert 'name="stage"' not in page.content.decode()
    data = {
        "cycle": election.cycle_id,
        "village": election.village_id,
        "election_day": election.election_day.isoformat(),
        "party_seats": 5,
        "committee_seats": 5,
        "supervision_seats": 3,
        "stage": Stage.COMPLETED,
    }
    client.post(f"/admin/elections/villageelection/{election.pk}/change/", data)
    assert _stage(election) == Stage.PREPARATION


def test_catch_up_moves_through_every_stage_the_records_have_passed(world, today, client):
    election = ready_to_vote(world, today)
    hold_vote(election, today, world["township"], approved=True)
    assert workflow.catch_up_path(election) == [Stage.SUPERVISION, Stage.HANDOVER]
    client.force_login(world["township"])
    page = client.get(f"/elections/{election.pk}/workflow/")
    assert 'id="catch-up"' in page.content.decode()
    assert "按记录推进到“工作交接”" in page.content.decode()
    response = client.post(
        f"/elections/{election.pk}/workflow/catch-up/", {"expected": Stage.COMMITTEE_ELECTION}
    )
    assert response.status_code == 302
    assert _stage(election) == Stage.HANDOVER
    moves = list(StageChange.objects.filter(election=election).values_list("to_stage", flat=True))
    assert moves[-2:] == [Stage.SUPERVISION, Stage.HANDOVER]
    response = client.post(f"/elections/{election.pk}/workflow/catch-up/", {"expected": Stage.HANDOVER})
    assert response.status_code == 400  # nothing more: the handover is not signed
    assert str(codes.MESSAGES[codes.NOTHING_TO_CATCH_UP]) in response.content.decode()


def test_catch_up_stops_at_a_closed_gate_and_never_starts_the_party_election(world, today):
    neighbour = world["neighbour"]
    complete_audit(neighbour)
    assert workflow.catch_up_path(neighbour) == []  # the Party election has no record to show it began
    election = ready_to_vote(world, today)
    VotingNotice.objects.filter(election=election).delete()
    hold_vote(election, today, world["township"], approved=True)
    assert workflow.catch_up_path(election) == []  # the vote counted, but its notice is missing
    publish_voting_notice(election, today - timedelta(days=3), world["township"])
    call_command("advance_stage", election=election.pk, user="township", catch_up=True)
    assert _stage(election) == Stage.HANDOVER


def test_the_risk_rating_and_the_red_close_out_are_steps_read_from_their_records(world, today):
    from lifecycle import records
    from lifecycle.models import StepSource
    from risk.models import PlanStatus, RectificationPlan, RiskSnapshot

    election, other = world["home"], world["neighbour"]
    monday = today - timedelta(days=today.weekday() + 7)
    for village in (election, other):
        RiskSnapshot.objects.create(
            election=village, division_code=village.division_code, cycle=village.cycle, week=monday,
            score=55, colour="red",
        )  # fmt: skip
    assert records.facts_of(election).get(StepSource.RISK_RATED) == monday
    assert StepSource.RED_CLOSED_OUT not in records.facts_of(election)
    RectificationPlan.objects.create(
        election=other, division_code=other.division_code, city_leader="市领导", county_leader="县领导",
        township_leader="镇领导", work_team="驻村工作组", stationed_on=monday, status=PlanStatus.CLOSED_OUT,
        closed_out_on=today - timedelta(days=1), closed_out_by=world["county"],
    )  # fmt: skip
    assert records.facts_of(other)[StepSource.RED_CLOSED_OUT] == today - timedelta(days=1)
    exception = workflow.request_exception(
        election=election, kind="red_close_out", reason="整顿完成，验收合格", by=world["township"]
    )
    workflow.decide_exception(exception=exception, approve=True, by=world["county"])
    assert records.facts_of(election)[StepSource.RED_CLOSED_OUT] == timezone.localdate()
