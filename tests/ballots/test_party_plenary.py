"""Issue 16 item 3: the Party members' assembly elects the committee; the new committee's plenary elects the
secretary, the deputies and the discipline member among its own members."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ballots import services
from ballots.models import PlenaryVote
from candidates.choices import Position
from candidates.models import Nomination
from elections.models import Stage
from tests.ballots.factories import add_box, enter_twice, make_village
from tests.candidates.factories import NominationFactory, ResidentFactory, move_to
from tests.factories import VillageElectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    village = make_village(election=VillageElectionFactory(party_seats=3, committee_seats=3))
    move_to(village.election, Stage.PARTY_ELECTION)
    return village


def _nominees(village):
    """Proposed: 党一 secretary, 党二 deputy, 党三 and 党四 members (seats + 1)."""
    nominees = {}
    for name, position in (
        ("党一", Position.SECRETARY),
        ("党二", Position.DEPUTY_SECRETARY),
        ("党三", Position.PARTY_MEMBER),
        ("党四", Position.PARTY_MEMBER),
    ):
        resident = ResidentFactory(village=village.election.village, name=name)
        nominees[name] = NominationFactory(
            election=village.election, resident=resident, position=position, state="listed"
        )
    return nominees


def _assembly(village, nominees, *, confirm=True):
    election = village.election
    services.record_party_attendance(election=election, members=20, excused={}, present=18, by=village.clerk)
    key = services.person_key
    values = {
        "issued": 18, "returned": 18, "valid": 18, "invalid": 0, "unreturned": 0,
        "votes": {Position.PARTY_MEMBER: {
            key(nominees["党一"]): 15, key(nominees["党二"]): 14, key(nominees["党三"]): 12, key(nominees["党四"]): 6,
        }},
    }  # fmt: skip
    enter_twice(village, add_box(village, label="党员大会", issued=18, body="party"), values, body="party")
    result = services.count_election(election=election, body="party", by=village.clerk)
    if confirm:
        report = services.reconcile_election(election=election, body="party")
        for finding in report.unacknowledged:
            services.acknowledge_warning(
                election=election, body="party", key=services.finding_key(finding), by=village.clerk
            )
        result = services.confirm_results(election=election, body="party", by=village.clerk)
    return result


def _plenary(village, votes, present=3):
    return services.record_plenary(
        election=village.election,
        present=present,
        votes=votes,
        held_on=timezone.localdate(),
        by=village.clerk,
    )


def test_the_assembly_ballot_elects_members_only(village):
    nominees = _nominees(village)
    result = _assembly(village, nominees, confirm=False)
    assert [p["position"] for p in result.data["positions"]] == ["party_member"]
    key = services.person_key
    assert result.data["positions"][0]["elected"] == [key(nominees[n]) for n in ("党一", "党二", "党三")]


def test_the_plenary_waits_for_the_assembly_s_confirmed_result(village):
    nominees = _nominees(village)
    _assembly(village, nominees, confirm=False)
    with pytest.raises(ValidationError) as excinfo:
        _plenary(village, {"secretary": {services.person_key(nominees["党一"]): 3}})
    assert excinfo.value.code == "plenary.assembly_not_confirmed"


def test_the_plenary_elects_the_secretary_from_the_committee_s_members_only(village):
    nominees = _nominees(village)
    _assembly(village, nominees)
    key = services.person_key
    # 党四 was not elected to the committee: the plenary cannot make him secretary.
    with pytest.raises(ValidationError) as excinfo:
        _plenary(village, {"secretary": {key(nominees["党四"]): 3}})
    assert excinfo.value.code == "plenary.not_a_member"
    assert not PlenaryVote.objects.exists()
    # Nor can an outsider be written in.
    with pytest.raises(ValidationError) as excinfo:
        _plenary(village, {"secretary": {"w:王大": 2}})
    assert excinfo.value.code == "plenary.not_a_member"

    plenary = _plenary(
        village,
        {
            "secretary": {key(nominees["党一"]): 3},
            "deputy_secretary": {key(nominees["党二"]): 2, key(nominees["党三"]): 1},
            "discipline_member": {key(nominees["党三"]): 3},
        },
    )
    assert plenary.valid and plenary.members == 3
    assert plenary.elected == {
        key(nominees["党一"]): "secretary",
        key(nominees["党二"]): "deputy_secretary",
        key(nominees["党三"]): "discipline_member",
    }


def test_more_than_half_of_all_members_is_needed_and_approval_waits_for_a_secretary(village):
    nominees = _nominees(village)
    result = _assembly(village, nominees)
    key = services.person_key
    with pytest.raises(ValidationError) as excinfo:
        services.approve_results(result=result, by=village.township)
    assert excinfo.value.code == "plenary.missing"
    # 2 present, 1 vote each for two members: nobody has more than half of the 3 members' votes.
    plenary = _plenary(
        village, {"secretary": {key(nominees["党一"]): 1, key(nominees["党二"]): 1}}, present=2
    )
    assert plenary.elected == {}
    assert "plenary.seat_unfilled.W" in {r["code"] for r in plenary.data["reasons"]}
    with pytest.raises(ValidationError) as excinfo:
        services.approve_results(result=result, by=village.township)
    assert excinfo.value.code == "plenary.missing"
    # Voted again: 2 of 3 is more than half of the committee.
    _plenary(village, {"secretary": {key(nominees["党一"]): 2}}, present=2)
    services.approve_results(result=result, by=village.township)
    elected = Nomination.objects.filter(election=village.election, body="party", elected=True)
    assert set(elected.values_list("resident__name", flat=True)) == {"党一", "党二", "党三"}
    # Approved: the plenary's record stands.
    with pytest.raises(ValidationError) as excinfo:
        _plenary(village, {"secretary": {key(nominees["党二"]): 3}})
    assert excinfo.value.code == "plenary.locked"


def test_more_present_than_members_or_more_marks_than_ballots_is_refused(village):
    nominees = _nominees(village)
    _assembly(village, nominees)
    key = services.person_key
    with pytest.raises(ValidationError) as excinfo:
        _plenary(village, {"secretary": {key(nominees["党一"]): 3}}, present=4)
    assert excinfo.value.code == "plenary.present_exceeds_members"
    with pytest.raises(ValidationError) as excinfo:
        _plenary(village, {"secretary": {key(nominees["党一"]): 3, key(nominees["党二"]): 1}})
    assert excinfo.value.code == "plenary.too_many_marks"


def test_the_results_page_records_the_plenary_and_the_certificates_name_its_posts(client, village):
    nominees = _nominees(village)
    result = _assembly(village, nominees)
    key = services.person_key
    client.force_login(village.clerk)
    page = client.get(f"/ballots/election/{village.election.pk}/results/?body=party&round=1").content.decode()
    assert 'id="plenary-form"' in page and "党四" not in page.split('id="plenary"')[1].split("</section>")[0]
    form = {
        "held_on": timezone.localdate().isoformat(),
        "present": 3,
        f"p:secretary:{key(nominees['党一'])}": 3,
        f"p:deputy_secretary:{key(nominees['党二'])}": 3,
        f"p:discipline_member:{key(nominees['党三'])}": 2,
    }
    response = client.post(f"/ballots/election/{village.election.pk}/plenary/", form)
    assert response.status_code == 302
    assert PlenaryVote.objects.get().elected[key(nominees["党一"])] == "secretary"
    services.approve_results(result=result, by=village.township)
    client.force_login(village.township)
    page = client.get(
        f"/ballots/election/{village.election.pk}/certificates/?body=party&round=1"
    ).content.decode()
    assert "当选为党组织书记" in page or "当选为书记" in page
    assert "纪检委员" in page
