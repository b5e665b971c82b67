"""Demo rolls: households and residents in proportion to each village's population, a registered roll,
and a few uploads with the problems clerks really meet (under-age, mistyped IDs, people on two rolls).

Each village's roll is drawn from its own random source (the demo's seed and the village's code), in two
parts, so that the demo answers before its million residents are in:
- the first part, loaded with the rest of the demo (`seed`): the village's first households
  (FIRST_HOUSEHOLDS), whose first heads are its sitting cadres (Party members, whom demo.audits
  evaluates) and whose adults demo.candidates nominates first; enough of them for its mobile box where
  the election night has one (demo.ballots), and the whole roll where it reads the names on it;
- the rest (nine people in ten), which `load_rest` adds village by village afterwards (in `make run` in
  the background, demo.rolls).
The number of registrations of each roll is fixed before either part is drawn (`VillageRoll.registered`):
the rest stops at it, so what reads the size of a roll before the rest is in (the turnout of demo.ballots,
the roll's publication in demo.lifecycle: `registrations`) reads the final figure.

Above 1,000 villages only the first county gets rolls, so province-scale runs stay quick to build.
"""

from __future__ import annotations

import datetime
import functools
import math
from dataclasses import asdict, dataclass
from io import BytesIO
from random import Random

from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone

from demo.ids import id_number
from elections.bulk import allocate_ids, insert_rows
from elections.models import VillageElection
from voters.groups import normalise_group
from voters.models import Household, ImportJob, Resident, Status, VoterRegistration
from voters.rules import VOTING_AGE, latest_birth_date
from voters.services import REGISTRATION_COLUMNS, RESIDENT_COLUMNS, check_import_job

SURNAMES = "王王王李李张张刘陈陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾蒋蔡丁叶余潘杜方金应楼傅"
MALE = "伟强磊军勇杰涛明超刚平辉建国志文华林峰斌波宇浩俊"
FEMALE = "芳娜敏静丽艳娟秀霞英华玲萍红燕梅琴兰云雪莉"
EDUCATION = ["primary"] * 3 + ["junior"] * 4 + ["senior"] * 2 + ["college", "bachelor"]
FULL_ROLL_LIMIT = 1000
FIRST_HOUSEHOLDS = 10  # the first part of every roll
CADRES = 4  # the heads of the first households are Party members: the sitting cadres demo.audits evaluates
MOBILE_SHARE = 0.06  # of a roll, its first part when the village has a mobile box (demo.ballots)
ADULT_SHARE = (0.83, 0.89)  # of the population, on the roll (the share the households drawn here give)
ROLLS_KEY = "rolls"  # ctx.extra: {election id: VillageRoll}
SERIALS_PER_DAY = 499  # GB 11643: 500 order codes per county, birth day and sex


@dataclass
class VillageRoll:
    """What drawing one village's roll needs, and how far its first part went."""

    election_id: int
    cycle_id: int
    village_id: int
    code: str
    day: datetime.date  # the day ages are counted on (the election day when the roll was drawn)
    population: int
    households: int  # the village's number of households (Region.households), for its groups
    groups: int
    registered: int  # the registrations of the whole roll
    first_adults_wanted: int = 0  # at least this many adults in the first part
    first_households: int = 0
    first_people: int = 0
    first_adults: int = 0
    complete: bool = False

    def as_json(self) -> dict:
        return {**asdict(self), "day": self.day.isoformat()}

    @classmethod
    def from_json(cls, data: dict) -> VillageRoll:
        return cls(**{**data, "day": datetime.date.fromisoformat(data["day"])})


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


class Serials:
    """The order codes (GB 11643) already given in each county, birth day and sex, so that no two people
    share an ID number: read from the residents' numbers, so any process that draws a part of the rolls
    (the first here, the rest later, after a restart too) carries on after them."""

    def __init__(self) -> None:
        self.used: dict[tuple[str, datetime.date, str], int] = {}

    @classmethod
    def of(cls, regions: set[str]) -> Serials:
        serials = cls()
        used = serials.used
        for region in sorted(regions):
            numbers = Resident.objects.filter(id_number__startswith=region).values_list(
                "id_number", flat=True
            )
            for number in numbers.iterator(chunk_size=20_000):
                try:
                    born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                    order = int(number[14:17])
                except ValueError:
                    continue
                key = (region, born, "M" if order % 2 else "F")
                used[key] = max(used.get(key, 0), order // 2)
        return serials

    def take(self, region: str, birth: datetime.date, sex: str) -> tuple[datetime.date, str]:
        """The birth day (moved on a day when that day's codes are all given) and a fresh ID number."""
        used = self.used
        while used.get((region, birth, sex), 0) >= SERIALS_PER_DAY:
            birth += datetime.timedelta(days=1)
        serial = used[(region, birth, sex)] = used.get((region, birth, sex), 0) + 1
        return birth, id_number(region, birth, serial, sex)


class RollRows:
    """The rows of the roll parts drawn, written in bulk (elections.bulk) by `write`."""

    def __init__(self, seed: int, serials: Serials) -> None:
        self.seed, self.serials = seed, serials
        self.households: list[tuple] = []
        self.residents: list[list] = []
        self.registrations: list[tuple[VillageRoll, list, str]] = []

    def first_part(self, roll: VillageRoll) -> None:
        """The village's first households (FIRST_HOUSEHOLDS, more when it wants more adults)."""
        rng = Random(f"{self.seed}:roll:{roll.code}")
        made = self._draw(roll, rng, number=0, adults=roll.registered, people=roll.population, first=True)
        roll.first_households, roll.first_people, roll.first_adults = made

    def rest(self, roll: VillageRoll) -> None:
        """The households after the first part, until the roll has its `registered` adults and the village
        (about) its population."""
        rng = Random(f"{self.seed}:roll-rest:{roll.code}")
        self._draw(
            roll,
            rng,
            number=roll.first_households,
            adults=roll.registered - roll.first_adults,
            people=roll.population - roll.first_people,
            first=False,
        )
        roll.complete = True

    def _draw(self, roll, rng: Random, *, number: int, adults: int, people: int, first: bool):
        """Households from number `number + 1` on while adults are wanted (the rest: children only while
        the population lasts); returns (households, people, adults) drawn."""
        day, region, take = roll.day, roll.code[:6], self.serials.take
        of_age = latest_birth_date(day, VOTING_AGE)
        start, made_people, made_adults = number, 0, 0
        while adults > 0:
            if first and number >= FIRST_HOUSEHOLDS and made_adults >= roll.first_adults_wanted:
                break
            number += 1
            group_number = 1 + (number * roll.groups) // max(1, roll.households)
            group = _group(group_number)
            address = f"{group_number}组{number}号"
            household = (number, roll.village_id, roll.code, f"{number:03d}", group, address)
            self.households.append(household)
            surname = rng.choice(SURNAMES)
            head_birth = day - datetime.timedelta(days=rng.randrange(30 * 365, 75 * 365))
            members = [("head", "M" if rng.random() < 0.85 else "F", head_birth, surname)]
            if rng.random() < 0.85:
                members.append(
                    (
                        "spouse",
                        "F" if members[0][1] == "M" else "M",
                        head_birth + datetime.timedelta(days=rng.randrange(-1500, 1500)),
                        None,
                    )
                )
            for _child in range(rng.choice([0, 1, 1, 2, 2, 3])):
                members.append(
                    (
                        "child",
                        rng.choice("MF"),
                        head_birth + datetime.timedelta(days=rng.randrange(20 * 365, 32 * 365)),
                        surname,
                    )
                )
            for relation, sex, birth, family in members:
                adult = birth <= of_age
                if (adult and adults <= 0) or (not adult and people <= 0):
                    continue  # the roll is full: no one more of age; the village is full: no more children
                birth, number_id = take(region, birth, sex)
                adult = birth <= of_age
                member = rng.random() < 0.05 or (relation == "head" and number <= CADRES)
                resident = [
                    None,
                    roll.village_id,
                    roll.code,
                    _name(rng, sex, family),
                    number_id,
                    sex,
                    birth,
                    f"13{rng.randrange(10**8, 10**9)}",
                    address,
                    number,
                    relation,
                    True,
                    member,
                    rng.choice(EDUCATION),
                ]
                self.residents.append(resident)
                made_people += 1
                people -= 1
                if adult:
                    self.registrations.append((roll, resident, group))
                    made_adults += 1
                    adults -= 1
        return number - start, made_people, made_adults

    def write(self, now=None) -> int:
        """Insert the households, residents and registrations drawn; returns the residents written."""
        now = now or timezone.now()
        household_ids = allocate_ids(Household, len(self.households))
        id_of_household = {}
        rows = []
        for hid, (number, village_id, code, hno, group, address) in zip(
            household_ids, self.households, strict=True
        ):
            id_of_household[(village_id, number)] = hid
            rows.append((hid, village_id, code, hno, group, address))
        insert_rows(Household, ("id", "village_id", "division_code", "number", "group", "address"), rows)
        resident_ids = allocate_ids(Resident, len(self.residents))
        for rid, resident in zip(resident_ids, self.residents, strict=True):
            resident[0] = rid
            resident[9] = id_of_household[(resident[1], resident[9])]
        insert_rows(Resident, RESIDENT_COLUMNS, self.residents)
        registration_ids = allocate_ids(VoterRegistration, len(self.registrations))
        insert_rows(
            VoterRegistration,
            REGISTRATION_COLUMNS,
            (
                (
                    reg_id,
                    roll.election_id,
                    roll.cycle_id,
                    r[0],
                    roll.code,
                    group,
                    "hukou_resident",
                    "registered",
                    "",
                    "",
                    now,
                    now,
                )
                for reg_id, (roll, r, group) in zip(registration_ids, self.registrations, strict=True)
            ),
        )
        return len(self.residents)


def village_rolls(ctx, elections: list[VillageElection], seed: int) -> list[VillageRoll]:
    """Each village's roll before it is drawn: its day, and its number of registrations."""
    rolls = []
    for election in elections:
        village = election.village
        share = Random(f"{seed}:registered:{village.code}").uniform(*ADULT_SHARE)
        rolls.append(
            VillageRoll(
                election_id=election.pk,
                cycle_id=election.cycle_id,
                village_id=village.pk,
                code=village.code,
                day=election.election_day or ctx.cycle.ends_on,
                population=village.population,
                households=village.households,
                groups=village.village_groups,
                registered=max(1, round(village.population * share)),
            )
        )
    return rolls


def seed(ctx) -> None:
    """The first part of every roll, and the whole of the rolls the demo shows closely; the rest is left
    to `load_rest`, whose plan (demo.models.DemoLoad) is written here."""
    from demo.lifecycle import plans_of
    from demo.rolls import plan_rest

    if ctx.cycle is None:
        return
    elections = list(
        VillageElection.objects.filter(cycle=ctx.cycle).select_related("village").order_by("division_code")
    )
    if ctx.villages > FULL_ROLL_LIMIT:
        first_county = elections[0].division_code[:6]
        elections = [e for e in elections if e.division_code.startswith(first_county)]
    seed = ctx.rng.getrandbits(48)
    rolls = village_rolls(ctx, elections, seed)
    plans = plans_of(ctx)
    rows = RollRows(seed, Serials.of({r.code[:6] for r in rolls}))
    for roll in rolls:
        special = getattr(plans.get(roll.election_id), "special", "")
        if special and special != "clerk":  # a mobile box, for voters of this part (demo.ballots)
            roll.first_adults_wanted = math.ceil(roll.registered * MOBILE_SHARE) + 5
        rows.first_part(roll)
        if special == "reconciled":  # its names are read for the write-ins (demo.ballots)
            rows.rest(roll)
    rows.write()
    ctx.extra[ROLLS_KEY] = {r.election_id: r for r in rolls}
    plan_rest(seed, rolls)
    _uploads_with_problems(ctx, elections, rows.residents)


def registrations(ctx, election_ids) -> dict[int, int]:
    """The registrations of each roll: those on it now, and those the rest of it will bring (`load_rest`)."""
    ids = list(election_ids)
    counts = dict(
        VoterRegistration.objects.filter(election_id__in=ids, status=Status.REGISTERED)
        .order_by()
        .values("election_id")
        .annotate(n=Count("id"))
        .values_list("election_id", "n")
    )
    rolls = ctx.extra.get(ROLLS_KEY, {})
    for pk in ids:
        roll = rolls.get(pk)
        if roll is not None and not roll.complete:
            counts[pk] = counts.get(pk, 0) + roll.registered - roll.first_adults
    return counts


def load_rest(rolls: list[VillageRoll], seed: int, serials: Serials) -> int:
    """The rest of these villages' rolls; returns the residents written."""
    rows = RollRows(seed, serials)
    for roll in rolls:
        if not roll.complete:
            rows.rest(roll)
    return rows.write()


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
                id_number(region, datetime.date(1988, 4, 2), 401 + index, "M"),
                "男",
                "一组",
                "201",
                "户主",
            ]
        )
        ws.append(
            ["陈小妹", id_number(region, datetime.date(2010, 6, 1), 402, "F"), "女", "一组", "201", "女"]
        )
        wrong = id_number(region, datetime.date(1979, 9, 9), 403, "M")
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
