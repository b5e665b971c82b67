"""Two households in two villages of one township, and a village of another township, for the close
relatives recorded across households (voters.services.record_kinship)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from openpyxl import Workbook

from accounts.roles import Role
from elections.models import ElectionCycle, VillageElection
from tests.candidates.factories import voter
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from voters.models import Household


@dataclass
class World:
    cycle: ElectionCycle
    home: VillageElection  # 上方村
    next_door: VillageElection  # 下方村, same township
    far: VillageElection  # another township
    township: object
    clerk: object
    people: dict


def kinship_world() -> World:
    cycle = CycleFactory()
    home = VillageElectionFactory(cycle=cycle, village=region_chain("330702001001", name="上方村"))
    next_door = VillageElectionFactory(cycle=cycle, village=region_chain("330702001002", name="下方村"))
    far = VillageElectionFactory(cycle=cycle, village=region_chain("330702002001", name="远山村"))
    township = UserFactory(
        username="township", role=Role.TOWNSHIP, region=home.village.parent, first_name="乡镇换届办"
    )
    clerk = UserFactory(username="clerk", role=Role.CLERK, region=home.village)
    first = Household.objects.create(village=home.village, division_code=home.division_code, number="001")
    second = Household.objects.create(
        village=next_door.village, division_code=next_door.division_code, number="101"
    )
    people = {
        "father": voter(
            home, name="李父", birth_date=date(1960, 3, 1), household=first, relation_to_head="head"
        ),
        "son": voter(
            home, name="李子", birth_date=date(1985, 6, 1), household=first, relation_to_head="child"
        ),
        "daughter": voter(
            next_door,
            name="李女",
            sex="F",
            birth_date=date(1988, 2, 1),
            household=second,
            relation_to_head="spouse",
        ),
        "stranger": voter(far, name="赵远", birth_date=date(1970, 1, 1)),
    }
    for registration_group, person in (
        ("第一村民小组", "father"),
        ("第一村民小组", "son"),
        ("第三村民小组", "daughter"),
    ):
        people[person].registrations.update(group=registration_group)
    return World(cycle, home, next_door, far, township, clerk, people)


def kinship_sheet(rows, header=("甲方身份证号码", "关系", "乙方身份证号码", "依据", "备注")) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            cell.number_format = "@"
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "亲属关系.xlsx"
    return buffer
