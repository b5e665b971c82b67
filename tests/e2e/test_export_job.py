"""A clerk exports a roll larger than EXPORT_BACKGROUND_ROWS: the worker's progress page, then the file."""

from datetime import date

import pytest
from openpyxl import load_workbook

from accounts.roles import Role
from tests.e2e.conftest import go, login, screenshot
from tests.factories import TEST_PASSWORD, UserFactory, VillageElectionFactory, make_id_number, region_chain
from voters.models import Resident, VoterRegistration

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_exports_a_big_roll_through_a_job_and_downloads_it(page, settings, tmp_path):
    settings.EXPORT_BACKGROUND_ROWS = 2
    settings.MEDIA_ROOT = tmp_path / "media"
    election = VillageElectionFactory(village=region_chain("330702001001", name="上方村"))
    for serial, name in enumerate(["王五", "方平", "孔明"], start=1):
        resident = Resident.objects.create(
            village=election.village, division_code=election.village.code, name=name, sex="M",
            id_number=make_id_number(serial=serial), birth_date=date(1970, 1, 1),
        )  # fmt: skip
        VoterRegistration.objects.create(
            election=election, cycle=election.cycle, resident=resident, division_code=election.division_code,
            group="一组", category="hukou_resident",
        )  # fmt: skip
    UserFactory(username="village_clerk", role=Role.CLERK, region=election.village)
    login(page, "village_clerk", TEST_PASSWORD)
    page.goto(f"{page.base_url}/voters/election/{election.pk}/")
    go(page, "text=导出Excel")
    assert "后台" in page.inner_text("#export-size")
    go(page, "#export-start")
    assert "/exports/" in page.url
    page.wait_for_selector("#export-download")
    assert "就绪" in page.inner_text("#export-state")
    screenshot(page, "export-job-done")
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename == "上方村选民名单.xlsx"
    target = tmp_path / "roll.xlsx"
    download.value.save_as(target)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("村民小组", "姓名")
    assert [r[1] for r in rows[1:]] == ["王五", "方平", "孔明"]  # stroke order: 王 横 < 方 点 < 孔 折
