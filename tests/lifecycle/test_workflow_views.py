"""The workflow pages as each role uses them: workflow, step, handover, archive, board, approvals, to-do."""

import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from elections.models import Stage, VillageElection
from lifecycle import gates, workflow
from lifecycle.models import GateException, StepDefinition, StepDocument, StepRecord, StepSource
from tests.trail.helpers import registration, resident

from .conftest import complete_audit, force_record, force_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_workflow_page_shows_the_stage_bar_checklist_and_closed_gate(client, world):
    client.force_login(world["township"])
    response = client.get(f"/elections/{world['home'].pk}/workflow/")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="gate.audit_not_completed"' in text
    assert "组建换届工作机构" in text and "选民名单张榜公布" in text
    assert 'id="advance"' in text


def test_a_move_stopped_by_a_gate_says_which_and_where(client, world):
    client.force_login(world["township"])
    response = client.post(
        f"/elections/{world['home'].pk}/workflow/advance/",
        {"to": "party_election", "expected": "preparation"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="errors"' in text and 'data-code="gate.audit_not_completed"' in text
    assert f"/audits/election/{world['home'].pk}/" in text
    world["home"].refresh_from_db()
    assert world["home"].stage == Stage.PREPARATION


def test_a_move_with_open_gates_redirects_to_the_page(client, world):
    complete_audit(world["home"])
    client.force_login(world["township"])
    response = client.post(
        f"/elections/{world['home'].pk}/workflow/advance/",
        {"to": "party_election", "expected": "preparation"},
        follow=True,
    )
    assert response.status_code == 200
    world["home"].refresh_from_db()
    assert world["home"].stage == Stage.PARTY_ELECTION


def test_the_move_says_which_required_steps_it_leaves_missing(client, world):
    complete_audit(world["home"])
    client.force_login(world["township"])
    page = client.get(f"/elections/{world['home'].pk}/workflow/")
    open_steps = page.context["left_open"]
    assert open_steps and all(i.step.stage == Stage.PREPARATION and i.step.required for i in open_steps)
    assert "prep_audit" not in {i.step.code for i in open_steps}  # done: the audit's record
    text = page.content.decode()
    assert 'id="left-open"' in text and f"本阶段还有{len(open_steps)}个必需步骤未完成" in text
    assert f"/elections/{world['home'].pk}/steps/{open_steps[0].step.code}/" in text


def test_readers_get_no_move_button_and_a_post_is_forbidden(client, world):
    client.force_login(world["city"])
    assert 'id="advance"' not in client.get(f"/elections/{world['home'].pk}/workflow/").content.decode()
    response = client.post(
        f"/elections/{world['home'].pk}/workflow/advance/",
        {"to": "party_election", "expected": "preparation"},
    )
    assert response.status_code == 403


def test_the_clerk_records_a_step_and_attaches_a_document(client, world, today, media):
    client.force_login(world["clerk"])
    url = f"/elections/{world['home'].pk}/steps/prep_organization/"
    response = client.post(
        url, {"action": "record", "status": "done", "done_on": today.isoformat(), "note": "已成立"}
    )
    assert response.status_code == 302
    record = StepRecord.objects.get(election=world["home"], step__code="prep_organization")
    assert record.done_by == world["clerk"]
    pdf = SimpleUploadedFile("领导小组名单.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post(url, {"action": "document", "file": pdf}).status_code == 302
    document = StepDocument.objects.get()
    download = client.get(f"/elections/{world['home'].pk}/documents/{document.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n%%EOF\n"


def test_a_refused_document_is_explained(client, world, today, media):
    force_record(world["home"], "prep_organization", today, world["township"])
    client.force_login(world["township"])
    url = f"/elections/{world['home'].pk}/steps/prep_organization/"
    response = client.post(url, {"action": "document", "file": SimpleUploadedFile("a.exe", b"MZ...")})
    assert (
        response.status_code == 400 and 'data-code="document.type_not_allowed"' in response.content.decode()
    )


def test_the_voting_step_page_shows_its_gates(client, world):
    complete_audit(world["home"])
    force_stage(world["home"], Stage.COMMITTEE_ELECTION)
    client.force_login(world["township"])
    text = client.get(f"/elections/{world['home'].pk}/steps/voting_held/").content.decode()
    assert (
        'data-code="gate.roll_not_published"' in text and 'data-code="gate.candidates_not_published"' in text
    )


def test_every_step_page_opens_and_says_its_deadline_in_words(client, world):
    """Each default step's page answers, derived or not (a derived step links to where its record is
    made), and its deadline reads with its number of days, never a letter N."""
    force_stage(world["home"], Stage.HANDOVER)
    client.force_login(world["township"])
    assert set(gates.SOURCE_URLS) == set(StepSource.values) - {StepSource.MANUAL}
    for code in StepDefinition.objects.values_list("code", flat=True):
        response = client.get(f"/elections/{world['home'].pk}/steps/{code}/")
        assert response.status_code == 200, code
        assert " N " not in response.content.decode(), code
    text = client.get(f"/elections/{world['home'].pk}/steps/roll_published/").content.decode()
    assert "选举日前20日" in text
    # The guidance names the pages as the menu does.
    assert not StepDefinition.objects.filter(guidance__contains="投票计票").exists()
    assert StepDefinition.objects.filter(guidance__contains="“计票与结果”页面").count() >= 5


def test_an_unknown_step_is_404(client, world):
    client.force_login(world["township"])
    assert client.get(f"/elections/{world['home'].pk}/steps/no_such_step/").status_code == 404


def test_the_township_asks_and_the_county_approves_a_postponement(client, world):
    client.force_login(world["township"])
    client.post(
        f"/elections/{world['home'].pk}/workflow/exceptions/",
        {"kind": "postponement", "reason": "信访积案突出，派驻工作组整顿"},
    )
    exception = GateException.objects.get()
    assert exception.status == "requested"
    client.force_login(world["county"])
    overview = client.get("/overview/", follow=True).content.decode()
    assert 'id="todo"' in overview and "上方村" in overview
    approvals = client.get("/approvals/").content.decode()
    assert f'id="exception-{exception.pk}"' in approvals
    client.post(
        f"/elections/{world['home'].pk}/workflow/exceptions/decide/",
        {"exception": exception.pk, "decision": "approve", "note": "同意", "next": "/approvals/"},
    )
    world["home"].refresh_from_db()
    assert world["home"].stage == Stage.POSTPONED


def test_the_archive_holds_the_checklist_the_roll_and_the_documents(client, world, today, media):
    election = world["home"]
    registration(election, resident(election.village, name="王五"))
    record = force_record(election, "prep_organization", today, world["township"])
    workflow.attach_document(
        record=record, upload=SimpleUploadedFile("名单.pdf", b"%PDF-1.4\n%%EOF\n"), by=world["township"]
    )
    client.force_login(world["township"])
    response = client.get(f"/elections/{election.pk}/archive.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))) as archive:
        names = archive.namelist()
        assert any(n.endswith("名单.pdf") for n in names)
        assert {"换届步骤.xlsx", "选民名单.xlsx", "阶段变更和例外审批.xlsx"} <= set(names)
        sheet = load_workbook(BytesIO(archive.read("选民名单.xlsx"))).active
        assert [c.value for c in sheet[2]][1] == "王五"


def test_the_handover_page_walks_list_counts_signatures_and_sign_off(client, world, today):
    election = force_stage(world["home"], Stage.HANDOVER)
    VillageElection.objects.filter(pk=election.pk).update(election_day=today - timedelta(days=3))
    client.force_login(world["township"])
    url = f"/elections/{election.pk}/handover/"
    assert client.post(url, {"action": "open"}).status_code == 302
    for category in ("seals", "archives", "funds", "assets", "resources"):
        client.post(
            url,
            {
                "action": "item",
                "item-category": category,
                "item-description": category,
                "item-quantity_listed": "1",
            },
        )
    hand = election.handover
    for item in hand.items.all():
        client.post(url, {"action": "confirm", "confirm-item": item.pk, "confirm-quantity_received": "1"})
    client.post(
        url,
        {
            "action": "signatures",
            "signatures-handed_over_on": today.isoformat(),
            "signatures-outgoing_signatory": "张老书记",
            "signatures-incoming_signatory": "李新书记",
        },
    )
    page = client.get(url).content.decode()  # the sign-off asks first, saying what follows and who sees it
    assert 'data-confirm="确认签字？签字后工作交接即告完成' in page and "乡镇和县级" in page
    response = client.post(url, {"action": "signoff"}, follow=True)
    assert response.status_code == 200
    hand.refresh_from_db()
    assert hand.signed_off
    assert 'id="sign-off"' not in response.content.decode()


def test_the_board_shows_townships_for_the_county_and_villages_for_the_township(client, world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    client.force_login(world["county"])
    text = client.get("/board/").content.decode()
    assert 'id="board"' in text and 'id="flagged"' in text and "选民名单张榜公布" in text
    client.force_login(world["township"])
    text = client.get("/board/").content.decode()
    assert 'id="villages"' in text and "上方村" in text and "邻乡村" not in text


def test_landing_pages_show_the_todo_list(client, world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    workflow.refresh_reminders(cycle=world["cycle"], prefix="330702", today=today)
    for user, url in [
        (world["township"], "/elections/"),
        (world["clerk"], f"/elections/{world['home'].pk}/"),
    ]:
        client.force_login(user)
        text = client.get(url).content.decode()
        assert 'id="todo"' in text and f"/candidates/{world['home'].pk}/notices/formal/" in text
        assert f"/voters/election/{world['home'].pk}/" in text  # the roll step links to the roll page
