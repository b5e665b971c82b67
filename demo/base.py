"""Demo data of the ground floor: a province → city → counties → townships → villages tree, a cycle, users.

The places are real: the division codes and names of the statistics bureau's 2023 list for Jinhua
(`demo/data/jinhua-regions-2023.csv`, columns 统计用区划代码, 名称), by default 婺城区 and 金东区 (2
counties, 37 townships, 797 villages and communities). The committee's name in the list (…村委会,
…社区居委会, …村民委员会) is shortened to the village's (…村, …社区). Populations, households, Party members
and groups are generated, deterministic for a given seed. Only a scale beyond the villages of all of
Jinhua (benchmarks: 20,000) falls back to generated place names (`build_synthetic_tree`).
"""

from __future__ import annotations

import csv
import functools
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from random import Random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.utils import timezone

from accounts.roles import Role
from candidates.choices import DepartmentKind
from candidates.defaults import department_name
from elections.bulk import allocate_ids, insert_rows
from elections.models import ElectionCycle, Region, VillageElection
from elections.services import seats_for_population

DEMO_PASSWORD = "Huanjie@2026"
VILLAGES_PER_TOWNSHIP = 15
TOWNSHIPS_PER_COUNTY = 15  # Zhejiang: ~90 counties, ~1,300 townships, ~20,000 villages
COUNTIES_PER_CITY = 10

PROVINCE = ("330000000000", "浙江省")
CITIES = [
    ("3307", "金华市"),
    ("3306", "绍兴市"),
    ("3308", "衢州市"),
    ("3310", "台州市"),
    ("3311", "丽水市"),
    ("3302", "宁波市"),
    ("3303", "温州市"),
    ("3304", "嘉兴市"),
    ("3305", "湖州市"),
    ("3309", "舟山市"),
    ("3301", "杭州市"),
]
JINHUA_COUNTIES = [
    ("02", "婺城区"),
    ("03", "金东区"),
    ("23", "武义县"),
    ("26", "浦江县"),
    ("27", "磐安县"),
    ("81", "兰溪市"),
    ("82", "义乌市"),
    ("83", "东阳市"),
    ("84", "永康市"),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾蒋蔡贾丁魏叶余潘杜戴夏钟汪田任姜方石姚金邵应楼傅"
)
PREFIXES = "上下前后东西南北新老大小里外中"
FEATURES = "溪塘山岭坑坞畈垄湾桥岙源洋湖田塘头口埠店"
SUFFIX_AFTER_SURNAME = ["宅", "家", "店", "畈", "塘", "坞", "村头", "山", "岭", "溪"]
TOWNSHIP_HEADS = "白琅蒋汤罗洋乾竹长莘苏箬塔岭沙安雅孝曹澧傅岭源赤塘鞋江东多湖"
TOWNSHIP_TAILS = "龙溪堂埠山畈阳石上地畈里头湖桥源口"


REGIONS_CSV = Path(__file__).parent / "data" / "jinhua-regions-2023.csv"
DEFAULT_COUNTIES = ("330702", "330703")  # 婺城区, 金东区


@dataclass
class DemoContext:
    """What each app's demo step receives: the random source, the scale, and what earlier steps built.

    `counties`: the 6-digit codes of the real counties to build (every village of them); `villages`, when
    given, takes that many villages instead, spread over the townships of those counties (and of the
    next counties of Jinhua when they have too few)."""

    rng: Random
    villages: int | None = None
    today: date = field(default_factory=date.today)
    counties: tuple[str, ...] = DEFAULT_COUNTIES
    cycle: ElectionCycle | None = None
    users: dict[str, object] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)  # what a later step of one app passes itself


def insert_objects(model, objs: list) -> list:
    """`bulk_create` of unsaved instances through the project's set-based writer (elections.bulk): the
    values as the instances hold them, put in database form here (a date as ISO text, a Decimal as text,
    JSON as text), auto_now(_add) fields that are empty set to now, foreign keys taken from the related
    objects saved before. Unlike bulk_create it writes an auto_now_add field the demo has set (a stage
    change's own date), with no second pass. No signals, as bulk_create. Returns `objs`, with their pks."""
    if not objs:
        return objs
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    ids = allocate_ids(model, len(objs))
    rows = []
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        row = [pk]
        for f in fields:
            value = getattr(obj, f.attname)
            if value is None and f.is_relation:
                related = f.get_cached_value(obj, None)
                value = related.pk if related is not None else None
            if (
                value is None
                and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
                or getattr(f, "auto_now", False)
            ):
                value = now if isinstance(f, models.DateTimeField) else now.date()
            row.append(_db_value(value))
        rows.append(row)
    insert_rows(model, [model._meta.pk.column, *(f.column for f in fields)], rows)
    for obj in objs:
        obj._state.adding = False
    return objs


def _db_value(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def demo_password_hash() -> str:
    """The demo password hashed once for every demo login (a hash costs a quarter of a second by design,
    and the demo has hundreds of logins)."""
    return _password_hash(settings.PASSWORD_HASHERS[0])


@functools.lru_cache(maxsize=4)
def _password_hash(_hasher: str) -> str:
    return make_password(DEMO_PASSWORD)


def _unique_name(rng: Random, make, taken: set[str]) -> str:
    for _attempt in range(50):
        name = make()
        if name not in taken:
            taken.add(name)
            return name
    name = f"{make()}{len(taken)}"
    taken.add(name)
    return name


def _township_name(rng: Random) -> str:
    base = rng.choice(TOWNSHIP_HEADS) + rng.choice(TOWNSHIP_TAILS)
    return base + rng.choices(["镇", "乡", "街道"], weights=[6, 3, 1])[0]


def _village_name(rng: Random, community: bool) -> str:
    pattern = rng.random()
    if pattern < 0.4:
        base = rng.choice(SURNAMES) + rng.choice(SUFFIX_AFTER_SURNAME)
    elif pattern < 0.75:
        base = rng.choice(PREFIXES) + rng.choice(SURNAMES + FEATURES)
    else:
        base = rng.choice(SURNAMES + PREFIXES) + rng.choice(FEATURES)
    return base + ("社区" if community else "村")


def _short_name(name: str, community: bool) -> str:
    """The village's name from its committee's name in the statistics list."""
    for suffix in ("村民委员会", "居民委员会", "村委会", "居委会"):
        if name.endswith(suffix):
            name = name.removesuffix(suffix)
            break
    else:
        return name
    if community:
        return name if name.endswith("社区") else name + "社区"
    return name if name.endswith("村") else name + "村"


def real_places() -> list[tuple[str, str]]:
    with REGIONS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [(code, name) for code, name in rows[1:] if code]


def _chosen_villages(ctx: DemoContext, villages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every village of `ctx.counties`, or `ctx.villages` of them taken in turn from each township (the
    first village of every township, then the second…), in those counties first."""
    wanted = set(ctx.counties)
    if ctx.villages is None:
        return [v for v in villages if v[0][:6] in wanted]
    groups: list[dict[str, list]] = [{}, {}]  # the townships of the counties asked for, then the others
    for village in villages:
        groups[village[0][:6] not in wanted].setdefault(village[0][:9], []).append(village)
    chosen: list[tuple[str, str]] = []
    for townships in groups:
        lists = [townships[k] for k in sorted(townships)]
        turn = 0
        while len(chosen) < ctx.villages and any(turn < len(v) for v in lists):
            chosen += [v[turn] for v in lists if turn < len(v)][: ctx.villages - len(chosen)]
            turn += 1
    return sorted(chosen)


def build_tree(ctx: DemoContext) -> Region:
    """Create the region tree of the real places in bulk; returns the province."""
    places = real_places()
    villages = [(c, n) for c, n in places if c[9:] != "000"]
    if ctx.villages is not None and ctx.villages > len(villages):
        return build_synthetic_tree(ctx)
    rng = ctx.rng
    chosen = _chosen_villages(ctx, villages)
    names = dict(places)
    province = Region.objects.create(code=PROVINCE[0], name=PROVINCE[1], level="province")
    city_code = "330700000000"
    city = Region.objects.create(code=city_code, name=names[city_code], level="city", parent=province)
    counties = Region.objects.bulk_create(
        [
            Region(code=code, name=names[code], level="county", parent=city)
            for code in sorted({v[0][:6].ljust(12, "0") for v in chosen})
        ]
    )
    county_of = {c.code[:6]: c for c in counties}
    townships = Region.objects.bulk_create(
        [
            Region(code=code, name=names[code], level="township", parent=county_of[code[:6]])
            for code in sorted({v[0][:9].ljust(12, "0") for v in chosen})
        ]
    )
    township_of = {t.code[:9]: t for t in townships}
    rows = []
    for code, name in chosen:
        community = int(code[9:]) < 200  # 001–199 residents' committees, 200–399 villagers' (GB/T 10114)
        population = int(rng.lognormvariate(6.7, 0.5)) + 150
        if community:
            population = population * 3 // 2
        rows.append(
            Region(
                code=code,
                name=_short_name(name, community),
                level="village",
                parent=township_of[code[:9]],
                is_community=community,
                population=population,
                households=max(1, round(population / rng.uniform(2.7, 3.4))),
                party_members=max(3, round(population * rng.uniform(0.03, 0.06))),
                village_groups=max(1, round(population / rng.uniform(150, 300))),
                weak_party_organization=rng.random() < 0.05,
            )
        )
    Region.objects.bulk_create(rows, batch_size=5000)
    return province


def build_synthetic_tree(ctx: DemoContext) -> Region:
    """Create a generated region tree for `ctx.villages` villages in bulk (beyond the real places)."""
    rng = ctx.rng
    n_townships = max(20, math.ceil(ctx.villages / VILLAGES_PER_TOWNSHIP))
    n_counties = max(2, math.ceil(n_townships / TOWNSHIPS_PER_COUNTY))
    n_cities = math.ceil(n_counties / COUNTIES_PER_CITY)
    if n_cities > len(CITIES):
        raise ValueError("scale too large for the demo province")
    province = Region.objects.create(code=PROVINCE[0], name=PROVINCE[1], level="province")
    cities = Region.objects.bulk_create(
        [Region(code=c.ljust(12, "0"), name=n, level="city", parent=province) for c, n in CITIES[:n_cities]]
    )
    counties = []
    for i in range(n_counties):
        city = cities[i // COUNTIES_PER_CITY]
        k = i % COUNTIES_PER_CITY
        if city.code.startswith("3307") and k < len(JINHUA_COUNTIES):
            cc, name = JINHUA_COUNTIES[k]
        else:
            cc, name = f"{k + 1:02d}", f"{city.name[:-1]}第{k + 1}县"
        counties.append(
            Region(code=(city.code[:4] + cc).ljust(12, "0"), name=name, level="county", parent=city)
        )
    counties = Region.objects.bulk_create(counties)
    townships = []
    per_county = math.ceil(n_townships / n_counties)
    for county in counties:
        taken: set[str] = set()
        for t in range(per_county):
            if len(townships) >= n_townships:
                break
            townships.append(
                Region(
                    code=f"{county.code[:6]}{t + 1:03d}000",
                    level="township",
                    parent=county,
                    name=_unique_name(rng, lambda: _township_name(rng), taken),
                )
            )
    townships = Region.objects.bulk_create(townships, batch_size=2000)
    villages = []
    per_township = math.ceil(ctx.villages / len(townships))
    for township in townships:
        taken = set()
        is_street = township.name.endswith("街道")
        for v in range(per_township):
            if len(villages) >= ctx.villages:
                break
            community = is_street and rng.random() < 0.6 or rng.random() < 0.04
            population = int(rng.lognormvariate(7.3, 0.55)) + 200
            if community:
                population *= 2
            villages.append(
                Region(
                    code=f"{township.code[:9]}{(200 if community else 100) + v + 1:03d}",
                    name=_unique_name(rng, lambda c=community: _village_name(rng, c), taken),
                    level="village",
                    parent=township,
                    is_community=community,
                    population=population,
                    households=max(1, round(population / rng.uniform(2.7, 3.4))),
                    party_members=max(3, round(population * rng.uniform(0.03, 0.06))),
                    village_groups=max(1, round(population / rng.uniform(150, 300))),
                    weak_party_organization=rng.random() < 0.05,
                )
            )
    Region.objects.bulk_create(villages, batch_size=5000)
    return province


def build_cycle(ctx: DemoContext, province: Region) -> ElectionCycle:
    cycle = ElectionCycle.objects.create(
        name="2026—2027年村（社区）“两委”换届",
        region=province,
        year=2027,
        reference_date=date(2027, 1, 1),
        starts_on=min(date(2026, 11, 1), ctx.today - timedelta(days=120)),
        ends_on=date(2027, 4, 30),
    )
    first_day = date(2027, 1, 9)
    elections = []
    day_of_township: dict[str, date] = {}
    for village in (
        Region.objects.filter(level="village").only("id", "code", "population").iterator(chunk_size=5000)
    ):
        township = village.code[:9]
        if township not in day_of_township:
            day_of_township[township] = first_day + timedelta(days=ctx.rng.randrange(0, 60))
        seats = seats_for_population(village.population)
        elections.append(
            VillageElection(
                cycle=cycle,
                village_id=village.id,
                division_code=village.code,
                election_day=day_of_township[township] + timedelta(days=ctx.rng.choice([0, 0, 1, 2])),
                party_seats=seats,
                committee_seats=seats,
            )
        )
    VillageElection.objects.bulk_create(elections, batch_size=5000)
    return cycle


def _work_township(county: Region) -> Region:
    """The township office's township: the county's township (镇/乡 before 街道) with the most villages,
    so that its villages can stand at every stage."""
    townships = Region.objects.filter(level="township", parent=county).order_by("code")
    sizes = {t.pk: t.children.count() for t in townships}
    return max(townships, key=lambda t: (not t.name.endswith("街道"), sizes[t.pk], -int(t.code)))


CLERK_POPULATION = 4200  # a roll of a few thousand voters


def build_users(ctx: DemoContext) -> dict[str, object]:
    """One demo login per role, inside the first county of the demo: the township office's township has
    villages at every stage, and the clerk's village (its largest, with a few thousand voters) is in the
    villagers' committee election with its roll still to publish (demo.lifecycle.schedule)."""
    User = get_user_model()
    city = Region.objects.filter(level="city").order_by("-code").filter(code__startswith="3307").first()
    city = city or Region.objects.filter(level="city").order_by("code").first()
    county = Region.objects.filter(level="county", parent=city).order_by("code").first()
    township = _work_township(county)
    village = (
        Region.objects.filter(level="village", parent=township, is_community=False)
        .order_by("-population", "code")
        .first()
        or Region.objects.filter(level="village", parent=township).order_by("code").first()
    )
    if village.population < CLERK_POPULATION and ctx.villages and ctx.villages >= 100:
        village.population = CLERK_POPULATION
        village.households = CLERK_POPULATION // 3
        village.party_members = CLERK_POPULATION // 22
        village.village_groups = 16
        village.save(update_fields=["population", "households", "party_members", "village_groups"])
        seats = seats_for_population(village.population)
        VillageElection.objects.filter(village=village).update(party_seats=seats, committee_seats=seats)
    specs = [
        ("admin", "系统管理员", Role.ADMIN, None, ""),
        ("city_reviewer", "市委组织部 刘审核", Role.CITY, city, ""),
        ("county_reviewer", "县委组织部 陈审核", Role.COUNTY, county, ""),
        ("township_office", f"{township.name}换届办 王干事", Role.TOWNSHIP, township, ""),
        ("village_clerk", f"{village.name}选举委员会 李文书", Role.CLERK, village, ""),
        ("department_reviewer", "公安分局 赵警官", Role.DEPARTMENT, county, _police(county)),
    ]
    users = {}
    for username, name, role, region, unit in specs:
        user = User(
            username=username,
            display_name=name,
            role=role,
            region=region,
            unit=unit,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.password = demo_password_hash()
        user.save()
        users[username] = user
    return users


def _police(county: Region) -> str:
    return department_name(DepartmentKind.POLICE, county.name)


def seed(ctx: DemoContext) -> None:
    from demo.lifecycle import schedule

    province = build_tree(ctx)
    ctx.villages = Region.objects.filter(level="village").count()
    ctx.cycle = build_cycle(ctx, province)
    ctx.users = build_users(ctx)
    schedule(ctx)  # election days of the villages that already voted, before the rolls are built
