"""Close relatives imported from Excel (issue 15, part 6): the roll import's job, preview and error file,
all or nothing on confirmation, and the command door through the same service."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.voters.kinship_world import kinship_sheet, kinship_world
from trail.models import TrailEntry
from voters import codes
from voters.models import ImportJob, Kinship
from voters.services import import_kinship

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return kinship_world()


def ids(world, *names):
    return [world.people[n].id_number for n in names]


def good_rows(world):
    father, son, daughter = ids(world, "father", "son", "daughter")
    return [
        (daughter, "女儿", father, "户籍档案", "出嫁到下方村"),
        (son, "兄弟姐妹", daughter, "村（居）委会证明", ""),
    ]


def bad_rows(world):
    father, son, daughter, stranger = ids(world, "father", "son", "daughter", "stranger")
    return [
        (daughter, "女儿", father, "", ""),  # good: an empty basis is 其他, the file its record
        (son, "父亲", father, "走访核实", ""),  # a parent younger than the child
        (stranger, "配偶", son, "", ""),  # outside the jurisdiction
        (son, "表兄", daughter, "", ""),  # not a close relation
        ("330702199001011230", "配偶", son, "", ""),  # nobody known
        (father, "父亲", daughter, "", ""),  # the same pair as row 2
        (son, "配偶", son, "", ""),  # self
    ]


def test_good_rows_are_recorded_in_one_go_and_trailed(world):
    report = import_kinship(
        election=world.home, file=kinship_sheet(good_rows(world)), by=world.township, dry_run=False
    )
    assert (report.created, report.rejected, report.errors) == (2, 0, [])
    links = {(k.person.name, k.relative.name, k.relation, k.source, k.basis) for k in Kinship.objects.all()}
    assert links == {
        ("李父", "李女", "parent", Kinship.Source.IMPORT, Kinship.Basis.HUKOU_RECORD),
        (*sorted(["李子", "李女"], key=lambda n: world.people["son" if n == "李子" else "daughter"].pk), "sibling",
         Kinship.Source.IMPORT, Kinship.Basis.COMMITTEE_CERTIFICATE),
    }  # fmt: skip
    entry = TrailEntry.objects.filter(model_label="voters.kinship", action="bulk").latest("seq")
    assert entry.extra["counts"] == {"created": 2} and entry.actor == world.township


def test_each_bad_row_is_reported_in_chinese_and_nothing_is_written(world):
    sheet = kinship_sheet(bad_rows(world))
    report = import_kinship(election=world.home, file=sheet, by=world.township, dry_run=True)
    by_row = {e["row"]: e for e in report.errors}
    assert {row: e["code"] for row, e in by_row.items()} == {
        3: codes.KINSHIP_BIRTH_ORDER,
        4: codes.KINSHIP_OUTSIDE,
        5: codes.KINSHIP_RELATION,
        6: codes.KINSHIP_ID_UNKNOWN,
        7: codes.KINSHIP_REPEATED,
        8: codes.KINSHIP_SELF,
    }
    assert by_row[4]["column"] == "甲方身份证号码" and by_row[4]["name"] == "赵远 / 李子"
    assert by_row[6]["value"] == "330702********1230"  # masked, as the roll's errors are
    assert "辖区以外" in by_row[4]["message"] and by_row[5]["value"] == "表兄"
    assert report.created == 1 and report.rejected == 6
    with pytest.raises(Exception) as caught:
        import_kinship(
            election=world.home, file=kinship_sheet(bad_rows(world)), by=world.township, dry_run=False
        )
    assert caught.value.code == codes.KINSHIP_FILE_HAS_ERRORS
    assert not Kinship.objects.exists()


def test_a_sheet_without_the_columns_is_rejected_as_a_file(world):
    report = import_kinship(
        election=world.home, file=kinship_sheet([("a", "b")], header=("姓名", "身份证号码")), by=world.township,
        dry_run=True,
    )  # fmt: skip
    assert report.file_error["code"] == codes.KINSHIP_FILE_NO_HEADER


def _upload(client, world, rows):
    response = client.post(
        f"/voters/election/{world.home.pk}/kinship/upload/",
        {"file": SimpleUploadedFile("亲属关系.xlsx", kinship_sheet(rows).getvalue())},
        follow=True,
    )
    assert response.status_code == 200
    return ImportJob.objects.latest("created_at"), response.content.decode()


def test_the_page_previews_then_confirms_a_good_sheet(client, world):
    client.force_login(world.township)
    kinship_page = client.get(f"/voters/election/{world.home.pk}/kinship/").content.decode()
    assert "kinship/template.xlsx" in kinship_page
    job, page = _upload(client, world, good_rows(world))
    assert job.kind == ImportJob.Kind.KINSHIP and job.state == ImportJob.State.PREVIEWED
    assert "确认：登记 2 条亲属关系" in page and not Kinship.objects.exists()
    client.post(f"/voters/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and Kinship.objects.count() == 2


def test_the_page_lists_the_bad_rows_offers_no_confirmation_and_their_excel(client, world):
    client.force_login(world.township)
    job, page = _upload(client, world, bad_rows(world))
    assert job.state == ImportJob.State.PREVIEWED
    assert "所有行都无误后才会导入" in page and "confirm-import" not in page
    assert "出生日期与该关系矛盾" in page and "李子 / 李父" in page
    client.post(f"/voters/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED and not Kinship.objects.exists()
    response = client.get(f"/voters/import/{job.pk}/errors.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6 and rows[0][:3] == (3, "李子 / 李父", "关系")


def test_the_template_downloads_and_reads_back_as_an_empty_sheet(client, world):
    client.force_login(world.township)
    response = client.get(f"/voters/election/{world.home.pk}/kinship/template.xlsx")
    assert response.status_code == 200
    report = import_kinship(
        election=world.home, file=BytesIO(response.content), by=world.township, dry_run=True
    )
    assert report.file_error["code"] == codes.KINSHIP_FILE_EMPTY


def test_a_clerk_cannot_upload_a_sheet(client, world):
    client.force_login(world.clerk)
    response = client.post(
        f"/voters/election/{world.home.pk}/kinship/upload/",
        {"file": SimpleUploadedFile("k.xlsx", kinship_sheet(good_rows(world)).getvalue())},
    )
    assert response.status_code == 403 and not ImportJob.objects.exists()


def test_the_command_uses_the_same_service(world, tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(kinship_sheet(bad_rows(world)).getvalue())
    with pytest.raises(CommandError):
        call_command("import_kinship", str(bad), election=world.home.pk, user="township")
    assert not Kinship.objects.exists() and "出生日期" in capsys.readouterr().out
    good = tmp_path / "good.xlsx"
    good.write_bytes(kinship_sheet(good_rows(world)).getvalue())
    call_command("import_kinship", str(good), election=world.home.pk, user="township", dry_run=True)
    assert not Kinship.objects.exists()
    call_command("import_kinship", str(good), election=world.home.pk, user="township")
    assert Kinship.objects.filter(source=Kinship.Source.IMPORT).count() == 2
    with pytest.raises(CommandError):
        call_command("import_kinship", str(good), election=world.home.pk, user="clerk")
