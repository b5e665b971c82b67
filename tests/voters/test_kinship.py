"""Close relatives from household registers: every relation the register gives, and none it does not."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.voters.test_services import election  # noqa: F401 - fixture
from voters.kinship import household_links

RELATIONS = [
    "head",
    "spouse",
    "child",
    "child_in_law",
    "parent",
    "parent_in_law",
    "grandparent",
    "grandchild",
    "sibling",
    "other",
]


def test_head_spouse_and_children():
    links = household_links([(1, "head"), (2, "spouse"), (3, "child"), (4, "child")])
    assert links == {
        (1, 2, "spouse"),
        (1, 3, "parent"),
        (1, 4, "parent"),
        (2, 3, "parent"),
        (2, 4, "parent"),
        (3, 4, "sibling"),
    }


def test_the_heads_parent_is_the_childrens_grandparent():
    links = household_links([(10, "head"), (11, "parent"), (12, "child")])
    assert (11, 10, "parent") in links and (11, 12, "grandparent") in links and (10, 12, "parent") in links


def test_grandchildren_and_siblings_of_the_head():
    links = household_links([(1, "head"), (2, "grandchild"), (3, "sibling"), (4, "parent")])
    assert {(1, 2, "grandparent"), (1, 3, "sibling"), (4, 3, "parent"), (4, 1, "parent")} <= links


def test_a_son_in_law_is_not_linked_to_anyone():
    links = household_links([(1, "head"), (2, "child"), (3, "child_in_law")])
    assert all(3 not in (a, b) for a, b, _kind in links)


def test_a_household_without_a_head_gives_no_links():
    assert household_links([(1, "spouse"), (2, "child")]) == set()


@given(st.lists(st.sampled_from(RELATIONS), min_size=1, max_size=8))
def test_links_never_join_a_person_to_themselves_and_symmetric_ones_are_stored_once(relations):
    links = household_links(list(enumerate(relations, start=1)))
    assert all(a != b for a, b, _ in links)
    for a, b, kind in links:
        if kind in ("spouse", "sibling"):
            assert a < b


@pytest.mark.django_db
def test_derivation_is_stored_once_per_pair(election):  # noqa: F811
    from tests.voters.test_services import person, xlsx
    from voters.models import Kinship
    from voters.services import derive_household_kinship, import_roll

    village_election = election
    rows = [
        person(1),
        person(2, name="李四", sex="F", relation="配偶"),
        person(3, name="张小", relation="子"),
    ]
    import_roll(election=village_election, file=xlsx(rows), by=None, dry_run=False)
    assert derive_household_kinship(village_id=village_election.village_id) == 3
    assert derive_household_kinship(village_id=village_election.village_id) == 0
    assert Kinship.objects.filter(relation="parent").count() == 2


# --- every door that writes the roll derives the household's links (issue 14 part 2) ---------------


@pytest.fixture
def family_file():
    from tests.voters.test_services import person, xlsx

    return xlsx(
        [
            person(1, name="张大", relation="户主"),
            person(2, name="李二", sex="F", relation="配偶"),
            person(3, name="张三", relation="子", birth=date(2000, 1, 1)),
        ]
    )


def _links():
    from voters.models import Kinship

    return set(Kinship.objects.values_list("person__name", "relative__name", "relation"))


FAMILY = {
    ("张大", "李二", "spouse"),
    ("张大", "张三", "parent"),
    ("李二", "张三", "parent"),
}


@pytest.mark.django_db
def test_the_import_voters_command_derives_kinship(tmp_path, family_file, election):  # noqa: F811
    from django.core.management import call_command

    path = tmp_path / "roll.xlsx"
    path.write_bytes(family_file.getvalue())
    call_command("import_voters", str(path), "--election", str(election.pk), "--dry-run")
    assert _links() == set()  # a dry run writes nothing, links included
    call_command("import_voters", str(path), "--election", str(election.pk))
    assert _symmetric(_links()) >= _symmetric(FAMILY)


@pytest.mark.django_db
def test_register_person_derives_kinship(election):  # noqa: F811
    from tests.factories import make_id_number
    from voters.services import register_person

    for serial, name, relation in ((1, "张大", "户主"), (2, "李二", "配偶"), (3, "张三", "子")):
        register_person(
            election=election,
            by=None,
            values={
                "name": name,
                "id_number": make_id_number(serial=serial, sex="F" if name == "李二" else "M"),
                "household_no": "H9",
                "relation_to_head": relation,
                "category": "hukou_resident",
            },
        )
    assert _symmetric(_links()) >= _symmetric(FAMILY)


@pytest.mark.django_db
def test_the_web_import_job_derives_kinship(family_file, election):  # noqa: F811
    from voters import services
    from voters.models import ImportJob

    class Upload:
        name = "roll.xlsx"

        def read(self):
            return family_file.getvalue()

    from tests.factories import UserFactory

    clerk = UserFactory(username="kin-clerk", role="clerk", region=election.village)
    job = services.start_import_job(election=election, upload=Upload(), by=clerk)
    services.check_import_job(job_id=job.pk)
    job.refresh_from_db()
    services.confirm_import_job(job=job, by=clerk, reason="")
    services.apply_import_job(job_id=job.pk, by_id=clerk.pk)
    assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.DONE
    assert _symmetric(_links()) >= _symmetric(FAMILY)


def _symmetric(links):
    return {
        (frozenset((a, b)), kind) if kind in ("spouse", "sibling") else (a, b, kind) for a, b, kind in links
    }
