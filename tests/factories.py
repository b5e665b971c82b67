"""Factories shared by every app's tests: a region tree, cycles, village elections, users."""

from datetime import date

import factory

from accounts.models import User
from accounts.roles import Role
from elections.models import ElectionCycle, Region, Stage, VillageElection
from elections.regions import level_of, parent_code
from elections.services import prepare_cycle

TEST_PASSWORD = "Test@2026pass"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "330000000000"
    name = factory.Sequence(lambda n: f"地区{n}")
    level = factory.LazyAttribute(lambda o: level_of(o.code))
    population = 1500
    households = 500
    party_members = 60
    village_groups = 6


def region_chain(village_code: str, name: str | None = None) -> Region:
    """The village with this code and every region above it (created as needed)."""
    parent = None
    codes = [village_code]
    while (pcode := parent_code(codes[-1])) is not None:
        codes.append(pcode)
    for code in reversed(codes):
        parent = RegionFactory(
            code=code, parent=parent, name=name if code == village_code and name else f"区{code}"
        )
    return parent


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ElectionCycle
        skip_postgeneration_save = True

    name = "2027年换届"
    region = factory.LazyFunction(lambda: RegionFactory(code="330000000000"))
    year = 2027
    reference_date = date(2027, 1, 1)
    starts_on = date(2026, 11, 1)
    ends_on = date(2027, 4, 30)

    @factory.post_generation
    def prepared(cycle, create, extracted, **kwargs):
        """A cycle as open_cycle leaves it: the apps' reference data made (elections.services.prepare_cycle).
        Review units are made for the counties that exist now; a test building its county later asks."""
        if create and extracted is not False:
            prepare_cycle(cycle=cycle)


class VillageElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillageElection

    cycle = factory.SubFactory(CycleFactory)
    village = factory.LazyFunction(lambda: region_chain("330702001001"))
    election_day = date(2027, 1, 20)
    # Most tests exercise the villagers' committee election (the roll, nominations, the vote); a test of
    # another stage's doors says so (elections.permits).
    stage = Stage.COMMITTEE_ELECTION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CLERK

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])


def make_id_number(
    region: str = "330702", birth: date = date(1980, 5, 17), serial: int = 1, sex: str = "M"
) -> str:
    """A valid GB 11643 ID number (the 17th digit is odd for men, even for women): demo.ids, the one
    generator."""
    from demo.ids import id_number

    return id_number(region, birth, serial, sex)
