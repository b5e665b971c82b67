"""django-auditlog captures single-object changes; the trail chains each of them."""

import hashlib

import pytest
from django.db import transaction

from accounts.roles import Role
from elections.models import Region
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from tests.trail.helpers import registration, resident
from trail.models import Action, TrailEntry
from trail.services import acting_as, record_bulk, verify_chain
from voters.models import Status, VoterRegistration

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.trail.urls_for_tests")]

VILLAGE = "330702001001"


@pytest.fixture
def election():
    return VillageElectionFactory(cycle=CycleFactory(), village=region_chain(VILLAGE))


def entries_of(model_label):
    return list(TrailEntry.objects.filter(model_label=model_label).order_by("seq"))


def test_creating_changing_and_deleting_a_registration_makes_three_chained_entries(election):
    clerk = UserFactory(username="clerk", role=Role.CLERK, region=election.village, display_name="李文书")
    person = resident(election.village)
    with acting_as(clerk):
        reg = registration(election, person)
        reg.status, reg.left_off_reason = Status.LEFT_OFF, "declined"
        reg.save()
        pk = reg.pk
        reg.delete()
    created, updated, deleted = entries_of("voters.voterregistration")
    assert [created.action, updated.action, deleted.action] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    assert {e.object_pk for e in (created, updated, deleted)} == {str(pk)}
    assert {e.division_code for e in (created, updated, deleted)} == {VILLAGE}
    assert {e.actor for e in (created, updated, deleted)} == {clerk}
    assert created.changes["status"] == ["None", "registered"]
    assert updated.changes == {"status": ["registered", "left_off"], "left_off_reason": ["", "declined"]}
    assert deleted.changes["status"] == ["left_off", "None"]
    assert updated.prev_hash == created.hash and deleted.prev_hash == updated.hash
    assert verify_chain().ok


def test_bookkeeping_timestamps_are_not_recorded_as_changes(election):
    reg = registration(election, resident(election.village))
    reg.save()  # only updated_at moves
    created, *rest = entries_of("voters.voterregistration")
    assert "updated_at" not in created.changes and "created_at" not in created.changes
    assert rest == []


def test_a_change_that_rolls_back_leaves_no_entry(election):
    person = resident(election.village)
    before = TrailEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        registration(election, person)
        raise RuntimeError("the service failed after writing")
    assert TrailEntry.objects.count() == before
    assert verify_chain().ok


def test_the_id_number_of_a_resident_is_masked_in_the_trail(election):
    person = resident(election.village)
    (entry,) = entries_of("voters.resident")
    _before, after = entry.changes["id_number"]
    assert after == "*" * 14 + person.id_number[-4:] and person.id_number not in str(entry.changes)


def test_a_village_election_change_is_recorded_under_the_villages_code(election):
    election.election_day = election.election_day.replace(day=21)
    election.save()
    *_, entry = entries_of("elections.villageelection")
    assert entry.action == Action.UPDATE and entry.division_code == VILLAGE
    assert entry.changes == {"election_day": ["2027-01-20", "2027-01-21"]}


def test_a_cycle_is_recorded_under_its_regions_code(election):
    (entry,) = entries_of("elections.electioncycle")
    assert entry.division_code == election.cycle.region.code


def test_a_region_changed_by_hand_is_recorded_under_its_own_code():
    Region.objects.create(code="330000000000", name="浙江省", level="province")
    (entry,) = TrailEntry.objects.filter(model_label="elections.region")
    assert entry.division_code == "330000000000" and entry.action == "create"


def test_a_bulk_import_shows_in_the_trail_although_bulk_create_fires_no_signals(client, election):
    """The pattern every import follows: bulk-write, then record_bulk in the same transaction."""
    township = UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)
    people = [resident(election.village, name=f"村民{i}") for i in range(3)]
    upload = "姓名,身份证号\n".encode() + b"..."
    before = TrailEntry.objects.count()
    with transaction.atomic():
        VoterRegistration.objects.bulk_create(
            VoterRegistration(
                election=election, cycle=election.cycle, resident=p, division_code=election.division_code
            )
            for p in people
        )
        record_bulk(
            actor=township,
            action="import",
            model=VoterRegistration,
            division_code=election.division_code,
            summary="导入选民名单 roll.xlsx",
            counts={"rows": 3, "created": 3},
            sha256=hashlib.sha256(upload).hexdigest(),
        )
    assert TrailEntry.objects.count() == before + 1  # the import's own entry, nothing from signals
    client.force_login(township)
    response = client.get(f"/trail/election/{election.pk}/", {"model": "voters.voterregistration"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "导入选民名单 roll.xlsx" in text and hashlib.sha256(upload).hexdigest() in text
    assert verify_chain().ok
