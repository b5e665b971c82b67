"""Demo nominations in every demo village, at every step of the vetting, in bulk.

Each village gets Party, villagers' committee and supervision nominees, its outgoing team and its election
committee's vote, then is taken to a random step: just nominated, first review done, with the departments,
or fully vetted with its lists chosen. The rules then give realistic outcomes: over-age secretaries
needing (or having) the county's approval, spouses among the nominees, a failed police review, an
accountant nominated for the supervision committee, an election-committee member who must withdraw.

Nominees are the village's residents when the voters demo has made some; otherwise they are created
here, with valid ID numbers. Villages of the first DETAIL_COUNTIES counties (where the demo logins work)
get everything; elsewhere the negative list, inspections and commitments are left for later and the
departments asked are fewer, which keeps a 20,000-village province to a few hundred thousand rows each.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from random import Random
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone

from accounts.roles import Role
from candidates import codes, rules, services
from candidates.choices import (
    BODY_OF_POSITION,
    ApprovalState,
    DepartmentKind,
    NominationState,
    Position,
    ReviewKind,
    Source,
    Verdict,
    VillagePost,
)
from candidates.defaults import DEPARTMENTS, department_name
from candidates.models import (
    Approval,
    Commitments,
    ElectionCommitteeMember,
    Inspection,
    NegativeListAnswer,
    NegativeListItem,
    Nomination,
    PreviousTermMember,
    QualificationReview,
    ReviewUnit,
)
from candidates.selectors import PreviousTerm
from demo.base import SURNAMES, DemoContext, demo_password_hash
from demo.ids import id_number
from demo.lifecycle import plans_of
from elections.bulk import allocate_ids, insert_rows
from elections.models import Region, Stage, VillageElection
from lifecycle.progress import STAGE_INDEX
from voters.models import Kinship, Resident, VoterRegistration
from voters.services import REGISTRATION_COLUMNS

DETAIL_COUNTIES = 2
DETAIL_VILLAGES = 1000
LIGHT_DEPARTMENTS = (
    DepartmentKind.DISCIPLINE,
    DepartmentKind.POLICE,
    DepartmentKind.PETITIONS,
)
STAGES = ("nominated", "first_review", "departments", "vetted")
STAGE_WEIGHTS = (20, 20, 35, 25)
BATCH = 5000
MALE_GIVEN = "伟强军建国明华平俊杰志刚海涛斌林峰勇超辉永国庆德文良松"
FEMALE_GIVEN = "芳红霞丽娟英敏静燕玲萍秀梅兰琴云凤洁慧"
EDUCATION = ("junior", "senior", "senior", "college", "college", "bachelor")
FAILURE_NOTES = {
    DepartmentKind.POLICE: "2019年因聚众赌博受到行政拘留处罚",
    DepartmentKind.NATURAL_RESOURCES: "2022年违法占用耕地建房，至今未整改",
    DepartmentKind.PETITIONS: "组织参与集体上访，影响社会稳定",
    DepartmentKind.COURT: "被列为失信被执行人",
}


@dataclass
class Person:
    name: str
    sex: str
    birth_date: datetime.date
    education: str
    party_member: bool
    resident_id: int | None = None


@dataclass
class Entry:
    person: Person
    position: str
    votes: int
    village_post: str = ""
    incumbent: bool = False
    nomination_id: int | None = None
    state: str = NominationState.NOMINATED
    listed_by_rule: bool = False
    proposed: bool = False


@dataclass
class Plan:
    election_id: int
    code: str
    seats: dict
    stage: str
    detail: bool
    entries: list[Entry] = field(default_factory=list)
    retiring: list[tuple[Person, str, str]] = field(default_factory=list)
    committee_vote: list[tuple[Person, int, bool]] = field(default_factory=list)
    spouses: tuple[Person, Person] | None = None
    clean: bool = False  # a village whose lists were published: every nominee's vetting is settled
    held: bool = False  # the county's first village with the departments: one nominee waits for each of them


def _vetting_stage(rng: Random, village) -> tuple[str, bool]:
    """How far the vetting went, from the village's stage (demo.lifecycle): nominations only in
    preparation; any step in the Party election; lists chosen from the villagers' committee election on
    (their vetting settled: no pending review or approval, so the lists could be published)."""
    if village is None:
        return rng.choices(STAGES, STAGE_WEIGHTS)[0], False
    if village.stage in (Stage.PREPARATION, Stage.POSTPONED):
        return rng.choices(STAGES[:2], (60, 40))[0], False
    if village.stage == Stage.PARTY_ELECTION:
        return rng.choices(STAGES[1:], (20, 50, 30))[0], False
    return "vetted", True


def _keep_to_the_stage(plan: Plan, village) -> None:
    """Only the nominations the village's stage allows (elections.permits, DOMAIN.md): none before the
    Party election starts (its recommendation opens the nominations), the Party committee's alone in the
    Party election (the villagers nominate theirs in the villagers' committee election), every body's
    from then on. So every request in a department's inbox is one it can answer today."""
    if village is None:
        return
    if village.stage in (Stage.PREPARATION, Stage.POSTPONED):
        plan.entries = []
    elif village.stage == Stage.PARTY_ELECTION:
        plan.entries = [e for e in plan.entries if BODY_OF_POSITION[e.position] == "party"]
    kept = {id(e.person) for e in plan.entries}
    if plan.spouses and not all(id(p) in kept for p in plan.spouses):
        plan.spouses = None


def _demote_unlisted(ctx, listed: dict[int, set[str]]) -> None:
    """A village whose lists the rules did not let the township draw up cannot have voted on them."""
    for election_id, plan in plans_of(ctx).items():
        bodies = listed.get(election_id, set())
        if plan.index >= STAGE_INDEX[Stage.COMMITTEE_ELECTION] and "party" not in bodies:
            plan.demote_to_party_election()
        elif (plan.formal_on or plan.polled) and "committee" not in bodies:
            plan.demote_to_committee_election(ctx.today)


def _insert(model, columns: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """Insert plain tuples with the project's set-based writer (elections.bulk); with `returning`, the
    rows get fresh ids first, which are returned so that later rows can point at them."""
    if not rows:
        return []
    if not returning:
        insert_rows(model, columns, rows)
        return []
    ids = allocate_ids(model, len(rows))
    insert_rows(
        model, [model._meta.pk.column, *columns], [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
    )
    return ids


def _db(value):
    """A value as the database takes it: dates and times as the backend stores them (ISO text for
    PostgreSQL, whose COPY would otherwise format the same instant once per row), JSON as text."""
    if isinstance(value, datetime.date):
        if connection.vendor == "postgresql":
            return value.isoformat()
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def seed(ctx: DemoContext) -> None:
    cycle = ctx.cycle
    if cycle is None:
        return
    rng = Random(ctx.rng.random())
    thresholds = services.ensure_rule_settings(cycle=cycle).thresholds()
    counties = list(Region.objects.filter(level="county").order_by("code"))
    units = _review_units(counties)
    elections = list(
        VillageElection.objects.filter(cycle=cycle)
        .order_by("division_code")
        .values_list("id", "division_code", "party_seats", "committee_seats", "supervision_seats")
    )
    # Everything in a small demo; at a province's scale, the counties where the demo logins work.
    if len(elections) <= DETAIL_VILLAGES:
        detail = {c.code[:6] for c in counties}
    else:
        regions = [getattr(u, "region", None) for u in ctx.users.values()]
        detail = {
            r.code[:6] for r in regions if r is not None and r.level in ("county", "township", "village")
        }
        detail = detail or {c.code[:6] for c in counties[:DETAIL_COUNTIES]}
    _department_users(rng, units, detail, counties={c.code[:6] for c in counties})
    stages = plans_of(ctx)
    asked: set[str] = set()
    pools = _resident_pools(thresholds.reference_date)
    plans = []
    for election_id, code, party, committee, supervision in elections:
        seats = {"party": party, "committee": committee, "supervision": supervision}
        village = stages.get(election_id)
        stage, clean = _vetting_stage(rng, village)
        held = village is not None and village.stage == Stage.PARTY_ELECTION and code[:6] not in asked
        if held:
            stage = "departments"  # each county's departments have requests waiting for them
        if stage == "departments":
            asked.add(code[:6])
        plan = Plan(election_id, code, seats, stage, code[:6] in detail, clean=clean, held=held)
        _cast(rng, plan, thresholds, pools.get(code))
        _keep_to_the_stage(plan, village)
        plans.append(plan)
    _create_residents(rng, plans)
    _create_nominations(plans)
    _create_village_records(plans, ctx)
    _vet(rng, plans, units, thresholds, cycle, ctx)


# --- People ------------------------------------------------------------------------------------------


def _review_units(counties: list[Region]) -> dict[str, list[ReviewUnit]]:
    """Every county's default departments, plus the unit of each demo department user."""
    ReviewUnit.objects.bulk_create(
        [
            ReviewUnit(region=county, kind=kind, name=department_name(kind, county.name), order=i)
            for county in counties
            for i, (kind, _template) in enumerate(DEPARTMENTS)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    for user in (
        get_user_model().objects.filter(role=Role.DEPARTMENT).exclude(unit="").select_related("region")
    ):
        county = Region.objects.filter(code=user.region.code[:6].ljust(12, "0")).first()
        if county is not None:
            ReviewUnit.objects.get_or_create(
                region=county, name=user.unit, defaults={"kind": DepartmentKind.POLICE, "order": 1}
            )
    units = defaultdict(list)
    for unit in (
        ReviewUnit.objects.filter(region__in=counties).select_related("region").order_by("order", "id")
    ):
        units[unit.region.code[:6]].append(unit)
    return units


def _department_users(
    rng: Random, units: dict[str, list[ReviewUnit]], detail: set[str], *, counties: set[str]
) -> None:
    """A reviewer for each department the demo's requests are addressed to, so that every verdict has a
    person behind it ("谁审核、谁负责") and every inbox its login: all the departments of the detailed
    counties, the fewer asked elsewhere (LIGHT_DEPARTMENTS). In the demo logins' county `dept_<kind>`
    (dept_police, dept_court…), elsewhere `dept_<kind>_<county>`; they share the demo password, hashed
    once."""
    User = get_user_model()
    home = User.objects.filter(username="department_reviewer").select_related("region").first()
    home_county = home.region.code[:6] if home is not None and home.region else min(detail, default="")
    password = demo_password_hash()
    users = []
    for code in sorted(counties):
        for unit in units.get(code, []):
            if code not in detail and unit.kind not in LIGHT_DEPARTMENTS:
                continue
            short = unit.name.removeprefix(unit.region.name)
            users.append(
                User(
                    username=f"dept_{unit.kind}" if code == home_county else f"dept_{unit.kind}_{code}",
                    display_name=f"{short} {rng.choice(SURNAMES)}审核员",
                    role=Role.DEPARTMENT,
                    region=unit.region,
                    unit=unit.name,
                    password=password,
                )
            )
    User.objects.bulk_create(users, ignore_conflicts=True)


def _resident_pools(reference: datetime.date) -> dict[str, list[Person]]:
    """Up to 60 adults (22 to 64 at the reference date) of each village that has residents already."""
    if not Resident.objects.exists():
        return {}
    rows = (
        Resident.objects.filter(
            birth_date__gt=rules.years_before(reference, 65),
            birth_date__lte=rules.years_before(reference, 22),
        )
        .annotate(rank=Window(RowNumber(), partition_by=[F("division_code")], order_by=F("id").asc()))
        .filter(rank__lte=60)
        .values_list("division_code", "id", "name", "sex", "birth_date", "education", "party_member")
    )
    pools = defaultdict(list)
    for code, pk, name, sex, born, education, party in rows.iterator(chunk_size=BATCH):
        pools[code].append(Person(name, sex, born, education, party, pk))
    return pools


def _new_person(
    rng: Random, reference: datetime.date, *, sex: str, age: tuple[int, int], party: bool
) -> Person:
    given = MALE_GIVEN if sex == "M" else FEMALE_GIVEN
    name = rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
    born = rules.years_before(reference, rng.randint(*age)) - datetime.timedelta(days=rng.randint(1, 360))
    education = rng.choice(EDUCATION[:4] if age[0] > 45 else EDUCATION[1:])
    return Person(name, sex, born, education, party)


class _Picker:
    """New people, or people taken from the village's residents when it has some."""

    def __init__(self, rng: Random, reference: datetime.date, pool: list[Person] | None):
        self.rng, self.reference = rng, reference
        self.pool = list(pool or [])
        rng.shuffle(self.pool)

    def take(self, *, sex: str, age: tuple[int, int], party: bool) -> Person:
        low, high = age
        for i, person in enumerate(self.pool):
            fits = person.sex == sex and (person.party_member or not party)
            if fits and low <= rules.age_on(person.birth_date, self.reference) <= high:
                return self.pool.pop(i)
        return _new_person(self.rng, self.reference, sex=sex, age=age, party=party)


def _cast(rng: Random, plan: Plan, t: rules.Thresholds, pool: list[Person] | None) -> None:
    """The village's nominees, outgoing team and election-committee vote."""
    pick = _Picker(rng, t.reference_date, pool)
    entries = plan.entries
    old_secretary = rng.random() < 0.1
    sitting = old_secretary or rng.random() < 0.75
    age = (61, 63) if old_secretary else (38, 58) if sitting else (32, 45)
    secretary = pick.take(sex="M" if rng.random() < 0.9 else "F", age=age, party=True)
    entries.append(Entry(secretary, Position.SECRETARY, rng.randint(40, 90), incumbent=sitting))
    deputy = pick.take(sex=rng.choice("MMF"), age=(33, 54), party=True)
    entries.append(
        Entry(deputy, Position.DEPUTY_SECRETARY, rng.randint(30, 80), incumbent=rng.random() < 0.5)
    )
    party_count = rules.minimum_initial_candidates(plan.seats["party"], t) + rng.choice((0, 0, 1))
    for _ in range(party_count - 2):
        member = pick.take(sex=rng.choice("MMF"), age=(26, 55), party=True)
        entries.append(
            Entry(member, Position.PARTY_MEMBER, rng.randint(10, 70), incumbent=rng.random() < 0.3)
        )
    party_members = [e.person for e in entries[2:]]
    rng.shuffle(party_members)
    # The villagers' committee, two candidates for chair: the secretary in most villages (一肩挑); Party
    # members stand for it too (交叉任职); at least one woman.
    chair = secretary if rng.random() < 0.75 else pick.take(sex="M", age=(35, 55), party=rng.random() < 0.6)
    entries.append(Entry(chair, Position.CHAIR, rng.randint(300, 600), incumbent=chair is secretary))
    rival = pick.take(sex=rng.choice("MMF"), age=(30, 47), party=rng.random() < 0.5)
    entries.append(Entry(rival, Position.CHAIR, rng.randint(100, 300)))
    vice = pick.take(sex="M", age=(30, 54), party=rng.random() < 0.5)
    entries.append(Entry(vice, Position.VICE_CHAIR, rng.randint(150, 450)))
    woman_votes = rng.randint(20, 60) if rng.random() < 0.1 else rng.randint(150, 400)
    woman = pick.take(sex="F", age=(27, 48), party=rng.random() < 0.4)
    entries.append(Entry(woman, Position.COMMITTEE_MEMBER, woman_votes))
    for _ in range(plan.seats["committee"] - 2 + rng.choice((0, 1))):
        if party_members and rng.random() < 0.7:
            member = party_members.pop()
        else:
            member = pick.take(sex=rng.choice("MMMF"), age=(25, 55), party=rng.random() < 0.3)
        entries.append(Entry(member, Position.COMMITTEE_MEMBER, rng.randint(100, 400)))
    # The supervision committee: its chair a Party member; now and then the village accountant.
    for i in range(plan.seats["supervision"]):
        member = pick.take(sex=rng.choice("MF"), age=(35, 62), party=i == 0)
        post = VillagePost.ACCOUNTANT if i == 1 and rng.random() < 0.08 else ""
        position = Position.SUPERVISION_CHAIR if i == 0 else Position.SUPERVISION_MEMBER
        entries.append(Entry(member, position, rng.randint(50, 200), village_post=post))
    # The outgoing team: the incumbents among the nominees and two or three who retire.
    for _ in range(rng.choice((2, 3))):
        person = _new_person(rng, t.reference_date, sex=rng.choice("MMF"), age=(55, 68), party=True)
        plan.retiring.append((person, rng.choice((Position.PARTY_MEMBER, "")), Position.COMMITTEE_MEMBER))
    # The election committee's vote: seven people, five seated, drawn from Party and supervision nominees
    # who do not stand for the villagers' committee; sometimes a committee nominee among them.
    standing = {id(e.person) for e in entries if BODY_OF_POSITION[e.position] == "committee"}
    vote = list({id(e.person): e.person for e in entries[1:] if id(e.person) not in standing}.values())[:7]
    rng.shuffle(vote)
    vote += [
        pick.take(sex=rng.choice("MF"), age=(30, 65), party=rng.random() < 0.5) for _ in range(7 - len(vote))
    ]
    if rng.random() < 0.04:
        vote[2] = entries[-plan.seats["supervision"] - 1].person
    for rank, person in enumerate(vote):
        plan.committee_vote.append((person, 120 - rank * 9 - rng.randint(0, 5), rank < 5))
    if rng.random() < 0.05:
        plan.spouses = (entries[-plan.seats["supervision"] - 1].person, entries[2].person)


def _id_numbers(rng: Random, people: list[tuple[str, Person]]) -> list[str]:
    """Valid, unused GB 11643 numbers for new people (region of their county, their birth date and sex):
    numbers already held by residents are skipped, checking again until none collides."""
    used: dict[tuple[str, datetime.date, str], int] = defaultdict(int)

    def fresh(i: int) -> str:
        code, person = people[i]
        key = (code[:6], person.birth_date, person.sex)
        used[key] += 1
        return _id_number(key, used[key])

    numbers = [fresh(i) for i in range(len(people))]
    # Only numbers of a region that existing residents' numbers use can collide.
    regions = set(
        Resident.objects.annotate(region=Substr("id_number", 1, 6))
        .values_list("region", flat=True)
        .distinct()
    )
    pending = [i for i, number in enumerate(numbers) if number[:6] in regions]
    while pending:
        wanted = [numbers[i] for i in pending]
        taken = set()
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            taken.update(Resident.objects.filter(id_number__in=chunk).values_list("id_number", flat=True))
        pending = [i for i in pending if numbers[i] in taken]
        for i in pending:
            numbers[i] = fresh(i)
    return numbers


def _id_number(key: tuple[str, datetime.date, str], serial: int) -> str:
    """The serial-th number of a region, birth date and sex (demo.ids: 500 per key)."""
    region, born, sex = key
    return id_number(region, born, serial, sex)


def _create_residents(rng: Random, plans: list[Plan]) -> None:
    new: list[tuple[str, Person]] = []
    made_for: list[Plan] = []  # the plan each new person was made for, beside `new`
    seen = set()
    for plan in plans:
        people = [e.person for e in plan.entries] + [p for p, _v, _s in plan.committee_vote]
        for person in people:
            if person.resident_id is None and id(person) not in seen:
                seen.add(id(person))
                new.append((plan.code, person))
                made_for.append(plan)
    numbers = _id_numbers(rng, new)
    villages = dict(Region.objects.filter(level="village").values_list("code", "id"))
    columns = ["village_id", "division_code", "name", "id_number", "sex", "birth_date", "phone", "address"]
    columns += ["relation_to_head", "has_hukou", "party_member", "education"]
    ids = _insert(
        Resident,
        columns,
        [
            (
                villages[code],
                code,
                p.name,
                number,
                p.sex,
                _db(p.birth_date),
                "",
                "",
                "",
                True,
                p.party_member,
                p.education,
            )
            for (code, p), number in zip(new, numbers, strict=True)
        ],
        returning=True,
    )
    for (_code, person), pk in zip(new, ids, strict=True):
        person.resident_id = pk
    _register_new_nominees(list(zip(made_for, (p for _c, p in new), strict=True)))


def _register_new_nominees(made: list[tuple[Plan, Person]]) -> None:
    """The people made here stand for the villagers' or the supervision committee only from the village's
    roll (candidates.selectors.eligible_residents): each goes on the roll of the election it was made for,
    as the roll's own builder registers every adult (demo.voters)."""
    cycles = dict(
        VillageElection.objects.filter(pk__in={p.election_id for p, _ in made}).values_list("id", "cycle_id")
    )
    now = timezone.now()
    ids = allocate_ids(VoterRegistration, len(made))
    insert_rows(
        VoterRegistration,
        REGISTRATION_COLUMNS,
        (
            (
                pk,
                p.election_id,
                cycles[p.election_id],
                person.resident_id,
                p.code,
                "",
                "hukou_resident",
                "registered",
                "",
                "",
                now,
                now,
            )
            for pk, (p, person) in zip(ids, made, strict=True)
        ),
    )


# --- Nominations and the village's records -----------------------------------------------------------


def _create_nominations(plans: list[Plan]) -> None:
    rows, entries = [], []
    now = _db(timezone.now())
    for plan in plans:
        for entry in plan.entries:
            body = BODY_OF_POSITION[entry.position]
            source = {
                "party": Source.PARTY_MEMBERS if entry.votes > 25 else Source.VILLAGERS,
                "committee": Source.DIRECT,
                "supervision": Source.VILLAGERS,
            }[body]
            nominators = entry.votes if source == Source.DIRECT else None
            rows.append(
                (
                    plan.election_id,
                    plan.code,
                    entry.person.resident_id,
                    body,
                    entry.position,
                    source,
                    nominators,
                )
                + (
                    entry.votes,
                    entry.village_post,
                    NominationState.NOMINATED,
                    False,
                    False,
                    False,
                    "",
                    now,
                    now,
                )
            )
            entries.append(entry)
    columns = [
        "election_id",
        "division_code",
        "resident_id",
        "body",
        "position",
        "source",
        "nominators",
        "votes",
    ]
    columns += ["village_post", "state", "listed_by_rule", "proposed", "elected", "withdrawal_reason"]
    columns += ["created_at", "updated_at"]
    for entry, pk in zip(entries, _insert(Nomination, columns, rows, returning=True), strict=True):
        entry.nomination_id = pk


def _create_village_records(plans: list[Plan], ctx: DemoContext) -> None:
    clerk = ctx.users.get("township_office") or get_user_model().objects.filter(is_superuser=True).first()
    previous, votes, kin = [], [], []
    for plan in plans:
        incumbents: dict[int, list] = {}
        for entry in plan.entries:
            body = BODY_OF_POSITION[entry.position]
            if entry.incumbent and body != "supervision":
                posts = incumbents.setdefault(entry.person.resident_id, [entry.person, "", ""])
                posts[1 if body == "party" else 2] = entry.position
        team = [
            (person, resident_id, party, committee)
            for resident_id, (person, party, committee) in incumbents.items()
        ]
        team += [(person, None, party, committee) for person, party, committee in plan.retiring]
        for person, resident_id, party, committee in team:
            committee = committee or ("" if party else Position.COMMITTEE_MEMBER)
            previous.append(
                (plan.code, plan.election_id, resident_id, person.name, person.sex, _db(person.birth_date))
                + (person.education, person.party_member, party, committee)
            )
        top = max(count for _p, count, _s in plan.committee_vote)
        for person, count, seated in plan.committee_vote:
            role = ElectionCommitteeMember.Role.CHAIR if count == top else ElectionCommitteeMember.Role.MEMBER
            votes.append((plan.code, plan.election_id, person.resident_id, count, seated, role, "", clerk.pk))
        if plan.spouses and plan.spouses[0].resident_id != plan.spouses[1].resident_id:
            a, b = plan.spouses
            kin.append((a.resident_id, b.resident_id, "spouse", "manual", plan.code, ""))
    _insert(
        PreviousTermMember,
        [
            "division_code",
            "election_id",
            "resident_id",
            "name",
            "sex",
            "birth_date",
            "education",
            "party_member",
        ]
        + ["party_position", "committee_position"],
        previous,
    )
    _insert(
        ElectionCommitteeMember,
        ["division_code", "election_id", "resident_id", "votes", "seated", "role", "withdrawal_reason"]
        + ["recorded_by_id"],
        votes,
    )
    # A link not read from a household rests on a basis (voters.Kinship: kinship_recorded_has_basis).
    kin = [(*k, "" if k[3] == Kinship.Source.HOUSEHOLD else Kinship.Basis.COMMITTEE_CERTIFICATE) for k in kin]
    _insert(
        Kinship, ["person_id", "relative_id", "relation", "source", "division_code", "note", "basis"], kin
    )


# --- Vetting -----------------------------------------------------------------------------------------


def _vet(rng: Random, plans, units, t: rules.Thresholds, cycle, ctx: DemoContext) -> None:
    """Take each village to its step: first reviews, department reviews (some still pending, a few
    failed), and in fully vetted villages the negative list, inspection, commitments and approvals."""
    User = get_user_model()
    township = ctx.users.get("township_office") or User.objects.filter(is_superuser=True).first()
    county_user = ctx.users.get("county_reviewer")
    now = _db(timezone.now())
    reviewers = {u.unit: u.pk for u in User.objects.filter(role=Role.DEPARTMENT).exclude(unit="")}
    items = list(NegativeListItem.objects.filter(cycle=cycle, region_id=cycle.region_id).order_by("number"))
    township_names = dict(Region.objects.filter(level="township").values_list("code", "name"))
    reviews, answers, approvals, inspections, commitments = [], [], [], [], []
    for plan in plans:
        if plan.stage == "nominated":
            continue
        county_units = units.get(plan.code[:6], [])
        if not plan.detail:
            county_units = [u for u in county_units if u.kind in LIGHT_DEPARTMENTS]
        township_name = township_names.get(plan.code[:9] + "000", "")
        for entry in plan.entries:
            nomination = entry.nomination_id
            failed = not plan.clean and rng.random() < 0.02
            note = "群众反映道德品行较差，经核实属实" if failed else ""
            verdict = Verdict.FAILED if failed else Verdict.PASSED
            reviews.append(
                (plan.code, nomination, ReviewKind.TOWNSHIP, township_name, verdict, note, township.pk, now)
                + (township.pk, township_name, now)
            )
            if failed or plan.stage == "first_review":
                continue
            light_supervision = not plan.detail and BODY_OF_POSITION[entry.position] == "supervision"
            holding, plan.held = plan.held, False  # this nominee waits for every department asked
            for unit in () if light_supervision else county_units:
                answered = plan.stage == "vetted" or (rng.random() < 0.6 and not holding)
                if answered:
                    fails = not plan.clean and unit.kind in FAILURE_NOTES and rng.random() < 0.01
                    verdict = Verdict.FAILED if fails else Verdict.PASSED
                    decided = (reviewers.get(unit.name, township.pk), unit.name, now)
                else:
                    fails, verdict, decided = False, Verdict.PENDING, (None, "", None)
                note = FAILURE_NOTES[unit.kind] if fails else ""
                reviews.append(
                    (plan.code, nomination, ReviewKind.DEPARTMENT, unit.name, verdict, note, township.pk, now)
                    + decided
                )
            if plan.stage != "vetted":
                continue
            if plan.detail:
                hit = rng.random() < 0.01
                for item in items:
                    evidence = (
                        "2021年违法建房未拆除（自然资源局核查）"
                        if hit and item.number == 7
                        else "经相关部门核查，无此情形"
                    )
                    source = "visit" if hit and item.number == 7 else "department"
                    answers.append(
                        (
                            plan.code,
                            nomination,
                            item.pk,
                            hit and item.number == 7,
                            source,
                            evidence,
                            township.pk,
                            now,
                        )
                    )
                inspections.append(
                    (
                        plan.code,
                        nomination,
                        rng.randint(82, 99),
                        rng.randint(12, 30),
                        True,
                        "suitable",
                        "",
                        township.pk,
                        now,
                    )
                )
                signed = _db(ctx.today - datetime.timedelta(days=rng.randint(1, 20)))
                resignation = signed if rng.random() < 0.9 else None
                commitments.append(
                    (plan.code, nomination, signed, signed, signed, resignation, township.pk, now)
                )
            approvals += _approvals(rng, plan, entry, t, township, county_user, now)
        if plan.stage == "departments":
            for entry in plan.entries:
                if rng.random() < 0.3:
                    approvals += [a for a in _approvals(rng, plan, entry, t, township, None, now)]
    _insert(
        QualificationReview,
        [
            "division_code",
            "nomination_id",
            "kind",
            "unit",
            "verdict",
            "note",
            "requested_by_id",
            "requested_at",
        ]
        + ["reviewer_id", "reviewer_unit", "decided_at"],
        reviews,
    )
    _insert(
        NegativeListAnswer,
        ["division_code", "nomination_id", "item_id", "hit", "source", "evidence"]
        + ["answered_by_id", "answered_at"],
        answers,
    )
    _insert(
        Approval,
        ["division_code", "nomination_id", "code", "params", "justification", "state", "requested_by_id"]
        + ["requested_at", "decided_by_id", "decided_at", "decision_note"],
        approvals,
    )
    _insert(
        Inspection,
        [
            "division_code",
            "nomination_id",
            "evaluation_score",
            "interviews",
            "site_visit",
            "conclusion",
            "remarks",
        ]
        + ["inspected_by_id", "inspected_at"],
        inspections,
    )
    _insert(
        Commitments,
        ["division_code", "nomination_id", "pledge_signed_on", "campaign_signed_on", "work_signed_on"]
        + ["resignation_signed_on", "recorded_by_id", "recorded_at"],
        commitments,
    )
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner reads the just-loaded tables as empty.
        with connection.cursor() as cursor:
            for model in (
                Nomination,
                QualificationReview,
                NegativeListAnswer,
                Approval,
                Inspection,
                Commitments,
            ):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    listed = _choose_lists([p for p in plans if p.stage == "vetted" and p.detail])
    _demote_unlisted(ctx, listed)


JUSTIFICATIONS = {
    codes.HEAD_OVER_AGE: "现任书记身体健康、表现优秀，群众公认度高，经镇党委研究拟继续提名",
    codes.NEW_HEAD_OVER_AGE: "本村致富带头人，群众基础好，暂无更年轻的合适人选",
    codes.DEPUTY_OVER_AGE: "熟悉村务，分管工作成效明显，拟继续提名",
}


def _approvals(rng, plan: Plan, entry: Entry, t: rules.Thresholds, township, county_user, now) -> list[tuple]:
    """The township asks the county to approve the nominee's "in principle" age breaches; the county has
    answered half of them (when `county_user` is given)."""
    person = entry.person
    facts = rules.Nominee(
        id=0,
        person=0,
        name=person.name,
        sex=person.sex,
        birth_date=person.birth_date,
        position=entry.position,
        education=person.education,
        party_member=person.party_member,
        is_new=not entry.incumbent,
        was_head=entry.incumbent and entry.position in (Position.SECRETARY, Position.CHAIR),
    )
    rows = []
    for finding in rules.age_findings(facts, t):
        if finding.code not in codes.APPROVABLE:
            continue
        approved = county_user is not None and (plan.clean or rng.random() < 0.5)
        decision = (county_user.pk, now, "同意继续提名") if approved else (None, None, "")
        state = ApprovalState.APPROVED if approved else ApprovalState.PENDING
        params = _db({k: str(v) for k, v in finding.params.items()})
        head = (plan.code, entry.nomination_id, finding.code, params, JUSTIFICATIONS[finding.code], state)
        rows.append(head + (township.pk, now) + decision)
    return rows


def _choose_lists(plans: list[Plan]) -> dict[int, set[str]]:
    """In fully vetted villages the township has chosen its lists and proposed its team: each such
    village's vetting is read back (a dozen queries each) and the lists follow its rules: seats + 1 Party
    names, two candidates for chair and more candidates than seats for the villagers' committee, the
    women's rule; the team proposed is the secretary, the chair (the secretary where one-shoulder is
    possible) and the best placed, Party members first on the villagers' committee (cross-holding)."""
    ids = [p.election_id for p in plans]
    elections = VillageElection.objects.select_related("village__parent", "cycle").in_bulk(ids)
    vettings = vettings_of(elections)
    listed, proposed, by_rule = [], [], []
    bodies: dict[int, set[str]] = defaultdict(set)
    order = {p: i for i, p in enumerate(Position.values)}
    for plan in plans:
        vetting = vettings[plan.election_id]
        qualified = vetting.qualified_ids()
        rows = {
            body: [r for r in vetting.rows if r.facts.body == body and r.nomination.pk in qualified]
            for body in ("party", "committee")
        }
        # The secretary's and the deputy's candidates first, so that every post of the vote has one.
        party = sorted(
            rows["party"], key=lambda r: (r.facts.position == Position.PARTY_MEMBER, -r.facts.votes)
        )[: plan.seats["party"] + vetting.thresholds.preliminary_extra]
        chairs = [r for r in rows["committee"] if r.facts.position == Position.CHAIR]
        others = sorted(
            (r for r in rows["committee"] if r.facts.position != Position.CHAIR), key=lambda r: -r.facts.votes
        )
        committee = chairs[:2] + others[: plan.seats["committee"] - 1]
        pick = rules.women_rule_pick(
            [r.facts for r in committee], [r.facts for r in rows["committee"]], qualified
        )
        if pick is not None:
            by_rule.append(pick.id)
            committee.append(next(r for r in rows["committee"] if r.nomination.pk == pick.id))
        if len(party) == plan.seats["party"] + vetting.thresholds.preliminary_extra:
            bodies[plan.election_id].add("party")
            listed += [r.nomination.pk for r in party]
            team = sorted(party, key=lambda r: (order[r.facts.position], -r.facts.votes))[
                : plan.seats["party"]
            ]
            proposed += [r.nomination.pk for r in team]
        if (
            len(chairs) >= 2
            and any(r.facts.sex == "F" for r in committee)
            and len(committee) > plan.seats["committee"]
        ):
            bodies[plan.election_id].add("committee")
            listed += [r.nomination.pk for r in committee]
            in_party = {r.facts.person for r in party if r.nomination.pk in proposed}
            chair = max(committee[:2], key=lambda r: (r.facts.person in in_party, r.facts.votes))
            rest = sorted(
                (r for r in committee if r.facts.position != Position.CHAIR),
                key=lambda r: (
                    r.facts.position != Position.VICE_CHAIR,
                    r.facts.person not in in_party,
                    -r.facts.votes,
                ),
            )
            proposed += [chair.nomination.pk] + [r.nomination.pk for r in rest[: plan.seats["committee"] - 1]]
    for start in range(0, len(listed), BATCH):
        Nomination.objects.filter(pk__in=listed[start : start + BATCH]).update(state=NominationState.LISTED)
    for start in range(0, len(proposed), BATCH):
        Nomination.objects.filter(pk__in=proposed[start : start + BATCH]).update(proposed=True)
    Nomination.objects.filter(pk__in=by_rule, state=NominationState.LISTED).update(listed_by_rule=True)
    return bodies


def vettings_of(elections: dict[int, VillageElection]) -> dict[int, object]:
    """`candidates.selectors.election_vetting` of many villages at once ({election id: ElectionVetting}):
    the same facts, read in a few queries for all the villages instead of a dozen for each (547 villages:
    11 s on SQLite), handed to the same pure rules (candidates.rules.vet). tests/demo/test_candidates
    checks that both say the same of every nominee."""
    from candidates.evidence import evidence_for, vetting_day
    from candidates.selectors import ElectionVetting, NomineeRow, evidence_summary, rule_settings
    from elections.regions import ancestor_codes
    from voters.rules import age_on

    ids = sorted(elections)
    if not ids:
        return {}
    # The nominations as plain rows (what the rules read of them and of their person), not instances.
    nominations: dict[int, list[SimpleNamespace]] = defaultdict(list)
    person = ("name", "sex", "birth_date", "education", "party_member")
    for row in (
        Nomination.objects.filter(election_id__in=ids)
        .order_by("id")
        .values(
            "id",
            "election_id",
            "resident_id",
            "body",
            "position",
            "state",
            "votes",
            "village_post",
            "listed_by_rule",
            "proposed",
            "elected",
            *(f"resident__{f}" for f in person),
        )
    ):
        n = SimpleNamespace(pk=row["id"], **{k: v for k, v in row.items() if not k.startswith("resident__")})
        n.resident = SimpleNamespace(**{f: row[f"resident__{f}"] for f in person})
        nominations[n.election_id].append(n)
    in_elections = {"nomination__election_id__in": ids}
    previous: dict[int, list[dict]] = defaultdict(list)
    for row in PreviousTermMember.objects.filter(election_id__in=ids).values(
        "election_id", "resident_id", "party_position", "committee_position"
    ):
        previous[row["election_id"]].append(row)
    reviews: dict[int, list[rules.Review]] = defaultdict(list)
    for nomination_id, *review in (
        QualificationReview.objects.filter(**in_elections)
        .order_by("kind", "requested_at", "id")
        .values_list("nomination_id", "kind", "unit", "verdict", "note")
    ):
        reviews[nomination_id].append(rules.Review(*review))
    cycles = {e.cycle_id for e in elections.values()}  # one in the demo
    items_of_cycle: dict[int, list[NegativeListItem]] = defaultdict(list)
    for item in (
        NegativeListItem.objects.filter(cycle_id__in=cycles).select_related("region").order_by("number")
    ):
        items_of_cycle[item.cycle_id].append(item)
    answers: dict[int, dict[int, bool]] = defaultdict(dict)
    answered = NegativeListAnswer.objects.filter(**in_elections).values_list(
        "nomination_id", "item_id", "hit"
    )
    for nomination_id, item_id, hit in answered:
        answers[nomination_id][item_id] = hit
    approvals: dict[int, dict[str, str]] = defaultdict(dict)
    for nomination_id, code, state in (
        Approval.objects.filter(**in_elections)
        .order_by("requested_at", "id")
        .values_list("nomination_id", "code", "state")
    ):
        approvals[nomination_id][code] = state
    inspections = dict(Inspection.objects.filter(**in_elections).values_list("nomination_id", "conclusion"))
    kinds = list(Commitments.FIELDS.items())
    signed = {
        nomination_id: frozenset(kind for (kind, _name), day in zip(kinds, days, strict=True) if day)
        for nomination_id, *days in Commitments.objects.filter(**in_elections).values_list(
            "nomination_id", *(name for _kind, name in kinds)
        )
    }
    seated: dict[int, set[int]] = defaultdict(set)
    for election_id, resident_id in ElectionCommitteeMember.objects.filter(
        election_id__in=ids, seated=True
    ).values_list("election_id", "resident_id"):
        seated[election_id].add(resident_id)
    people_of = {pk: {n.resident_id for n in rows} for pk, rows in nominations.items()}
    everyone = set().union(*people_of.values()) if people_of else set()
    on_roll: dict[int, set[int]] = defaultdict(set)
    kept = set()  # the elections whose roll is kept (any registration)
    registered = VoterRegistration.objects.filter(election_id__in=ids, status="registered")
    for election_id, resident_id in registered.values_list("election_id", "resident_id").iterator(10_000):
        kept.add(election_id)
        if resident_id in everyone:
            on_roll[election_id].add(resident_id)
    links_of: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for link in Kinship.objects.filter(Q(person_id__in=everyone) | Q(relative_id__in=everyone)).values_list(
        "person_id", "relative_id", "relation"
    ):
        for person in {link[0], link[1]} & everyone:
            links_of[person].append(link)
    cycle_of = {e.cycle_id: e.cycle for e in elections.values()}
    settings = {pk: rule_settings(cycle) for pk, cycle in cycle_of.items()}
    thresholds = {cycle: s.thresholds() for cycle, s in settings.items()}
    # The system's records (candidates.evidence), asked once per day they are read on.
    items_of: dict[int, list[NegativeListItem]] = {}
    by_day: dict[tuple, set[int]] = defaultdict(set)
    for pk, election in elections.items():
        codes_above = {election.division_code, *ancestor_codes(election.division_code)}
        items_of[pk] = [i for i in items_of_cycle[election.cycle_id] if i.region.code in codes_above]
        sources = frozenset(i.record_source for i in items_of[pk] if i.record_source)
        if sources and people_of.get(pk):
            by_day[(vetting_day(election), sources, election.cycle_id)] |= people_of[pk]
    found: dict[tuple, dict] = {}
    for (day, sources, cycle), people in by_day.items():
        found[(day, sources, cycle)] = evidence_for(
            people, sources=sources, on_date=day, settings=settings[cycle]
        )
    result = {}
    for pk, election in elections.items():
        rows_in = nominations.get(pk, [])
        t = thresholds[election.cycle_id]
        items = items_of[pk]
        number_of = {item.pk: item.number for item in items}
        sources = frozenset(i.record_source for i in items if i.record_source)
        evidence = found.get((vetting_day(election), sources, election.cycle_id), {})
        term = PreviousTerm.of(previous.get(pk, []))
        people = people_of.get(pk, set())
        roll_kept = pk in kept
        links = list({link for person in people for link in links_of.get(person, ())})
        relatives = rules.close_relatives(links, people)
        facts, processes = [], {}
        for n in rows_in:
            facts.append(term.nominee(n))
            on_record = {}
            for item in items:
                records = (
                    evidence.get(n.resident_id, {}).get(item.record_source) if item.record_source else None
                )
                if records:
                    on_record[item.number] = evidence_summary(records)
            processes[n.pk] = rules.Process(
                reviews=tuple(reviews.get(n.pk, ())),
                negative_items=tuple((item.number, item.text) for item in items),
                negative_answers={
                    number_of[i]: hit for i, hit in answers.get(n.pk, {}).items() if i in number_of
                },
                negative_records=on_record,
                approvals=approvals.get(n.pk, {}),
                inspection=inspections.get(n.pk),
                signed=signed.get(n.pk, frozenset()),
                on_roll=(n.resident_id in on_roll[pk]) if roll_kept and n.body == "committee" else None,
            )
        vetted = rules.vet(
            nominees=facts, processes=processes, relatives=relatives, seated=seated[pk], thresholds=t
        )
        rows = [
            NomineeRow(n, f, vetted[n.pk], age_on(f.birth_date, t.reference_date))
            for n, f in zip(rows_in, facts, strict=True)
        ]
        result[pk] = ElectionVetting(election, t, rows, {}, term.known, items)
    return result
