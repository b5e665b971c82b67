"""Demo rolls: households and residents in proportion to each village's population, a registered roll,
and a few uploads with the problems clerks really meet (under-age, mistyped IDs, people on two rolls).

Above 1,000 villages only the first county gets rolls, so province-scale runs stay quick to build.
"""

from __future__ import annotations

import datetime
import functools
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone

from demo.ids import id_number
from elections.bulk import allocate_ids, insert_rows
from elections.models import VillageElection
from voters.groups import normalise_group
from voters.models import Household, ImportJob, Resident, VoterRegistration
from voters.rules import VOTING_AGE, age_on
from voters.services import REGISTRATION_COLUMNS, RESIDENT_COLUMNS, check_import_job

SURNAMES = "王王王李李张张刘陈陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾蒋蔡丁叶余潘杜方金应楼傅"
MALE = "伟强磊军勇杰涛明超刚平辉建国志文华林峰斌波宇浩俊"
FEMALE = "芳娜敏静丽艳娟秀霞英华玲萍红燕梅琴兰云雪莉"
EDUCATION = ["primary"] * 3 + ["junior"] * 4 + ["senior"] * 2 + ["college", "bachelor"]
FULL_ROLL_LIMIT = 1000


def _id_number(region: str, birth: datetime.date, serial: int, sex: str) -> str:
    return id_number(region, birth, serial, sex)


def _name(rng, sex: str, surname: str | None = None) -> str:
    given = MALE if sex == "M" else FEMALE
    return (
        (surname or rng.choice(SURNAMES))
        + rng.choice(given)
        + (rng.choice(given) if rng.random() < 0.7 else "")
    )


@functools.lru_cache(maxsize=256)
def _group(number: int) -> str:
    """The canonical name of the demo's group `number` (voters.groups: 第一村民小组 …), as an import keeps it."""
    return normalise_group(f"{number}组")


def seed(ctx) -> None:
    if ctx.cycle is None:
        return
    elections = list(
        VillageElection.objects.filter(cycle=ctx.cycle).select_related("village").order_by("division_code")
    )
    if ctx.villages > FULL_ROLL_LIMIT:
        first_county = elections[0].division_code[:6]
        elections = [e for e in elections if e.division_code.startswith(first_county)]
    rng = ctx.rng
    serials: dict[tuple[str, datetime.date, str], int] = {}
    residents, registrations, households = [], [], []
    now = timezone.now()
    for election in elections:
        village = election.village
        day = election.election_day or ctx.cycle.ends_on
        region = village.code[:6]
        members_left = village.population
        number = 0
        while members_left > 0:
            number += 1
            group_number = 1 + (number * village.village_groups) // max(1, village.households)
            group = _group(group_number)
            household = (
                number,
                village.id,
                village.code,
                f"{number:03d}",
                group,
                f"{group_number}组{number}号",
            )
            households.append(household)
            surname = rng.choice(SURNAMES)
            head_birth = day - datetime.timedelta(days=rng.randrange(30 * 365, 75 * 365))
            people = [("head", "M" if rng.random() < 0.85 else "F", head_birth, surname)]
            if rng.random() < 0.85:
                people.append(
                    (
                        "spouse",
                        "F" if people[0][1] == "M" else "M",
                        head_birth + datetime.timedelta(days=rng.randrange(-1500, 1500)),
                        None,
                    )
                )
            for _child in range(rng.choice([0, 1, 1, 2, 2, 3])):
                people.append(
                    (
                        "child",
                        rng.choice("MF"),
                        head_birth + datetime.timedelta(days=rng.randrange(20 * 365, 32 * 365)),
                        surname,
                    )
                )
            for relation, sex, birth, family in people[:members_left]:
                # At most 500 people of one sex per county and birth day have distinct order codes.
                while serials.get((region, birth, sex), 0) >= 499:
                    birth += datetime.timedelta(days=1)
                serial = serials[(region, birth, sex)] = serials.get((region, birth, sex), 0) + 1
                resident = [
                    None,
                    village.id,
                    village.code,
                    _name(rng, sex, family),
                    _id_number(region, birth, serial, sex),
                    sex,
                    birth,
                    f"13{rng.randrange(10**8, 10**9)}",
                    household[5],
                    number,
                    relation,
                    True,
                    rng.random() < 0.05,
                    rng.choice(EDUCATION),
                ]
                residents.append(resident)
                if age_on(birth, day) >= VOTING_AGE:
                    registrations.append((election, resident, group))
            members_left -= len(people)
    household_ids = allocate_ids(Household, len(households))
    id_of_household = {}
    rows = []
    for hid, (number, village_id, code, hno, group, address) in zip(household_ids, households, strict=True):
        id_of_household[(village_id, number)] = hid
        rows.append((hid, village_id, code, hno, group, address))
    insert_rows(Household, ("id", "village_id", "division_code", "number", "group", "address"), rows)
    resident_ids = allocate_ids(Resident, len(residents))
    for rid, resident in zip(resident_ids, residents, strict=True):
        resident[0] = rid
        resident[9] = id_of_household[(resident[1], resident[9])]
    insert_rows(Resident, RESIDENT_COLUMNS, residents)
    registration_ids = allocate_ids(VoterRegistration, len(registrations))
    insert_rows(
        VoterRegistration,
        REGISTRATION_COLUMNS,
        (
            (
                reg_id,
                e.id,
                e.cycle_id,
                r[0],
                e.division_code,
                group,
                "hukou_resident",
                "registered",
                "",
                "",
                now,
                now,
            )
            for reg_id, (e, r, group) in zip(registration_ids, registrations, strict=True)
        ),
    )
    _uploads_with_problems(ctx, elections, residents)


def _uploads_with_problems(ctx, elections, residents) -> None:
    """Three checked uploads awaiting confirmation: under-age, mistyped numbers, people on another roll."""
    from openpyxl import Workbook

    clerk = ctx.users.get("village_clerk")
    if clerk is None or len(elections) < 4:
        return
    others = [r for r in residents if r[2] != clerk.region.code][:3]
    for index, election in enumerate([e for e in elections if e.village_id == clerk.region_id][:1]):
        wb = Workbook()
        ws = wb.active
        ws.append([f"{election.village.name}选民登记表"])
        ws.append(["姓名", "身份证号码", "性别", "村民小组", "户号", "与户主关系"])
        region = election.division_code[:6]
        ws.append(
            [
                "陈新来",
                _id_number(region, datetime.date(1988, 4, 2), 401 + index, "M"),
                "男",
                "一组",
                "201",
                "户主",
            ]
        )
        ws.append(
            ["陈小妹", _id_number(region, datetime.date(2010, 6, 1), 402, "F"), "女", "一组", "201", "女"]
        )
        wrong = _id_number(region, datetime.date(1979, 9, 9), 403, "M")
        ws.append(["吴错号", wrong[:-1] + ("0" if wrong[-1] != "0" else "1"), "男", "二组", "202", "户主"])
        for other in others:  # registered in a neighbouring village already
            ws.append([other[3], other[4], "男" if other[5] == "M" else "女", "二组", "203", "其他"])
        buffer = BytesIO()
        wb.save(buffer)
        job = ImportJob(
            election=election,
            division_code=election.division_code,
            original_name="补充登记.xlsx",
            sha256="demo",
            uploaded_by=clerk,
        )
        job.file.save(f"demo-{election.division_code}.xlsx", ContentFile(buffer.getvalue()), save=False)
        job.save()
        check_import_job(job_id=job.pk)
