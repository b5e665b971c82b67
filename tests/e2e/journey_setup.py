"""The prior work of the lifecycle journey that is not its subject, built by factories and services.

The journey walks the stages, the gates and the records they read through the pages; what the villagers
and the departments did before (who lives in the village and is registered, who was nominated and how the
joint review went) is built here: the rows by the factories, the joint review through the candidates
services, in the stage that work belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accounts.models import User
from accounts.roles import Role
from candidates import services
from candidates.choices import Body, Position
from candidates.models import Nomination
from candidates.selectors import county_of
from elections.models import Stage, VillageElection
from tests.ballots.factories import register
from tests.candidates.factories import NominationFactory, ResidentFactory, pass_everything
from tests.factories import UserFactory
from voters.models import Resident

# The villagers' committee's nominees (3 seats: a chair and two members), women among them.
NOMINEES = {
    "赵一": ("M", date(1984, 3, 12), Position.CHAIR),
    "钱二": ("F", date(1988, 7, 2), Position.CHAIR),
    "孙三": ("M", date(1986, 11, 20), Position.COMMITTEE_MEMBER),
    "李四": ("F", date(1992, 5, 8), Position.COMMITTEE_MEMBER),
    "周五": ("M", date(1979, 9, 30), Position.COMMITTEE_MEMBER),
}
OTHER_VOTERS = ("吴六", "郑七", "冯八", "陈九", "褚十")
# The Party committee's nominees (3 seats: the secretary and two members; every resident is a Party member),
# from the voters who do not stand for the villagers' committee. The preliminary list has seats + 1 names:
# the first four; the fifth is nominated but not listed.
PARTY_SEATS = 3
PARTY_NOMINEES = {
    "吴六": Position.SECRETARY,
    "郑七": Position.PARTY_MEMBER,
    "冯八": Position.PARTY_MEMBER,
    "陈九": Position.PARTY_MEMBER,
    "褚十": Position.PARTY_MEMBER,
}
PARTY_LISTED = ("吴六", "郑七", "冯八", "陈九")
UNITS = ("婺城区公安分局", "婺城区人民法院")


def name_places(election: VillageElection) -> None:
    """Give the township, the county and the city their real names (金华市婺城区白龙桥镇): the departments
    are named after the county, the pages' breadcrumbs after all three."""
    township = election.village.parent
    for region, name in (
        (township, "白龙桥镇"),
        (township.parent, "婺城区"),
        (township.parent.parent, "金华市"),
    ):
        region.name = name
        region.save(update_fields=["name"])


@dataclass
class Villagers:
    residents: dict[str, Resident]


def villagers(election: VillageElection) -> Villagers:
    """Ten residents of the village, each registered to vote (the roll the township then publishes)."""
    residents = {}
    for name, (sex, born, _position) in NOMINEES.items():
        residents[name] = ResidentFactory(village=election.village, name=name, sex=sex, birth_date=born)
    for name in OTHER_VOTERS:
        residents[name] = ResidentFactory(village=election.village, name=name)
    for resident in residents.values():
        register(election, resident)
    return Villagers(residents)


def users(election: VillageElection) -> dict[str, User]:
    """The logins of the journey: the township office, the county reviewer, two clerks of the village's
    election committee, and one reviewer of each joint-review department asked."""
    village = election.village
    township, county = village.parent, village.parent.parent
    return {
        "township": UserFactory(
            username="township_office", role=Role.TOWNSHIP, region=township, display_name="王干事"
        ),
        "county": UserFactory(
            username="county_reviewer", role=Role.COUNTY, region=county, display_name="陈审核"
        ),
        "clerk1": UserFactory(username="clerk_li", role=Role.CLERK, region=village, display_name="李文书"),
        "clerk2": UserFactory(username="clerk_zhang", role=Role.CLERK, region=village, display_name="张委员"),
        **{
            unit: UserFactory(
                username=f"dept{i}", role=Role.DEPARTMENT, region=county, unit=unit, display_name=unit
            )
            for i, unit in enumerate(UNITS)
        },
    }


def vet_party_nominees(
    election: VillageElection, people: dict[str, User], village: Villagers
) -> list[Nomination]:
    """The Party members' and the masses' two recommendations (by the factory), the joint review with every
    verdict a pass and the preliminary list of seats + 1 names (through the candidates services), in the
    Party organization's election where that work belongs (elections.permits)."""
    election.refresh_from_db()
    assert election.stage == Stage.PARTY_ELECTION, "the Party's nominees are vetted in its stage"
    assert election.party_seats + 1 == len(PARTY_LISTED)
    units = [
        u for u in services.ensure_review_units(county=county_of(election.division_code)) if u.name in UNITS
    ]
    reviewers = {unit: people[unit] for unit in UNITS}
    nominations = {}
    for name, position in PARTY_NOMINEES.items():
        nomination = NominationFactory(election=election, resident=village.residents[name], position=position)
        nominations[name] = pass_everything(
            nomination, township=people["township"], units=units, reviewers=reviewers
        )
    listed, _added = services.set_list(
        election=election,
        body=Body.PARTY,
        nominations=[nominations[name] for name in PARTY_LISTED],
        by=people["township"],
    )
    return listed


def vet_committee_nominees(
    election: VillageElection, people: dict[str, User], village: Villagers
) -> list[Nomination]:
    """The villagers' direct nominations (海选, by the factory) and their joint review with every verdict a
    pass (through the candidates services), in the villagers' committee election where that work belongs."""
    election.refresh_from_db()
    assert election.stage == Stage.COMMITTEE_ELECTION, "the committee's nominees are vetted in its stage"
    units = [
        u for u in services.ensure_review_units(county=county_of(election.division_code)) if u.name in UNITS
    ]
    reviewers = {unit: people[unit] for unit in UNITS}
    nominations: list[Nomination] = []
    for name, (_sex, _born, position) in NOMINEES.items():
        nomination = NominationFactory(election=election, resident=village.residents[name], position=position)
        nominations.append(
            pass_everything(nomination, township=people["township"], units=units, reviewers=reviewers)
        )
    return nominations
