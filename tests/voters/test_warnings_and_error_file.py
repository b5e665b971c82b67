"""Warnings kept (issue 14 part 7) and the error file that says which value of whom is wrong (part 5)."""

import json
import re
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from tests.voters.test_services import election, person, xlsx  # noqa: F401 - fixtures and builders
from tests.voters.test_views import clerk, upload  # noqa: F401
from trail.models import TrailEntry
from voters import codes
from voters.models import ImportJob, VoterRegistration
from voters.services import confirm_import_job

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[a-z_]+\.[a-z_]+(\.W)?")


def contradicting(serial=1, name="王芳"):
    row = person(serial, name=name)
    row[2] = "女"  # the ID number says male: a warning, not an error
    return row


def test_the_command_reports_warnings_at_their_rows(election, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "roll.xlsx"
    path.write_bytes(xlsx([person(1), contradicting(2)]).getvalue())
    call_command("import_voters", str(path), "--election", str(election.pk), "--dry-run", "--json")
    report = json.loads(capsys.readouterr().out)
    (warning,) = report["warnings"]
    assert (warning["row"], warning["name"], warning["column"], warning["value"]) == (4, "王芳", "性别", "女")
    assert warning["code"] == codes.SEX_MISMATCH and warning["message"]


def test_a_file_with_warnings_is_confirmed_only_with_a_named_acknowledgement(client, election, clerk):  # noqa: F811
    client.force_login(clerk)
    job, response = upload(client, election, [person(1), contradicting(2)])
    page = response.content.decode()
    assert 'name="acknowledge_warnings"' in page and "王芳" in page
    with pytest.raises(ValidationError) as refused:
        confirm_import_job(job=job, by=clerk, reason="")
    assert refused.value.code == codes.WARNINGS_NOT_ACKNOWLEDGED
    refused_page = client.post(f"/voters/import/{job.pk}/confirm/", follow=True).content.decode()
    assert "请阅读并确认已核对后再导入" in refused_page
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED and not VoterRegistration.objects.exists()

    client.post(f"/voters/import/{job.pk}/confirm/", {"acknowledge_warnings": "on"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert VoterRegistration.objects.count() == 2
    assert job.result["acknowledged"]["by_id"] == clerk.pk and job.result["acknowledged"]["rows"] == [4]
    entry = TrailEntry.objects.filter(extra__operation="acknowledge_warnings").get()
    assert entry.actor_id == clerk.pk
    assert entry.extra["warnings"][0]["name"] == "王芳" and entry.actor_name


def test_the_error_file_carries_row_name_column_value_and_message(client, election, clerk):  # noqa: F811
    client.force_login(clerk)
    bad_phone = person(3, name="赵六")
    bad_phone[3] = "x" * 40  # the group column holds at most 30 characters
    job, _ = upload(client, election, [person(1), bad_phone])
    response = client.get(f"/voters/import/{job.pk}/errors.xlsx")
    assert "选民名单导入错误行" in unquote(response["Content-Disposition"])
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if any(r)]
    header = next(r for r in rows if r and r[0] == "行号")
    assert list(header) == ["行号", "姓名", "列", "原值", "问题", "代码（供技术支持）"]
    data = rows[rows.index(header) + 1]
    assert data[:4] == (4, "赵六", "村民小组", "x" * 40)
    assert data[4] and "voter." not in data[4]
    assert data[5] == codes.VALUE_TOO_LONG


def test_the_import_preview_speaks_in_messages_a_code_only_in_small_print(client, election, clerk):  # noqa: F811
    """No rule code (`voter.sex_mismatch.W`, `voter.id_checksum`…) in the preview's text (issue 14, part 5)."""
    client.force_login(clerk)
    bad = person(3, name="赵六")
    bad[1] = bad[1][:-1] + ("1" if bad[1][-1] != "1" else "2")  # a wrong check digit: an error
    job, response = upload(client, election, [person(1), contradicting(2), bad])
    html = client.get(f"/voters/import/{job.pk}/").content.decode()
    assert "赵六" in html and "王芳" in html  # the error and the warning are on the page
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'<small class="code">.*?</small>', "", main, flags=re.S)
    main = re.sub(r"<(script|style)\b.*?</\1>", "", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main).replace(job.original_name, "")  # the clerk's own file name may match
    found = [m.group(0) for m in CODE.finditer(text)]
    assert not found, found[:3]


def test_stored_problem_lists_take_the_warning_codes_ending_in_w_and_give_them_back(election, clerk):  # noqa: F811
    """Migration voters 0007: the four warnings of a roll check end in ".W"; stored jobs follow, both ways."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("voters.migrations.0007_warning_codes_end_in_w")
    assert set(migration.RENAMED.values()) == {c for c, e in codes.CATALOGUE.items() if e.is_warning}
    stored = {
        "warnings": [{"row": 3, "code": "voter.sex_mismatch"}, {"row": 4, "code": "voter.date_invalid"}],
        "errors": [{"row": 5, "code": "voter.id_checksum"}],
        "file_error": None,
    }
    kept = {"election": election, "division_code": election.division_code, "uploaded_by": clerk}
    job = ImportJob.objects.create(**kept, original_name="roll.xlsx", result=stored)
    empty = ImportJob.objects.create(**kept, original_name="empty.xlsx", result={})
    migration.forward(apps, None)
    job.refresh_from_db()
    assert [w["code"] for w in job.result["warnings"]] == [codes.SEX_MISMATCH, codes.DATE_INVALID]
    assert job.result["errors"] == stored["errors"]
    migration.backward(apps, None)
    job.refresh_from_db()
    empty.refresh_from_db()
    assert (job.result, empty.result) == (stored, {})
