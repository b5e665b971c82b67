"""A township settles a person registered in another township's village without learning where (12.5).

上方村 (township 330702001) uploads 张三, who is on the roll of 王宅村 (塘雅镇, township 330702002). The
first township asks from its conflicts page; 塘雅镇 sees the request on its own conflicts page (name,
masked ID, the requesting village) and keeps the person with a note, or takes them off its roll, after
which 上方村 can register them.
"""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from elections.models import Region
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from tests.voters.test_services import person, xlsx
from trail.models import TrailEntry
from voters import codes, services
from voters.models import ConflictRequest, Status, VoterRegistration

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cycle = CycleFactory()
    asking = VillageElectionFactory(cycle=cycle, village=region_chain("330702001001", name="上方村"))
    holding = VillageElectionFactory(cycle=cycle, village=region_chain("330702002005", name="王宅村"))
    Region.objects.filter(code="330702002000").update(name="塘雅镇")
    Region.objects.filter(code="330702001000").update(name="孝顺镇")
    services.import_roll(election=holding, file=xlsx([person(1)]), by=None, dry_run=False)
    clerk = UserFactory(username="clerk", role=Role.CLERK, region=asking.village)
    upload = BytesIO(xlsx([person(1)]).getvalue())
    upload.name = "roll.xlsx"
    job = services.start_import_job(election=asking, upload=upload, by=clerk)
    services.check_import_job(job_id=job.pk)
    return {
        "asking": asking,
        "holding": holding,
        "clerk": clerk,
        "held": holding.registrations.get(),
        "ours": UserFactory(username="ours", role=Role.TOWNSHIP, region=asking.village.parent),
        "theirs": UserFactory(username="theirs", role=Role.TOWNSHIP, region=holding.village.parent),
        "third": UserFactory(
            username="third", role=Role.TOWNSHIP, region=region_chain("330702003001").parent
        ),
    }


def ask(client, world, registration=None):
    client.force_login(world["ours"])
    return client.post(
        "/voters/conflicts/request/",
        {
            "election": world["asking"].pk,
            "registration": registration or world["held"].pk,
            "note": "本人常住上方村",
        },
        follow=True,
    )


def test_a_township_asks_without_learning_where_and_the_holder_sees_who_asks(client, world):
    page = ask(client, world).content.decode()
    request = ConflictRequest.objects.get()
    assert (request.state, request.requested_by, request.holding_code) == (
        "open",
        world["ours"],
        "330702002005",
    )
    assert "王宅村" not in page and "塘雅镇" not in page
    assert "待答复" in page
    client.force_login(world["theirs"])
    page = client.get("/voters/conflicts/").content.decode()
    assert "张三" in page and "孝顺镇上方村" in page and "本人常住上方村" in page
    held_id = world["held"].resident.id_number
    assert held_id not in page and held_id[-4:] in page  # masked
    client.force_login(world["third"])
    page = client.get("/voters/conflicts/").content.decode()
    assert "张三" not in page and "上方村" not in page


def test_asking_twice_keeps_one_open_request(client, world):
    ask(client, world)
    ask(client, world)
    assert ConflictRequest.objects.count() == 1


def test_only_a_registration_among_the_villages_conflicts_can_be_asked_about(client, world):
    """A township cannot probe other rolls by registration id: only its upload's conflicts count."""
    stranger = VillageElectionFactory(cycle=world["asking"].cycle, village=region_chain("330702003001"))
    services.import_roll(election=stranger, file=xlsx([person(7, name="赵七")]), by=None, dry_run=False)
    page = ask(client, world, registration=stranger.registrations.get().pk).content.decode()
    assert not ConflictRequest.objects.exists()
    assert "赵七" not in page
    with pytest.raises(ValidationError) as refused:
        services.request_conflict_resolution(
            election=world["asking"], registration_id=stranger.registrations.get().pk, by=world["ours"]
        )
    assert refused.value.code == codes.CONFLICT_NOT_FOUND


def test_a_clerk_or_a_county_cannot_send_a_request(world):
    county = UserFactory(username="county", role=Role.COUNTY, region=world["asking"].village.parent.parent)
    for user in (world["clerk"], county, world["theirs"]):
        with pytest.raises(PermissionDenied):
            services.request_conflict_resolution(
                election=world["asking"], registration_id=world["held"].pk, by=user
            )
    assert not ConflictRequest.objects.exists()


def test_keeping_the_person_needs_a_note_and_is_recorded_with_who_and_when(client, world):
    ask(client, world)
    request = ConflictRequest.objects.get()
    with pytest.raises(ValidationError) as refused:
        services.answer_conflict_request(request=request, by=world["theirs"], keep=True, note=" ")
    assert refused.value.code == codes.CONFLICT_KEEP_NEEDS_NOTE
    client.force_login(world["theirs"])
    client.post(
        f"/voters/conflicts/{request.pk}/answer/", {"decision": "keep", "note": "本人书面选择在原村参选"}
    )
    request.refresh_from_db()
    assert (request.state, request.answered_by, request.answer_note) == (
        "kept",
        world["theirs"],
        "本人书面选择在原村参选",
    )
    assert request.answered_at is not None
    assert VoterRegistration.objects.get(pk=world["held"].pk).status == Status.REGISTERED
    client.force_login(world["ours"])
    page = client.get("/voters/conflicts/").content.decode()
    assert "对方保留登记" in page and "本人书面选择在原村参选" in page
    assert "塘雅镇" not in page and "王宅村" not in page
    with pytest.raises(ValidationError) as refused:
        services.answer_conflict_request(request=request, by=world["theirs"], keep=True, note="again")
    assert refused.value.code == codes.CONFLICT_ANSWERED


def test_taking_the_person_off_lets_the_first_village_register_them(client, world):
    ask(client, world)
    request = ConflictRequest.objects.get()
    client.force_login(world["theirs"])
    client.post(
        f"/voters/conflicts/{request.pk}/answer/",
        {"decision": "release", "reason_code": "moved", "note": "已迁往上方村"},
    )
    request.refresh_from_db()
    assert request.state == ConflictRequest.State.RELEASED
    held = VoterRegistration.objects.get(pk=world["held"].pk)
    assert (held.status, held.left_off_reason) == (Status.LEFT_OFF, "moved")
    report = services.register_person(
        election=world["asking"],
        values={"name": "张三", "id_number": person(1)[1], "category": "hukou_resident"},
        by=world["clerk"],
    )
    assert report.created == 1
    assert VoterRegistration.objects.get(election=world["asking"]).status == Status.REGISTERED


def test_the_asking_side_cannot_answer_and_a_third_township_cannot_reach_it(client, world):
    ask(client, world)
    request = ConflictRequest.objects.get()
    response = client.post(
        f"/voters/conflicts/{request.pk}/answer/", {"decision": "release", "reason_code": "moved"}
    )
    assert response.status_code == 403
    client.force_login(world["third"])
    response = client.post(
        f"/voters/conflicts/{request.pk}/answer/", {"decision": "release", "reason_code": "moved"}
    )
    assert response.status_code == 404
    assert ConflictRequest.objects.get().state == "open"
    assert VoterRegistration.objects.get(pk=world["held"].pk).status == Status.REGISTERED


def test_requests_are_scoped_to_both_sides_jurisdictions(client, world):
    ask(client, world)
    visible = {
        name: ConflictRequest.objects.visible_to(world[name]).count()
        for name in ("ours", "theirs", "third", "clerk")
    }
    assert visible == {"ours": 1, "theirs": 1, "third": 0, "clerk": 1}
    department = UserFactory(
        username="dept", role=Role.DEPARTMENT, unit="公安局", region=world["asking"].village.parent.parent
    )
    assert not ConflictRequest.objects.visible_to(department).exists()


def test_the_request_and_its_answer_are_in_the_trail_without_the_holding_village(client, world):
    ask(client, world)
    request = ConflictRequest.objects.get()
    services.answer_conflict_request(request=request, by=world["theirs"], keep=True, note="保留")
    entries = TrailEntry.objects.filter(
        model_label="voters.conflictrequest", object_pk=str(request.pk)
    ).order_by("seq")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].division_code == "330702001001"
    assert all("holding_code" not in e.changes for e in entries)
    assert entries[1].changes["state"] == ["open", "kept"]
