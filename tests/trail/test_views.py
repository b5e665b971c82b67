import pytest
from django.utils import translation

from accounts.roles import Role
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from tests.trail.helpers import registration, resident
from trail.services import acting_as
from voters.models import Status, VoterRegistration

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.trail.urls_for_tests")]


@pytest.fixture
def world():
    cycle = CycleFactory()
    home = VillageElectionFactory(cycle=cycle, village=region_chain("330702001001", name="界内村"))
    other = VillageElectionFactory(cycle=cycle, village=region_chain("330702002001", name="邻乡村"))
    township = UserFactory(username="township", role=Role.TOWNSHIP, region=home.village.parent)
    return {"home": home, "other": other, "township": township}


def test_a_township_user_reads_the_trail_of_a_village_in_the_township(client, world):
    home = world["home"]
    with acting_as(world["township"]):
        registration(home, resident(home.village, name="王五"))
    client.force_login(world["township"])
    response = client.get(f"/trail/election/{home.pk}/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {r.entry.model_label for r in rows} >= {"voters.voterregistration", "voters.resident"}
    assert "王五" in response.content.decode()


def test_another_townships_village_trail_is_not_found(client, world):
    client.force_login(world["township"])
    assert client.get(f"/trail/election/{world['other'].pk}/").status_code == 404


def test_a_clerk_reads_only_their_own_village(client, world):
    clerk = UserFactory(username="clerk", role=Role.CLERK, region=world["other"].village)
    client.force_login(clerk)
    assert client.get(f"/trail/election/{world['home'].pk}/").status_code == 404
    assert client.get(f"/trail/election/{world['other'].pk}/").status_code == 200


def test_the_trail_narrows_to_the_history_of_one_record(client, world):
    home = world["home"]
    first = registration(home, resident(home.village, name="甲"))
    registration(home, resident(home.village, name="乙"))
    first.note = "更正小组"
    first.save()
    client.force_login(world["township"])
    response = client.get(
        f"/trail/election/{home.pk}/", {"model": "voters.voterregistration", "object": str(first.pk)}
    )
    rows = response.context["rows"]
    assert [r.entry.action for r in rows] == ["update", "create"]
    assert {r.entry.object_pk for r in rows} == {str(first.pk)}
    note = next(c for c in rows[0].changes if c.after == "更正小组")
    assert note.before == "—"


def test_choice_values_are_shown_in_words(client, world):
    home = world["home"]
    reg = registration(home, resident(home.village))
    reg.status, reg.left_off_reason = "left_off", "declined"
    reg.save()
    client.force_login(world["township"])
    response = client.get(f"/trail/election/{home.pk}/", {"model": "voters.voterregistration"})
    changes = {c.field: (c.before, c.after) for c in response.context["rows"][0].changes}
    with translation.override("zh-hans"):
        label = str(VoterRegistration._meta.get_field("status").verbose_name)
        assert changes[label] == (str(Status.REGISTERED.label), str(Status.LEFT_OFF.label))


def test_the_trail_is_paginated(client, world):
    home = world["home"]
    for i in range(30):
        registration(home, resident(home.village, name=f"村民{i}"))
    client.force_login(world["township"])
    response = client.get(f"/trail/election/{home.pk}/")
    assert len(response.context["rows"]) == 50 and response.context["page"].has_next()
