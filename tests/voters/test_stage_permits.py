"""Every door of the roll asks the election's stage first (elections.permits), whatever called it.

For each gate — the stage closed (preparation), postponed, the red flag open, completed — each door that
changes the roll (the pages, `manage.py import_voters`, the Celery import task) is refused with the
gate's code and writes nothing; once the gate opens (the stage moved, the flag lowered through
elections.red_flag, or a correction given its reason in a completed election) the same action goes
through. The pages show the refusal in Chinese with a link to the election's steps page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from elections import permits
from elections.models import Stage, VillageElection
from elections.red_flag import set_red_flag
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, make_id_number, region_chain
from tests.voters.test_services import person, xlsx
from voters import services, tasks
from voters.models import (
    ConflictRequest,
    ImportJob,
    Resident,
    RollChange,
    RollPublication,
    Status,
    VoterRegistration,
)

pytestmark = pytest.mark.django_db

# gate → (how to close it, its code, a fragment of its Chinese message)
GATES = {
    "stage_closed": (Stage.PREPARATION, False, permits.STAGE_CLOSED, "只有在"),
    "postponed": (Stage.POSTPONED, False, permits.POSTPONED, "暂缓"),
    "red_open": (Stage.COMMITTEE_ELECTION, True, permits.RED_OPEN, "红色风险村"),
    "completed": (Stage.COMPLETED, False, permits.COMPLETED, "记录只读"),
}
NOT_COMPLETED = ["stage_closed", "postponed", "red_open"]


@pytest.fixture
def election():
    return VillageElectionFactory(
        cycle=CycleFactory(),
        village=region_chain("330702001001", name="上方村"),
        election_day=timezone.localdate() + timedelta(days=40),
    )


@pytest.fixture
def clerk(election):
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


@pytest.fixture
def county(election):
    return UserFactory(username="county", role=Role.COUNTY, region=election.village.parent.parent)


def close(election: VillageElection, gate: str) -> None:
    stage, red, _code, _fragment = GATES[gate]
    VillageElection.objects.filter(pk=election.pk).update(stage=stage)
    election.refresh_from_db()
    if red:
        set_red_flag(election=election, open=True)


def reopen(election: VillageElection, by) -> None:
    """The gate opens: the red flag lowered by its one writer, the stage moved on (the workflow's part)."""
    set_red_flag(election=election, open=False, by=by)
    VillageElection.objects.filter(pk=election.pk).update(stage=Stage.COMMITTEE_ELECTION)
    election.refresh_from_db()


def assert_refused_on_page(response, election, gate: str, action: str = "roll.edit") -> None:
    """The page the user was on, with the gate's Chinese message and the link to the steps page."""
    assert response.status_code == 200
    page = response.content.decode()
    refusal = permits.refusal(election, action)
    assert refusal is not None and refusal.code == GATES[gate][2]
    assert GATES[gate][3] in page
    assert escape(refusal.message) in page
    assert f'href="{reverse("lifecycle:workflow", args=[election.pk])}"' in page
    assert "permit." not in page  # never the raw code


def registered(election) -> int:
    return VoterRegistration.objects.filter(election=election, status=Status.REGISTERED).count()


def add_form(serial: int, name: str, reason: str = "") -> dict:
    return {
        "name": name,
        "id_number": make_id_number("330702", timezone.datetime(1980, 5, 17).date(), serial, "M"),
        "group": "一组",
        "category": "hukou_resident",
        "relation_to_head": "",
        "phone": "",
        "reason": reason,
    }


def registration_of(election, serial: int, name: str = "张三") -> VoterRegistration:
    services.register_person(
        election=election, values={k: v for k, v in add_form(serial, name).items() if k != "reason"}, by=None
    )
    return VoterRegistration.objects.get(election=election, resident__name=name)


def previewed_job(client, election) -> ImportJob:
    response = client.post(
        f"/voters/election/{election.pk}/upload/",
        {"file": SimpleUploadedFile("roll.xlsx", xlsx([person(1), person(2, name="李四")]).getvalue())},
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("created_at")
    assert job.state == ImportJob.State.PREVIEWED
    return job


# --- the pages (Django test client) ---------------------------------------------------------------


@pytest.mark.parametrize("gate", list(GATES))
def test_adding_a_person_is_refused_on_the_roll_page_then_allowed_once_the_gate_opens(
    client, election, clerk, county, gate
):
    close(election, gate)
    client.force_login(clerk)
    url = f"/voters/election/{election.pk}/add/"
    response = client.post(url, add_form(1, "张三"), follow=True)
    assert response.redirect_chain[-1][0] == f"/voters/election/{election.pk}/"
    assert_refused_on_page(response, election, gate)
    assert not Resident.objects.exists() and registered(election) == 0
    if gate == "completed":  # a correction with its reason is accepted, and logged with it
        response = client.post(url, add_form(1, "张三", reason="漏登补正"), follow=True)
        assert RollChange.objects.get(election=election).reason == "漏登补正"
    else:
        reopen(election, county)
        response = client.post(url, add_form(1, "张三"), follow=True)
    assert registered(election) == 1


@pytest.mark.parametrize("gate", list(GATES))
def test_leaving_off_is_refused_then_allowed(client, election, clerk, county, gate):
    registration = registration_of(election, 1)
    close(election, gate)
    client.force_login(clerk)
    url = f"/voters/election/{election.pk}/leave-off/"
    data = {"registration": registration.pk, "reason_code": "deceased", "note": ""}
    response = client.post(url, data, follow=True)
    assert_refused_on_page(response, election, gate)
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED and not RollChange.objects.exists()
    if gate == "completed":
        data["note"] = "已死亡，户籍注销"
    else:
        reopen(election, county)
    client.post(url, data, follow=True)
    registration.refresh_from_db()
    assert registration.status == Status.LEFT_OFF


@pytest.mark.parametrize("gate", list(GATES))
def test_publishing_is_refused_then_allowed(client, election, clerk, county, gate):
    registration_of(election, 1)
    close(election, gate)
    client.force_login(clerk)
    url = f"/voters/election/{election.pk}/publish/"
    data = {"published_on": timezone.localdate().isoformat()}
    response = client.post(url, data, follow=True)
    assert_refused_on_page(response, election, gate, action="roll.publish")
    assert not RollPublication.objects.exists()
    reopen(election, county)  # a completed roll is not published again, reason or not
    client.post(url, data, follow=True)
    assert RollPublication.objects.filter(election=election).count() == 1


@pytest.mark.parametrize("gate", NOT_COMPLETED)
def test_an_upload_is_refused_and_kept_nowhere_then_allowed(client, election, clerk, county, gate):
    close(election, gate)
    client.force_login(clerk)
    url = f"/voters/election/{election.pk}/upload/"
    upload = {"file": SimpleUploadedFile("roll.xlsx", xlsx([person(1)]).getvalue())}
    response = client.post(url, upload, follow=True)
    assert_refused_on_page(response, election, gate)
    assert not ImportJob.objects.exists()
    reopen(election, county)
    upload = {"file": SimpleUploadedFile("roll.xlsx", xlsx([person(1)]).getvalue())}
    response = client.post(url, upload, follow=True)
    assert ImportJob.objects.get().state == ImportJob.State.PREVIEWED
    assert registered(election) == 0  # checked, not yet imported


@pytest.mark.parametrize("gate", list(GATES))
def test_confirming_an_import_is_refused_when_the_gate_closed_after_the_check(
    client, election, clerk, county, gate
):
    client.force_login(clerk)
    job = previewed_job(client, election)
    close(election, gate)
    page = client.get(f"/voters/import/{job.pk}/").content.decode()
    if gate == "completed":  # the confirmation asks for the correction's reason
        assert 'id="confirm-import"' in page and 'name="reason"' in page
    else:  # the button is gone, and the page says why
        assert 'id="confirm-import"' not in page and 'id="confirm-closed"' in page
    response = client.post(f"/voters/import/{job.pk}/confirm/", {"reason": ""}, follow=True)
    assert_refused_on_page(response, election, gate)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED and registered(election) == 0
    reason = "补充登记" if gate == "completed" else ""
    if gate != "completed":
        reopen(election, county)
    client.post(f"/voters/import/{job.pk}/confirm/", {"reason": reason}, follow=True)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and registered(election) == 2


@pytest.mark.parametrize("gate", NOT_COMPLETED)
def test_the_roll_page_hides_the_closed_doors_and_says_why(client, election, clerk, county, gate):
    close(election, gate)
    client.force_login(clerk)
    page = client.get(f"/voters/election/{election.pk}/").content.decode()
    for action in ("upload", "add", "leave-off", "publish"):
        assert f'action="/voters/election/{election.pk}/{action}/"' not in page
    assert 'id="roll-closed"' in page and 'id="publish-closed"' in page
    assert GATES[gate][3] in page and reverse("lifecycle:workflow", args=[election.pk]) in page
    reopen(election, county)
    page = client.get(f"/voters/election/{election.pk}/").content.decode()
    for action in ("upload", "add", "publish"):
        assert f'action="/voters/election/{election.pk}/{action}/"' in page
    assert 'id="roll-closed"' not in page


def test_a_completed_roll_offers_corrections_with_their_reason_but_no_publication(client, election, clerk):
    registration_of(election, 1)
    close(election, "completed")
    client.force_login(clerk)
    page = client.get(f"/voters/election/{election.pk}/").content.decode()
    assert 'id="roll-correcting"' in page and "每次更正都须填写理由" in page
    assert f'action="/voters/election/{election.pk}/add/"' in page
    assert f'action="/voters/election/{election.pk}/leave-off/"' in page
    assert f'action="/voters/election/{election.pk}/publish/"' not in page and 'id="publish-closed"' in page


# --- the command ------------------------------------------------------------------------------------


@pytest.mark.parametrize("gate", list(GATES))
def test_the_import_command_is_refused_then_allowed(tmp_path, election, county, gate):
    path = tmp_path / "roll.xlsx"
    path.write_bytes(xlsx([person(1), person(2, name="李四")]).getvalue())
    close(election, gate)
    with pytest.raises(CommandError) as refused:
        call_command("import_voters", str(path), "--election", str(election.pk))
    assert GATES[gate][3] in str(refused.value)
    assert not Resident.objects.exists() and registered(election) == 0
    # a dry run writes nothing and is not asked: a township may check its file in any stage
    call_command("import_voters", str(path), "--election", str(election.pk), "--dry-run")
    assert not Resident.objects.exists()
    if gate == "completed":
        call_command("import_voters", str(path), "--election", str(election.pk), "--reason", "补登")
        assert RollChange.objects.filter(election=election, reason="补登").count() == 2
    else:
        reopen(election, county)
        call_command("import_voters", str(path), "--election", str(election.pk))
    assert registered(election) == 2


# --- the Celery tasks (eager here) -------------------------------------------------------------------


@pytest.mark.parametrize("gate", list(GATES))
def test_the_import_task_fails_a_job_whose_gate_closed_meanwhile_with_the_permit_code(
    client, election, clerk, county, gate
):
    client.force_login(clerk)
    job = previewed_job(client, election)
    services.confirm_import_job(job=job, by=clerk, reason="")  # confirmed while open, queued
    close(election, gate)
    tasks.apply_roll_import.delay(job.pk, clerk.pk, "")
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.result["failure"]["code"] == GATES[gate][2]
    assert GATES[gate][3] in job.result["failure"]["message"]
    assert job.result["failure"]["url"] == reverse("lifecycle:workflow", args=[election.pk])
    assert not Resident.objects.exists() and registered(election) == 0
    page = client.get(f"/voters/import/{job.pk}/").content.decode()
    assert GATES[gate][3] in page and reverse("lifecycle:workflow", args=[election.pk]) in page
    # once the gate opens, the file is uploaded and confirmed again (a failed job is never rerun)
    reason = ""
    if gate == "completed":
        reason = "补充登记"
    else:
        reopen(election, county)
    again = previewed_job(client, election)
    services.confirm_import_job(job=again, by=clerk, reason=reason)
    tasks.apply_roll_import.delay(again.pk, clerk.pk, reason)
    again.refresh_from_db()
    assert again.state == ImportJob.State.DONE and registered(election) == 2


@pytest.mark.parametrize("gate", NOT_COMPLETED)
def test_the_check_task_previews_in_a_closed_stage_but_nothing_can_be_confirmed(
    client, election, clerk, county, gate
):
    client.force_login(clerk)
    job = previewed_job(client, election)
    close(election, gate)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.UPLOADED, attempts=0)
    tasks.check_roll_import.delay(job.pk)  # a dry run: it writes nothing, so it is not refused
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED and job.result["created"] == 2
    assert not Resident.objects.exists()
    with pytest.raises(Exception) as refused:
        services.confirm_import_job(job=job, by=clerk, reason="")
    assert refused.value.code == GATES[gate][2]
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED


# --- settling a person registered in two villages ---------------------------------------------------


@pytest.fixture
def conflict(election, county):
    """A person registered in a neighbouring village, named by this village's latest upload."""
    other = VillageElectionFactory(
        cycle=election.cycle,
        village=region_chain("330702001002", name="下方村"),
        election_day=election.election_day,
    )
    held = registration_of(other, 7, name="王五")
    township = UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)
    job = ImportJob.objects.create(
        uploaded_by=township,
        election=election,
        division_code=election.division_code,
        original_name="roll.xlsx",
        sha256="x",
        state=ImportJob.State.PREVIEWED,
        result={"duplicates": [{"row": 3, "kind": "other_village", "registration": held.pk, "name": "王五",
                                "other": "下方村", "place": "下方村"}]},
    )  # fmt: skip
    return {"other": other, "held": held, "job": job, "township": township}


@pytest.mark.parametrize("gate", NOT_COMPLETED)
def test_a_conflict_request_is_refused_while_the_requesting_roll_is_closed(
    client, election, county, conflict, gate
):
    close(election, gate)
    client.force_login(conflict["township"])
    data = {"election": election.pk, "registration": conflict["held"].pk, "note": ""}
    response = client.post("/voters/conflicts/request/", data, follow=True)
    assert_refused_on_page(response, election, gate)
    assert not ConflictRequest.objects.exists()
    reopen(election, county)
    client.post("/voters/conflicts/request/", data, follow=True)
    assert ConflictRequest.objects.filter(election=election).count() == 1


@pytest.mark.parametrize("gate", NOT_COMPLETED)
def test_a_conflict_answer_is_refused_while_the_holding_roll_is_closed(
    client, election, county, conflict, gate
):
    township = conflict["township"]
    request = services.request_conflict_resolution(
        election=election, registration_id=conflict["held"].pk, by=township
    )
    close(conflict["other"], gate)
    client.force_login(township)
    page = client.get("/voters/conflicts/").content.decode()
    assert f'action="/voters/conflicts/{request.pk}/answer/"' not in page and GATES[gate][3] in page
    data = {"decision": "release", "reason_code": "moved", "note": "已迁出"}
    response = client.post(f"/voters/conflicts/{request.pk}/answer/", data, follow=True)
    assert_refused_on_page(response, conflict["other"], gate)
    request.refresh_from_db()
    conflict["held"].refresh_from_db()
    assert request.state == ConflictRequest.State.OPEN and conflict["held"].status == Status.REGISTERED
    reopen(conflict["other"], county)
    client.post(f"/voters/conflicts/{request.pk}/answer/", data, follow=True)
    request.refresh_from_db()
    conflict["held"].refresh_from_db()
    assert request.state == ConflictRequest.State.RELEASED and conflict["held"].status == Status.LEFT_OFF
