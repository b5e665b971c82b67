"""Nothing overwritten silently (issue 14 part 3): an ID number already on the roll asks before changing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from tests.factories import UserFactory, VillageElectionFactory, region_chain
from tests.voters.test_services import election, person, run  # noqa: F401 - fixtures and builders
from voters import codes
from voters.models import RollChange, VoterRegistration
from voters.services import publish_roll, register_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(election):  # noqa: F811
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


def typed(serial=1, **changes):
    values = {
        "name": "李文斌",
        "id_number": person(serial)[1],
        "group": "",
        "category": "hukou_resident",
        "relation_to_head": "",
        "phone": "",
    }
    return {**values, **changes}


def on_roll(election):  # noqa: F811
    register_person(election=election, values=typed(group="三组", phone="13812345678"), by=None)
    return VoterRegistration.objects.select_related("resident").get(election=election)


def snapshot():
    return list(
        VoterRegistration.objects.values_list("group", "category", "resident__name", "resident__phone")
    ), RollChange.objects.count()


def test_adding_an_existing_id_with_other_details_is_refused_and_changes_nothing(election, clerk):  # noqa: F811
    on_roll(election)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        register_person(election=election, values=typed(), by=clerk)  # the group left blank
    assert refused.value.code == codes.ALREADY_ON_ROLL
    assert snapshot() == before
    assert VoterRegistration.objects.get().group == "第三村民小组"


def test_the_clerks_chosen_update_writes_the_new_details(election, clerk):  # noqa: F811
    on_roll(election)
    report = register_person(election=election, values=typed(group="四组"), by=clerk, update_existing=True)
    assert report.updated == 1
    assert VoterRegistration.objects.get().group == "第四村民小组"


def test_after_publication_the_update_needs_a_reason_and_is_logged(election, clerk):  # noqa: F811
    on_roll(election)
    publish_roll(election=election, published_on=timezone.localdate(), by=clerk)
    with pytest.raises(ValidationError) as refused:  # compared first, before any reason is asked
        register_person(election=election, values=typed(), by=clerk)
    assert refused.value.code == codes.ALREADY_ON_ROLL
    with pytest.raises(ValidationError) as refused:
        register_person(election=election, values=typed(), by=clerk, update_existing=True)
    assert refused.value.code == codes.CHANGE_NEEDS_REASON
    assert VoterRegistration.objects.get().group == "第三村民小组"
    register_person(election=election, values=typed(), by=clerk, reason="户籍迁移更正", update_existing=True)
    assert VoterRegistration.objects.get().group == ""
    assert set(RollChange.objects.values_list("reason", flat=True)) == {"户籍迁移更正"}


def test_the_same_details_typed_again_change_nothing_and_need_nothing(election, clerk):  # noqa: F811
    on_roll(election)
    publish_roll(election=election, published_on=timezone.localdate(), by=clerk)
    before = snapshot()
    report = register_person(election=election, values=typed(group="3组", phone="13812345678"), by=clerk)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert snapshot() == before


def test_a_person_on_another_villages_roll_is_never_moved(election, clerk):  # noqa: F811
    other = VillageElectionFactory(
        cycle=election.cycle,
        village=region_chain("330702001002", name="下方村"),
        election_day=date(2027, 1, 20),
    )
    run(other, [person(1)])
    with pytest.raises(ValidationError) as refused:
        register_person(election=election, values=typed(), by=clerk, update_existing=True)
    assert refused.value.error_list[0].code == codes.DUPLICATE_OTHER_VILLAGE
    assert list(VoterRegistration.objects.values_list("election_id", flat=True)) == [other.pk]


# --- the roll page ----------------------------------------------------------------------------------


def post(client, election, values, **extra):  # noqa: F811
    return client.post(f"/voters/election/{election.pk}/add/", {**values, **extra})


def test_the_page_shows_the_record_beside_the_new_values_then_cancel_changes_nothing(
    client,
    election,  # noqa: F811
    clerk,
):
    on_roll(election)
    before = snapshot()
    client.force_login(clerk)
    response = post(client, election, typed(group="五组"))
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="already-on-roll"' in page and "第三村民小组" in page and "第五村民小组" in page
    assert "已在名单中，信息已更新" not in page
    assert snapshot() == before
    cancelled = client.post(
        f"/voters/election/{election.pk}/add/", {**typed(group="五组"), "decision": "cancel"}, follow=True
    )
    assert "未作任何改动" in cancelled.content.decode()
    assert snapshot() == before
    updated = client.post(
        f"/voters/election/{election.pk}/add/", {**typed(group="五组"), "decision": "update"}, follow=True
    )
    assert "已更新李文斌在名单中的信息" in updated.content.decode()
    assert VoterRegistration.objects.get().group == "第五村民小组"


def test_on_a_published_roll_the_update_asks_a_reason_on_the_same_comparison(client, election, clerk):  # noqa: F811
    on_roll(election)
    publish_roll(election=election, published_on=timezone.localdate(), by=clerk)
    client.force_login(clerk)
    response = post(client, election, typed(), decision="update")
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="already-on-roll"' in page and 'name="reason"' in page
    assert VoterRegistration.objects.get().group == "第三村民小组"
    post(client, election, typed(), decision="update", reason="村民小组调整")
    assert VoterRegistration.objects.get().group == ""


def test_the_forms_errors_come_together_and_the_form_keeps_what_was_typed(client, election, clerk):  # noqa: F811
    client.force_login(clerk)
    values = typed(id_number=person(3, birth=date(2012, 1, 1))[1], phone="123", name="王小明")
    response = post(client, election, values)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="add-errors"' in page
    assert "选举日未满18周岁" in page  # the rule's problem …
    assert 'value="王小明"' in page and f'value="{values["id_number"]}"' in page  # … and what was typed
    assert not VoterRegistration.objects.exists()
    missing = post(client, election, {"name": "", "id_number": "", "category": ""})
    assert missing.status_code == 400
    assert missing.content.decode().count("<li>") >= 3  # name, ID number and category at once
