"""Stage moves, step records, documents, exceptions and reminders (lifecycle.workflow)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from elections.models import Stage, VillageElection
from lifecycle import codes, workflow
from lifecycle.models import (
    ExceptionKind,
    ExceptionStatus,
    GateException,
    Reminder,
    StageChange,
    StepDefinition,
    StepDocument,
    StepRecord,
)
from tests.factories import UserFactory
from trail.models import TrailEntry

from .conftest import complete_audit, force_stage, step

pytestmark = pytest.mark.django_db


def code_of(excinfo) -> str:
    return excinfo.value.error_list[0].code


def test_every_stage_has_its_allowed_moves_and_completed_is_final():
    assert set(workflow.ALLOWED) == set(Stage.values)
    assert workflow.ALLOWED[Stage.COMPLETED] == set()
    assert all(
        Stage.POSTPONED not in t
        for s, t in workflow.ALLOWED.items()
        if s in (Stage.HANDOVER, Stage.COMPLETED)
    )


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Stage.PREPARATION, Stage.COMMITTEE_ELECTION),  # no skipping the Party election
        (Stage.PREPARATION, Stage.COMPLETED),
        (Stage.PARTY_ELECTION, Stage.PREPARATION),  # no going back
        (Stage.COMPLETED, Stage.HANDOVER),
        (Stage.HANDOVER, Stage.POSTPONED),
    ],
)
def test_moves_outside_the_table_are_refused(world, start, to):
    complete_audit(world["home"])
    election = force_stage(world["home"], start)
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=election, to=to, by=world["township"])
    assert code_of(excinfo) == codes.STAGE_TRANSITION


def test_a_move_records_who_when_and_the_trail(world):
    complete_audit(world["home"])
    before = TrailEntry.objects.count()
    change = workflow.advance_stage(
        election=world["home"], to=Stage.PARTY_ELECTION, by=world["township"], note="审计完成"
    )
    assert (change.from_stage, change.to_stage, change.by) == (
        Stage.PREPARATION,
        Stage.PARTY_ELECTION,
        world["township"],
    )
    assert change.at is not None and change.division_code == world["home"].division_code
    labels = set(TrailEntry.objects.filter(seq__gt=before).values_list("model_label", flat=True))
    assert {"lifecycle.stagechange", "elections.villageelection"} <= labels


def test_a_stale_form_does_not_move_twice(world):
    complete_audit(world["home"])
    workflow.advance_stage(election=world["home"], to=Stage.PARTY_ELECTION, by=world["township"])
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(
            election=world["home"], to=Stage.PARTY_ELECTION, by=world["township"], expected=Stage.PREPARATION
        )
    assert code_of(excinfo) == codes.STAGE_CHANGED


@pytest.mark.parametrize("who", ["clerk", "city", "other_township"])
def test_only_township_and_county_staff_of_the_village_move_stages(world, who):
    complete_audit(world["home"])
    if who == "other_township":
        world[who] = UserFactory(username="other", role="township", region=world["neighbour"].village.parent)
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=world["home"], to=Stage.PARTY_ELECTION, by=world[who])
    assert code_of(excinfo) == codes.NOT_ALLOWED


def test_the_county_may_move_stages_too(world):
    complete_audit(world["home"])
    workflow.advance_stage(election=world["home"], to=Stage.PARTY_ELECTION, by=world["county"])


def test_a_step_of_a_later_stage_waits(world, today):
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(
            election=world["home"],
            step=step("nomination"),
            status="done",
            done_on=today,
            by=world["township"],
        )
    assert code_of(excinfo) == codes.STEP_STAGE_NOT_REACHED


def test_derived_steps_are_not_recorded_by_hand(world, today):
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(
            election=world["home"],
            step=step("prep_audit"),
            status="done",
            done_on=today,
            by=world["township"],
        )
    assert code_of(excinfo) == codes.STEP_DERIVED


@pytest.mark.parametrize(
    ("status", "offset", "code"),
    [
        ("done", None, codes.STEP_DATE_MISSING),
        ("done", 1, codes.STEP_DATE_FUTURE),
        ("not_applicable", None, codes.STEP_NOT_REQUIRED_ONLY),
    ],
)
def test_step_dates_and_status_rules(world, today, status, offset, code):
    done_on = today + timedelta(days=offset) if offset is not None else None
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(
            election=world["home"],
            step=step("prep_organization"),
            status=status,
            done_on=done_on,
            by=world["township"],
        )
    assert code_of(excinfo) == code


def test_an_optional_step_may_be_not_applicable(world):
    record = workflow.record_step(
        election=world["home"],
        step=step("prep_rectification"),
        status="not_applicable",
        by=world["township"],
        note="绿色村，无需整顿",
    )
    assert record.status == "not_applicable" and record.done_on is None


def test_a_step_due_after_it_opened_needs_its_opening_date_and_is_done_after_it(world, today):
    complete_audit(world["home"])
    election = force_stage(world["home"], Stage.COMMITTEE_ELECTION)
    hearing = StepDefinition.objects.create(  # a province's own step, ticked by hand
        code="local_hearing", stage=Stage.COMMITTEE_ELECTION, order=345, title="村民代表会议听证",
        deadline_kind="after_opened", deadline_days=3,
    )  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(election=election, step=hearing, status="open", by=world["township"])
    assert code_of(excinfo) == codes.STEP_OPENED_MISSING
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(
            election=election,
            step=hearing,
            status="done",
            opened_on=today,
            done_on=today - timedelta(days=1),
            by=world["township"],
        )
    assert code_of(excinfo) == codes.STEP_DONE_BEFORE_OPENED


def test_objections_handled_is_read_from_the_objections_not_ticked(world, today):
    complete_audit(world["home"])
    election = force_stage(world["home"], Stage.COMMITTEE_ELECTION)
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(
            election=election,
            step=step("roll_objections"),
            status="open",
            opened_on=today,
            by=world["township"],
        )
    assert code_of(excinfo) == codes.STEP_DERIVED


def test_recording_again_updates_the_one_record(world, today):
    for day in (today - timedelta(days=3), today):
        workflow.record_step(
            election=world["home"],
            step=step("prep_organization"),
            status="done",
            done_on=day,
            by=world["clerk"],
        )
    assert StepRecord.objects.get(election=world["home"], step__code="prep_organization").done_on == today


def test_a_postponed_election_records_only_preparation(world, today):
    complete_audit(world["home"])
    election = force_stage(world["home"], Stage.POSTPONED)
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(
            election=election, step=step("party_review"), status="done", done_on=today, by=world["township"]
        )
    assert code_of(excinfo) == codes.STEP_POSTPONED
    workflow.record_step(
        election=election, step=step("prep_rectification"), status="done", done_on=today, by=world["township"]
    )


def test_a_province_step_applies_only_under_its_region(world, today):
    from lifecycle.models import StepDefinition
    from tests.factories import region_chain

    own = StepDefinition.objects.create(
        code="zj_video_record",
        region=world["home"].village.parent,
        stage=Stage.PREPARATION,
        order=125,
        title="全程录像",
    )
    workflow.record_step(election=world["home"], step=own, status="done", done_on=today, by=world["township"])
    elsewhere = StepDefinition.objects.create(
        code="other_rule",
        region=region_chain("330703001001").parent,
        stage=Stage.PREPARATION,
        title="外县步骤",
    )
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_step(
            election=world["home"], step=elsewhere, status="done", done_on=today, by=world["township"]
        )
    assert code_of(excinfo) == codes.STEP_NOT_APPLICABLE_HERE


# Documents --------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    buffer = BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture
def record(world, today):
    return workflow.record_step(
        election=world["home"],
        step=step("prep_organization"),
        status="done",
        done_on=today,
        by=world["township"],
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("通知.pdf", PDF),
        ("照片.JPG", b"\xff\xd8\xff\xe0" + b"0" * 100),
        ("公示.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
        ("名册.xlsx", xlsx_bytes()),
    ],
)
def test_documents_of_the_allowed_kinds_are_kept(world, record, name, data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = workflow.attach_document(
        record=record, upload=SimpleUploadedFile(name, data), by=world["township"]
    )
    assert document.size == len(data) and document.division_code == record.division_code
    with document.file.open("rb") as handle:
        assert handle.read() == data


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("病毒.exe", b"MZ" + b"0" * 10, codes.DOCUMENT_TYPE),
        ("宏.xlsm", xlsx_bytes(), codes.DOCUMENT_TYPE),
        ("假的.pdf", b"MZ" + b"0" * 10, codes.DOCUMENT_CONTENT),
        ("表格.docx", xlsx_bytes(), codes.DOCUMENT_CONTENT),  # an xlsx renamed to docx
        ("空.pdf", b"", codes.DOCUMENT_EMPTY),
    ],
)
def test_documents_of_other_kinds_are_refused(world, record, name, data, code, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as excinfo:
        workflow.attach_document(record=record, upload=SimpleUploadedFile(name, data), by=world["township"])
    assert code_of(excinfo) == code
    assert not StepDocument.objects.exists()


def test_a_document_of_20_mb_is_kept_and_one_byte_more_refused(world, record, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    limit = 20 * 1024 * 1024
    workflow.attach_document(
        record=record,
        upload=SimpleUploadedFile("大.pdf", PDF + b"0" * (limit - len(PDF))),
        by=world["township"],
    )
    with pytest.raises(ValidationError) as excinfo:
        workflow.attach_document(
            record=record,
            upload=SimpleUploadedFile("太大.pdf", PDF + b"0" * (limit - len(PDF) + 1)),
            by=world["township"],
        )
    assert code_of(excinfo) == codes.DOCUMENT_SIZE


# Exceptions and postponement -----------------------------------------------------------------------------------


def test_the_county_approves_a_postponement_and_the_election_is_postponed(world):
    request = workflow.request_exception(
        election=world["home"],
        kind=ExceptionKind.POSTPONEMENT,
        reason="选情特别复杂，派驻工作组整顿",
        by=world["township"],
    )
    assert request.status == ExceptionStatus.REQUESTED
    workflow.decide_exception(exception=request, approve=True, by=world["county"], note="同意暂缓")
    world["home"].refresh_from_db()
    assert world["home"].stage == Stage.POSTPONED
    change = StageChange.objects.get(election=world["home"])
    assert change.exception_id == request.pk and change.by == world["county"]


def test_a_postponed_election_resumes_at_the_stage_it_left(world):
    complete_audit(world["home"])
    workflow.advance_stage(election=world["home"], to=Stage.PARTY_ELECTION, by=world["township"])
    workflow.record_exception(
        election=world["home"], kind=ExceptionKind.POSTPONEMENT, reason="疫情", by=world["county"]
    )
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=world["home"], to=Stage.PREPARATION, by=world["township"])
    assert code_of(excinfo) == codes.STAGE_RESUME
    workflow.advance_stage(election=world["home"], to=Stage.PARTY_ELECTION, by=world["township"])


def test_an_approved_postponement_is_used_once(world):
    workflow.record_exception(
        election=world["home"], kind=ExceptionKind.POSTPONEMENT, reason="整顿", by=world["county"]
    )
    workflow.advance_stage(election=world["home"], to=Stage.PREPARATION, by=world["township"])
    with pytest.raises(ValidationError) as excinfo:
        workflow.advance_stage(election=world["home"], to=Stage.POSTPONED, by=world["county"])
    assert code_of(excinfo) == codes.GATE_POSTPONEMENT


@pytest.mark.parametrize("who", ["township", "admin", "city"])
def test_only_the_county_decides(world, who):
    request = workflow.request_exception(
        election=world["home"],
        kind=ExceptionKind.OVER_AGE_SECRETARY,
        reason="61周岁，表现优秀，身体良好",
        by=world["township"],
    )
    with pytest.raises(ValidationError) as excinfo:
        workflow.decide_exception(exception=request, approve=True, by=world[who])
    assert code_of(excinfo) == codes.EXCEPTION_COUNTY_ONLY


def test_an_exception_needs_a_reason_and_one_open_request_per_kind(world):
    with pytest.raises(ValidationError) as excinfo:
        workflow.request_exception(
            election=world["home"], kind=ExceptionKind.OTHER, reason="  ", by=world["township"]
        )
    assert code_of(excinfo) == codes.EXCEPTION_REASON
    workflow.request_exception(
        election=world["home"], kind=ExceptionKind.OTHER, reason="一", by=world["township"]
    )
    with pytest.raises(ValidationError) as excinfo:
        workflow.request_exception(
            election=world["home"], kind=ExceptionKind.OTHER, reason="二", by=world["township"]
        )
    assert code_of(excinfo) == codes.EXCEPTION_PENDING


def test_a_decided_exception_is_not_decided_again(world):
    exception = workflow.record_exception(
        election=world["home"],
        kind=ExceptionKind.OVER_AGE_SECRETARY,
        reason="县委审定同意留任",
        by=world["county"],
    )
    assert exception.status == ExceptionStatus.APPROVED and exception.decided_by == world["county"]
    with pytest.raises(ValidationError) as excinfo:
        workflow.decide_exception(exception=exception, approve=False, by=world["county"])
    assert code_of(excinfo) == codes.EXCEPTION_DECIDED
    assert GateException.objects.count() == 1


def test_no_postponement_once_the_handover_stage_is_reached(world):
    force_stage(world["home"], Stage.HANDOVER)
    with pytest.raises(ValidationError) as excinfo:
        workflow.request_exception(
            election=world["home"], kind=ExceptionKind.POSTPONEMENT, reason="x", by=world["township"]
        )
    assert code_of(excinfo) == codes.EXCEPTION_POSTPONED


# Election day and reminders -------------------------------------------------------------------------------


def test_the_election_day_moves_until_the_vote(world, today):
    workflow.set_election_day(election=world["home"], day=today + timedelta(days=40), by=world["township"])
    force_stage(world["home"], Stage.SUPERVISION)
    with pytest.raises(ValidationError) as excinfo:
        workflow.set_election_day(election=world["home"], day=today, by=world["township"])
    assert code_of(excinfo) == codes.ELECTION_DAY_FIXED


def test_reminders_are_due_soon_and_overdue_steps_and_leave_when_recorded(world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=21))
    workflow.refresh_reminders(cycle=world["cycle"], prefix="330702", today=today)
    home = {r.step.code: r.kind for r in Reminder.objects.filter(election=world["home"])}
    assert home["roll_published"] == "due_soon"  # due tomorrow (21 − 20 days)
    assert "candidates_published" not in home  # due in 16 days
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    workflow.refresh_reminders(cycle=world["cycle"], prefix="330702", today=today)
    home = {r.step.code: r.kind for r in Reminder.objects.filter(election=world["home"])}
    assert home["roll_published"] == "overdue" and home["candidates_published"] == "overdue"
    assert home["voting_notice"] == "overdue"


def test_refreshing_reminders_twice_gives_the_same_rows(world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    first = workflow.refresh_reminders(cycle=world["cycle"], prefix="330702", today=today)
    second = workflow.refresh_reminders(cycle=world["cycle"], prefix="330702", today=today)
    assert first == second == Reminder.objects.count() > 0


def test_postponed_villages_get_no_reminders(world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    force_stage(world["home"], Stage.POSTPONED)
    workflow.refresh_reminders(cycle=world["cycle"], prefix="330702", today=today)
    assert not Reminder.objects.filter(election=world["home"]).exists()


def test_the_daily_task_recomputes_every_county(world, today):
    from lifecycle.tasks import refresh_all_reminders

    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    assert refresh_all_reminders.delay().get() >= 1
    assert Reminder.objects.filter(election=world["home"]).exists()


def test_a_past_election_day_is_refused(world, today):
    with pytest.raises(ValidationError) as excinfo:
        workflow.set_election_day(election=world["home"], day=today - timedelta(days=1), by=world["township"])
    assert code_of(excinfo) == codes.ELECTION_DAY_PAST
    world["home"].refresh_from_db()
    assert world["home"].election_day != today - timedelta(days=1)


def test_a_day_too_close_for_the_statutory_days_asks_and_the_acknowledgement_is_trailed(world, today):
    from trail.models import TrailEntry

    day = today + timedelta(days=10)  # the roll needs 20 days: too close; the list (5) and notice (3) fit
    with pytest.raises(ValidationError) as excinfo:
        workflow.set_election_day(election=world["home"], day=day, by=world["township"])
    assert code_of(excinfo) == codes.ELECTION_DAY_TOO_CLOSE
    assert "选民名单" in excinfo.value.messages[0] and "正式候选人名单" not in excinfo.value.messages[0]
    workflow.set_election_day(election=world["home"], day=day, by=world["township"], acknowledge=True)
    world["home"].refresh_from_db()
    assert world["home"].election_day == day
    entry = TrailEntry.objects.filter(extra__about="election_day_too_close").get()
    assert entry.actor_id == world["township"].pk and day.isoformat() in entry.extra["day"]


def test_the_steps_page_asks_before_saving_a_day_too_close(client, world, today):
    client.force_login(world["township"])
    url = f"/elections/{world['home'].pk}/workflow/election-day/"
    day = (today + timedelta(days=4)).isoformat()
    page = client.post(url, {"election_day": day})
    assert page.status_code == 400 and 'id="day-warning"' in page.content.decode()
    world["home"].refresh_from_db()
    assert world["home"].election_day != today + timedelta(days=4)
    client.post(url, {"election_day": day, "acknowledge": "True"})
    world["home"].refresh_from_db()
    assert world["home"].election_day == today + timedelta(days=4)
