"""Every URL of the project, as every role: nothing outside the user's jurisdiction is ever shown."""

import zipfile
from io import BytesIO

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from accounts.roles import Role
from accounts.scoping import scope
from elections.models import Region, VillageElection
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain

pytestmark = pytest.mark.django_db

INSIDE_VILLAGE, OUTSIDE_VILLAGE = "330702001001", "330703001001"
OUTSIDE_NAME = "界外村"
NEIGHBOUR_NAME = "邻乡村"  # same county, other township: outside a township user's jurisdiction


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cycle = CycleFactory()
    inside = region_chain(INSIDE_VILLAGE, name="界内村")
    neighbour = region_chain("330702002001", name=NEIGHBOUR_NAME)
    outside = region_chain(OUTSIDE_VILLAGE, name=OUTSIDE_NAME)
    elections = {
        "inside": VillageElectionFactory(cycle=cycle, village=inside),
        "neighbour": VillageElectionFactory(cycle=cycle, village=neighbour),
        "outside": VillageElectionFactory(cycle=cycle, village=outside),
    }
    region = {r.level: r for r in [inside, *inside.ancestors()]}
    users = {
        Role.CITY: UserFactory(username="city", role=Role.CITY, region=region["city"]),
        Role.COUNTY: UserFactory(username="county", role=Role.COUNTY, region=region["county"]),
        Role.TOWNSHIP: UserFactory(username="township", role=Role.TOWNSHIP, region=region["township"]),
        Role.CLERK: UserFactory(username="clerk", role=Role.CLERK, region=inside),
        Role.DEPARTMENT: UserFactory(
            username="dept", role=Role.DEPARTMENT, region=region["county"], unit="公安局"
        ),
    }
    from voters.models import ImportJob

    jobs = {
        which: ImportJob.objects.create(
            election=e,
            division_code=e.division_code,
            original_name=f"{which}.xlsx",
            sha256="0" * 64,
            uploaded_by=users[Role.TOWNSHIP],
            file="x.xlsx",
            state=ImportJob.State.PREVIEWED,
        )
        for which, e in elections.items()
    }
    documents = {which: _step_document(e, users[Role.TOWNSHIP]) for which, e in elections.items()}
    from voters.models import RollObjection

    objections = {
        which: RollObjection.objects.create(
            election=e,
            division_code=e.division_code,
            objector_name="赵大",
            kind=RollObjection.Kind.ADD,
            person_name=f"{which}孙三",
            ground="漏登",
            received_on=e.cycle.starts_on,
            recorded_by=users[Role.TOWNSHIP],
        )
        for which, e in elections.items()
    }
    return {
        "cycle": cycle,
        "elections": elections,
        "users": users,
        "outside": outside,
        "jobs": jobs,
        "documents": documents,
        "objections": objections,
    }


def _step_document(election, by):
    """A workflow step of the village with a document attached (the step and document URLs name them)."""
    from django.core.files.base import ContentFile

    from lifecycle.models import StepDefinition, StepDocument, StepRecord

    record = StepRecord.objects.create(
        election=election,
        step=StepDefinition.objects.get(code="prep_organization"),
        status="done",
        done_on=election.election_day,
        done_by=by,
    )
    document = StepDocument(
        record=record, original_name="通知.pdf", kind="pdf", size=9, sha256="0" * 64, uploaded_by=by
    )
    document.file.save("notice.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    return document


def forbidden_names(role):
    """Names a user of `role` anchored in county 330702 must never see."""
    if role in (Role.TOWNSHIP, Role.CLERK, Role.DEPARTMENT):
        return [OUTSIDE_NAME, NEIGHBOUR_NAME]
    if role == Role.COUNTY:
        return [OUTSIDE_NAME]
    return []  # the city user's jurisdiction holds both counties


def all_patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue  # the Django admin: staff only, tested below
            yield from all_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def url_for(route: str, world, which: str) -> str:
    """Fill a route's parameters with an object inside or outside the jurisdiction."""
    election = world["elections"][which]
    values = {
        "pk": str(election.pk),
        "code": election.village.code,
        "job_pk": str(world["jobs"][which].pk),
        "step": "prep_organization",
        "document_pk": str(world["documents"][which].pk),
        "objection_pk": str(world["objections"][which].pk),
    }
    url = "/" + route
    for name, value in values.items():
        url = url.replace(f"<int:{name}>", value).replace(f"<str:{name}>", value)
    assert "<" not in url, f"unknown URL parameter in {route}: teach this test which object it names"
    return url


def xlsx_text(data: bytes) -> str:
    wb = load_workbook(BytesIO(data), read_only=True)
    return " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row)


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/vnd.openxmlformats"):
        return xlsx_text(content)
    if kind == "application/zip":  # an archive: the names of its files and the text of its workbooks
        with zipfile.ZipFile(BytesIO(content)) as archive:
            return " ".join(
                name + " " + (xlsx_text(archive.read(name)) if name.endswith(".xlsx") else "")
                for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize("role", [Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.CLERK, Role.DEPARTMENT])
def test_no_url_shows_objects_outside_the_jurisdiction(client, world, role):
    user = world["users"][role]
    client.force_login(user)
    forbidden = forbidden_names(role)
    checked = 0
    for route, pattern in all_patterns():
        if pattern.name in {"logout", "set_language"}:
            continue  # POST-only actions with nothing to show
        has_object = "<" in route
        targets = ["outside", "neighbour"] if has_object else ["none"]
        for which in targets:
            url = url_for(route, world, which) if has_object else "/" + route
            for query in (
                "",
                f"?township={world['elections'][which if has_object else 'outside'].division_code[:9]}000"
                "&stage=preparation&q=村",
            ):
                response = client.get(url + query, follow=True)
                if response.status_code == 405:  # a POST-only action: it must refuse outside objects too
                    response = client.post(url + query, follow=True)
                text = body_text(response)
                assert response.status_code in (200, 403, 404), (url, response.status_code)
                if has_object and world["elections"][which].village.name in forbidden:
                    assert response.status_code == 404, f"{role} reached {url}"
                for name in forbidden:
                    assert name not in text, f"{role} saw {name} at {url}{query}"
                checked += 1
    assert checked > 10


def test_objects_inside_the_jurisdiction_are_shown(client, world):
    client.force_login(world["users"][Role.COUNTY])
    election = world["elections"]["neighbour"]
    assert client.get(f"/elections/{election.pk}/").status_code == 200
    text = body_text(client.get("/elections/export.xlsx"))
    assert NEIGHBOUR_NAME in text and "界内村" in text and OUTSIDE_NAME not in text


def test_city_user_sees_both_counties(client, world):
    client.force_login(world["users"][Role.CITY])
    text = body_text(client.get("/elections/"))
    assert OUTSIDE_NAME in text and NEIGHBOUR_NAME in text


def test_township_filter_from_another_county_shows_nothing_outside(client, world):
    client.force_login(world["users"][Role.TOWNSHIP])
    response = client.get("/elections/?township=330703001000")
    assert OUTSIDE_NAME not in body_text(response)


def test_clerk_sees_only_their_village(world):
    visible = scope(VillageElection.objects.all(), world["users"][Role.CLERK])
    assert [e.division_code for e in visible] == [INSIDE_VILLAGE]


def test_department_sees_no_region_owned_rows(world):
    assert not scope(VillageElection.objects.all(), world["users"][Role.DEPARTMENT]).exists()


def test_user_without_jurisdiction_sees_nothing(world):
    orphan = UserFactory(username="orphan", role=Role.COUNTY, region=None)
    assert not scope(Region.objects.all(), orphan).exists()


def test_county_user_sees_the_city_wide_cycle_above_it(world):
    from elections.models import ElectionCycle

    assert list(scope(ElectionCycle.objects.all(), world["users"][Role.COUNTY])) == [world["cycle"]]


@pytest.mark.parametrize("role", [Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.CLERK, Role.DEPARTMENT])
def test_only_administrators_reach_the_admin(client, world, role):
    client.force_login(world["users"][role])
    response = client.get("/admin/elections/region/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_anonymous_user_is_sent_to_login(client, world):
    for route, _pattern in all_patterns():
        if "<" in route or route.startswith(("accounts/login", "i18n/", "favicon.ico")):
            continue  # the login, the language switch and the site's icon are public
        response = client.get("/" + route)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), route
