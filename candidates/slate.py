"""Pure checks of the structure of a village's team (班子结构): no ORM, no request.

DOMAIN.md "Structure of the new team": 3–7 members in total; at least one member aged 35 or under with a
college degree; at least one woman on the villagers' committee, aiming at 30%; more women and women heads
than last term; cross-holding of Party and committee posts; the Party secretary elected chair ("一肩挑")
where conditions allow; paid posts by population. Checked on the proposed team (the slate) and again on
the elected team, and compared with the outgoing team ("五升一降": cross-holding, young cadres, education,
one-shoulder and women's shares up, average age down).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from voters.rules import age_on

from . import codes
from .choices import Body, Position
from .rules import Finding, Nominee, PaidPostBand, Thresholds, education_at_least

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Member:
    """One person of a team with their posts on the two committees (blank when none)."""

    person: int | str
    name: str
    sex: str
    birth_date: datetime.date
    education: str = ""
    party_member: bool = False
    party_position: str = ""
    committee_position: str = ""

    @property
    def cross_holding(self) -> bool:
        return bool(self.party_position and self.committee_position)

    @property
    def one_shoulder(self) -> bool:
        return self.party_position == Position.SECRETARY and self.committee_position == Position.CHAIR

    @property
    def head(self) -> bool:
        return self.party_position == Position.SECRETARY or self.committee_position == Position.CHAIR


def team_of(nominees: Iterable[Nominee], *, elected: bool = False) -> list[Member]:
    """The team of the two committees: the proposed nominees (拟任人选), or the elected ones, one member per
    person with the posts they would hold on each committee."""
    posts: dict[int, dict] = {}
    for n in nominees:
        if not n.active or n.body not in (Body.PARTY, Body.COMMITTEE):
            continue
        if not (n.elected if elected else n.proposed):
            continue
        member = posts.setdefault(
            n.person,
            {
                "person": n.person,
                "name": n.name,
                "sex": n.sex,
                "birth_date": n.birth_date,
                "education": n.education,
                "party_member": n.party_member,
            },
        )
        member["party_position" if n.body == Body.PARTY else "committee_position"] = n.position
    return [Member(**values) for values in posts.values()]


def percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(100) * part / whole).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """The figures of one team that the structure rules and the "五升一降" comparison read."""

    size: int
    women: int
    committee_size: int
    committee_women: int
    women_heads: int
    cross_holding: int
    young: int
    young_graduates: int
    college: int
    one_shoulder: bool
    average_age: Decimal | None
    committee_party_members: int

    @property
    def committee_women_share(self) -> Decimal:
        return percent(self.committee_women, self.committee_size)

    @property
    def women_share(self) -> Decimal:
        return percent(self.women, self.size)

    @property
    def cross_holding_share(self) -> Decimal:
        return percent(self.cross_holding, self.size)

    @property
    def young_share(self) -> Decimal:
        return percent(self.young, self.size)

    @property
    def college_share(self) -> Decimal:
        return percent(self.college, self.size)

    @property
    def committee_party_share(self) -> Decimal:
        return percent(self.committee_party_members, self.committee_size)


def figures(team: Sequence[Member], t: Thresholds) -> Figures:
    """Counts and shares of a team; ages are taken at the cycle's reference date for every team, so the
    outgoing and the new team are compared on the same day."""
    ages = [age_on(m.birth_date, t.reference_date) for m in team]
    committee = [m for m in team if m.committee_position]
    young = [m for m, age in zip(team, ages, strict=True) if age <= t.young_max_age]
    return Figures(
        size=len(team),
        women=sum(m.sex == "F" for m in team),
        committee_size=len(committee),
        committee_women=sum(m.sex == "F" for m in committee),
        women_heads=sum(m.sex == "F" and m.head for m in team),
        cross_holding=sum(m.cross_holding for m in team),
        young=len(young),
        young_graduates=sum(education_at_least(m.education, t.young_min_education) for m in young),
        college=sum(education_at_least(m.education, t.young_min_education) for m in team),
        one_shoulder=any(m.one_shoulder for m in team),
        average_age=(Decimal(sum(ages)) / len(ages)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        if ages
        else None,
        committee_party_members=sum(m.party_member for m in committee),
    )


def paid_post_band(population: int, bands: Sequence[PaidPostBand]) -> PaidPostBand:
    """The band of paid posts for a population: the first band whose upper bound holds it."""
    for band in bands:
        if band.population is None or population <= band.population:
            return band
    return bands[-1]


def structure_findings(f: Figures, *, population: int, t: Thresholds) -> list[Finding]:
    """The structure rules on one team. Only the woman on the villagers' committee is required by law
    (村民委员会成员中应当至少有1名女性成员); the others are targets and "in principle", shown as warnings
    for the township to explain."""
    if not f.size:
        return []
    found = []
    if not t.team_min_size <= f.size <= t.team_max_size:
        found.append(
            Finding.of(codes.TEAM_SIZE, count=f.size, minimum=t.team_min_size, maximum=t.team_max_size)
        )
    if f.committee_size and not f.committee_women:
        found.append(Finding.of(codes.TEAM_NO_WOMAN_ON_COMMITTEE))
    elif f.committee_size and f.committee_women_share < t.women_share_target:
        found.append(
            Finding.of(
                codes.TEAM_WOMEN_BELOW_TARGET, share=f.committee_women_share, target=t.women_share_target
            )
        )
    if not f.young_graduates:
        found.append(Finding.of(codes.TEAM_NO_YOUNG_GRADUATE, age=t.young_max_age))
    band = paid_post_band(population, t.paid_post_bands)
    if f.size > band.maximum or (band.minimum is not None and f.size < band.minimum):
        if band.minimum is None:
            allowed = _("at most %(maximum)s") % {"maximum": band.maximum}
        else:
            allowed = f"{band.minimum}–{band.maximum}"
        found.append(Finding.of(codes.TEAM_PAID_POSTS, count=f.size, population=population, range=allowed))
    if not f.one_shoulder:
        found.append(Finding.of(codes.TEAM_NO_ONE_SHOULDER))
    if not f.cross_holding:
        found.append(Finding.of(codes.TEAM_NO_CROSS_HOLDING))
    return found


@dataclass(frozen=True)
class Comparison:
    """One "五升一降" figure: the outgoing team's value, the new team's, and whether it moved the right way."""

    label: str
    before: object
    now: object
    improved: bool


def _better(before, now, *, up: bool, best=None) -> bool:
    if before is None or now is None:
        return True
    if now == before:
        return best is not None and now == best
    return now > before if up else now < before


def compare(before: Figures, now: Figures) -> list[Comparison]:
    """The new team against the outgoing one: five shares up, the average age down (Jixian's "五升一降"),
    plus women heads (DOMAIN.md: "more women and women heads than last term")."""
    hundred = Decimal(100)
    return [
        Comparison(
            _("Cross-holding share"),
            before.cross_holding_share,
            now.cross_holding_share,
            _better(before.cross_holding_share, now.cross_holding_share, up=True, best=hundred),
        ),
        Comparison(
            _("Share aged 35 or under"),
            before.young_share,
            now.young_share,
            _better(before.young_share, now.young_share, up=True, best=hundred),
        ),
        Comparison(
            _("Share with a college degree"),
            before.college_share,
            now.college_share,
            _better(before.college_share, now.college_share, up=True, best=hundred),
        ),
        Comparison(
            _("Secretary also chair (one shoulder)"),
            before.one_shoulder,
            now.one_shoulder,
            _better(before.one_shoulder, now.one_shoulder, up=True, best=True),
        ),
        Comparison(
            _("Women's share"),
            before.women_share,
            now.women_share,
            _better(before.women_share, now.women_share, up=True, best=hundred),
        ),
        Comparison(
            _("Women heads"),
            before.women_heads,
            now.women_heads,
            _better(before.women_heads, now.women_heads, up=True, best=2),
        ),
        Comparison(
            _("Average age"),
            before.average_age,
            now.average_age,
            _better(before.average_age, now.average_age, up=False),
        ),
    ]


def _shown(value) -> object:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def comparison_findings(rows: Iterable[Comparison]) -> list[Finding]:
    return [
        Finding.of(
            codes.TEAM_FIGURE_NOT_IMPROVED, figure=row.label, before=_shown(row.before), now=_shown(row.now)
        )
        for row in rows
        if not row.improved
    ]
