"""The roll import: every outcome a clerk can meet, checked against the database."""

import json
from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import Workbook

from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, make_id_number, region_chain
from voters import codes
from voters.models import Household, Resident, RollChange, Status, VoterRegistration
from voters.services import import_roll, publish_roll

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号码", "性别", "村民小组", "户号", "与户主关系", "联系电话"]


def xlsx(rows, header=HEADER, title="上方村选民登记表") -> BytesIO:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def person(
    serial, name="张三", sex="M", group="一组", household="H001", relation="户主", birth=date(1980, 5, 17)
):
    return [
        name,
        make_id_number(birth=birth, serial=serial, sex=sex),
        "男" if sex == "M" else "女",
        group,
        household,
        relation,
        "13812345678",
    ]


@pytest.fixture
def election():
    cycle = CycleFactory()
    return VillageElectionFactory(
        cycle=cycle, village=region_chain("330702001001", name="上方村"), election_day=date(2027, 1, 20)
    )


@pytest.fixture
def clerk(election):
    return UserFactory(username="clerk", role="clerk", region=election.village)


def run(election, rows, clerk=None, dry_run=False, **kwargs):
    return import_roll(election=election, file=xlsx(rows, **kwargs), by=clerk, dry_run=dry_run)


def test_accepted_rows_are_registered_with_their_households(election, clerk):
    report = run(election, [person(1), person(2, name="李四", sex="F", relation="配偶")], clerk)
    assert (report.created, report.rejected, report.errors) == (2, 0, [])
    assert VoterRegistration.objects.filter(election=election, status=Status.REGISTERED).count() == 2
    household = Household.objects.get(village=election.village, number="H001")
    assert sorted(household.members.values_list("relation_to_head", flat=True)) == ["head", "spouse"]
    assert Resident.objects.get(name="李四").sex == "F"


def test_dry_run_writes_nothing(election, clerk):
    report = run(election, [person(1)], clerk, dry_run=True)
    assert report.created == 1
    assert not Resident.objects.exists() and not VoterRegistration.objects.exists()


def test_bad_rows_are_rejected_with_excel_row_numbers_and_the_rest_imported(election, clerk):
    bad_check = person(2)
    bad_check[1] = bad_check[1][:-1] + ("0" if bad_check[1][-1] != "0" else "1")
    under_age = person(3, birth=date(2009, 1, 21))
    report = run(election, [person(1), bad_check, under_age], clerk)
    # Row 1 is the title, row 2 the header: the people are on rows 3, 4 and 5 as Excel shows them.
    assert {(e["row"], e["code"]) for e in report.errors} == {(4, codes.ID_CHECKSUM), (5, codes.UNDER_AGE)}
    assert (report.created, report.rejected) == (1, 2)
    assert VoterRegistration.objects.count() == 1


def test_eighteen_exactly_on_election_day_is_registered(election, clerk):
    report = run(election, [person(1, birth=date(2009, 1, 20))], clerk)
    assert (report.created, report.errors) == (1, [])


def test_a_row_repeated_identically_registers_once_and_reports_the_repeat(election, clerk):
    report = run(election, [person(1), person(1)], clerk)
    assert report.created == 1 and report.rejected == 0
    assert report.duplicates == [{"row": 4, "kind": "file", "other": 3, "identical": True}]
    assert VoterRegistration.objects.count() == 1


def test_same_id_with_different_details_rejects_both_rows(election, clerk):
    other = person(1, name="张叁")
    report = run(election, [person(1), other], clerk)
    assert report.created == 0 and report.rejected == 2
    assert {e["code"] for e in report.errors} == {codes.DUPLICATE_IN_FILE}


def test_reimporting_the_same_file_changes_nothing(election, clerk):
    rows = [person(1), person(2, name="李四", sex="F", relation="配偶")]
    run(election, rows, clerk)
    before = list(VoterRegistration.objects.values_list("id", "updated_at"))
    report = run(election, rows, clerk)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(VoterRegistration.objects.values_list("id", "updated_at")) == before
    assert {d["kind"] for d in report.duplicates} == {"roll"}


def test_a_changed_row_updates_the_person(election, clerk):
    run(election, [person(1)], clerk)
    report = run(election, [person(1, group="二组")], clerk)
    assert (report.created, report.updated) == (0, 1)
    assert VoterRegistration.objects.get().group == "第二村民小组"


def test_a_person_registered_in_another_village_is_rejected_identifying_it_by_code(election, clerk):
    other = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702002005", name="王宅村"))
    run(other, [person(1)])
    report = run(election, [person(1)], clerk)
    assert report.rejected == 1 and report.created == 0
    # The place is decided per viewer at display time (tests/voters/test_disclosure_*.py).
    assert report.duplicates[0]["kind"] == "other_village" and report.duplicates[0]["other"] == "330702002005"
    assert report.duplicates[0]["election"] == other.pk
    assert "王宅村" not in str(report.as_stored())
    assert VoterRegistration.objects.filter(election=election).count() == 0


def test_the_database_refuses_a_second_registration_in_the_cycle(election):
    from django.db import IntegrityError, transaction

    other = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702002005"))
    run(other, [person(1)])
    resident = Resident.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterRegistration.objects.create(
            election=election, cycle=election.cycle, resident=resident, division_code=election.division_code
        )


def test_a_database_error_half_way_leaves_the_roll_as_it_was(election, clerk, monkeypatch):
    run(election, [person(1)], clerk)
    before = list(VoterRegistration.objects.values_list("id", flat=True))
    from voters import services

    real = services.send_rows

    def fail_on_registrations(encoded):
        if encoded.model is VoterRegistration:
            raise RuntimeError("disk full")
        return real(encoded)

    monkeypatch.setattr(services, "send_rows", fail_on_registrations)
    with pytest.raises(RuntimeError):
        run(election, [person(1), person(2, name="李四"), person(3, name="王五")], clerk)
    assert list(VoterRegistration.objects.values_list("id", flat=True)) == before
    assert Resident.objects.count() == 1  # the residents written before the failure were rolled back too
    assert Household.objects.count() == 1


def test_a_bad_file_leaves_the_roll_untouched(election, clerk):
    report = import_roll(election=election, file=BytesIO(b"name,id\n"), by=clerk, dry_run=False)
    assert report.file_error["code"] == codes.FILE_NOT_EXCEL
    assert not VoterRegistration.objects.exists()


def test_changes_after_publication_need_a_reason_and_are_logged(election, clerk):
    run(election, [person(1)], clerk)
    publish_roll(election=election, published_on=date(2026, 11, 20), by=clerk)
    with pytest.raises(ValidationError) as err:
        run(election, [person(1), person(2, name="李四")], clerk)
    assert err.value.code == codes.CHANGE_NEEDS_REASON
    report = import_roll(
        election=election,
        file=xlsx([person(1), person(2, name="李四")]),
        by=clerk,
        dry_run=False,
        reason="补登外出务工返乡人员",
    )
    assert report.created == 1
    change = RollChange.objects.get()
    assert (change.kind, change.reason, change.by) == ("add", "补登外出务工返乡人员", clerk)


def test_publishing_an_empty_roll_is_refused(election, clerk):
    with pytest.raises(ValidationError) as err:
        publish_roll(election=election, published_on=date(2026, 11, 20), by=clerk)
    assert err.value.code == codes.PUBLISH_EMPTY


def test_command_prints_the_json_report(election, tmp_path, capsys):
    path = tmp_path / "roll.xlsx"
    path.write_bytes(xlsx([person(1), person(1), person(2, name="李四", birth=date(2015, 1, 1))]).getvalue())
    call_command("import_voters", str(path), "--election", str(election.pk), "--json")
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"created", "updated", "unchanged", "rejected", "errors", "warnings", "duplicates"}
    assert (out["created"], out["rejected"]) == (1, 1)
    assert out["errors"][0]["row"] == 5 and out["errors"][0]["code"] == codes.UNDER_AGE
    assert out["duplicates"] == [{"row": 4, "kind": "file", "other": 3}]
    assert VoterRegistration.objects.count() == 1


def test_command_dry_run_writes_nothing(election, tmp_path, capsys):
    path = tmp_path / "roll.xlsx"
    path.write_bytes(xlsx([person(1)]).getvalue())
    call_command("import_voters", str(path), "--election", str(election.pk), "--dry-run", "--json")
    assert json.loads(capsys.readouterr().out)["created"] == 1
    assert not VoterRegistration.objects.exists()


def test_one_person_typed_in_goes_through_the_same_checks(election, clerk):
    from voters.services import register_person

    values = {
        "name": " 王 小 ",
        "id_number": make_id_number(serial=40).lower(),
        "group": "三组",
        "category": "hukou_resident",
        "relation_to_head": "",
        "phone": "",
    }
    report = register_person(election=election, values=values, by=clerk)
    assert report.created == 1
    assert VoterRegistration.objects.get().resident.name == "王小"
    with pytest.raises(ValidationError) as err:
        register_person(
            election=election,
            by=clerk,
            values={**values, "id_number": make_id_number(birth=date(2012, 1, 1), serial=41)},
        )
    assert [e.code for e in err.value.error_list] == [codes.UNDER_AGE]


def test_typing_in_someone_registered_elsewhere_is_refused(election, clerk):
    from voters.services import register_person

    other = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702002005", name="王宅村"))
    run(other, [person(1)])
    with pytest.raises(ValidationError) as err:
        register_person(election=election, by=clerk, values={"name": "张三", "id_number": person(1)[1]})
    assert err.value.error_list[0].code == codes.DUPLICATE_OTHER_VILLAGE
    assert "王宅村" not in err.value.error_list[0].message  # the clerk's jurisdiction does not cover it


def test_leaving_off_needs_a_legal_reason_and_after_publication_a_note(election, clerk):
    from voters.models import LeftOffReason
    from voters.services import leave_off

    run(election, [person(1), person(2, name="李四")], clerk)
    first, second = VoterRegistration.objects.order_by("id")
    with pytest.raises(ValidationError):
        leave_off(registration=first, reason_code="bored", note="", by=clerk)
    leave_off(registration=first, reason_code=LeftOffReason.DECEASED, note="", by=clerk)
    first.refresh_from_db()
    assert (first.status, first.left_off_reason) == ("left_off", "deceased")
    publish_roll(election=election, published_on=date(2026, 11, 20), by=clerk)
    with pytest.raises(ValidationError) as err:
        leave_off(registration=second, reason_code=LeftOffReason.MOVED, note="", by=clerk)
    assert err.value.code == codes.CHANGE_NEEDS_REASON
    leave_off(registration=second, reason_code=LeftOffReason.MOVED, note="户口迁往金东区", by=clerk)
    assert RollChange.objects.get().kind == "remove"


def test_a_person_taken_off_the_roll_and_typed_in_again_is_registered_again(election, clerk):
    from voters.models import LeftOffReason
    from voters.services import leave_off, register_person

    run(election, [person(1), person(2, name="李四")], clerk)
    registration = VoterRegistration.objects.order_by("id").first()
    publish_roll(election=election, published_on=date(2026, 11, 20), by=clerk)
    leave_off(registration=registration, reason_code=LeftOffReason.MOVED, note="户口迁出", by=clerk)
    values = {"name": "张三", "id_number": person(1)[1]}
    with pytest.raises(ValidationError) as err:
        register_person(election=election, by=clerk, values=values)
    assert err.value.code == codes.CHANGE_NEEDS_REASON
    register_person(election=election, by=clerk, values=values, reason="户口迁回本村")
    registration.refresh_from_db()
    assert registration.status == "registered"
    assert VoterRegistration.objects.filter(resident=registration.resident).count() == 1
    assert RollChange.objects.filter(registration=registration, kind="add").exists()
