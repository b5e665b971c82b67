"""The roll pages: upload → check → confirm, publication, masking, print order, search scoping."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.roles import Role
from tests.factories import UserFactory, VillageElectionFactory, region_chain
from tests.voters.test_services import election, person, xlsx  # noqa: F401 - fixtures and builders
from voters.models import ImportJob, RollPublication, VoterRegistration

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(election):  # noqa: F811
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


@pytest.fixture
def township(election):  # noqa: F811
    return UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)


def upload(client, election, rows):  # noqa: F811
    data = xlsx(rows).getvalue()
    response = client.post(
        f"/voters/election/{election.pk}/upload/",
        {"file": SimpleUploadedFile("roll.xlsx", data)},
        follow=True,
    )
    assert response.status_code == 200
    return ImportJob.objects.latest("created_at"), response


def test_upload_checks_without_writing_then_confirm_writes(client, election, clerk):  # noqa: F811
    client.force_login(clerk)
    bad = person(3, birth=date(2012, 1, 1))
    job, response = upload(client, election, [person(1), person(2, name="李四"), bad])
    assert job.state == ImportJob.State.PREVIEWED
    assert job.result["created"] == 2 and job.result["rejected"] == 1
    assert "选举日未满18周岁" in response.content.decode()
    assert not VoterRegistration.objects.exists()
    client.post(f"/voters/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert VoterRegistration.objects.filter(election=election).count() == 2


def test_confirming_twice_imports_once(client, election, clerk):  # noqa: F811
    client.force_login(clerk)
    job, _ = upload(client, election, [person(1)])
    client.post(f"/voters/import/{job.pk}/confirm/")
    response = client.post(f"/voters/import/{job.pk}/confirm/", follow=True)
    assert VoterRegistration.objects.count() == 1
    from django.utils.html import escape

    from voters import codes

    assert escape(str(codes.MESSAGES[codes.IMPORT_STATE])) in response.content.decode()


def test_a_non_excel_upload_gets_a_clear_message_and_changes_nothing(client, election, clerk):  # noqa: F811
    client.force_login(clerk)
    response = client.post(
        f"/voters/election/{election.pk}/upload/",
        {"file": SimpleUploadedFile("roll.xlsx", b"not a spreadsheet")},
        follow=True,
    )
    assert "不是Excel工作簿" in response.content.decode()
    assert ImportJob.objects.get().state == ImportJob.State.FAILED
    assert not VoterRegistration.objects.exists()


def test_county_reviewer_cannot_import(client, election):  # noqa: F811
    county = UserFactory(username="county", role=Role.COUNTY, region=election.village.parent.parent)
    client.force_login(county)
    response = client.post(
        f"/voters/election/{election.pk}/upload/",
        {"file": SimpleUploadedFile("roll.xlsx", xlsx([person(1)]).getvalue())},
    )
    assert response.status_code == 403 and not ImportJob.objects.exists()


def test_clerk_cannot_import_into_another_village(client, election, clerk):  # noqa: F811
    other = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702001002"))
    client.force_login(clerk)
    response = client.post(
        f"/voters/election/{other.pk}/upload/",
        {"file": SimpleUploadedFile("roll.xlsx", xlsx([person(1)]).getvalue())},
    )
    assert response.status_code == 404 and not ImportJob.objects.exists()


def test_id_numbers_are_masked_for_the_clerk_and_full_for_the_township(client, election, clerk, township):  # noqa: F811
    client.force_login(clerk)
    job, _ = upload(client, election, [person(1)])
    client.post(f"/voters/import/{job.pk}/confirm/")
    full = VoterRegistration.objects.get().resident.id_number
    masked = full[:6] + "********" + full[-4:]
    page = client.get(f"/voters/election/{election.pk}/").content.decode()
    assert masked in page and full not in page
    sheet = load_workbook(BytesIO(client.get(f"/voters/election/{election.pk}/export.xlsx").content)).active
    assert masked in [c.value for row in sheet.iter_rows() for c in row]
    client.force_login(township)
    sheet = load_workbook(BytesIO(client.get(f"/voters/election/{election.pk}/export.xlsx").content)).active
    assert full in [c.value for row in sheet.iter_rows() for c in row]


def test_export_neutralises_formulas_in_names(client, election, township):  # noqa: F811
    client.force_login(township)
    job, _ = upload(client, election, [person(1)])
    client.post(f"/voters/import/{job.pk}/confirm/")
    from voters.models import Resident

    Resident.objects.update(phone="=cmd|' /C calc'!A0")
    sheet = load_workbook(BytesIO(client.get(f"/voters/election/{election.pk}/export.xlsx").content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=cmd|' /C calc'!A0" in values


def test_publish_fixes_the_date_and_print_lists_groups_in_stroke_order(client, election, clerk):  # noqa: F811
    client.force_login(clerk)
    job, _ = upload(
        client, election, [person(1, name="孔明"), person(2, name="王五"), person(3, name="方平")]
    )
    client.post(f"/voters/import/{job.pk}/confirm/")
    client.post(f"/voters/election/{election.pk}/publish/", {"published_on": "2026-11-20"})
    assert RollPublication.objects.get().published_on == date(2026, 11, 20)
    page = client.get(f"/voters/election/{election.pk}/print/").content.decode()
    assert page.index("王五") < page.index("方平") < page.index("孔明")
    assert "3302" not in page.split("notice")[1]  # no ID numbers on the public notice


def test_search_finds_a_person_only_inside_the_jurisdiction(client, election, township):  # noqa: F811
    other_township = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702002001"))
    from voters.services import import_roll

    import_roll(election=other_township, file=xlsx([person(9, name="赵六")]), by=None, dry_run=False)
    client.force_login(township)
    assert "<td>赵六</td>" not in client.get("/voters/search/?q=赵六").content.decode()
    county = UserFactory(username="county", role=Role.COUNTY, region=election.village.parent.parent)
    client.force_login(county)
    assert "<td>赵六</td>" in client.get("/voters/search/?q=赵六").content.decode()


def test_omissions_list_adults_of_the_household_register_missing_from_the_roll(client, election, clerk):  # noqa: F811
    from voters.models import Resident

    client.force_login(clerk)
    job, _ = upload(client, election, [person(1), person(2, name="李四", relation="配偶")])
    client.post(f"/voters/import/{job.pk}/confirm/")
    VoterRegistration.objects.filter(resident__name="李四").delete()
    child = Resident.objects.get(name="张三")
    Resident.objects.create(
        village=election.village,
        division_code=election.division_code,
        name="张小",
        id_number="330702201001011236",
        sex="M",
        birth_date=date(2010, 1, 1),
        household=child.household,
    )
    page = client.get(f"/voters/election/{election.pk}/omissions/").content.decode()
    assert "李四" in page and "张小" not in page


def test_clerk_adds_one_person_and_takes_another_off(client, election, clerk):  # noqa: F811
    client.force_login(clerk)
    response = client.post(
        f"/voters/election/{election.pk}/add/",
        {"name": "钱七", "id_number": person(7)[1], "group": "一组", "category": "hukou_resident"},
        follow=True,
    )
    assert "钱七" in response.content.decode()
    registration = VoterRegistration.objects.get()
    client.post(
        f"/voters/election/{election.pk}/leave-off/",
        {"registration": registration.pk, "reason_code": "declined", "note": ""},
    )
    registration.refresh_from_db()
    assert registration.status == "left_off"


def test_leave_off_of_a_registration_from_another_village_is_404(client, election, clerk):  # noqa: F811
    other = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702001002"))
    from voters.services import import_roll

    import_roll(election=other, file=xlsx([person(8)]), by=None, dry_run=False)
    client.force_login(clerk)
    response = client.post(
        f"/voters/election/{election.pk}/leave-off/",
        {"registration": VoterRegistration.objects.get().pk, "reason_code": "declined"},
    )
    assert response.status_code == 404
    assert VoterRegistration.objects.get().status == "registered"


def test_township_sees_the_conflict_with_the_persons_name(client, election, township):  # noqa: F811
    other = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702001003", name="下徐村"))
    from voters.services import import_roll

    import_roll(election=other, file=xlsx([person(1, name="周八")]), by=None, dry_run=False)
    clerk = UserFactory(username="clerk2", role=Role.CLERK, region=election.village)
    client.force_login(clerk)
    upload(client, election, [person(1, name="周八")])
    client.force_login(township)
    page = client.get("/voters/conflicts/").content.decode()
    assert "<td>周八</td>" in page and "下徐村" in page


def test_the_page_shows_an_imports_progress_from_inside_its_transaction(client, election, clerk):  # noqa: F811
    """An import writes in one transaction: its ticks reach the page through the cache, not the job row."""
    from django.core.cache import cache
    from django.db import transaction

    from voters.services import _job_progress

    client.force_login(clerk)
    job, _ = upload(client, election, [person(1)])
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING, progress=0)
    with transaction.atomic():
        _job_progress(job.pk, 0, 100)(0.42)
        assert ImportJob.objects.get(pk=job.pk).progress == 0  # the row is left alone inside the import
    response = client.get(f"/voters/import/{job.pk}/", headers={"HX-Request": "true"})
    assert 'aria-valuenow="42"' in response.content.decode()
    cache.delete(job.progress_key)
    response = client.get(f"/voters/import/{job.pk}/", headers={"HX-Request": "true"})
    assert 'aria-valuenow="0"' in response.content.decode()
