"""Issue 12 at every door of the roll import: the command, the web upload and confirm, the task.

A refused file ends quickly and small with a Chinese message; an over-long field is a row error in the
preview; whatever fails at the confirm ends the job failed with a message, never a 500 or a stuck bar;
a task is never run twice on a file that killed its worker; uploads are deleted when no longer needed.
Peak memory: the command's in its own process (wait4's ru_maxrss, Django included); the web and task
doors' as the growth of this process's high-water mark while the door runs (tests.voters.roll_files).
"""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, IntegrityError
from django.utils import timezone

from accounts.roles import Role
from tests.factories import UserFactory
from tests.voters.roll_files import PeakMemory, database_url, far_cell, run_command, wide
from tests.voters.test_services import election, person, xlsx  # noqa: F401 - fixture and builders
from voters import codes, services, tasks
from voters.models import ImportJob, VoterRegistration

pytestmark = pytest.mark.django_db
LONG_GROUP = "第" * 41  # the village group of 41 characters (the column holds 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clerk(election):  # noqa: F811
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


def roll_bytes(rows=None) -> bytes:
    return xlsx(rows or [person(1), person(2, name="李四")]).getvalue()


HOSTILE = {
    "far cell XFD1048576": lambda: far_cell(roll_bytes()),
    "1,000 columns": lambda: wide(roll_bytes(), columns=1000),
}


def upload(client, election, data: bytes, name="roll.xlsx"):  # noqa: F811
    response = client.post(
        f"/voters/election/{election.pk}/upload/", {"file": SimpleUploadedFile(name, data)}, follow=True
    )
    return ImportJob.objects.latest("created_at"), response


# --- the command -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_command_refuses_a_hostile_file_quickly_in_little_memory(election, tmp_path, kind):  # noqa: F811
    path = tmp_path / "roll.xlsx"
    path.write_bytes(HOSTILE[kind]())
    env = {**os.environ, "DATABASE_URL": database_url(tmp_path), "DEBUG": "1"}
    django_alone = run_command(["check", "--fail-level", "CRITICAL"], env=env, tmp_path=tmp_path)
    measured = run_command(
        ["import_voters", str(path), "--election", str(election.pk)], env=env, tmp_path=tmp_path
    )
    print(
        f"\nimport_voters, {kind}: {measured.seconds:.3f}s after Django's start, peak {measured.peak_mb:.0f} MB "
        f"(the process: Django alone peaks at {django_alone.peak_mb:.0f} MB)"
    )
    assert measured.returncode == 1
    assert "Traceback" not in measured.stderr
    assert "列" in measured.stderr and "50" in measured.stderr  # the Chinese message, with the limit
    assert measured.seconds < 2 and measured.peak_mb < 100
    assert not VoterRegistration.objects.exists()


def test_the_command_reports_an_over_long_field_at_its_row_in_chinese(election, tmp_path, capsys):  # noqa: F811
    from django.core.management import call_command

    path = tmp_path / "roll.xlsx"
    path.write_bytes(roll_bytes([person(1), person(2, name="李四", group=LONG_GROUP)]))
    call_command("import_voters", str(path), "--election", str(election.pk))
    out = capsys.readouterr().out
    assert "新增 1" in out and "第 4 行" in out and "村民小组" in out and "30" in out
    assert VoterRegistration.objects.filter(election=election).count() == 1


def test_the_command_prints_a_chinese_message_when_the_database_fails(election, tmp_path, monkeypatch):  # noqa: F811
    from django.core.management import CommandError, call_command

    def broken(*args, **kwargs):
        raise DataError("value too long for type character varying(30)")

    monkeypatch.setattr(services, "_send", broken)
    path = tmp_path / "roll.xlsx"
    path.write_bytes(roll_bytes())
    with pytest.raises(CommandError) as error:
        call_command("import_voters", str(path), "--election", str(election.pk))
    assert str(error.value) == str(codes.MESSAGES[codes.IMPORT_FAILED])
    assert "character varying" not in str(error.value) and "未能" in str(error.value)


# --- the web upload and the task ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_web_upload_refuses_a_hostile_file_quickly_in_little_memory(client, election, clerk, kind):  # noqa: F811
    client.force_login(clerk)
    data = HOSTILE[kind]()
    with PeakMemory() as memory:
        job, response = upload(client, election, data)
    print(f"\nweb upload, {kind}: {memory.seconds:.2f}s, this process grew {memory.grown_mb:.0f} MB")
    assert response.status_code == 200
    assert job.state == ImportJob.State.FAILED
    assert job.result["file_error"]["code"] == codes.FILE_TOO_MANY_COLUMNS
    assert job.result["file_error"]["message"] in response.content.decode()
    assert "列" in job.result["file_error"]["message"]
    assert memory.seconds < 2 and memory.grown_mb < 100


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_task_refuses_a_hostile_file_quickly_in_little_memory(election, clerk, kind):  # noqa: F811
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("roll.xlsx", HOSTILE[kind]()), by=clerk
    )
    with PeakMemory() as memory:
        tasks.check_roll_import.delay(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.result["file_error"]["code"] == codes.FILE_TOO_MANY_COLUMNS
    assert memory.seconds < 2 and memory.grown_mb < 100


def test_an_over_long_field_is_a_row_error_in_the_preview_and_the_confirm_imports_the_rest(
    client,
    election,  # noqa: F811
    clerk,
):
    client.force_login(clerk)
    job, response = upload(
        client, election, roll_bytes([person(1), person(2, name="李四", group=LONG_GROUP)])
    )
    assert job.state == ImportJob.State.PREVIEWED
    (error,) = job.result["errors"]
    assert (error["row"], error["column"], error["code"]) == (4, "村民小组", codes.VALUE_TOO_LONG)
    assert "30" in error["message"] and error["message"] in response.content.decode()
    response = client.post(f"/voters/import/{job.pk}/confirm/", follow=True)
    job.refresh_from_db()
    assert response.status_code == 200 and job.state == ImportJob.State.DONE
    assert list(VoterRegistration.objects.values_list("resident__name", flat=True)) == ["张三"]


def test_typing_in_an_over_long_field_is_refused_with_the_same_rule(election, clerk):  # noqa: F811
    values = {"name": "张三", "id_number": person(1)[1], "group": LONG_GROUP}
    with pytest.raises(ValidationError) as error:
        services.register_person(election=election, values=values, by=clerk)
    assert [e.code for e in error.value.error_list] == [codes.VALUE_TOO_LONG]


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (DataError("value too long for type character varying(30)"), codes.IMPORT_FAILED),
        (IntegrityError("duplicate key value violates unique constraint"), codes.IMPORT_CONFLICT),
        (MemoryError(), codes.IMPORT_FAILED),
    ],
)
def test_any_failure_at_the_confirm_ends_the_job_failed_with_a_message_not_a_500(
    client,
    election,  # noqa: F811
    clerk,
    monkeypatch,
    failure,
    code,
):
    client.force_login(clerk)
    job, _ = upload(client, election, roll_bytes())

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(services, "_send", broken)
    response = client.post(f"/voters/import/{job.pk}/confirm/", follow=True)
    job.refresh_from_db()
    assert response.status_code == 200
    assert job.state == ImportJob.State.FAILED and job.progress == 100
    assert job.result["failure"]["code"] == code
    page = response.content.decode()
    assert job.result["failure"]["message"] in page
    assert 'role="progressbar"' not in page and "hx-trigger" not in page  # no bar left running
    assert not VoterRegistration.objects.exists()


def test_a_check_that_crashes_ends_the_job_failed_with_a_message(election, clerk, monkeypatch):  # noqa: F811
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", roll_bytes()), by=clerk
    )

    def crash(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "import_roll", crash)
    tasks.check_roll_import.delay(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.result["failure"] == {
        "code": codes.IMPORT_FAILED,
        "message": str(codes.MESSAGES[codes.IMPORT_FAILED]),
    }


@pytest.mark.parametrize(
    ("state", "task", "args"),
    [
        (ImportJob.State.CHECKING, tasks.check_roll_import, ()),
        (ImportJob.State.IMPORTING, tasks.apply_roll_import, ("",)),
    ],
)
def test_a_redelivery_after_the_worker_died_fails_the_job_instead_of_running_the_file_again(
    election,  # noqa: F811
    clerk,
    monkeypatch,
    state,
    task,
    args,
):
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", roll_bytes()), by=clerk
    )
    # What a worker killed mid-run leaves: the step started once (attempts 1) and never finished.
    ImportJob.objects.filter(pk=job.pk).update(state=state, attempts=1, progress=37)
    ran = []
    monkeypatch.setattr(services, "import_roll", lambda **kwargs: ran.append(kwargs))
    task.delay(job.pk, *((clerk.pk, *args) if task is tasks.apply_roll_import else ()))
    job.refresh_from_db()
    assert ran == []
    assert job.state == ImportJob.State.FAILED and job.result["failure"]["code"] == codes.IMPORT_INTERRUPTED
    assert "上传" in job.result["failure"]["message"]


def test_a_job_already_done_or_failed_is_not_run_again(election, clerk, monkeypatch):  # noqa: F811
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", roll_bytes()), by=clerk
    )
    tasks.check_roll_import.delay(job.pk)
    job.refresh_from_db()
    services.confirm_import_job(job=job, by=clerk, reason="")
    tasks.apply_roll_import.delay(job.pk, clerk.pk, "")
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.attempts == 1
    ran = []
    monkeypatch.setattr(services, "import_roll", lambda **kwargs: ran.append(kwargs))
    tasks.check_roll_import.delay(job.pk)
    tasks.apply_roll_import.delay(job.pk, clerk.pk, "")
    job.refresh_from_db()
    assert ran == [] and job.state == ImportJob.State.DONE


def test_the_import_tasks_are_acknowledged_late_and_put_back_when_the_worker_dies():
    for task in (tasks.check_roll_import, tasks.apply_roll_import):
        assert task.acks_late and task.reject_on_worker_lost
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD > 0
    procfile = (Path(settings.BASE_DIR) / "Procfile").read_text()
    worker = next(line for line in procfile.splitlines() if line.startswith("worker:"))
    assert "ulimit -v" in worker and "exec " in worker


def test_an_upload_the_broker_cannot_take_ends_failed_with_a_message(client, election, clerk, monkeypatch):  # noqa: F811
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.check_roll_import, "delay", down)
    client.force_login(clerk)
    job, response = upload(client, election, roll_bytes())
    assert response.status_code == 200
    assert job.state == ImportJob.State.FAILED and job.result["failure"]["code"] == codes.IMPORT_FAILED
    assert job.result["failure"]["message"] in response.content.decode()


def test_a_job_whose_worker_died_without_a_redelivery_is_shown_failed_then_recorded_failed(
    client,
    election,  # noqa: F811
    clerk,
):
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", roll_bytes()), by=clerk
    )
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.CHECKING, attempts=1, progress=40, step_started_at=an_hour_ago
    )
    client.force_login(clerk)
    page = client.get(f"/voters/import/{job.pk}/").content.decode()
    assert "hx-trigger" not in page and 'role="progressbar"' not in page
    assert str(codes.MESSAGES[codes.IMPORT_INTERRUPTED]) in page
    services.purge_roll_uploads()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.result["failure"]["code"] == codes.IMPORT_INTERRUPTED


def test_a_running_job_is_not_taken_for_stale(client, election, clerk):  # noqa: F811
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", roll_bytes()), by=clerk
    )
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.CHECKING, attempts=1, progress=40)
    services.purge_roll_uploads()
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKING


# --- uploads hold full ID numbers ------------------------------------------------------------------------


def test_the_upload_is_deleted_once_its_import_is_done(election, clerk):  # noqa: F811
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", roll_bytes()), by=clerk
    )
    path = Path(job.file.path)
    tasks.check_roll_import.delay(job.pk)
    assert path.exists()  # the confirm reads it again
    job.refresh_from_db()
    services.confirm_import_job(job=job, by=clerk, reason="")
    tasks.apply_roll_import.delay(job.pk, clerk.pk, "")
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and not job.file and not path.exists()


def test_a_failed_upload_is_kept_the_set_number_of_days_then_deleted(election, clerk, settings):  # noqa: F811
    settings.ROLL_UPLOAD_KEEP_FAILED_DAYS = 7
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", far_cell(roll_bytes())), by=clerk
    )
    tasks.check_roll_import.delay(job.pk)
    path = Path(job.file.path)
    now = timezone.now()
    assert services.purge_roll_uploads(now=now + datetime.timedelta(days=6)) == 0 and path.exists()
    assert services.purge_roll_uploads(now=now + datetime.timedelta(days=8)) == 1 and not path.exists()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and not job.file


def test_a_preview_never_confirmed_expires_with_its_file(client, election, clerk):  # noqa: F811
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", roll_bytes()), by=clerk
    )
    tasks.check_roll_import.delay(job.pk)
    path = Path(job.file.path)
    services.purge_roll_uploads(
        now=timezone.now() + datetime.timedelta(days=settings.ROLL_UPLOAD_KEEP_FAILED_DAYS + 1)
    )
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.result["failure"]["code"] == codes.IMPORT_EXPIRED
    assert not path.exists()
    client.force_login(clerk)
    response = client.post(f"/voters/import/{job.pk}/confirm/", follow=True)
    assert response.status_code == 200 and not VoterRegistration.objects.exists()


def test_uploaded_rolls_are_served_by_no_url(client, election, clerk):  # noqa: F811
    job = services.start_import_job(
        election=election, upload=SimpleUploadedFile("r.xlsx", roll_bytes()), by=clerk
    )
    admin = UserFactory(username="root", role=Role.ADMIN, region=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    for url in (f"/media/{job.file.name}", f"/{job.file.name}", job.file.url):
        assert client.get(url).status_code == 404, url
    media = Path(settings.MEDIA_ROOT).resolve()
    for served in (Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)):
        served = served.resolve()
        assert not media.is_relative_to(served) and not served.is_relative_to(media)
