"""Reads of candidate vetting: the facts of one election's nominees, gathered in a fixed number of queries
and handed to the pure rules; the queues of county reviewers and departments, scoped to the user."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User
from elections.models import ElectionCycle, Region, VillageElection
from elections.regions import ancestor_codes
from voters.models import Kinship, Resident, VoterRegistration
from voters.models import Status as RegistrationStatus
from voters.rules import VOTING_AGE, age_day, age_on, latest_birth_date

from . import codes, defaults, rules, slate
from .choices import (
    BODY_OF_NOTICE,
    POSITIONS_OF_BODY,
    ApprovalState,
    Body,
    NominationState,
    NoticeKind,
    Position,
    ReviewKind,
    Verdict,
    VettingStatus,
    VoidState,
)
from .evidence import Evidence, evidence_for, vetting_day
from .models import (
    Approval,
    CandidateRuleSettings,
    Commitments,
    ElectionCommitteeMember,
    Inspection,
    NegativeListAnswer,
    NegativeListItem,
    Nomination,
    NoticePublication,
    PreviousTermMember,
    QualificationReview,
    ReviewReminder,
    ReviewUnit,
    VoidDecision,
)
from .rules import Finding, Nominee, Thresholds


@dataclass
class NomineeRow:
    """One nomination with its facts, findings and status, as the board and the nominee page show it."""

    nomination: Nomination
    facts: Nominee
    vetting: rules.Vetting
    age: int

    @property
    def status(self) -> VettingStatus:
        return self.vetting.status

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.vetting.findings

    @property
    def reasons(self) -> list[Finding]:
        """The findings behind the status, for the board: what blocks a blocked nominee, what needs approval
        (and blocks) otherwise, what is pending for one awaiting reviews; warnings are left to the nominee's
        page."""
        findings = [f for f in self.vetting.findings if f.severity != "warning"]
        if self.status == VettingStatus.BLOCKED:
            return [f for f in findings if f.blocks]
        if self.status == VettingStatus.NEEDS_APPROVAL:
            return [f for f in findings if f.severity == "approval"]
        return findings

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.vetting.findings if f.severity == "warning"]


@dataclass
class ElectionVetting:
    election: VillageElection
    thresholds: Thresholds
    rows: list[NomineeRow]
    body_findings: dict[str, list[Finding]]
    previous_term_known: bool
    negative_items: list[NegativeListItem] = field(default_factory=list)

    def row(self, nomination_id: int) -> NomineeRow | None:
        return next((r for r in self.rows if r.nomination.pk == nomination_id), None)

    def rows_of(self, body: str) -> list[NomineeRow]:
        order = {p: i for i, p in enumerate(POSITIONS_OF_BODY[body])}
        return sorted(
            (r for r in self.rows if r.facts.body == body),
            key=lambda r: (
                r.status == VettingStatus.WITHDRAWN,
                order[r.facts.position],
                -r.facts.votes,
                r.nomination.pk,
            ),
        )

    def bodies(self) -> list[dict]:
        """The board: each body with its seats, rows and counts."""
        seats = {
            Body.PARTY: self.election.party_seats,
            Body.COMMITTEE: self.election.committee_seats,
            Body.SUPERVISION: self.election.supervision_seats,
        }
        result = []
        for body in Body:
            rows = self.rows_of(body)
            result.append(
                {
                    "body": body,
                    "label": body.label,
                    "seats": seats[body],
                    "rows": rows,
                    "findings": self.body_findings.get(body, []),
                    "counts": {status: sum(r.status == status for r in rows) for status in VettingStatus},
                    "listed": sum(r.nomination.state == NominationState.LISTED for r in rows),
                }
            )
        return result

    def qualified_ids(self) -> set[int]:
        return {r.nomination.pk for r in self.rows if r.status == VettingStatus.QUALIFIED}


def negative_list_for(election: VillageElection) -> list[NegativeListItem]:
    """The negative-list items that apply to a village: its cycle's items defined for the village's region or
    any region above it (the defaults on the cycle's region, a county's additions)."""
    codes = [election.division_code, *ancestor_codes(election.division_code)]
    return list(
        NegativeListItem.objects.filter(cycle_id=election.cycle_id, region__code__in=codes).order_by("number")
    )


def eligible_residents(
    election: VillageElection, *, body: str | None = None, q: str = ""
) -> QuerySet[Resident]:
    """The residents who may be nominated (issue 15, part 4): for the villagers' and the supervision
    committee, a voter registered on this election's roll (not left off) and 18 or over on the day the
    roll counts age (voters.rules.age_day); for the Party committee, a Party member of the village.
    Without `body`, anyone who may stand for one of them. `q` searches the name, the ID number's tail and
    the village group."""
    day = age_day(election)
    registered = VoterRegistration.objects.filter(
        election=election, resident=OuterRef("pk"), status=RegistrationStatus.REGISTERED
    )
    voter, party = Exists(registered), Q(party_member=True)
    condition = {Body.PARTY: party, None: voter | party}.get(body, voter)
    adult = Q(birth_date__lte=latest_birth_date(day, VOTING_AGE))  # a Party member is 18 or over too
    residents = Resident.objects.filter(condition, adult, division_code=election.division_code)
    q = (q or "").strip()
    if q:
        in_group = VoterRegistration.objects.filter(
            election=election, resident=OuterRef("pk"), group__contains=q
        )
        residents = residents.filter(
            Q(name__contains=q) | Q(id_number__endswith=q.upper()) | Exists(in_group)
        )
    return residents.order_by("name", "id")


def record_evidence(
    election: VillageElection, resident_ids: Collection[int], items: Sequence[NegativeListItem]
) -> dict[int, dict[int, list[Evidence]]]:
    """What the system's records say about `resident_ids` for the items they answer (issue 15, part 5):
    {resident_id: {item number: [evidence, ...]}} for the items hit. One query or two per source."""
    sources = {item.record_source for item in items if item.record_source}
    if not sources or not resident_ids:
        return {}
    settings = rule_settings(election.cycle)
    found = evidence_for(resident_ids, sources=sources, on_date=vetting_day(election), settings=settings)
    result: dict[int, dict[int, list[Evidence]]] = {}
    for resident_id, by_source in found.items():
        for item in items:
            if item.record_source in by_source:
                result.setdefault(resident_id, {})[item.number] = by_source[item.record_source]
    return result


def evidence_summary(records: Sequence[Evidence]) -> str:
    """The records of one item as one line, as the finding and the stored answer say it."""
    return "；".join(e.text for e in records)[:300]


def rule_settings(cycle) -> CandidateRuleSettings:
    """The cycle's vetting settings (made when the cycle opened); DOMAIN.md's defaults, unsaved, for a
    cycle that has none: a reading never writes (issue 14)."""
    return CandidateRuleSettings.objects.filter(cycle=cycle).first() or CandidateRuleSettings(cycle=cycle)


def county_of(code: str) -> Region:
    return Region.objects.get(code=code[:6].ljust(12, "0"))


def review_units(*, county: Region) -> list[ReviewUnit]:
    return list(ReviewUnit.objects.filter(region=county, active=True).order_by("order", "name"))


def _kinship_links(people: set[int]) -> list[tuple[int, int, str]]:
    """Kinship records touching any of `people`: enough for every two-step relation between two of them."""
    if not people:
        return []
    return list(
        Kinship.objects.filter(Q(person_id__in=people) | Q(relative_id__in=people)).values_list(
            "person_id", "relative_id", "relation"
        )
    )


@dataclass(frozen=True)
class PreviousTerm:
    """Who sat in the previous term (PreviousTermMember rows as values), as the vetting reads it."""

    people: frozenset[int]
    heads: frozenset[int]  # the previous secretary and chair
    known: bool  # no previous term recorded: "new" and "was head" are unknown, not false

    @classmethod
    def of(cls, rows) -> PreviousTerm:
        rows = list(rows)
        return cls(
            people=frozenset(p["resident_id"] for p in rows if p["resident_id"]),
            heads=frozenset(
                p["resident_id"]
                for p in rows
                if p["resident_id"]
                and (p["party_position"] == Position.SECRETARY or p["committee_position"] == Position.CHAIR)
            ),
            known=bool(rows),
        )

    def nominee(self, n: Nomination) -> Nominee:
        """The facts of one nomination (its resident loaded) for `rules.vet`."""
        person = n.resident
        return Nominee(
            id=n.pk,
            person=n.resident_id,
            name=person.name,
            sex=person.sex,
            birth_date=person.birth_date,
            position=n.position,
            education=person.education,
            party_member=person.party_member,
            state=n.state,
            votes=n.votes,
            village_post=n.village_post,
            is_new=(n.resident_id not in self.people) if self.known else None,
            was_head=(n.resident_id in self.heads) if self.known else None,
            listed_by_rule=n.listed_by_rule,
            proposed=n.proposed,
            elected=n.elected,
        )


def election_vetting(*, election: VillageElection) -> ElectionVetting:
    """Vet every nominee of one village election (about a dozen queries, whatever the number of nominees)."""
    thresholds = rule_settings(election.cycle).thresholds()
    nominations = list(Nomination.objects.filter(election=election).select_related("resident").order_by("id"))
    ids = [n.pk for n in nominations]
    people = {n.resident_id for n in nominations}

    previous = list(
        PreviousTermMember.objects.filter(election=election).values(
            "resident_id", "party_position", "committee_position"
        )
    )
    term = PreviousTerm.of(previous)

    reviews: dict[int, list[rules.Review]] = defaultdict(list)
    for r in QualificationReview.objects.filter(nomination_id__in=ids).order_by("kind", "requested_at", "id"):
        reviews[r.nomination_id].append(rules.Review(r.kind, r.unit, r.verdict, r.note))
    items = negative_list_for(election)
    number_of = {item.pk: item.number for item in items}
    answers: dict[int, dict[int, bool]] = defaultdict(dict)
    for nomination_id, item_id, hit in NegativeListAnswer.objects.filter(nomination_id__in=ids).values_list(
        "nomination_id", "item_id", "hit"
    ):
        if item_id in number_of:
            answers[nomination_id][number_of[item_id]] = hit
    on_record = record_evidence(election, people, items)
    approvals: dict[int, dict[str, str]] = defaultdict(dict)
    for nomination_id, code, state in (
        Approval.objects.filter(nomination_id__in=ids)
        .order_by("requested_at", "id")
        .values_list("nomination_id", "code", "state")
    ):
        approvals[nomination_id][code] = state
    inspections = dict(
        Inspection.objects.filter(nomination_id__in=ids).values_list("nomination_id", "conclusion")
    )
    signed = {c.nomination_id: c.signed() for c in Commitments.objects.filter(nomination_id__in=ids)}
    seated = set(
        ElectionCommitteeMember.objects.filter(election=election, seated=True).values_list(
            "resident_id", flat=True
        )
    )
    roll = VoterRegistration.objects.filter(election=election, status="registered")
    on_roll = (
        set(roll.filter(resident_id__in=people).values_list("resident_id", flat=True)) if people else set()
    )
    roll_kept = bool(on_roll) or roll.exists()
    relatives = rules.close_relatives(_kinship_links(people), people)

    facts = []
    processes = {}
    for n in nominations:
        facts.append(term.nominee(n))
        processes[n.pk] = rules.Process(
            reviews=tuple(reviews.get(n.pk, ())),
            negative_items=tuple((item.number, item.text) for item in items),
            negative_answers=answers.get(n.pk, {}),
            negative_records={
                number: evidence_summary(records)
                for number, records in on_record.get(n.resident_id, {}).items()
            },
            approvals=approvals.get(n.pk, {}),
            inspection=inspections.get(n.pk),
            signed=signed.get(n.pk, frozenset()),
            on_roll=(n.resident_id in on_roll) if roll_kept and n.body == Body.COMMITTEE else None,
        )
    vetted = rules.vet(
        nominees=facts, processes=processes, relatives=relatives, seated=seated, thresholds=thresholds
    )
    seats = {
        Body.PARTY: election.party_seats,
        Body.COMMITTEE: election.committee_seats,
        Body.SUPERVISION: election.supervision_seats,
    }
    body_findings = {
        body: rules.body_findings(body=body, seats=seats[body], nominees=facts, t=thresholds) for body in Body
    }
    if not term.known:
        body_findings[Body.PARTY].insert(0, Finding.of(codes.PREVIOUS_TERM_MISSING))
    rows = [
        NomineeRow(n, f, vetted[n.pk], age_on(f.birth_date, thresholds.reference_date))
        for n, f in zip(nominations, facts, strict=True)
    ]
    return ElectionVetting(election, thresholds, rows, body_findings, term.known, items)


# --- The slate ---------------------------------------------------------------------------------------


@dataclass
class SlateCheck:
    team: list[slate.Member]
    figures: slate.Figures
    findings: list[Finding]


def previous_team(*, election: VillageElection) -> list[slate.Member]:
    return [
        slate.Member(
            person=f"previous-{p.pk}",
            name=p.name,
            sex=p.sex,
            birth_date=p.birth_date,
            education=p.education,
            party_member=p.party_member,
            party_position=p.party_position,
            committee_position=p.committee_position,
        )
        for p in PreviousTermMember.objects.filter(election=election)
    ]


def slate_checks(*, vetting: ElectionVetting) -> dict:
    """The structure of the proposed team, of the elected team once recorded, and the comparison of each
    with the outgoing team ("五升一降")."""
    t = vetting.thresholds
    population = vetting.election.village.population
    facts = [r.facts for r in vetting.rows]
    before_team = previous_team(election=vetting.election)
    before = slate.figures(before_team, t) if before_team else None
    result = {"previous": before, "previous_team": before_team}
    for which, elected in (("proposed", False), ("elected", True)):
        team = slate.team_of(facts, elected=elected)
        figures = slate.figures(team, t)
        findings = slate.structure_findings(figures, population=population, t=t)
        comparison = slate.compare(before, figures) if before and team else []
        findings += slate.comparison_findings(comparison)
        result[which] = {"team": team, "figures": figures, "findings": findings, "comparison": comparison}
    return result


# --- Notices -----------------------------------------------------------------------------------------


@dataclass
class Notice:
    kind: str
    body: str
    sections: list[tuple[str, list[NomineeRow]]]
    deadline: datetime.date | None
    published_on: datetime.date | None
    findings: list[Finding]
    unknown: list[Finding]

    @property
    def empty(self) -> bool:
        return not any(rows for _label, rows in self.sections)


def notice(*, vetting: ElectionVetting, kind: str, today: datetime.date) -> Notice:
    """A public notice: the listed nominees of the notice's body per position, in the cycle's order (surname
    stroke order by default); for the formal list, the legal deadline and whether it is late."""
    body = BODY_OF_NOTICE[kind]
    election = vetting.election
    listed = [r for r in vetting.rows_of(body) if r.nomination.state == NominationState.LISTED]
    by_fact = {r.facts.id: r for r in listed}
    if kind == NoticeKind.FORMAL:
        sections = []
        for position in POSITIONS_OF_BODY[body]:
            ordered = rules.notice_order(
                [r.facts for r in listed if r.facts.position == position], vetting.thresholds.notice_order
            )
            if ordered:
                sections.append((Position(position).label, [by_fact[f.id] for f in ordered]))
    else:
        ordered = rules.notice_order([r.facts for r in listed], vetting.thresholds.notice_order)
        sections = [(Body(body).label, [by_fact[f.id] for f in ordered])]
    published = (
        NoticePublication.objects.filter(election=election, kind=kind)
        .order_by("-recorded_at")
        .values_list("published_on", flat=True)
        .first()
    )
    findings = list(vetting.body_findings.get(body, []))
    deadline = None
    if kind == NoticeKind.FORMAL:
        days = election.cycle.candidate_list_days
        if election.election_day:
            deadline = rules.publication_deadline(election.election_day, days)
        findings = (
            rules.publication_findings(
                election_day=election.election_day, days=days, published_on=published, today=today
            )
            + findings
        )
    unknown = rules.unknown_character_findings(r.facts.name for r in listed)
    return Notice(kind, body, sections, deadline, published, findings, unknown)


# --- Queues ------------------------------------------------------------------------------------------


def department_inbox(*, user: User) -> QuerySet[QualificationReview]:
    """The review requests addressed to a department user's unit inside their region, pending first.

    This is the home page's inbox for joint-review departments; scoping (accounts.scoping) does the
    matching of `User.unit` and the region.
    """
    return (
        QualificationReview.objects.visible_to(user)
        .filter(kind=ReviewKind.DEPARTMENT)
        .select_related("nomination__resident", "nomination__election__village__parent", "reviewer")
        .annotate(
            pending_first=Case(
                When(verdict=Verdict.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("pending_first", "-decided_at", "requested_at", "id")
    )


def pending_reviews(*, user: User) -> QuerySet[QualificationReview]:
    return department_inbox(user=user).filter(verdict=Verdict.PENDING)


def answered_reviews(*, user: User) -> QuerySet[QualificationReview]:
    """A department's verdicts, latest first (read backwards along its unit's index of decision times)."""
    return (
        department_inbox(user=user)
        .filter(decided_at__isnull=False)
        .exclude(verdict=Verdict.PENDING)
        .order_by("-decided_at", "-id")
    )


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class ReviewWindows:
    """How long a department has to answer: a review request is due `review_days` (a setting of its
    cycle, CandidateRuleSettings) after the day it was sent, and overdue once that day is past.

    `days` holds the cycles framing the department's region; a cycle without settings yet has the default.
    The due dates are read, not stored, so an administrator who changes the setting moves every open
    request's due date with it."""

    days: dict[int, int]
    current: ElectionCycle | None = None
    default: int = defaults.REVIEW_DAYS

    def of(self, cycle_id: int) -> int:
        return self.days.get(cycle_id, self.default)

    @property
    def current_days(self) -> int:
        """The window of the department's current cycle (the default without one)."""
        return self.of(self.current.pk) if self.current else self.default

    def due_on(self, review: QualificationReview) -> datetime.date:
        sent = timezone.localdate(review.requested_at)
        return sent + datetime.timedelta(days=self.of(review.nomination.election.cycle_id))

    @property
    def _other(self) -> dict[int, list[int]]:
        """The cycles whose window is not the default, by window."""
        groups: dict[int, list[int]] = defaultdict(list)
        for cycle_id, days in sorted(self.days.items()):
            if days != self.default:
                groups[days].append(cycle_id)
        return groups

    def due_before(self, day: datetime.date) -> Q:
        """The requests due before `day`: sent before `day` less their cycle's window (in one condition per
        distinct window, usually one)."""
        other = self._other
        cut = Q(requested_at__lt=_midnight(day - datetime.timedelta(days=self.default)))
        if not other:
            return cut
        odd = [cycle_id for ids in other.values() for cycle_id in ids]
        condition = ~Q(nomination__election__cycle_id__in=odd) & cut
        for days, ids in other.items():
            condition |= Q(
                nomination__election__cycle_id__in=ids,
                requested_at__lt=_midnight(day - datetime.timedelta(days=days)),
            )
        return condition

    def by_due(self, queryset: QuerySet[QualificationReview]) -> QuerySet[QualificationReview]:
        """Soonest due first; with one window for every cycle that is the order in which they were sent."""
        other = self._other
        if not other:
            return queryset.order_by("requested_at", "id")
        due = Case(
            *[
                When(
                    nomination__election__cycle_id__in=ids,
                    then=F("requested_at") + Value(datetime.timedelta(days=days)),
                )
                for days, ids in other.items()
            ],
            default=F("requested_at") + Value(datetime.timedelta(days=self.default)),
            output_field=DateTimeField(),
        )
        return queryset.annotate(due_at=due).order_by("due_at", "id")


def review_windows(*, user: User) -> ReviewWindows:
    """The answer windows of the cycles framing a department's region (one query), and its current cycle:
    a department sees no cycle through the scope (it sees its unit's requests only), yet works in one."""
    region = user.region
    if region is None:
        return ReviewWindows({})
    cycles = list(
        ElectionCycle.objects.filter(
            Q(region__code__in=[region.code, *ancestor_codes(region.code)])
            | Q(region__code__startswith=region.prefix)
        )
        .select_related("candidate_rules", "region")
        .order_by("-is_current", "-id")
    )
    # A cycle without its settings yet raises RelatedObjectDoesNotExist, an AttributeError too.
    settings = {c.pk: getattr(c, "candidate_rules", None) for c in cycles}
    days = {pk: s.review_days for pk, s in settings.items() if s is not None}
    current = next((c for c in cycles if c.is_current), None)
    return ReviewWindows(days, current)


def inbox_counts(*, user: User, windows: ReviewWindows) -> dict[str, int]:
    """A department's figures for its home page and inbox: open, overdue (open and past due), answered."""
    pending = Q(verdict=Verdict.PENDING)
    return (
        QualificationReview.objects.visible_to(user)
        .filter(kind=ReviewKind.DEPARTMENT)
        .aggregate(
            open=Count("pk", filter=pending),
            overdue=Count("pk", filter=pending & windows.due_before(timezone.localdate())),
            answered=Count("pk", filter=~pending),
        )
    )


def approvals_queue(*, user: User) -> QuerySet[Approval]:
    """Approvals of "in principle" breaches inside the user's jurisdiction, pending first."""
    return (
        Approval.objects.visible_to(user)
        .select_related(
            "nomination__resident", "nomination__election__village__parent", "requested_by", "decided_by"
        )
        .annotate(
            pending_first=Case(
                When(state=ApprovalState.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending_first", "-decided_at", "requested_at", "id")
    )


def election_committee(*, election: VillageElection) -> dict:
    """The villagers' election committee: everyone of the vote with their votes, the seated members, and
    its own rules (at least 5 members, odd; no two members close relatives)."""
    members = list(
        ElectionCommitteeMember.objects.filter(election=election)
        .select_related("resident")
        .order_by("-votes", "id")
    )
    seated = [m for m in members if m.seated]
    people = {m.resident_id for m in seated}
    relatives = rules.close_relatives(_kinship_links(people), people)
    findings = []
    if seated and (len(seated) < 5 or len(seated) % 2 == 0):
        findings.append(Finding.of(codes.ELECTION_COMMITTEE_SIZE, count=len(seated)))
    names = {m.resident_id: m.resident.name for m in seated}
    for (a, b), relation in sorted(relatives.items()):
        if a < b:
            findings.append(
                Finding.of(
                    codes.ELECTION_COMMITTEE_RELATIVES,
                    first=names[a],
                    second=names[b],
                    relation=relation.label,
                )
            )
    replacement = rules.next_in_vote([(m.pk, m.votes, m.seated, m.withdrawn_at is not None) for m in members])
    return {"members": members, "seated": seated, "findings": findings, "next": replacement}


@dataclass
class UnitProgress:
    """One reviewing department's part of a village's joint review: its verdicts and what it still owes."""

    name: str
    open: int = 0
    passed: int = 0
    failed: int = 0
    oldest: datetime.datetime | None = None  # when its oldest open request was sent


@dataclass
class ReviewMatrix:
    """Nominees × departments of one village (issue 15, part 2): who holds the vetting up."""

    units: list[UnitProgress]
    rows: list[tuple[Nomination, list[QualificationReview | None]]]

    @property
    def waiting(self) -> list[UnitProgress]:
        """The departments that still owe answers, the longest waiting first."""
        return sorted((u for u in self.units if u.open), key=lambda u: (u.oldest, u.name))


def review_matrix(*, election: VillageElection) -> ReviewMatrix:
    """The department reviews of the village's nominees (two queries): one row per nominee not withdrawn,
    one column per department asked (the county's active units first, in their order)."""
    bodies = list(Body)
    nominations = sorted(
        Nomination.objects.filter(election=election)
        .exclude(state=NominationState.WITHDRAWN)
        .select_related("resident"),
        # The Party committee first, then the villagers' and the supervision committee; the chair first.
        key=lambda n: (bodies.index(n.body), POSITIONS_OF_BODY[n.body].index(n.position), n.pk),
    )
    reviews = list(
        QualificationReview.objects.filter(nomination__in=nominations, kind=ReviewKind.DEPARTMENT).order_by(
            "requested_at", "id"
        )
    )
    order = {u.name: i for i, u in enumerate(review_units(county=county_of(election.division_code)))}
    names = sorted({r.unit for r in reviews}, key=lambda name: (order.get(name, len(order)), name))
    units = {name: UnitProgress(name) for name in names}
    cell = {(r.nomination_id, r.unit): r for r in reviews}
    for r in reviews:
        unit = units[r.unit]
        if r.verdict == Verdict.PENDING:
            unit.open += 1
            unit.oldest = unit.oldest or r.requested_at
        elif r.verdict == Verdict.PASSED:
            unit.passed += 1
        else:
            unit.failed += 1
    rows = [(n, [cell.get((n.pk, name)) for name in names]) for n in nominations]
    return ReviewMatrix(units=list(units.values()), rows=[r for r in rows if any(r[1])])


def reminded_today(*, election: VillageElection) -> set[str]:
    """The departments reminded today about this village (a reminder a day is enough)."""
    return set(
        ReviewReminder.objects.filter(election=election, sent_at__date=timezone.localdate()).values_list(
            "unit", flat=True
        )
    )


def recent_reminders(*, user: User, days: int = 7) -> list[ReviewReminder]:
    """The reminders a department received in the last `days` days, newest first (its home page)."""
    since = timezone.now() - datetime.timedelta(days=days)
    return list(
        ReviewReminder.objects.visible_to(user)
        .filter(sent_at__gte=since)
        .select_related("election__village__parent", "sent_by")[:10]
    )


def void_decisions(*, user: User) -> QuerySet[VoidDecision]:
    """The decisions on voiding an election inside the user's jurisdiction, open ones first."""
    return (
        VoidDecision.objects.visible_to(user)
        .select_related(
            "nomination__resident",
            "nomination__election__village__parent",
            "opened_by",
            "decided_by",
        )
        .order_by(
            Case(When(state=VoidState.OPEN, then=0), default=1),
            "-opened_at",
            "-id",
        )
    )
