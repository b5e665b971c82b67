"""Close relatives recorded across households (issue 15, part 6): each rule at the service's door and at
the page's, the canonical direction, the trail, and household derivation leaving recorded links alone."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from elections import permits
from elections.models import Stage, VillageElection
from tests.voters.kinship_world import kinship_world
from trail.models import TrailEntry
from voters import codes
from voters.models import Kinship, Status, VoterRegistration
from voters.services import derive_household_kinship, record_kinship, remove_kinship

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return kinship_world()


def record(world, person, relative, relation="parent", basis=Kinship.Basis.HUKOU_RECORD, note="", by=None):
    people = world.people
    return record_kinship(
        cycle=world.cycle,
        person=people[person] if isinstance(person, str) else person,
        relative=people[relative] if isinstance(relative, str) else relative,
        relation=relation,
        basis=basis,
        note=note,
        by=by or world.township,
    )


def refused(world, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        record(world, *args, **kwargs)
    return caught.value.code


# --- The service's door -------------------------------------------------------------------------------


def test_a_married_out_daughter_is_recorded_as_her_fathers_child_in_the_canonical_direction(world):
    link = record(world, "daughter", "father", relation="child", note="户口簿")
    assert (link.person, link.relative, link.relation) == (
        world.people["father"],
        world.people["daughter"],
        "parent",
    )
    assert link.source == Kinship.Source.MANUAL and link.basis == Kinship.Basis.HUKOU_RECORD
    assert link.recorded_by == world.township and link.recorded_at is not None
    assert link.division_code == world.home.division_code  # the person's village


def test_spouse_and_sibling_links_are_stored_lower_id_first_and_a_grandchild_reversed(world):
    son, daughter = world.people["son"], world.people["daughter"]
    link = record(world, "daughter", "son", relation="sibling")
    assert (link.person_id, link.relative_id) == (min(son.pk, daughter.pk), max(son.pk, daughter.pk))
    link.delete()
    link = record(world, "son", "father", relation="grandchild")
    assert (link.person, link.relative, link.relation) == (world.people["father"], son, "grandparent")


def test_recording_is_trailed_with_its_actor(world):
    before = TrailEntry.objects.count()
    link = record(world, "father", "daughter")
    entry = TrailEntry.objects.order_by("-seq").first()
    assert TrailEntry.objects.count() == before + 1
    assert entry.model_label == "voters.kinship" and entry.object_pk == str(link.pk)
    assert entry.actor == world.township


def test_a_person_is_not_their_own_relative(world):
    assert refused(world, "son", "son", relation="sibling") == codes.KINSHIP_SELF


def test_a_person_not_on_the_cycles_rolls_is_refused(world):
    VoterRegistration.objects.filter(resident=world.people["daughter"]).update(
        status=Status.LEFT_OFF, left_off_reason="moved"
    )
    assert refused(world, "father", "daughter") == codes.KINSHIP_NOT_ON_ROLL


def test_a_person_registered_outside_the_jurisdiction_is_refused(world):
    assert refused(world, "stranger", "son") == codes.KINSHIP_OUTSIDE


def test_the_pair_already_linked_in_either_direction_or_kind_is_refused(world):
    record(world, "father", "daughter")
    assert refused(world, "father", "daughter") == codes.KINSHIP_EXISTS
    assert refused(world, "daughter", "father", relation="child") == codes.KINSHIP_EXISTS
    assert refused(world, "daughter", "father", relation="sibling") == codes.KINSHIP_EXISTS


def test_a_household_link_counts_as_already_recorded(world):
    derive_household_kinship(village_id=world.home.village_id)
    assert Kinship.objects.filter(source=Kinship.Source.HOUSEHOLD).count() == 1
    assert refused(world, "father", "son") == codes.KINSHIP_EXISTS


def test_a_parent_younger_than_the_child_is_refused_and_one_day_older_is_accepted(world):
    assert refused(world, "son", "father") == codes.KINSHIP_BIRTH_ORDER
    assert refused(world, "daughter", "father", relation="grandparent") == codes.KINSHIP_BIRTH_ORDER
    son = world.people["son"]
    son.birth_date = date(1960, 3, 2)
    son.save()
    assert record(world, "father", son).relation == "parent"


def test_a_basis_of_other_needs_a_note(world):
    assert refused(world, "father", "daughter", basis=Kinship.Basis.OTHER) == codes.KINSHIP_BASIS_NOTE
    assert record(world, "father", "daughter", basis=Kinship.Basis.OTHER, note="族谱").note == "族谱"


def test_an_unknown_relation_or_basis_is_refused(world):
    assert refused(world, "father", "daughter", relation="cousin") == codes.KINSHIP_RELATION
    assert refused(world, "father", "daughter", basis="rumour") == codes.KINSHIP_BASIS


def test_a_clerk_may_not_record(world):
    with pytest.raises(PermissionDenied):
        record(world, "father", "daughter", by=world.clerk)


def test_the_stage_of_each_sides_election_is_asked(world):
    VillageElection.objects.filter(pk=world.next_door.pk).update(stage=Stage.PREPARATION)
    assert refused(world, "father", "daughter") == permits.STAGE_CLOSED
    VillageElection.objects.filter(pk=world.next_door.pk).update(stage=Stage.SUPERVISION)
    assert record(world, "father", "daughter").relation == "parent"


def test_removing_a_recorded_link_needs_a_reason_kept_in_the_trail(world):
    link = record(world, "father", "daughter")
    with pytest.raises(ValidationError) as caught:
        remove_kinship(cycle=world.cycle, kinship=link, reason="  ", by=world.township)
    assert caught.value.code == codes.KINSHIP_REMOVE_REASON
    pk = link.pk
    remove_kinship(cycle=world.cycle, kinship=link, reason="录入错误，系侄女", by=world.township)
    assert not Kinship.objects.filter(pk=pk).exists()
    bulk = TrailEntry.objects.filter(model_label="voters.kinship", action="bulk").latest("seq")
    assert bulk.extra["reason"] == "录入错误，系侄女" and bulk.extra["records"][0]["pk"] == str(pk)
    assert TrailEntry.objects.filter(
        model_label="voters.kinship", action="delete", object_pk=str(pk)
    ).exists()


def test_a_household_link_is_not_removed_by_hand(world):
    derive_household_kinship(village_id=world.home.village_id)
    link = Kinship.objects.get(source=Kinship.Source.HOUSEHOLD)
    with pytest.raises(ValidationError) as caught:
        remove_kinship(cycle=world.cycle, kinship=link, reason="x", by=world.township)
    assert caught.value.code == codes.KINSHIP_NOT_RECORDED


def test_deriving_households_never_removes_nor_duplicates_a_recorded_link(world):
    manual = record(world, "father", "son", basis=Kinship.Basis.VISIT)
    cross = record(world, "father", "daughter")
    assert derive_household_kinship(village_id=world.home.village_id) == 0  # father → son is already there
    assert derive_household_kinship(village_id=world.next_door.village_id) == 0
    assert set(Kinship.objects.values_list("pk", "source")) == {
        (manual.pk, Kinship.Source.MANUAL),
        (cross.pk, Kinship.Source.MANUAL),
    }


# --- The page's door ----------------------------------------------------------------------------------


def _post(client, world, person, relative, relation="parent", basis="hukou_record", note=""):
    return client.post(
        f"/voters/election/{world.home.pk}/kinship/add/",
        {
            "person": world.people[person].pk if isinstance(person, str) else person,
            "relative": world.people[relative].pk if isinstance(relative, str) else relative,
            "relation": relation,
            "basis": basis,
            "note": note,
        },
    )


@pytest.mark.parametrize(
    ("person", "relative", "relation", "basis", "message"),
    [
        ("son", "son", "sibling", "hukou_record", "不能登记为自己的亲属"),
        ("stranger", "son", "parent", "hukou_record", "辖区以外"),
        ("son", "father", "parent", "hukou_record", "出生日期"),
        ("father", "daughter", "parent", "other", "备注"),
    ],
)
def test_each_refusal_is_shown_on_the_form_and_nothing_is_written(
    client, world, person, relative, relation, basis, message
):
    client.force_login(world.township)
    response = _post(client, world, person, relative, relation, basis)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Kinship.objects.exists()


def test_the_page_refuses_a_person_not_on_the_rolls_and_a_pair_already_linked(client, world):
    client.force_login(world.township)
    assert "不在本届" in _post(client, world, "father", 999_999).content.decode()
    assert _post(client, world, "father", "daughter").status_code == 302
    response = _post(client, world, "daughter", "father", "child")
    assert response.status_code == 400 and "已经登记" in response.content.decode()
    VillageElection.objects.filter(pk=world.next_door.pk).update(stage=Stage.PREPARATION)
    response = _post(client, world, "son", "daughter", "sibling")
    assert response.status_code == 400 and "选举准备" in response.content.decode()


def test_the_clerk_sees_the_list_from_the_roll_but_cannot_record(client, world):
    record(world, "father", "daughter", note="出嫁到下方村")
    client.force_login(world.clerk)
    roll = client.get(f"/voters/election/{world.home.pk}/").content.decode()
    assert f"/voters/election/{world.home.pk}/kinship/" in roll and "亲属关系" in roll
    page = client.get(f"/voters/election/{world.home.pk}/kinship/").content.decode()
    assert "李父" in page and "李女" in page and "出嫁到下方村" in page
    assert "330702********" in page and world.people["daughter"].id_number not in page
    assert "kinship/add/" not in page
    assert _post(client, world, "son", "daughter", "sibling").status_code == 403


def test_the_list_shows_both_sides_village_group_kind_basis_and_recorder(client, world):
    record(world, "father", "daughter", basis=Kinship.Basis.COMMITTEE_CERTIFICATE)
    client.force_login(world.township)
    page = client.get(f"/voters/election/{world.next_door.pk}/kinship/").content.decode()
    for text in (
        "李父",
        "上方村",
        "第一村民小组",
        "李女",
        "下方村",
        "第三村民小组",
        "父母",
        "人工录入",
        "村（居）委会证明",
        "乡镇换届办",
    ):
        assert text in page, text


def test_the_picker_finds_people_by_name_id_tail_and_group_across_the_townships_villages(client, world):
    client.force_login(world.township)
    url = f"/voters/election/{world.home.pk}/kinship/add/"
    by_name = client.get(url, {"q": "李女"}, HTTP_HX_REQUEST="true").content.decode()
    assert "李女" in by_name and "下方村" in by_name and world.people["daughter"].id_number not in by_name
    tail = world.people["son"].id_number[-4:]
    assert "李子" in client.get(url, {"q": tail}, HTTP_HX_REQUEST="true").content.decode()
    by_group = client.get(url, {"q": "第三村民小组"}, HTTP_HX_REQUEST="true").content.decode()
    assert "李女" in by_group and "李父" not in by_group
    assert "赵远" not in client.get(url, {"q": "赵远"}, HTTP_HX_REQUEST="true").content.decode()


def test_removing_on_the_page_needs_a_reason(client, world):
    link = record(world, "father", "daughter")
    client.force_login(world.township)
    url = f"/voters/election/{world.home.pk}/kinship/remove/"
    client.post(url, {"kinship": link.pk, "reason": ""})
    assert Kinship.objects.filter(pk=link.pk).exists()
    client.post(url, {"kinship": link.pk, "reason": "重复登记"})
    assert not Kinship.objects.filter(pk=link.pk).exists()
