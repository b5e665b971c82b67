"""A village ready to count: a roll, formal candidates, two clerks and a township officer."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import User
from accounts.roles import Role
from ballots import services
from ballots.models import BallotBox
from candidates.choices import NominationState, Position
from candidates.models import Nomination
from elections.models import VillageElection
from tests.candidates.factories import NominationFactory, ResidentFactory
from tests.factories import UserFactory, VillageElectionFactory
from voters.models import Resident, VoterRegistration


@dataclass
class Village:
    election: VillageElection
    clerk: User
    second_clerk: User
    township: User
    candidates: dict[str, Nomination] = field(default_factory=dict)
    voters: list[Resident] = field(default_factory=list)

    def key(self, name: str) -> str:
        return services.person_key(self.candidates[name])


def register(election: VillageElection, resident: Resident) -> VoterRegistration:
    return VoterRegistration.objects.create(
        election=election, cycle=election.cycle, resident=resident, division_code=election.division_code
    )


def make_village(
    *, registered: int = 10, election: VillageElection | None = None, prefix: str = ""
) -> Village:
    """Committee of 3 (chair + 2 members), formal candidates 赵/钱 for chair, 孙/李/周 for member."""
    election = election or VillageElectionFactory(committee_seats=3)
    village = election.village
    township, county = village.parent, village.parent.parent
    people = {
        "赵一": ("M", Position.CHAIR),
        "钱二": ("F", Position.CHAIR),
        "孙三": ("M", Position.COMMITTEE_MEMBER),
        "李四": ("F", Position.COMMITTEE_MEMBER),
        "周五": ("M", Position.COMMITTEE_MEMBER),
    }
    result = Village(
        election=election,
        clerk=UserFactory(username=f"{prefix}clerk1", role=Role.CLERK, region=village),
        second_clerk=UserFactory(username=f"{prefix}clerk2", role=Role.CLERK, region=village),
        township=UserFactory(username=f"{prefix}township", role=Role.TOWNSHIP, region=township),
    )
    assert county  # the chain exists up to the county
    for name, (sex, position) in people.items():
        resident = ResidentFactory(village=village, name=name, sex=sex)
        result.candidates[name] = NominationFactory(
            election=election, resident=resident, position=position, state=NominationState.LISTED
        )
        register(election, resident)
        result.voters.append(resident)
    for n in range(registered - len(people)):
        resident = ResidentFactory(village=village, name=f"吴{n}")
        register(election, resident)
        result.voters.append(resident)
    return result


def add_box(
    village: Village, label: str = "中心会场", issued: int = 8, kind: str = "central", body: str = ""
) -> BallotBox:
    """A box of the villagers' meeting, or with body="party" of the Party members' meeting."""
    return services.add_ballot_box(
        election=village.election, label=label, kind=kind, ballots_issued=issued, body=body, by=village.clerk
    )


def sheet_values(village: Village, **changes) -> dict:
    """A sheet of 8 ballots: 赵一 6, 钱二 2 for chair; 李四 6, 孙三 5, 周五 3, write-in 王大 1 for member."""
    values = {
        "issued": 8,
        "returned": 8,
        "valid": 8,
        "invalid": 0,
        "unreturned": 0,
        "votes": {
            Position.CHAIR: {village.key("赵一"): 6, village.key("钱二"): 2},
            Position.COMMITTEE_MEMBER: {
                village.key("李四"): 6,
                village.key("孙三"): 5,
                village.key("周五"): 3,
                "w:王大": 1,
            },
        },
    }
    values.update(changes)
    return values


def enter_twice(village: Village, box: BallotBox, values: dict | None = None, body: str = "committee"):
    values = values or sheet_values(village)
    services.record_tally_entry(box=box, body=body, round=1, values=values, by=village.clerk)
    return services.record_tally_entry(box=box, body=body, round=1, values=values, by=village.second_clerk)
