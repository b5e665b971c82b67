"""The export door (elections.exports): small exports at once, big ones as a worker's job with a
progress page and a download for the person who asked, inside their jurisdiction only."""

import re
from datetime import date, timedelta
from io import BytesIO
from unittest import mock

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from elections import codes, exports
from elections.models import ExportJob
from elections.spreadsheets import workbook_bytes
from tests.factories import UserFactory, VillageElectionFactory, make_id_number, region_chain
from trail.models import TrailEntry
from voters.models import Resident, VoterRegistration

pytestmark = pytest.mark.django_db
ROLL_HEADERS = ["村民小组", "姓名", "身份证号码", "性别", "出生日期", "登记类别", "状态", "联系电话"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def election():
    return VillageElectionFactory()


@pytest.fixture
def clerk(election):
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


def register(election, people):
    """Registrations for (group, name, phone) triples, in the order given."""
    for serial, (group, name, phone) in enumerate(people, start=1):
        resident = Resident.objects.create(
            village=election.village,
            division_code=election.village.code,
            name=name,
            id_number=make_id_number("330702", date(1970, 1, 1), serial, "M"),
            sex="M",
            birth_date=date(1970, 1, 1),
            phone=phone,
        )
        VoterRegistration.objects.create(
            election=election,
            cycle=election.cycle,
            resident=resident,
            division_code=election.division_code,
            group=group,
            category="hukou_resident",
        )


def sheet_rows(content: bytes):
    return [list(row) for row in load_workbook(BytesIO(content)).active.iter_rows(values_only=True)]


ROLL = [("2组", "王五", "13800000001"), ("1组", "李四", '=HYPERLINK("http://x")'), ("1组", "丁一", "")]


def test_a_roll_at_the_limit_is_answered_at_once(client, election, clerk, settings):
    settings.EXPORT_BACKGROUND_ROWS = 3
    register(election, ROLL)
    client.force_login(clerk)
    response = client.get(f"/voters/election/{election.pk}/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert not ExportJob.objects.exists()
    rows = sheet_rows(response.content)
    assert rows[0] == ROLL_HEADERS
    assert [r[1] for r in rows[1:]] == ["丁一", "李四", "王五"]  # groups by number, names by strokes


def test_a_roll_above_the_limit_becomes_a_job_its_requester_downloads(client, election, clerk, settings):
    settings.EXPORT_BACKGROUND_ROWS = 2
    register(election, ROLL)
    client.force_login(clerk)
    response = client.post(f"/voters/election/{election.pk}/export.xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert job.state == ExportJob.State.DONE and job.written == 3 and job.rows == 3 and job.file
    assert job.requested_by == clerk and job.division_code == election.division_code

    page = client.get(response["Location"]).content.decode()
    assert 'id="export-done"' in page and 'aria-valuenow="100"' in page
    assert f'href="/exports/{job.pk}/download.xlsx"' in page
    download = client.get(f"/exports/{job.pk}/download.xlsx")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith("%E9%80%89%E6%B0%91%E5%90%8D%E5%8D%95.xlsx")  # 选民名单
    rows = sheet_rows(b"".join(download.streaming_content))
    assert rows[0] == ROLL_HEADERS
    assert [r[:2] for r in rows[1:]] == [["1组", "丁一"], ["1组", "李四"], ["2组", "王五"]]
    assert rows[2][2].startswith("330702") and "*" in rows[2][2]  # the clerk sees masked ID numbers
    assert rows[2][7] == '\'=HYPERLINK("http://x")'  # neutralised: text, not a formula
    assert rows[1][7] is None and rows[1][4].date() == date(1970, 1, 1)


def test_a_roll_above_the_limit_asks_before_it_starts_a_job(client, election, clerk, settings):
    """A GET never writes: the link of a big export leads to a page whose button starts the job."""
    settings.EXPORT_BACKGROUND_ROWS = 2
    register(election, ROLL)
    client.force_login(clerk)
    url = f"/voters/election/{election.pk}/export.xlsx"
    page = client.get(url).content.decode()
    assert 'id="export-start"' in page and f'action="{url}"' in page and "最多 3 行" in page
    assert not ExportJob.objects.exists()


def test_another_user_cannot_see_or_download_the_job(client, election, clerk, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    register(election, ROLL[:1])
    client.force_login(clerk)
    client.post(f"/voters/election/{election.pk}/export.xlsx")
    job = ExportJob.objects.get()
    colleague = UserFactory(username="colleague", role=Role.CLERK, region=election.village)
    outsider = UserFactory(username="outsider", role=Role.CLERK, region=region_chain("330702001002"))
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(f"/exports/{job.pk}/").status_code == 404
        assert client.get(f"/exports/{job.pk}/download.xlsx").status_code == 404
    client.logout()
    assert client.get(f"/exports/{job.pk}/download.xlsx").status_code in (302, 404)


def test_a_requester_moved_out_of_the_jurisdiction_loses_the_download(client, election, clerk, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    register(election, ROLL[:1])
    client.force_login(clerk)
    client.post(f"/voters/election/{election.pk}/export.xlsx")
    job = ExportJob.objects.get()
    clerk.region = region_chain("330702001002")
    clerk.save()
    assert client.get(f"/exports/{job.pk}/download.xlsx").status_code == 404


def test_the_job_is_attributed_in_the_trail(client, election, clerk, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    register(election, ROLL[:1])
    client.force_login(clerk)
    client.post(f"/voters/election/{election.pk}/export.xlsx")
    job = ExportJob.objects.get()
    entry = TrailEntry.objects.get(model_label="elections.exportjob", object_pk=str(job.pk))
    assert entry.actor == clerk and entry.division_code == election.division_code


def test_a_running_job_shows_its_progress_and_polls(client, election, clerk):
    job = ExportJob.objects.create(
        name="voters.roll", params={"election_id": election.pk}, filename="x.xlsx",
        division_code=election.division_code, requested_by=clerk, rows=8000, written=2000,
        state=ExportJob.State.RUNNING,
    )  # fmt: skip
    client.force_login(clerk)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'aria-valuenow="25"' in page and 'hx-trigger="every 1s"' in page
    assert re.search(r"2,?000\D+8,?000", page)
    assert client.get(f"/exports/{job.pk}/download.xlsx").status_code == 404


def test_a_job_whose_worker_was_lost_is_shown_failed_and_stops_polling(client, election, clerk):
    job = ExportJob.objects.create(
        name="voters.roll", params={"election_id": election.pk}, filename="x.xlsx",
        division_code=election.division_code, requested_by=clerk, rows=8000, state=ExportJob.State.RUNNING,
    )  # fmt: skip
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - ExportJob.STALE_AFTER * 2)
    client.force_login(clerk)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'id="export-failure"' in page and "hx-trigger" not in page and "重新导出" in page


def test_a_job_whose_requester_lost_the_records_fails_with_a_message(client, election, clerk):
    job = ExportJob.objects.create(
        name="voters.roll", params={"election_id": election.pk + 1000}, filename="x.xlsx",
        division_code=election.division_code, requested_by=clerk, rows=10,
    )  # fmt: skip
    exports.write_export_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.failure == codes.EXPORT_NOT_VISIBLE
    client.force_login(clerk)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'id="export-failure"' in page and "hx-trigger" not in page


def test_a_job_the_broker_refuses_ends_failed_not_waiting(client, election, clerk, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    register(election, ROLL[:1])
    client.force_login(clerk)
    with mock.patch("elections.tasks.write_export.delay", side_effect=ConnectionError):
        client.post(f"/voters/election/{election.pk}/export.xlsx")
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.FAILED and job.failure == codes.EXPORT_NOT_QUEUED


def test_writing_a_job_twice_writes_it_once(client, election, clerk, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    register(election, ROLL)
    client.force_login(clerk)
    client.post(f"/voters/election/{election.pk}/export.xlsx")
    job = ExportJob.objects.get()
    name = job.file.name
    exports.write_export_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.file.name == name and job.written == 3


def test_old_jobs_and_their_files_are_purged(client, election, clerk, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    register(election, ROLL[:1])
    client.force_login(clerk)
    client.post(f"/voters/election/{election.pk}/export.xlsx")
    job = ExportJob.objects.get()
    storage, name = job.file.storage, job.file.name
    assert exports.purge_export_jobs(now=timezone.now() + exports.KEEP_FOR - timedelta(minutes=1)) == 0
    assert exports.purge_export_jobs(now=timezone.now() + exports.KEEP_FOR + timedelta(minutes=1)) == 1
    assert not ExportJob.objects.exists() and not storage.exists(name)


def test_an_unknown_export_name_is_an_error():
    with pytest.raises(LookupError):
        exports.builder("voters.nothing")
    with pytest.raises(LookupError):
        exports.builder("nowhere.roll")


def test_the_village_election_list_above_the_limit_is_a_job(client, settings):
    settings.EXPORT_BACKGROUND_ROWS = 1
    first = VillageElectionFactory()
    VillageElectionFactory(cycle=first.cycle, village=region_chain("330702001002"))
    first.cycle.is_current = True
    first.cycle.save()
    county = UserFactory(username="county", role=Role.COUNTY, region=first.village.parent.parent)
    client.force_login(county)
    response = client.post("/elections/export.xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.state == ExportJob.State.DONE
    rows = sheet_rows(b"".join(client.get(f"/exports/{job.pk}/download.xlsx").streaming_content))
    assert [r[0] for r in rows[1:]] == ["330702001001", "330702001002"]


def test_the_writer_keeps_types_styles_and_neutralises_every_formula_prefix():
    content = workbook_bytes(
        title="a/b:c" + "x" * 40,
        headers=["文本", "数", "日期"],
        rows=[[prefix + "1", 7, date(2027, 1, 20)] for prefix in ("=", "+", "-", "@", "\t", "\r")]
        + [[True, 1.5, None]],
    )
    book = load_workbook(BytesIO(content))
    sheet = book.active
    assert sheet.title == "a_b_c" + "x" * 26
    header = sheet["A1"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("DDE7F0")
    # (openpyxl reads the carriage return back as Excel's escape, _x000D_; Excel shows it as text.)
    assert [sheet.cell(row=r, column=1).value for r in range(2, 8)] == [
        "'=1", "'+1", "'-1", "'@1", "'\t1", "'_x000D_1",
    ]  # fmt: skip
    assert sheet["B2"].value == 7 and sheet["C2"].value.date() == date(2027, 1, 20)
    assert sheet["A8"].value is True and sheet["B8"].value == 1.5 and sheet["C8"].value is None


def at_once_and_as_job(client, settings, url: str) -> tuple[list, list]:
    """The rows of `url`'s export answered at once, then written by a job (EXPORT_BACKGROUND_ROWS 0)."""
    settings.EXPORT_BACKGROUND_ROWS = 10**6
    response = client.get(url)
    assert response.status_code == 200
    at_once = sheet_rows(response.content)
    settings.EXPORT_BACKGROUND_ROWS = 0
    assert 'id="export-start"' in client.get(url).content.decode()
    response = client.post(url)
    job = ExportJob.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert job.state == ExportJob.State.DONE, job.failure
    as_job = sheet_rows(b"".join(client.get(f"/exports/{job.pk}/download.xlsx").streaming_content))
    return at_once, as_job


def test_the_trail_export_as_a_job_holds_the_filtered_entries(client, election, clerk, settings):
    client.force_login(clerk)
    url = f"/trail/election/{election.pk}/?export=xlsx&model=elections.villageelection"
    at_once, as_job = at_once_and_as_job(client, settings, url)
    assert at_once == as_job and len(as_job) == 2  # the header and the election's creation
    assert as_job[1][5] and as_job[1][8]  # the kind of record and the hash
