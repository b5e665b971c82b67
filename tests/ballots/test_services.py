import pytest
from django.core.exceptions import ValidationError

from ballots import services
from ballots.models import ElectionResult, ResultState, SheetState, TallyEntry, TallySheet
from candidates.choices import Position
from candidates.models import Nomination
from elections.models import Stage
from tests.ballots.factories import add_box, enter_twice, make_village, sheet_values
from tests.candidates.factories import move_to
from trail.services import read_anchor_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return make_village()


def code_of(excinfo) -> str:
    return excinfo.value.code


# --- Double entry -------------------------------------------------------------------------------------


def test_one_entry_leaves_the_sheet_waiting_for_the_second(village):
    box = add_box(village)
    services.record_tally_entry(box=box, body="committee", values=sheet_values(village), by=village.clerk)
    sheet = TallySheet.objects.get(box=box)
    assert sheet.state == SheetState.ENTERING and not sheet.is_agreed


def test_two_agreeing_entries_by_two_users_make_the_sheet_count(village):
    box = add_box(village)
    enter_twice(village, box)
    sheet = TallySheet.objects.get(box=box)
    assert sheet.state == SheetState.AGREED and sheet.differences == []


def test_zero_votes_and_blank_cells_are_the_same_entry(village):
    box = add_box(village)
    first = sheet_values(village)
    second = sheet_values(village)
    second["votes"][Position.CHAIR]["w:无人"] = 0
    services.record_tally_entry(box=box, body="committee", values=first, by=village.clerk)
    services.record_tally_entry(box=box, body="committee", values=second, by=village.second_clerk)
    assert TallySheet.objects.get(box=box).is_agreed


def test_a_mismatch_lists_exactly_the_fields_that_differ(village):
    box = add_box(village)
    services.record_tally_entry(box=box, body="committee", values=sheet_values(village), by=village.clerk)
    other = sheet_values(village, invalid=1)
    other["votes"][Position.CHAIR][village.key("钱二")] = 3
    services.record_tally_entry(box=box, body="committee", values=other, by=village.second_clerk)
    sheet = TallySheet.objects.get(box=box)
    assert sheet.state == SheetState.MISMATCH
    assert sheet.differences == ["invalid", f"votes.chair.{village.key('钱二')}"]


def test_the_same_user_cannot_make_both_entries(village):
    box = add_box(village)
    services.record_tally_entry(box=box, body="committee", values=sheet_values(village), by=village.clerk)
    with pytest.raises(ValidationError) as excinfo:
        services.record_tally_entry(box=box, body="committee", values=sheet_values(village), by=village.clerk)
    assert code_of(excinfo) == "tally.already_entered"
    assert TallyEntry.objects.count() == 1


def test_a_third_entry_is_refused(village):
    box = add_box(village)
    enter_twice(village, box)
    with pytest.raises(ValidationError) as excinfo:
        services.record_tally_entry(
            box=box, body="committee", values=sheet_values(village), by=village.township
        )
    assert code_of(excinfo) == "tally.sheet_full"


def test_a_correction_with_the_current_version_resolves_the_mismatch(village):
    box = add_box(village)
    services.record_tally_entry(box=box, body="committee", values=sheet_values(village), by=village.clerk)
    wrong = services.record_tally_entry(
        box=box, body="committee", values=sheet_values(village, valid=7, invalid=1), by=village.second_clerk
    )
    assert TallySheet.objects.get(box=box).state == SheetState.MISMATCH
    fixed = services.record_tally_entry(
        box=box,
        body="committee",
        values=sheet_values(village),
        by=village.second_clerk,
        version=wrong.version,
    )
    assert fixed.version == 2 and fixed.slot == wrong.slot
    assert TallySheet.objects.get(box=box).is_agreed


def test_a_correction_from_a_stale_version_is_refused(village):
    box = add_box(village)
    entry = services.record_tally_entry(
        box=box, body="committee", values=sheet_values(village), by=village.clerk
    )
    services.record_tally_entry(
        box=box,
        body="committee",
        values=sheet_values(village, invalid=1),
        by=village.clerk,
        version=entry.version,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.record_tally_entry(
            box=box, body="committee", values=sheet_values(village, invalid=2), by=village.clerk, version=1
        )
    assert code_of(excinfo) == "tally.stale_version"
    assert TallyEntry.objects.get().invalid == 1


def test_votes_for_a_position_of_another_body_are_refused(village):
    box = add_box(village)
    values = sheet_values(village)
    values["votes"] = {Position.SECRETARY: {"w:某": 1}}
    with pytest.raises(ValidationError) as excinfo:
        services.record_tally_entry(box=box, body="committee", values=values, by=village.clerk)
    assert code_of(excinfo) == "tally.unknown_position"


def test_negative_counts_are_refused(village):
    box = add_box(village)
    with pytest.raises(ValidationError) as excinfo:
        services.record_tally_entry(
            box=box, body="committee", values=sheet_values(village, returned=-1), by=village.clerk
        )
    assert code_of(excinfo) == "tally.bad_votes"


def test_a_department_user_cannot_enter_tallies(village):
    from accounts.roles import Role
    from tests.factories import UserFactory

    box = add_box(village)
    dept = UserFactory(username="dept", role=Role.DEPARTMENT, region=village.election.village.parent.parent)
    with pytest.raises(ValidationError) as excinfo:
        services.record_tally_entry(box=box, body="committee", values=sheet_values(village), by=dept)
    assert code_of(excinfo) == "tally.role_refused"


# --- Reconciliation -----------------------------------------------------------------------------------


def test_reconciliation_waits_for_every_box_to_agree(village):
    enter_twice(village, add_box(village))
    add_box(village, label="流动票箱", kind="mobile", issued=2)
    with pytest.raises(ValidationError) as excinfo:
        services.reconcile_election(election=village.election, body="committee")
    assert code_of(excinfo) == "tally.sheets_not_agreed"


def test_an_unbalanced_account_blocks_confirmation(village):
    box = add_box(village)
    enter_twice(village, box, sheet_values(village, valid=7))  # returned 8 != valid 7 + invalid 0
    report = services.reconcile_election(election=village.election, body="committee")
    assert "reconcile.returned_not_valid_plus_invalid" in {f.code for f in report.errors}
    services.count_election(election=village.election, body="committee", by=village.clerk)
    with pytest.raises(ValidationError) as excinfo:
        services.confirm_results(election=village.election, body="committee", by=village.clerk)
    assert code_of(excinfo) == "tally.reconciliation_errors"


def test_a_warning_blocks_confirmation_until_a_named_user_acknowledges_it(village):
    box = add_box(village, issued=9)  # the sheet says 8 issued: a warning, not an error
    enter_twice(village, box, sheet_values(village, issued=8))
    services.count_election(election=village.election, body="committee", by=village.clerk)
    report = services.reconcile_election(election=village.election, body="committee")
    assert not report.errors
    codes = {f.code for f in report.unacknowledged}
    assert codes == {"tally.issued_differs_from_box.W", "reconcile.write_in_not_on_roll.W"}
    with pytest.raises(ValidationError) as excinfo:
        services.confirm_results(election=village.election, body="committee", by=village.clerk)
    assert code_of(excinfo) == "tally.warnings_unacknowledged"
    for finding in report.unacknowledged:
        services.acknowledge_warning(
            election=village.election, body="committee", key=services.finding_key(finding), by=village.clerk
        )
    report = services.reconcile_election(election=village.election, body="committee")
    assert report.ok
    assert {a.acknowledged_by for a in report.acknowledged.values()} == {village.clerk}
    result = services.confirm_results(election=village.election, body="committee", by=village.clerk)
    assert result.state == ResultState.CONFIRMED and result.confirmed_by == village.clerk


def test_changed_figures_need_a_new_acknowledgement(village):
    box = add_box(village, issued=9)
    enter_twice(village, box)
    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        services.acknowledge_warning(
            election=village.election, body="committee", key=services.finding_key(finding), by=village.clerk
        )
    box.ballots_issued = 10
    box.save()
    report = services.reconcile_election(election=village.election, body="committee")
    assert [f.code for f in report.unacknowledged] == ["tally.issued_differs_from_box.W"]


def test_an_error_cannot_be_acknowledged(village):
    box = add_box(village)
    enter_twice(village, box, sheet_values(village, valid=7))
    report = services.reconcile_election(election=village.election, body="committee")
    with pytest.raises(ValidationError) as excinfo:
        services.acknowledge_warning(
            election=village.election,
            body="committee",
            key=services.finding_key(report.errors[0]),
            by=village.clerk,
        )
    assert code_of(excinfo) == "tally.not_a_warning"


def test_a_write_in_named_like_a_voter_on_the_roll_is_no_warning(village):
    box = add_box(village)
    values = sheet_values(village)
    values["votes"][Position.COMMITTEE_MEMBER] = {"w:吴0": 1, village.key("李四"): 6, village.key("孙三"): 5}
    enter_twice(village, box, values)
    report = services.reconcile_election(election=village.election, body="committee")
    assert report.findings == ()


# --- Counting, confirmation, approval -----------------------------------------------------------------


def _acknowledge_all(village):
    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        services.acknowledge_warning(
            election=village.election, body="committee", key=services.finding_key(finding), by=village.clerk
        )


def test_results_come_from_the_statutory_count_with_write_in_totals(village):
    enter_twice(village, add_box(village))
    result = services.count_election(election=village.election, body="committee", by=village.clerk)
    assert result.valid and result.state == ResultState.COUNTED
    positions = {p["position"]: p for p in result.data["positions"]}
    assert positions["chair"]["elected"] == [village.key("赵一")]  # 6 of 8 cast: more than half
    # 李四 6 and 孙三 5 of 8 are over half; 李四 is the woman elected.
    assert positions["committee_member"]["elected"] == [village.key("李四"), village.key("孙三")]
    assert positions["committee_member"]["write_ins"] == [["w:王大", 1]]
    assert result.data["names"]["w:王大"] == "王大"


def test_turnout_of_exactly_half_voids_the_vote(village):
    # 10 registered, 5 cast: not more than half.
    values = sheet_values(village, issued=5, returned=5, valid=5)
    values["votes"] = {Position.CHAIR: {village.key("赵一"): 5}}
    enter_twice(village, add_box(village, issued=5), values)
    result = services.count_election(election=village.election, body="committee", by=village.clerk)
    assert not result.valid
    assert "tally.turnout_not_over_half" in {r["code"] for r in result.data["reasons"]}
    assert all(p["elected"] == [] for p in result.data["positions"])


def test_confirmation_needs_a_count(village):
    enter_twice(village, add_box(village))
    with pytest.raises(ValidationError) as excinfo:
        services.confirm_results(election=village.election, body="committee", by=village.clerk)
    assert code_of(excinfo) == "tally.not_counted"


def test_confirmed_results_lock_the_sheets(village):
    box = add_box(village)
    first = services.record_tally_entry(
        box=box, body="committee", values=sheet_values(village), by=village.clerk
    )
    services.record_tally_entry(
        box=box, body="committee", values=sheet_values(village), by=village.second_clerk
    )
    services.count_election(election=village.election, body="committee", by=village.clerk)
    _acknowledge_all(village)
    services.confirm_results(election=village.election, body="committee", by=village.clerk)
    with pytest.raises(ValidationError) as excinfo:
        services.record_tally_entry(
            box=box, body="committee", values=sheet_values(village), by=village.clerk, version=first.version
        )
    assert code_of(excinfo) == "tally.sheet_locked"


def test_township_approval_marks_the_elected_candidates(village, django_capture_on_commit_callbacks):
    enter_twice(village, add_box(village))
    services.count_election(election=village.election, body="committee", by=village.clerk)
    _acknowledge_all(village)
    result = services.confirm_results(election=village.election, body="committee", by=village.clerk)
    with pytest.raises(ValidationError) as excinfo:
        services.approve_results(result=result, by=village.clerk)
    assert code_of(excinfo) == "tally.role_refused"
    with django_capture_on_commit_callbacks(execute=True):
        result = services.approve_results(result=result, by=village.township)
    assert result.state == ResultState.APPROVED and result.approved_by == village.township
    # A milestone: the chain head is anchored outside the database once the approval commits.
    assert [a.reason for a in read_anchor_file().anchors][-1].startswith("results approved:")
    elected = set(Nomination.objects.filter(elected=True).values_list("resident__name", flat=True))
    assert elected == {"赵一", "李四", "孙三"}


def test_approval_needs_confirmation_first(village):
    enter_twice(village, add_box(village))
    result = services.count_election(election=village.election, body="committee", by=village.clerk)
    with pytest.raises(ValidationError) as excinfo:
        services.approve_results(result=result, by=village.township)
    assert code_of(excinfo) == "tally.wrong_state"
    assert ElectionResult.objects.get().state == ResultState.COUNTED


def test_party_vote_counts_against_members_present(village):
    from tests.candidates.factories import NominationFactory, ResidentFactory

    move_to(village.election, Stage.PARTY_ELECTION)  # the Party members' meeting
    election = village.election
    secretary = NominationFactory(
        election=election,
        resident=ResidentFactory(village=election.village, name="党一"),
        position=Position.SECRETARY,
        state="listed",
    )
    services.record_party_attendance(
        election=election, members=30, excused={"seriously_ill": 2}, present=23, by=village.clerk
    )
    box = add_box(village, label="党员大会", issued=23, body="party")
    values = {
        "issued": 23,
        "returned": 23,
        "valid": 23,
        "invalid": 0,
        "unreturned": 0,
        # The assembly elects the committee's members, whatever post a nominee is proposed for.
        "votes": {Position.PARTY_MEMBER: {services.person_key(secretary): 12}},
    }
    enter_twice(village, box, values, body="party")
    result = services.count_election(election=election, body="party", by=village.clerk)
    assert result.valid  # 23 present > 4/5 of 28 due (22.4)
    positions = {p["position"]: p for p in result.data["positions"]}
    assert positions["party_member"]["elected"] == [services.person_key(secretary)]  # 12 > 23 / 2


def test_party_vote_without_attendance_cannot_be_counted(village):
    move_to(village.election, Stage.PARTY_ELECTION)  # the Party members' meeting
    box = add_box(village, label="党员大会", body="party")
    values = {"issued": 8, "returned": 8, "valid": 8, "invalid": 0, "unreturned": 0, "votes": {}}
    enter_twice(village, box, values, body="party")
    with pytest.raises(ValidationError) as excinfo:
        services.count_election(election=village.election, body="party", by=village.clerk)
    assert code_of(excinfo) == "tally.no_attendance"
