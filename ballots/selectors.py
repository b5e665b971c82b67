"""Reads of the count, scoped with `.visible_to(user)`, shaped for the pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from candidates import defaults as candidate_defaults
from candidates import rules as candidate_rules
from candidates.choices import POSITIONS_OF_BODY, Body, NominationState
from candidates.models import CandidateRuleSettings, Nomination
from elections.models import VillageElection
from elections.ordering import stroke_order_key
from voters import selectors as voter_selectors
from voters.models import Status, VoterRegistration
from voters.selectors import roll_order_key

from . import services
from .models import (
    BallotBox,
    BoxKind,
    ElectionResult,
    MobileBoxApproval,
    PlenaryVote,
    PollingStation,
    ResultState,
    TallyEntry,
    TallySheet,
    VotingNotice,
)


@dataclass
class BoxRow:
    box: BallotBox
    sheet: TallySheet | None
    entries: int
    mine: TallyEntry | None


def boxes(*, user: User, election: VillageElection, round: int = 1, body: str | None = None):
    """The round's boxes; given a body, those of its meeting (the Party members' or the villagers')."""
    found = BallotBox.objects.visible_to(user).filter(election=election, round=round)
    if body is not None:
        found = found.filter(body=services.box_meeting(body))
    return found.select_related("station")


def box_rows(*, user: User, election: VillageElection, body: str, round: int) -> list[BoxRow]:
    sheets = {
        s.box_id: s
        for s in TallySheet.objects.visible_to(user)
        .filter(election=election, body=body, round=round)
        .prefetch_related("entries")
    }
    rows = []
    for box in boxes(user=user, election=election, round=round, body=body):
        sheet = sheets.get(box.pk)
        entries = list(sheet.entries.all()) if sheet else []
        mine = next((e for e in entries if e.entered_by_id == user.pk), None)
        rows.append(BoxRow(box=box, sheet=sheet, entries=len(entries), mine=mine))
    return rows


def posts(
    *, election: VillageElection, body: str, round: int = 1
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(position key, label, [(person key, name)]) for the tally form, from the body's formal candidates;
    in a further round, the posts with seats left and exactly those standing for them.

    Each post lists its candidates in the order of the formal notice and the ballot (`candidates.rules.
    notice_order` with the cycle's setting: surname stroke order unless the cycle orders by nomination
    votes), so that the clerk types the paper tally sheet top to bottom.
    """
    if round != 1:
        return _further_posts(election=election, body=body)
    listed = Nomination.objects.filter(
        election=election, body=body, state=NominationState.LISTED
    ).select_related("resident")
    by_position: dict[str, list[_Listed]] = {p: [] for p in POSITIONS_OF_BODY[body]}
    for nomination in listed:
        by_position[services.ballot_position(body, nomination.position)].append(
            _Listed(services.person_key(nomination), nomination.resident.name, nomination.votes)
        )
    order = notice_order(election)
    open_posts = {p.key for p in services.positions_of(election=election, body=body)}
    return [
        (
            position,
            services.position_label(position),
            [(p.key, p.name) for p in candidate_rules.notice_order(persons, order)],
        )
        for position, persons in by_position.items()
        if position in open_posts
    ]


def _further_posts(*, election: VillageElection, body: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    further = services.further_round(election=election, body=body)
    if further is None:
        return []
    first_votes = {p["position"]: dict(p["votes"]) for p in further.first.data.get("positions", [])}
    order = notice_order(election)
    rows = []
    for post in further.positions:
        persons = [
            _Listed(key, name_of(key, further.names), first_votes.get(post.key, {}).get(key, 0))
            for key in further.standing.get(post.key, ())
        ]
        rows.append(
            (
                post.key,
                services.position_label(post.key),
                [(p.key, p.name) for p in candidate_rules.notice_order(persons, order)],
            )
        )
    return rows


def further_round_summary(*, election: VillageElection, body: str) -> dict | None:
    """What the results page says of a further round to hold: seats per post and who stands, by name."""
    further = services.further_round(election=election, body=body)
    if further is None:
        return None
    return {
        "seats": further.seats,
        "posts": [
            {
                "label": services.position_label(post.key),
                "seats": post.seats,
                "women_only": post.women_only,
                "standing": [name_of(key, further.names) for key in further.standing.get(post.key, ())],
            }
            for post in further.positions
        ],
    }


@dataclass(frozen=True)
class _Listed:
    """A formal candidate as `candidates.rules.notice_order` reads one: name and nomination votes."""

    key: str
    name: str
    votes: int


def notice_order(election: VillageElection) -> str:
    """The cycle's order of names on notices (read only: a cycle without settings has the default)."""
    return (
        CandidateRuleSettings.objects.filter(cycle_id=election.cycle_id)
        .values_list("notice_order", flat=True)
        .first()
        or candidate_defaults.NOTICE_ORDER
    )


# --- Dates and term on paper ---------------------------------------------------------------------------


def vote_date(election: VillageElection, result: ElectionResult) -> datetime.date:
    """The day the vote was held: the election day (the count is confirmed on the spot, 当场公布); the
    day of the confirmation only where no election day is recorded."""
    if election.election_day is not None:
        return election.election_day
    return timezone.localdate(result.confirmed_at or result.counted_at)


def term(*, election: VillageElection, body: str) -> int | None:
    """The term number (第十二届) of the villagers' committee being elected, from the voting notice, which
    records it; None for other bodies and where the notice gives none (the paper then names no term)."""
    if body != Body.COMMITTEE:
        return None
    return VotingNotice.objects.filter(election=election).values_list("term", flat=True).first()


# --- Findings in words ---------------------------------------------------------------------------------

# The figures behind a finding, named as the pages show them (a finding's params, `ballots.codes`).
PARAM_LABELS = {
    "box": _("Ballot box"),
    "box_issued": _("Ballots issued into the box"),
    "cast": _("Ballots cast"),
    "due_to_attend": _("Members due to attend"),
    "invalid": _("Invalid ballots"),
    "issued": _("Ballots issued"),
    "median_of_others": _("Median of the other boxes"),
    "person": _("Person"),
    "persons": _("Persons"),
    "position": _("Position"),
    "present": _("Present"),
    "registered": _("Registered voters"),
    "returned": _("Ballots returned"),
    "seats": _("Seats"),
    "sheet": _("On the tally sheet"),
    "signed_for": _("Signed for a ballot"),
    "standing": _("Standing"),
    "valid": _("Valid ballots"),
    "votes": _("Votes"),
}


def name_of(key: str, names: dict[str, str]) -> str:
    """A person key of the count (r12, or w:王建国 for a write-in) as the person's name."""
    return names.get(key) or key.removeprefix(services.WRITE_IN_PREFIX)


def describe_params(params, names: dict[str, str]) -> str:
    """A finding's figures in words: "人员：王建国；票数：30" (persons by name, posts by label)."""
    parts = []
    for name, value in dict(params).items():
        if name == "position":
            continue  # shown beside the message
        if name == "person":
            value = name_of(str(value), names)
        elif name == "persons":
            value = "、".join(name_of(k, names) for k in str(value).split(",") if k)
        elif isinstance(value, datetime.date):
            value = date_format(value, "Y年n月j日")
        parts.append(f"{PARAM_LABELS.get(name, name)}：{value}")
    return "；".join(parts)


def names_of(*, election: VillageElection, body: str) -> dict[str, str]:
    """{person key: name} of the body's formal candidates and of the village's registered voters."""
    names = {
        f"r{pk}": name
        for pk, name in VoterRegistration.objects.filter(election=election).values_list(
            "resident_id", "resident__name"
        )
    }
    for round in (1, 2):
        for _position, _label, persons in posts(election=election, body=body, round=round):
            names.update(persons)
    return names


def result(*, user: User, election: VillageElection, body: str, round: int) -> ElectionResult | None:
    return (
        ElectionResult.objects.visible_to(user)
        .filter(election=election, body=body, round=round)
        .select_related("confirmed_by", "approved_by", "counted_by")
        .first()
    )


def result_rows(result: ElectionResult) -> list[dict]:
    """Per position: the votes table with names (elected marked), and the write-in totals."""
    names = result.data.get("names", {})
    barred = result.data.get("excluded", {})  # the supervision committee's exclusions, with the reason
    rows = []
    for position in result.data.get("positions", []):
        elected = set(position["elected"])
        rows.append(
            {
                "label": services.position_label(position["position"]),
                "seats": position["seats"],
                # most votes first; equal votes in surname stroke order, as the names stood on the ballot
                "votes": sorted(
                    (
                        {
                            "name": names.get(key, key),
                            "votes": votes,
                            "elected": key in elected,
                            "barred": barred.get(key, ""),
                        }
                        for key, votes in position["votes"]
                    ),
                    key=lambda v: (-v["votes"], stroke_order_key(v["name"])),
                ),
                "write_ins": [
                    {"name": names.get(key, key), "votes": votes} for key, votes in position["write_ins"]
                ],
                "elected": [names.get(key, key) for key in position["elected"]],
                "further_round_seats": position["further_round_seats"],
                "further_round_candidates": [names.get(k, k) for k in position["further_round_candidates"]],
                "ties": [[names.get(k, k) for k in tie["persons"]] for tie in position["ties"]],
            }
        )
    return rows


# --- The voting notice ---------------------------------------------------------------------------------
# A notice counts as published only while its voting day is the election's election day: once the day
# moves, the old notice announces the wrong vote and must be corrected before the step is done again.


def voting_notice(*, user: User, election: VillageElection) -> VotingNotice | None:
    return (
        VotingNotice.objects.visible_to(user)
        .filter(election=election)
        .select_related("published_by", "corrected_by")
        .first()
    )


def voting_notice_published_on(election: VillageElection) -> datetime.date | None:
    """The day the voting notice of `election` was published, or None (none, or not for its election day)."""
    return (
        VotingNotice.objects.filter(election=election, voting_on=F("election__election_day"))
        .values_list("published_on", flat=True)
        .first()
    )


def voting_notice_dates(*, cycle_id: int, prefix: str = "") -> dict[int, datetime.date]:
    """{village election id: publication day} of the cycle's valid voting notices under a division-code
    prefix ("" for all), in one query, for the lifecycle's gates and boards."""
    return dict(
        VotingNotice.objects.filter(
            election__cycle_id=cycle_id,
            division_code__startswith=prefix,
            voting_on=F("election__election_day"),
        ).values_list("election_id", "published_on")
    )


def stations(*, user: User, election: VillageElection):
    """The election's polling stations, as the voting notice lists them."""
    return PollingStation.objects.visible_to(user).filter(election=election).order_by("name")


def mobile_boxes(*, user: User, election: VillageElection) -> int:
    """How many mobile ballot boxes (流动票箱) are set up, as the voting notice announces them."""
    return BallotBox.objects.visible_to(user).filter(election=election, kind=BoxKind.MOBILE).count()


def plenary(*, user: User, election: VillageElection) -> dict | None:
    """The Party committee's plenary as the results page shows it: the committee's members, the posts, the
    recorded vote with names, or None while the assembly has not confirmed every member."""
    try:
        members = services.party_committee(election=election)
    except ValidationError:
        return None
    record = PlenaryVote.objects.visible_to(user).filter(election=election).first()
    posts = [(p.key, services.plenary_post_label(p.key)) for p in services.plenary_posts(election=election)]
    rows = []
    if record:
        names = record.data.get("names", {})
        for post in record.data.get("posts", []):
            rows.append(
                {
                    "label": services.plenary_post_label(post["post"]),
                    "seats": post["seats"],
                    "votes": [{"name": names.get(k, k), "votes": v} for k, v in post["votes"] if v],
                    "elected": [names.get(k, k) for k in post["elected"]],
                    "unfilled": post["unfilled"],
                }
            )
    return {"members": list(members.items()), "posts": posts, "record": record, "rows": rows}


def elected_posts(election: VillageElection, body: str) -> dict[str, str]:
    """Person name → the post a certificate names: for the Party committee the plenary's post, else none
    (the assembly elects members only)."""
    if body != Body.PARTY:
        return {}
    record = PlenaryVote.objects.filter(election=election).first()
    if record is None:
        return {}
    names = record.data.get("names", {})
    return {names.get(k, k): services.plenary_post_label(post) for k, post in record.elected.items()}


def mobile_page(*, user: User, election: VillageElection, query: str = "") -> dict:
    """The mobile ballot boxes' page: the approved voters (group and name order, with the box that served
    each), the mobile boxes of both rounds with their route, staff and voters served, and the registrations
    of this election matching `query` (a name or an ID number's last digits) to approve."""
    approvals = list(
        MobileBoxApproval.objects.visible_to(user)
        .filter(election=election)
        .select_related("registration__resident", "approved_by")
        .prefetch_related("visits__box")
    )
    approvals.sort(key=lambda a: roll_order_key(a.registration.group, a.registration.resident.name))
    boxes = list(
        BallotBox.objects.visible_to(user)
        .filter(election=election, kind=BoxKind.MOBILE)
        .prefetch_related("visits__approval__registration__resident")
        .order_by("round", "label")
    )
    matches: list[VoterRegistration] = []
    query = query.strip()
    if query:
        approved = {a.registration_id for a in approvals}
        matches = [
            r
            for r in voter_selectors.find_people(user=user, query=query, limit=50)
            if r.election_id == election.pk and r.pk not in approved and r.status == Status.REGISTERED
        ]
    return {
        "approvals": [
            {
                "approval": a,
                "name": a.registration.resident.name,
                "group": a.registration.group,
                "id": voter_selectors.shown_id(user, a.registration.resident.id_number),
                "served": [v.box.label for v in a.visits.all()],
            }
            for a in approvals
        ],
        "boxes": [
            {"box": b, "served": [v.approval.registration.resident.name for v in b.visits.all()]}
            for b in boxes
        ],
        "matches": [
            {
                "registration": r,
                "name": r.resident.name,
                "group": r.group,
                "id": voter_selectors.shown_id(user, r.resident.id_number),
            }
            for r in matches
        ],
    }


def new_teams(*, election: VillageElection) -> list[dict]:
    """The new committees as the handover lists them: per body, the persons the approved results elected,
    with their posts (the Party committee's from its plenary), in the order of the posts."""
    approved = ElectionResult.objects.filter(election=election, state=ResultState.APPROVED, valid=True)
    by_body: dict[str, list[tuple[int, int, str, str]]] = {}
    for result in approved.order_by("round"):
        posts = elected_posts(election, result.body)
        names = result.data.get("names", {})
        for rank, position in enumerate(result.data.get("positions", [])):
            for key in position["elected"]:
                name = names.get(key, key)
                label = posts.get(name, services.position_label(position["position"]))
                order = list(posts.values()).index(label) if label in posts.values() else len(posts) + rank
                team = by_body.setdefault(result.body, [])
                team.append((order, len(team), name, label))  # posts in order, then as elected
    return [
        {"body": Body(body).label, "members": [(name, label) for _o, _n, name, label in sorted(people)]}
        for body in (Body.PARTY, Body.COMMITTEE, Body.SUPERVISION)
        if (people := by_body.get(body))
    ]
