"""Close relatives from household registers: every relation the register gives, and none it does not."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
def test_derivation_is_stored_once_per_pair():
    from datetime import date

    from tests.factories import CycleFactory, VillageElectionFactory, region_chain
    from tests.voters.test_services import person, xlsx
    from voters.models import Kinship
    from voters.services import derive_household_kinship, import_roll

    election = VillageElectionFactory(
        cycle=CycleFactory(), village=region_chain("330702001001"), election_day=date(2027, 1, 20)
    )
    rows = [
        person(1),
        person(2, name="李四", sex="F", relation="配偶"),
        person(3, name="张小", relation="子"),
    ]
    import_roll(election=election, file=xlsx(rows), by=None, dry_run=False)
    assert derive_household_kinship(village_id=election.village_id) == 3
    assert derive_household_kinship(village_id=election.village_id) == 0
    assert Kinship.objects.filter(relation="parent").count() == 2
