"""Where a person is registered is told only to users whose jurisdiction covers that village (issue 12.5).

A clerk uploads a roll with someone already on the roll of 王宅村 (塘雅镇, the same county, another
township). Every role then reads the upload's preview, its error file, the conflicts page and its Excel:
the place appears exactly for those whose jurisdiction covers 王宅村, and the others are told only that
the person is registered in another village this cycle.
"""

import json
from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.roles import Role
from elections.models import Region
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from tests.voters.test_services import person, xlsx
from voters import codes, services
from voters.models import ImportJob

pytestmark = pytest.mark.django_db

OTHER_VILLAGE, OTHER_TOWNSHIP = "王宅村", "塘雅镇"
PLACE = OTHER_TOWNSHIP + OTHER_VILLAGE
UNPLACED = "已在本届其他村登记"


@pytest.fixture
def election():
    """上方村 of township 330702001, county 330702, where the clerk uploads."""
    return VillageElectionFactory(cycle=CycleFactory(), village=region_chain("330702001001", name="上方村"))


@pytest.fixture
def other(election):
    """王宅村 of 塘雅镇 (county 330702, like the uploading 上方村 of township 330702001), holding 张三."""
    village = region_chain("330702002005", name=OTHER_VILLAGE)
    Region.objects.filter(code="330702002000").update(name=OTHER_TOWNSHIP)
    held = VillageElectionFactory(cycle=election.cycle, village=village)
    services.import_roll(election=held, file=xlsx([person(1)]), by=None, dry_run=False)
    return held


@pytest.fixture
def job(election, other):
    clerk = UserFactory(username="uploader", role=Role.CLERK, region=election.village)
    upload = BytesIO(xlsx([person(1), person(2, name="李四")]).getvalue())
    upload.name = "roll.xlsx"
    job = services.start_import_job(election=election, upload=upload, by=clerk)
    services.check_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED
    return job


def user_for(role: str, election):
    village = election.village
    region = {
        "clerk": village,
        "township": village.parent,  # 330702001: the uploader's township only
        "other_township": Region.objects.filter(code="330702002000").first(),
        "county": village.parent.parent,  # 330702: both townships
        "city": village.parent.parent.parent,
        "admin": None,
        "department": village.parent.parent,
    }[role]
    base = {"other_township": Role.TOWNSHIP}.get(role, role)
    return UserFactory(username=f"u-{role}", role=base, region=region, unit="县公安局")


def xlsx_text(content: bytes) -> str:
    sheet = load_workbook(BytesIO(content), read_only=True).active
    return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def everything_seen(client, job) -> dict[str, str]:
    """What a user reads of the upload: preview, error file, conflicts page and its Excel (404 → '')."""
    seen = {}
    for name, url in (
        ("preview", f"/voters/import/{job.pk}/"),
        ("errors.xlsx", f"/voters/import/{job.pk}/errors.xlsx"),
        ("conflicts", "/voters/conflicts/"),
        ("conflicts.xlsx", "/voters/conflicts/?format=xlsx"),
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        if response.status_code == 404:
            seen[name] = ""
        elif name.endswith(".xlsx"):
            seen[name] = xlsx_text(response.content)
        else:
            seen[name] = response.content.decode()
    return seen


@pytest.mark.parametrize("role", ["clerk", "township"])
def test_users_outside_the_other_village_are_told_only_that_the_person_is_registered_elsewhere(
    client,
    election,
    job,
    role,
):
    client.force_login(user_for(role, election))
    seen = everything_seen(client, job)
    for name, text in seen.items():
        assert OTHER_VILLAGE not in text and OTHER_TOWNSHIP not in text, name
        assert "330702002005" not in text, name
    assert UNPLACED in seen["preview"] and UNPLACED in seen["errors.xlsx"]
    if role == "township":  # the conflicts page is the township's (a clerk has no use for it)
        assert "张三" in seen["conflicts"] and UNPLACED in seen["conflicts.xlsx"]


@pytest.mark.parametrize("role", ["county", "city", "admin"])
def test_users_whose_jurisdiction_covers_both_villages_see_the_place(client, election, job, role):
    client.force_login(user_for(role, election))
    seen = everything_seen(client, job)
    for name, text in seen.items():
        assert PLACE in text, name


def test_a_county_covering_only_the_uploading_village_is_not_told_the_place(client, election):
    elsewhere = region_chain("330703004002", name=OTHER_VILLAGE)  # another county of the city
    held = VillageElectionFactory(cycle=election.cycle, village=elsewhere)
    services.import_roll(election=held, file=xlsx([person(1)]), by=None, dry_run=False)
    uploader = UserFactory(username="uploader", role=Role.CLERK, region=election.village)
    upload = BytesIO(xlsx([person(1)]).getvalue())
    upload.name = "roll.xlsx"
    job = services.start_import_job(election=election, upload=upload, by=uploader)
    services.check_import_job(job_id=job.pk)
    client.force_login(user_for("county", election))
    for name, text in everything_seen(client, job).items():
        assert OTHER_VILLAGE not in text, name


@pytest.mark.parametrize("role", ["department", "other_township"])
def test_users_who_cannot_see_the_upload_learn_nothing_of_it(client, election, job, role):
    client.force_login(user_for(role, election))
    seen = everything_seen(client, job)
    assert seen["preview"] == "" and seen["errors.xlsx"] == ""  # 404
    assert "张三" not in seen["conflicts"] and "上方村" not in seen["conflicts"]


def test_the_stored_result_holds_the_other_registration_not_its_place(job, other):
    dup = next(d for d in job.result["duplicates"] if d["kind"] == "other_village")
    assert (dup["other"], dup["election"]) == ("330702002005", other.pk)
    assert dup["registration"] == other.registrations.get().pk
    assert OTHER_VILLAGE not in json.dumps(job.result, ensure_ascii=False)


def test_older_results_that_stored_a_place_name_show_it_to_nobody(client, election, job):
    """Results stored before this rule kept the place as text: it is never shown again, not even to a
    county (there is no code to decide by)."""
    legacy = {**job.result}
    legacy["duplicates"] = [{"row": 3, "kind": "other_village", "other": PLACE, "name": "张三"}]
    legacy["errors"] = [
        {
            "row": 3,
            "column": "身份证号码",
            "code": codes.DUPLICATE_OTHER_VILLAGE,
            "message": f"本届已在{PLACE}登记",
        }
    ]
    ImportJob.objects.filter(pk=job.pk).update(result=legacy)
    client.force_login(user_for("county", election))
    for name, text in everything_seen(client, job).items():
        assert OTHER_VILLAGE not in text, name


def test_adding_a_person_registered_elsewhere_names_the_place_only_to_whom_it_may(election, other):
    from django.core.exceptions import ValidationError

    values = {"name": "张三", "id_number": person(1)[1], "category": "hukou_resident"}
    clerk = user_for("clerk", election)
    with pytest.raises(ValidationError) as refused:
        services.register_person(election=election, values=values, by=clerk)
    assert [e.message for e in refused.value.error_list] == [UNPLACED]
    near = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702002006"))
    township = user_for("other_township", election)  # covers both 王宅村 and the village adding
    with pytest.raises(ValidationError) as refused:
        services.register_person(election=near, values=values, by=township)
    assert refused.value.error_list[0].code == codes.DUPLICATE_OTHER_VILLAGE
    assert PLACE in refused.value.error_list[0].message


def test_the_command_runs_as_an_administrator_and_identifies_the_other_village_by_code(
    election,
    other,
    tmp_path,
    capsys,
):
    path = tmp_path / "roll.xlsx"
    path.write_bytes(xlsx([person(1)]).getvalue())
    call_command("import_voters", str(path), "--election", str(election.pk), "--dry-run", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["duplicates"] == [{"row": 3, "kind": "other_village", "other": "330702002005"}]
    assert out["errors"][0]["code"] == codes.DUPLICATE_OTHER_VILLAGE
