"""Pure rules of candidate vetting (人选把关): no ORM, no request.

Each rule takes plain facts about the nominees of one village election (gathered by
`candidates.selectors`) and returns findings: a stable code from `candidates.codes`, a severity and the
parameters of its message. The nominee's status (qualified, blocked, needs approval, awaiting reviews)
follows from its findings alone. DOMAIN.md "Candidate vetting" and lifecycle steps 2 and 3 are the source
of every rule here.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from elections.ordering import stroke_order_key, unknown_characters
from voters.rules import age_on

from . import codes, defaults
from .choices import (
    BODY_OF_POSITION,
    DEPUTY_POSITIONS,
    HEAD_POSITIONS,
    ApprovalState,
    Body,
    Commitment,
    InspectionConclusion,
    NominationState,
    NoticeOrder,
    Position,
    Relation,
    ReviewKind,
    Rounding,
    Verdict,
    VettingStatus,
    VillagePost,
)
from .codes import Severity

# Education levels from lowest to highest (the values of voters.models.Education).
EDUCATION_ORDER = ("primary", "junior", "senior", "college", "bachelor", "postgraduate")


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on a nominee, a body's list or a team.

    `approval` is the county's answer to an "in principle" breach (ApprovalState, or None if not asked).
    """

    code: str
    severity: Severity
    params: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)
    approval: str | None = None

    @classmethod
    def of(cls, code: str, severity: Severity | None = None, **params) -> Finding:
        return cls(code, severity or codes.SEVERITY[code], params)

    @property
    def message(self) -> str:
        return codes.message(self.code, {k: str(v) for k, v in self.params.items()})

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK or (
            self.severity == Severity.APPROVAL and self.approval == ApprovalState.REFUSED
        )

    @property
    def awaits_approval(self) -> bool:
        return self.severity == Severity.APPROVAL and self.approval in (None, ApprovalState.PENDING)


@dataclass(frozen=True)
class PaidPostBand:
    population: int | None
    minimum: int | None
    maximum: int


@dataclass(frozen=True)
class Thresholds:
    """A cycle's settings (CandidateRuleSettings) as plain values; defaults are DOMAIN.md's."""

    reference_date: datetime.date
    party_initial_ratio: Decimal = defaults.PARTY_INITIAL_RATIO
    party_initial_rounding: str = defaults.PARTY_INITIAL_ROUNDING
    party_initial_minimums: Mapping[str, int] = field(
        default_factory=lambda: dict(defaults.PARTY_INITIAL_MINIMUMS), hash=False
    )
    preliminary_extra: int = defaults.PRELIMINARY_EXTRA
    head_max_age_male: int = defaults.HEAD_MAX_AGE_MALE
    head_max_age_female: int = defaults.HEAD_MAX_AGE_FEMALE
    new_head_max_age: int = defaults.NEW_HEAD_MAX_AGE
    deputy_max_age_male: int = defaults.DEPUTY_MAX_AGE_MALE
    deputy_max_age_female: int = defaults.DEPUTY_MAX_AGE_FEMALE
    age_limits_hard: bool = False
    new_entrant_max_age: int = defaults.NEW_ENTRANT_MAX_AGE
    new_entrant_min_education: str = defaults.NEW_ENTRANT_MIN_EDUCATION
    young_max_age: int = defaults.YOUNG_MAX_AGE
    young_min_education: str = defaults.YOUNG_MIN_EDUCATION
    women_share_target: Decimal = defaults.WOMEN_SHARE_TARGET
    team_min_size: int = defaults.TEAM_MIN_SIZE
    team_max_size: int = defaults.TEAM_MAX_SIZE
    paid_post_bands: tuple[PaidPostBand, ...] = tuple(
        PaidPostBand(b["population"], b["min"], b["max"]) for b in defaults.PAID_POST_BANDS
    )
    notice_order: str = defaults.NOTICE_ORDER


@dataclass(frozen=True)
class Nominee:
    """One nomination with the facts of the person. `is_new`/`was_head` are None when unknown."""

    id: int
    person: int
    name: str
    sex: str
    birth_date: datetime.date
    position: str
    education: str = ""
    party_member: bool = False
    state: str = NominationState.NOMINATED
    votes: int = 0
    village_post: str = ""
    is_new: bool | None = None
    was_head: bool | None = None
    listed_by_rule: bool = False
    proposed: bool = False
    elected: bool = False

    @property
    def body(self) -> str:
        return BODY_OF_POSITION[self.position]

    @property
    def active(self) -> bool:
        return self.state != NominationState.WITHDRAWN


@dataclass(frozen=True)
class Review:
    kind: str
    unit: str
    verdict: str = Verdict.PENDING
    note: str = ""


@dataclass(frozen=True)
class Process:
    """Where one nominee's vetting stands: reviews, negative list, approvals, inspection, commitments.

    `negative_items` are the applicable items as (number, text); `negative_answers` maps an item number to
    whether it applies (a hit); `negative_records` maps an item number to what the system's own records
    say when they hit it (candidates.evidence): a hit whatever was answered. `on_roll` is None when the roll
    is not checked for this nominee.
    """

    reviews: tuple[Review, ...] = ()
    negative_items: tuple[tuple[int, str], ...] = ()
    negative_answers: Mapping[int, bool] = field(default_factory=dict, hash=False)
    negative_records: Mapping[int, str] = field(default_factory=dict, hash=False)
    approvals: Mapping[str, str] = field(default_factory=dict, hash=False)
    inspection: str | None = None
    signed: frozenset[str] = frozenset()
    on_roll: bool | None = None


# --- Age and education -------------------------------------------------------------------------------


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier; 29 February falls back to 1 March in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return datetime.date(day.year - years, 3, 1)


def is_over_age(birth_date: datetime.date, reference_date: datetime.date, limit: int) -> bool:
    """Whether a person is over `limit` years old on the reference date.

    The township plan writes the limit as a birth date: "男60周岁（1961年1月1日前出生）以上" with the
    reference date 1 January 2021. So someone whose 60th birthday is the reference date itself is exactly
    60 and still within the limit; one born a day earlier is over it.
    """
    return birth_date < years_before(reference_date, limit)


def education_at_least(education: str, minimum: str) -> bool:
    """Whether `education` reaches `minimum`; an unknown education reaches nothing."""
    if education not in EDUCATION_ORDER:
        return False
    return EDUCATION_ORDER.index(education) >= EDUCATION_ORDER.index(minimum)


def age_findings(nominee: Nominee, t: Thresholds) -> list[Finding]:
    """Age and education limits at the cycle's reference date (DOMAIN.md "Age and education").

    Secretary and chair nominees: not over 60 (men) / 55 (women), and not over 45 if newly nominated for
    the post; deputies: not over 55 / 50. These are "in principle": a breach needs a justification and the
    county's approval, unless the cycle makes them hard limits. New entrants are preferably 45 or under
    with senior secondary education: a warning only.
    """
    severity = Severity.BLOCK if t.age_limits_hard else Severity.APPROVAL
    born, on = nominee.birth_date, t.reference_date
    common = {"date": on.isoformat(), "born": born.isoformat(), "age": age_on(born, on)}
    found = []
    male = nominee.sex == "M"
    if nominee.position in HEAD_POSITIONS:
        limit = t.head_max_age_male if male else t.head_max_age_female
        if is_over_age(born, on, limit):
            found.append(Finding.of(codes.HEAD_OVER_AGE, severity, limit=limit, **common))
        if nominee.was_head is False and is_over_age(born, on, t.new_head_max_age):
            found.append(Finding.of(codes.NEW_HEAD_OVER_AGE, severity, limit=t.new_head_max_age, **common))
    elif nominee.position in DEPUTY_POSITIONS:
        limit = t.deputy_max_age_male if male else t.deputy_max_age_female
        if is_over_age(born, on, limit):
            found.append(Finding.of(codes.DEPUTY_OVER_AGE, severity, limit=limit, **common))
    if nominee.is_new and nominee.body != Body.SUPERVISION:
        if nominee.position not in HEAD_POSITIONS and is_over_age(born, on, t.new_entrant_max_age):
            found.append(Finding.of(codes.NEW_ENTRANT_OVER_AGE, limit=t.new_entrant_max_age, **common))
        if not education_at_least(nominee.education, t.new_entrant_min_education):
            found.append(Finding.of(codes.NEW_ENTRANT_EDUCATION))
    return found


def membership_findings(nominee: Nominee) -> list[Finding]:
    """The Party committee's positions need Party membership; the supervision chair normally has it."""
    if nominee.party_member:
        return []
    if nominee.body == Body.PARTY:
        return [Finding.of(codes.PARTY_MEMBERSHIP_REQUIRED)]
    if nominee.position == Position.SUPERVISION_CHAIR:
        return [Finding.of(codes.SUPERVISION_CHAIR_NOT_PARTY_MEMBER)]
    return []


# --- Close relatives ---------------------------------------------------------------------------------

# What the relative is to the person, for each stored kinship kind (voters.Kinship: `person` is
# `relation` of `relative`).
_INVERSE = {
    Relation.SPOUSE: Relation.SPOUSE,
    Relation.PARENT: Relation.CHILD,
    Relation.CHILD: Relation.PARENT,
    Relation.SIBLING: Relation.SIBLING,
    Relation.GRANDPARENT: Relation.GRANDCHILD,
    Relation.GRANDCHILD: Relation.GRANDPARENT,
}
# Two steps through an intermediate person m: (what a is to m, what m is to b) → what a is to b.
_COMPOSE = {
    (Relation.PARENT, Relation.PARENT): Relation.GRANDPARENT,
    (Relation.CHILD, Relation.CHILD): Relation.GRANDCHILD,
    (Relation.CHILD, Relation.PARENT): Relation.SIBLING,
    (Relation.SIBLING, Relation.SIBLING): Relation.SIBLING,
}


def close_relatives(
    links: Iterable[tuple[int, int, str]], among: Iterable[int]
) -> dict[tuple[int, int], Relation]:
    """Close-relative relations between the people `among`, as {(a, b): what a is to b}.

    `links` are kinship records (person, relative, kind) where the person is `kind` of the relative
    (spouse, parent, sibling, grandparent). Besides the direct links, relations two steps away are found
    through anyone: a parent's parent is a grandparent (paternal or maternal alike), two children of one
    parent are siblings, a sibling's sibling is a sibling. That covers every close relative of DOMAIN.md
    "Close-relative avoidance" (spouse, parents, children, siblings, grandparents, grandchildren); in-laws,
    uncles and cousins are not close relatives. A direct link wins over a derived one.
    """
    people = set(among)
    direct: dict[int, dict[int, Relation]] = defaultdict(dict)
    for person, relative, kind in links:
        if person == relative or kind not in Relation.values:
            continue  # a kind of link the avoidance rule does not know is no close relation
        kind = Relation(kind)
        direct[person][relative] = kind
        direct[relative][person] = _INVERSE[kind]
    found: dict[tuple[int, int], Relation] = {}
    for a in people:
        for m, a_to_m in direct.get(a, {}).items():
            for b, m_to_b in direct.get(m, {}).items():
                composed = _COMPOSE.get((a_to_m, m_to_b))
                if composed is not None and b != a and b in people:
                    found.setdefault((a, b), composed)
        for b, a_to_b in direct.get(a, {}).items():
            if b in people:
                found[(a, b)] = a_to_b
    return found


def avoidance_findings(
    nominees: Sequence[Nominee], relatives: Mapping[tuple[int, int], Relation]
) -> dict[int, list[Finding]]:
    """Close-relative avoidance among the nominees of one village (近亲属回避): both of a pair are flagged.

    Applies to the two committees' nominees together, since they form one team; a person nominated for
    two posts is not their own relative.
    """
    team = [n for n in nominees if n.active and n.body in (Body.PARTY, Body.COMMITTEE)]
    found: dict[int, list[Finding]] = defaultdict(list)
    for nominee in team:
        flagged = set()
        for other in team:
            relation = relatives.get((other.person, nominee.person))
            if relation is None or other.person == nominee.person or other.person in flagged:
                continue
            flagged.add(other.person)
            found[nominee.id].append(
                Finding.of(
                    codes.CLOSE_RELATIVE, other=other.name, relation=relation.label, relation_code=relation
                )
            )
    return found


# --- Election committee and supervision committee -----------------------------------------------------


def election_committee_findings(nominee: Nominee, seated: set[int]) -> list[Finding]:
    """A member of the villagers' election committee nominated for the villagers' committee must withdraw
    from the election committee (Organic Law; DOMAIN.md lifecycle step 3.1)."""
    if nominee.body == Body.COMMITTEE and nominee.person in seated:
        return [Finding.of(codes.ELECTION_COMMITTEE_MEMBER)]
    return []


def next_in_vote(members: Sequence[tuple[int, int, bool, bool]]) -> int | None:
    """The replacement for a withdrawn election-committee member: the person with the most votes in the
    original vote who is not seated and has not withdrawn ("按照原推选结果依次递补").

    `members` are (id, votes, seated, withdrawn); ties go to the earlier record.
    """
    waiting = [
        (-votes, member_id) for member_id, votes, seated, withdrawn in members if not (seated or withdrawn)
    ]
    return min(waiting)[1] if waiting else None


def supervision_findings(
    nominee: Nominee, committee: Mapping[int, str], relatives: Mapping[tuple[int, int], Relation]
) -> list[Finding]:
    """Exclusions from the supervision committee (DOMAIN.md lifecycle step 4): villagers' committee
    members and their close relatives, the accountant, the clerk, the head of the collective economic
    organization. `committee` maps the villagers' committee's people to their names."""
    if nominee.body != Body.SUPERVISION:
        return []
    found = []
    if nominee.person in committee:
        found.append(Finding.of(codes.SUPERVISION_COMMITTEE_MEMBER))
    for person, name in committee.items():
        relation = relatives.get((person, nominee.person))
        if relation is not None and person != nominee.person:
            found.append(
                Finding.of(codes.SUPERVISION_COMMITTEE_RELATIVE, other=name, relation=relation.label)
            )
    if nominee.village_post:
        found.append(Finding.of(codes.SUPERVISION_VILLAGE_POST, post=VillagePost(nominee.village_post).label))
    return found


def committee_people(nominees: Sequence[Nominee]) -> dict[int, str]:
    """The villagers' committee for the supervision rule: the elected members once any are recorded,
    before that every active nominee for it."""
    members = [n for n in nominees if n.body == Body.COMMITTEE and n.active]
    elected = [n for n in members if n.elected]
    return {n.person: n.name for n in (elected or members)}


# --- The vetting process -----------------------------------------------------------------------------


def process_findings(process: Process) -> list[Finding]:
    """Joint qualification review, negative list, inspection and commitments (DOMAIN.md lifecycle 2).

    The township reviews first; departments review once it has passed; any failure disqualifies, and the
    nominee is only qualified when every requested review has passed. Any negative-list hit blocks.
    """
    found = []
    first = [r for r in process.reviews if r.kind == ReviewKind.TOWNSHIP]
    departments = [r for r in process.reviews if r.kind == ReviewKind.DEPARTMENT]
    if not first or first[-1].verdict == Verdict.PENDING:
        found.append(Finding.of(codes.FIRST_REVIEW_PENDING))
    elif first[-1].verdict == Verdict.FAILED:
        found.append(Finding.of(codes.FIRST_REVIEW_FAILED, note=first[-1].note))
    elif not departments:
        found.append(Finding.of(codes.REVIEWS_NOT_REQUESTED))
    for review in departments:
        if review.verdict == Verdict.PENDING:
            found.append(Finding.of(codes.REVIEW_PENDING, unit=review.unit))
        elif review.verdict == Verdict.FAILED:
            found.append(Finding.of(codes.REVIEW_FAILED, unit=review.unit, note=review.note))
    records = process.negative_records
    for number, text in process.negative_items:
        if number in records:
            found.append(Finding.of(codes.NEGATIVE_RECORD_HIT, number=number, evidence=records[number]))
        elif process.negative_answers.get(number):
            found.append(Finding.of(codes.NEGATIVE_LIST_HIT, number=number, item=text))
    missing = sum(
        1
        for number, _text in process.negative_items
        if number not in process.negative_answers and number not in records
    )
    if missing:
        found.append(
            Finding.of(codes.NEGATIVE_LIST_INCOMPLETE, missing=missing, total=len(process.negative_items))
        )
    if process.inspection is None:
        found.append(Finding.of(codes.INSPECTION_MISSING))
    elif process.inspection == InspectionConclusion.UNSUITABLE:
        found.append(Finding.of(codes.INSPECTION_UNSUITABLE))
    unsigned = [c for c in Commitment if c not in process.signed]
    if unsigned:
        found.append(Finding.of(codes.COMMITMENTS_UNSIGNED, kinds="、".join(str(c.label) for c in unsigned)))
    if process.on_roll is False:
        found.append(Finding.of(codes.NOT_ON_ROLL))
    return found


def with_approvals(findings: Iterable[Finding], approvals: Mapping[str, str]) -> list[Finding]:
    """Attach the county's answer to each "in principle" breach."""
    return [
        replace(f, approval=approvals.get(f.code)) if f.severity == Severity.APPROVAL else f for f in findings
    ]


def status_of(findings: Iterable[Finding]) -> VettingStatus:
    """Blocked if anything blocks; else needs approval while a breach is not approved; else awaiting while
    a step is pending; else qualified (warnings never hold a nominee up)."""
    findings = list(findings)
    if any(f.blocks for f in findings):
        return VettingStatus.BLOCKED
    if any(f.awaits_approval for f in findings):
        return VettingStatus.NEEDS_APPROVAL
    if any(f.severity == Severity.PENDING for f in findings):
        return VettingStatus.AWAITING
    return VettingStatus.QUALIFIED


@dataclass(frozen=True)
class Vetting:
    findings: tuple[Finding, ...]
    status: VettingStatus


def vet(
    *,
    nominees: Sequence[Nominee],
    processes: Mapping[int, Process],
    relatives: Mapping[tuple[int, int], Relation],
    seated: set[int],
    thresholds: Thresholds,
) -> dict[int, Vetting]:
    """Every rule on every nominee of one village election; withdrawn nominees are only marked so."""
    avoidance = avoidance_findings(nominees, relatives)
    committee = committee_people(nominees)
    result = {}
    for nominee in nominees:
        if not nominee.active:
            result[nominee.id] = Vetting((), VettingStatus.WITHDRAWN)
            continue
        process = processes.get(nominee.id, Process())
        findings = [
            *age_findings(nominee, thresholds),
            *membership_findings(nominee),
            *avoidance.get(nominee.id, []),
            *election_committee_findings(nominee, seated),
            *supervision_findings(nominee, committee, relatives),
            *process_findings(process),
        ]
        findings = with_approvals(findings, process.approvals)
        result[nominee.id] = Vetting(tuple(findings), status_of(findings))
    return result


# --- Counts per body ---------------------------------------------------------------------------------


def minimum_initial_candidates(seats: int, t: Thresholds) -> int:
    """Initial Party candidates needed for `seats` (不少于应选人数的1.5倍): the cycle's table of worked
    examples first (3 → 5, 5 → 7 from the township plan), else ratio × seats rounded as configured."""
    if str(seats) in t.party_initial_minimums:
        return int(t.party_initial_minimums[str(seats)])
    exact = Decimal(seats) * Decimal(t.party_initial_ratio)
    if t.party_initial_rounding == Rounding.DOWN:
        return math.floor(exact)
    if t.party_initial_rounding == Rounding.HALF_UP:
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return math.ceil(exact)


def list_size_errors(body: str, seats: int, listed: Sequence[Nominee], t: Thresholds) -> list[Finding]:
    """The size a body's list must have: the Party's preliminary list has seats + 1 names (差额); the
    villagers' committee more candidates than seats, and at least two for its one chair."""
    count = len(listed)
    if body == Body.PARTY and count != seats + t.preliminary_extra:
        return [Finding.of(codes.PRELIMINARY_COUNT, count=count, expected=seats + t.preliminary_extra)]
    if body == Body.COMMITTEE:
        found = []
        if count <= seats:
            found.append(Finding.of(codes.COMMITTEE_NOT_COMPETITIVE, count=count, seats=seats))
        chairs = sum(n.position == Position.CHAIR for n in listed)
        if chairs < 2:
            found.append(Finding.of(codes.CHAIR_NOT_COMPETITIVE, count=chairs))
        return found
    return []


def body_findings(*, body: str, seats: int, nominees: Sequence[Nominee], t: Thresholds) -> list[Finding]:
    """The counts of one body's nominees and list (DOMAIN.md lifecycle steps 2 and 3)."""
    active = [n for n in nominees if n.active and n.body == body]
    listed = [n for n in active if n.state == NominationState.LISTED]
    found = []
    if body == Body.PARTY:
        minimum = minimum_initial_candidates(seats, t)
        if len(active) < minimum:
            found.append(
                Finding.of(codes.PARTY_INITIAL_TOO_FEW, count=len(active), seats=seats, minimum=minimum)
            )
    elif body == Body.COMMITTEE:
        if len(active) <= seats:
            found.append(Finding.of(codes.COMMITTEE_TOO_FEW_NOMINEES, count=len(active), seats=seats))
        if not any(n.sex == "F" for n in active):
            found.append(Finding.of(codes.NO_WOMAN_NOMINEE))
        elif listed and not any(n.sex == "F" for n in listed):
            found.append(Finding.of(codes.NO_WOMAN_CANDIDATE))
        for n in listed:
            if n.listed_by_rule:
                found.append(Finding.of(codes.WOMEN_RULE_APPLIED, name=n.name, votes=n.votes))
    elif len(active) < seats:
        found.append(Finding.of(codes.SUPERVISION_TOO_FEW, count=len(active), seats=seats))
    if listed:
        found.extend(list_size_errors(body, seats, listed, t))
    return found


def women_rule_pick(
    chosen: Sequence[Nominee], pool: Sequence[Nominee], qualified: set[int]
) -> Nominee | None:
    """The woman to add when no woman is among the chosen candidates: the qualified woman with the most
    nomination votes ("没有产生妇女候选人的，以得票最多的妇女为候选人"), ties in stroke order.

    None when a woman is already chosen or no qualified woman is left in the pool.
    """
    if any(n.sex == "F" for n in chosen):
        return None
    chosen_ids = {n.id for n in chosen}
    women = [n for n in pool if n.sex == "F" and n.active and n.id in qualified and n.id not in chosen_ids]
    if not women:
        return None
    return min(women, key=lambda n: (-n.votes, stroke_order_key(n.name)))


# --- Public notices ----------------------------------------------------------------------------------


def notice_order(nominees: Iterable[Nominee], order: str = NoticeOrder.STROKES) -> list[Nominee]:
    """Names in surname stroke order (姓氏笔画顺序), or by nomination votes (most first, ties in stroke
    order) where the cycle says so."""
    if order == NoticeOrder.VOTES:
        return sorted(nominees, key=lambda n: (-n.votes, stroke_order_key(n.name)))
    return sorted(nominees, key=lambda n: stroke_order_key(n.name))


def publication_deadline(election_day: datetime.date, days: int) -> datetime.date:
    """The last day to publish the formal list: `days` (5) days before election day."""
    return election_day - datetime.timedelta(days=days)


def publication_findings(
    *,
    election_day: datetime.date | None,
    days: int,
    published_on: datetime.date | None,
    today: datetime.date,
) -> list[Finding]:
    """A formal list published after the deadline, or not yet published once it has passed, is a
    violation to flag (DOMAIN.md: "a candidate list published 4 days before")."""
    if election_day is None:
        return [Finding.of(codes.ELECTION_DAY_MISSING)]
    deadline = publication_deadline(election_day, days)
    when = published_on or today
    late = (when - deadline).days
    if late > 0:
        return [
            Finding.of(codes.FORMAL_LIST_LATE, deadline=deadline.isoformat(), days=days, when=when, late=late)
        ]
    return []


def unknown_character_findings(names: Iterable[str]) -> list[Finding]:
    """Names with characters outside the stroke data, for the clerk to check the order by hand."""
    found = []
    for name in dict.fromkeys(names):
        unknown = unknown_characters(name)
        if unknown:
            found.append(Finding.of(codes.UNKNOWN_CHARACTERS, name=name, characters="".join(unknown)))
    return found
