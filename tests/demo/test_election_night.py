"""The demo's election night (issue 16 item 7): villages at every point of it, each consistent with the
lifecycle's stage and with what the ballots services say of its records."""

import io
from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from ballots import codes, services
from ballots.models import (
    BallotBox,
    BoxKind,
    ElectionResult,
    ResultState,
    SheetState,
    TallyEntry,
    TallySheet,
    VotingMethod,
    VotingNotice,
)
from elections.models import Stage, VillageElection
from lifecycle import records
from lifecycle.consistency import contradictions
from lifecycle.models import StepSource

pytestmark = pytest.mark.django_db

COMMITTEE = "committee"
TONIGHT = ("boxes", "entered", "mismatch", "reconciled")
# The stage each point of the election night implies (lifecycle.gates: a vote held before the supervision
# stage, its result approved before the handover).
STAGES = {
    **{state: {Stage.COMMITTEE_ELECTION} for state in (*TONIGHT, "further_round", "void")},
    "further_round_held": {Stage.SUPERVISION, Stage.HANDOVER, Stage.COMPLETED},
    "certified": {Stage.SUPERVISION, Stage.HANDOVER, Stage.COMPLETED},
}


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_demo", scale=150, stdout=out)
    return out.getvalue()


def _states() -> dict[str, set[int]]:
    """The villages at each point of the election night, read from the ballots records alone."""
    found = defaultdict(set)
    sheets = TallySheet.objects.filter(body=COMMITTEE)
    with_sheets = set(sheets.values_list("election_id", flat=True))
    boxes = BallotBox.objects.filter(round=1, sheets__isnull=True).exclude(election_id__in=with_sheets)
    found["boxes"] = set(boxes.values_list("election_id", flat=True))
    mismatch = set(sheets.filter(state=SheetState.MISMATCH).values_list("election_id", flat=True))
    found["mismatch"] = mismatch
    entering = set(sheets.filter(state=SheetState.ENTERING).values_list("election_id", flat=True))
    found["entered"] = entering - mismatch
    results = ElectionResult.objects.filter(body=COMMITTEE)
    found["reconciled"] = set(results.filter(state=ResultState.COUNTED).values_list("election_id", flat=True))
    found["void"] = set(results.filter(valid=False).values_list("election_id", flat=True))
    held = set(results.filter(round=2).values_list("election_id", flat=True))
    for result in results.filter(round=1, valid=True, state=ResultState.CONFIRMED):
        if any(p["further_round_seats"] for p in result.data["positions"]) and result.election_id not in held:
            found["further_round"].add(result.election_id)
    found["further_round_held"] = set(
        results.filter(round=2, state=ResultState.APPROVED).values_list("election_id", flat=True)
    )
    certified = results.filter(state=ResultState.APPROVED, certificates_issued_on__isnull=False)
    found["certified"] = set(certified.values_list("election_id", flat=True))
    return found


def _recount(result: ElectionResult) -> tuple[bool, dict]:
    """What the service counts from the agreed sheets with the rules the result keeps (the count that
    `count_election` and `confirm_results` store, without writing)."""
    return services.recount(result)


def _entrants(election) -> set[str]:
    township = election.division_code[:9]
    return {f"tally_{township}_1", f"tally_{township}_2", "township_office"}


def _at_the_stage_it_implies(states: dict[str, set[int]]) -> None:
    """Each village at the stage its point of the night implies, with the lifecycle's records to match."""
    night = {pk for ids in states.values() for pk in ids}
    assert contradictions(VillageElection.objects.filter(pk__in=night)) == []
    today = timezone.localdate()
    for state, ids in states.items():
        for election in VillageElection.objects.filter(pk__in=ids).select_related("cycle"):
            assert election.stage in STAGES[state], (state, election.pk, election.stage)
            facts = records.facts_of(election)
            if state in TONIGHT:
                assert election.election_day == today
            if election.stage == Stage.COMMITTEE_ELECTION:
                assert StepSource.VOTE_COUNTED not in facts  # not held: the supervision stage waits
                notice = VotingNotice.objects.get(election=election)
                assert notice.voting_on == election.election_day and notice.published_on < today
            if state == "certified":
                held = {StepSource.VOTE_COUNTED, StepSource.RESULT_APPROVED, StepSource.CERTIFICATES_ISSUED}
                assert held <= set(facts)
    # Whose day has come and has no count yet is counting tonight: a village fallen back votes later.
    uncounted = VillageElection.objects.filter(
        stage=Stage.COMMITTEE_ELECTION, election_day__lte=today
    ).exclude(results__body=COMMITTEE)
    tonight = set().union(*(states[s] for s in TONIGHT))
    assert set(uncounted.values_list("pk", flat=True)) <= tonight


def _tonight_as_entered(states: dict[str, set[int]]) -> None:
    """The boxes set up (a mobile box, a polling station announced by the notice), the sheets entered once
    by a tally clerk, the two entries that differ as the service compares them."""
    for election in VillageElection.objects.filter(pk__in=states["boxes"]):
        kinds = set(BallotBox.objects.filter(election=election).values_list("kind", flat=True))
        assert {BoxKind.CENTRAL, BoxKind.MOBILE} <= kinds
        assert not ElectionResult.objects.filter(election=election, body=COMMITTEE).exists()
        with pytest.raises(ValidationError) as refused:
            services.reconcile_election(election=election, body=COMMITTEE)
        assert refused.value.code == codes.TALLY_SHEETS_NOT_AGREED.code
    stations = BallotBox.objects.filter(kind=BoxKind.STATION, station__isnull=False)
    assert stations.filter(election_id__in=states["boxes"]).exists()
    for box in stations:
        assert VotingNotice.objects.get(election=box.election).method == VotingMethod.CENTRAL_AND_STATIONS
    for sheet in TallySheet.objects.filter(election_id__in=states["entered"], state=SheetState.ENTERING):
        (entry,) = sheet.entries.all()
        assert entry.slot == 1 and entry.entered_by.username in _entrants(sheet.election)
    for sheet in TallySheet.objects.filter(state=SheetState.MISMATCH):
        first, second = sheet.entries.order_by("slot")
        assert first.entered_by != second.entered_by
        assert sheet.differences == services.entry_differences(first.values(), second.values())
        assert 1 <= len(sheet.differences) <= 2


def test_every_point_of_the_election_night_is_in_a_village_at_the_stage_it_implies(seeded):
    states = _states()
    assert all(states[state] for state in STAGES), {s: len(states[s]) for s in STAGES}
    assert "Election night: boxes set up" in seeded
    _at_the_stage_it_implies(states)
    _tonight_as_entered(states)
    entries = TallyEntry.objects.all()
    assert entries.exists()
    assert not entries.filter(signed_for__isnull=True).exists()
    assert not entries.filter(signed_for__lt=F("returned")).exists()
    for entry in entries.select_related("sheet__election", "entered_by")[:200]:
        assert entry.entered_by.username in _entrants(entry.sheet.election)
    election = VillageElection.objects.filter(results__isnull=False).first()
    rules = services.rules_data(services.counting_rules(election=election))
    assert rules and all(r == rules for r in ElectionResult.objects.values_list("rules", flat=True))


def test_the_election_night_villages_reconcile_and_recount_to_their_stored_results(seeded):
    states = _states()
    for election in VillageElection.objects.filter(pk__in=states["reconciled"]):
        report = services.reconcile_election(election=election, body=COMMITTEE)
        assert not report.errors and report.warnings and not report.unacknowledged
        for acknowledgement in report.acknowledged.values():
            assert acknowledgement.note and acknowledgement.acknowledged_by.display_name
        result = ElectionResult.objects.get(election=election, body=COMMITTEE)
        assert result.confirmed_by is None
        # The committee's confirmation would pass: what is counted again is what the demo stored.
        by = User.objects.get(username=f"tally_{election.division_code[:9]}_2")
        recounted = services.count_election(election=election, body=COMMITTEE, by=by)
        assert (recounted.valid, recounted.data) == (result.valid, result.data)
    for election in VillageElection.objects.filter(pk__in=states["further_round"]):
        further = services.further_round(election=election, body=COMMITTEE)
        assert further is not None and further.seats >= 1
        assert services.further_round_pending(election=election, body=COMMITTEE)
    for election in VillageElection.objects.filter(pk__in=states["further_round_held"]):
        assert services.further_round(election=election, body=COMMITTEE) is not None
        assert not services.further_round_pending(election=election, body=COMMITTEE)
        assert BallotBox.objects.filter(election=election, round=2).exists()
        for result in ElectionResult.objects.filter(election=election, body=COMMITTEE):
            assert result.certificates_issued_on is not None
        report = services.reconcile_election(election=election, body=COMMITTEE, round=2)
        assert not report.errors and not report.unacknowledged
    for election in VillageElection.objects.filter(pk__in=states["void"]):
        result = ElectionResult.objects.get(election=election, body=COMMITTEE)
        assert not result.valid and result.state == ResultState.CONFIRMED
        assert codes.TALLY_TURNOUT_NOT_OVER_HALF.code in {r["code"] for r in result.data["reasons"]}
    counted = set().union(*(states[s] for s in ("further_round", "further_round_held", "void", "certified")))
    for result in ElectionResult.objects.filter(election_id__in=counted, body=COMMITTEE).select_related(
        "election__cycle"
    ):
        assert _recount(result) == (result.valid, result.data), (result.election_id, result.round)
        report = services.reconcile_election(election=result.election, body=COMMITTEE, round=result.round)
        assert not report.errors and not report.unacknowledged, result.election_id
        if result.state == ResultState.APPROVED:
            assert result.certificates_issued_on >= timezone.localdate(result.approved_at)


def test_the_party_votes_elect_the_committee_and_its_plenary_the_posts(seeded):
    """The Party members' meetings count their own box to the committee's members; every approved Party
    result has the plenary's secretary among them; a mobile box served only approved voters."""
    from ballots.models import MobileBoxVisit, PlenaryVote

    approved = ElectionResult.objects.filter(body="party", state=ResultState.APPROVED).select_related(
        "election"
    )
    assert approved.exists()
    for result in approved[:20]:
        assert [p["position"] for p in result.data["positions"]] == ["party_member"]
        assert services.recount(result) == (result.valid, result.data)
        plenary = PlenaryVote.objects.get(election=result.election)
        members = set(result.data["positions"][0]["elected"])
        assert "secretary" in plenary.elected.values() and set(plenary.elected) <= members
    for visit in MobileBoxVisit.objects.select_related("approval", "box")[:50]:
        assert visit.approval.election_id == visit.box.election_id
