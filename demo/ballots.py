"""Demo election nights: the votes of every village that has held one (demo.lifecycle's plan), and the
villages whose election night is under way tonight.

For the Party election of every village past it, and the villagers' vote of every village that has voted:
the ballot boxes, the Party meeting's attendance, one tally sheet per box and body entered twice by the
township's two tally staff (tally_<township>_1/2, 双人录入) with the voters who signed for a ballot at the
box, the count by the statutory rules (`ballots.counting`, the pure module the services use, with the
cycle's counting rules, which each result keeps), every warning of the reconciliation acknowledged by a
named user with a note, and the township's approval and the certificates of election where the stage
implies it (the winners marked elected). The voting notices of the villages whose day is announced.

The election night at each of its points (`STATES`; demo.lifecycle TONIGHT, AGAIN and the further rounds
held), each in a few real villages, in the stage it implies:
- voting today, in the villagers' committee stage: the boxes set up (the central meeting's, a mobile box
  流动票箱, in one village a polling station's) and nothing entered; sheets entered once, waiting for the
  second entry; two entries that differ in a field or two; reconciled, a warning acknowledged and counted,
  waiting for the confirmation on the spot;
- voted a day or three ago, still in that stage: the first round confirmed with a seat left for a further
  round; a vote void because not more than half of the voters cast a ballot;
- in the handover stage, a further round held on the day (its own box, entered twice, counted by its own
  threshold) and both rounds approved, with one set of certificates;
- every village from the handover on (and half of those electing their supervision committee): approved,
  the certificates issued.
Bulk writes; a village whose lists cannot fill every seat falls back to the committee stage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import Role
from ballots import codes as ballot_codes
from ballots import counting
from ballots.codes import Finding, Severity
from ballots.models import (
    BallotBox,
    BoxKind,
    CountingRuleSettings,
    ElectionResult,
    MobileBoxApproval,
    MobileBoxVisit,
    MobileReason,
    PartyAttendance,
    PlenaryVote,
    PollingStation,
    ResultState,
    SheetState,
    TallyEntry,
    TallySheet,
    VotingMethod,
    VotingNotice,
    WarningAcknowledgement,
)
from ballots.services import (
    ballot_position,
    counting_rules,
    entry_differences,
    finding_key,
    outcome_data,
    plenary_data,
    plenary_posts,
    rules_data,
    write_in_key,
)
from candidates.choices import POSITIONS_OF_BODY, Body, NominationState, Position
from candidates.models import Nomination
from demo.base import demo_password_hash, insert_objects
from demo.lifecycle import TONIGHT, VillagePlan, plans_of
from demo.voters import registrations
from elections.models import Region, Stage, VillageElection
from trail.services import record_bulk
from voters.models import Status, VoterRegistration

BATCH = 5000
CENTRAL, MOBILE, STATION = "中心会场", "流动票箱", "第二投票站"
PARTY_MEETING = "党员大会会场"  # the Party members' meeting's own box (BallotBox.body)
MOBILE_ROUTE, MOBILE_STAFF = "一组—三组—五组（行动不便的选民家中）", "王建国、李秀英"
STATION_PLACE = "村老年活动中心"
STATES_KEY = "election_night"
# The points of the election night, in order, as seed_demo lists them.
STATES = (
    ("boxes", "boxes set up, nothing entered"),
    ("entered", "sheets entered once"),
    ("mismatch", "entries differ"),
    ("reconciled", "reconciled, warning acknowledged, to confirm"),
    ("further_round", "further round to hold"),
    ("further_round_held", "further round held, approved"),
    ("void", "void (turnout)"),
    ("certified", "approved, certificates issued"),
)
# What the township's tally staff wrote when they accepted each warning of the reconciliation.
NOTES = {
    ballot_codes.TALLY_ISSUED_DIFFERS_FROM_BOX.code: "党员大会选票单独发放，不计入村民选举发票数",
    ballot_codes.RECONCILE_BOX_OUTLIER.code: "中心会场集中投票，投票人数多于流动票箱属正常",
    ballot_codes.RECONCILE_INVALID_SHARE_HIGH.code: "经监票人复核，废票系一票多选所致，照实统计",
    ballot_codes.RECONCILE_WRITE_IN_NOT_ON_ROLL.code: "另选他人系外村人员，得票照实统计并公布",
}
# Names written in on a ballot of a reconciled village (另选他人): the first not on its roll is used.
WRITE_INS = ("陈国华", "李建平", "王志强", "张卫东")
FURTHER = ("further_round", "further_round_held")  # a first round that leaves a seat


def _at(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def states(ctx) -> dict[str, list[int]]:
    """The election ids of the villages at each point of the election night (STATES)."""
    return ctx.extra.get(STATES_KEY, {})


def _staff(ctx, townships: set[str]) -> dict[str, tuple]:
    """Two township staff per township who enter the tally sheets (双人录入); the township office's
    own login is the first of its township."""
    User = get_user_model()
    names = dict(
        Region.objects.filter(code__in=[t.ljust(12, "0") for t in townships]).values_list("code", "name")
    )
    own = ctx.users.get("township_office")
    password = demo_password_hash()
    new = []
    for code in sorted(townships):
        for n in (1, 2):
            if n == 1 and own is not None and own.region.code.startswith(code):
                continue
            new.append(
                User(
                    username=f"tally_{code}_{n}",
                    display_name=f"{names.get(code.ljust(12, '0'), '')}换届办 计票录入员{n}",
                    role=Role.TOWNSHIP,
                    region_id=Region.objects.only("id").get(code=code.ljust(12, "0")).pk,
                    password=password,
                )
            )
    User.objects.bulk_create(new)
    users = {u.username: u for u in User.objects.filter(username__startswith="tally_")}
    staff = {}
    for code in townships:
        first = own if own is not None and own.region.code.startswith(code) else users[f"tally_{code}_1"]
        staff[code] = (first, users[f"tally_{code}_2"])
    return staff


@dataclass
class _Reckoning:
    """One reconciled vote, whose warnings a named user acknowledged (as `services.reconcile_election`
    finds them, figured once the boxes' ballots issued are final)."""

    election: VillageElection
    body: str
    round: int
    boxes: list[int]  # the night's box indexes, in the order of `tallies`
    tallies: list[counting.BoxTally]
    signed_for: dict[str, int]
    seats: dict[str, int]
    candidates: list[counting.Candidate]
    registered: int
    roll: set[str]
    by: object
    at: datetime


@dataclass
class _Night:
    """The rows of every election night, written in bulk at the end."""

    rules: counting.CountingRules
    deputies: dict[str, int]
    today: date
    stations: list[PollingStation] = field(default_factory=list)
    boxes: list[tuple[BallotBox, int | None]] = field(default_factory=list)  # box, station index
    attendance: list[PartyAttendance] = field(default_factory=list)
    # box index, sheet, the entries [(user, entered values)]
    sheets: list[tuple[int, TallySheet, list[tuple[object, dict]]]] = field(default_factory=list)
    results: list[ElectionResult] = field(default_factory=list)
    reckonings: list[_Reckoning] = field(default_factory=list)
    box_at: dict[tuple[int, int, str], int] = field(default_factory=dict)  # (election, round, label)
    elected: set[int] = field(default_factory=set)
    states: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    with_station: set[int] = field(default_factory=set)
    plenary_posts: list[counting.PlenaryPost] = field(default_factory=list)
    plenaries: list[PlenaryVote] = field(default_factory=list)
    mobile: list[tuple[int, int, int, object]] = field(
        default_factory=list
    )  # box index, issued, returned, by


@dataclass
class _Paper:
    """The ballots of one box: handed out (and signed for), returned, of which invalid."""

    label: str
    kind: str
    issued: int
    returned: int
    invalid: int

    @property
    def valid(self) -> int:
        return self.returned - self.invalid


@dataclass
class _Vote:
    outcome: counting.CountResult
    tallies: list[counting.BoxTally]
    winners: set[str]
    posts: list[counting.Position]
    candidates: list[counting.Candidate]


def _posts(body: str, seats: int, listed: list[dict], deputies: int) -> list[counting.Position]:
    """The posts a body fills, as ballots.services.positions_of draws them from the list."""
    if body == Body.PARTY:  # the members' assembly elects the committee's members; its plenary the posts
        return [counting.Position(key=Position.PARTY_MEMBER, rank=0, seats=seats, is_member_position=True)]
    head, deputy, member = POSITIONS_OF_BODY[body]
    posts = [counting.Position(key=head, rank=0, seats=1)]
    if deputies and any(n["position"] == deputy for n in listed):
        posts.append(counting.Position(key=deputy, rank=1, seats=min(deputies, max(seats - 2, 1))))
    members = seats - sum(p.seats for p in posts)
    if members > 0:
        posts.append(counting.Position(key=member, rank=2, seats=members, is_member_position=True))
    return posts


def _winners(posts, listed: list[dict], body: str) -> dict[str, list[dict]] | None:
    """Each post's candidates, the intended winners first; None when a post has too few candidates.
    The villagers' committee elects at least one woman (else the reserved women's seat applies)."""
    standing = {
        p.key: sorted(
            (n for n in listed if ballot_position(body, n["position"]) == p.key), key=lambda n: -n["votes"]
        )
        for p in posts
    }
    if any(len(standing[p.key]) < p.seats for p in posts):
        return None
    if body == Body.COMMITTEE:
        elected = [n for p in posts for n in standing[p.key][: p.seats]]
        if not any(n["sex"] == "F" for n in elected):
            for post in reversed(posts):
                women = [n for n in standing[post.key] if n["sex"] == "F"]
                if women:
                    standing[post.key].remove(women[0])
                    standing[post.key].insert(0, women[0])
                    break
            else:
                return None
    return standing


def _votes(rng: Random, posts, standing, cast: int, valid: int, *, short: bool, boxes: int,
           write_ins: dict[str, int]) -> dict[str, dict[str, int]]:  # fmt: skip
    """Votes per post: the winners more than half the ballots cast, the others fewer; with `short`, the
    last man elected to a member seat misses half (a seat for the further round). The member post also counts the
    `write_ins`; a vote per person and box of each post's capacity is left for the split's rounding."""
    votes: dict[str, dict[str, int]] = {}
    half = cast // 2 + 1
    for post in posts:
        people = standing[post.key]
        table = {}
        for person in people[: post.seats]:
            table[person["key"]] = min(valid, rng.randint(half, max(half, cast * 4 // 5)))
        if short and post.is_member_position:  # a man's seat, so that a woman is still elected
            men = [p for p in people[: post.seats] if p["sex"] != "F"] or people[: post.seats]
            table[men[-1]["key"]] = cast * 2 // 5
        if post.is_member_position:
            table.update(write_ins)
        budget = valid * post.seats - sum(table.values()) - (len(table) + len(people)) * (boxes - 1)
        losers = people[post.seats :]
        low = min(table[p["key"]] for p in people[: post.seats]) - 1
        for person in losers:
            share = min(rng.randint(cast // 10, cast * 9 // 20), budget // max(1, len(losers)), low)
            table[person["key"]] = max(0, share)
        votes[post.key] = table
    return votes


def _split(votes: dict[str, dict[str, int]], papers: list[_Paper]) -> list[dict[str, dict[str, int]]]:
    """Each person's votes over the boxes in proportion to their valid ballots, the central meeting's box
    (the first) taking what the rounding leaves; votes of zero are not entered."""
    total = sum(p.valid for p in papers)
    boxes: list[dict[str, dict[str, int]]] = [{} for _p in papers]
    for position, table in votes.items():
        for person, number in table.items():
            shares = [number * p.valid // total if total else 0 for p in papers[1:]]
            for box, share in zip(boxes, [number - sum(shares), *shares], strict=True):
                if share:
                    box.setdefault(position, {})[person] = share
    return [{k: dict(sorted(t.items())) for k, t in sorted(box.items())} for box in boxes]


def _persons(listed: list[dict], body: str) -> list[counting.Candidate]:
    return [
        counting.Candidate(
            key=n["key"],
            sex=counting.Sex.FEMALE if n["sex"] == "F" else counting.Sex.MALE,
            listed_for=frozenset({ballot_position(body, n["position"])}),
            name=n["name"],
        )
        for n in listed
    ]


def _count(rng, night: _Night, election, body, listed, *, electorate, papers: list[_Paper], short=False,
           write_ins=None) -> _Vote | None:  # fmt: skip
    """One body's vote: the count of its boxes, or None when the list cannot fill every seat."""
    seats = election.party_seats if body == Body.PARTY else election.committee_seats
    posts = _posts(body, seats, listed, night.deputies[body])
    standing = _winners(posts, listed, body)
    if standing is None:
        return None
    cast, valid = sum(p.returned for p in papers), sum(p.valid for p in papers)
    votes = _votes(
        rng, posts, standing, cast, valid, short=short, boxes=len(papers), write_ins=write_ins or {}
    )
    tallies = [
        counting.BoxTally(
            box_id=p.label, issued=p.issued, returned=p.returned, valid=p.valid, invalid=p.invalid,
            unreturned=p.issued - p.returned, votes=box_votes,
        )
        for p, box_votes in zip(papers, _split(votes, papers), strict=True)
    ]  # fmt: skip
    candidates = _persons(listed, body)
    outcome = counting.count(
        body=counting.Body.PARTY_COMMITTEE if body == Body.PARTY else counting.Body.VILLAGERS_COMMITTEE,
        rules=night.rules,
        electorate=electorate,
        boxes=tallies,
        positions=posts,
        candidates=candidates,
    )
    winners = {n["key"] for p in posts for n in standing[p.key][: p.seats]}
    return _Vote(outcome, tallies, winners, posts, candidates)


def _clean(outcome, winners) -> bool:
    elected = {key for p in outcome.positions for key in p.elected}
    return (
        outcome.valid
        and elected == winners
        and not any(p.further_round_seats or p.women_round_seats or p.ties for p in outcome.positions)
    )


def _reconciles(night: _Night, vote: _Vote, registered: int, roll: set[str]) -> bool:
    """The ballot account has no error (`counting.reconcile` with what the service passes it)."""
    report = counting.reconcile(
        vote.tallies,
        registered=registered,
        signed_for={t.box_id: t.issued for t in vote.tallies},
        seats_by_position={p.key: p.seats for p in vote.posts},
        rules=night.rules,
        roll=roll,
        candidates=vote.candidates,
    )
    return report.ok


def seed(ctx) -> None:
    plans = plans_of(ctx)
    if ctx.cycle is None or not plans:
        return
    rng, today = Random(f"ballots-{ctx.villages}"), ctx.today
    voting = {pk: p for pk, p in plans.items() if p.party_vote or p.notice_on}
    if not voting:
        return
    elections = VillageElection.objects.select_related("village", "cycle").in_bulk(list(voting))
    listed: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in Nomination.objects.filter(
        election_id__in=list(voting), state=NominationState.LISTED, body__in=(Body.PARTY, Body.COMMITTEE)
    ).values(
        "id", "election_id", "body", "position", "resident_id", "resident__sex", "resident__name", "votes"
    ):
        listed[(row["election_id"], row["body"])].append(
            {
                "id": row["id"],
                "key": f"r{row['resident_id']}",
                "position": row["position"],
                "sex": row["resident__sex"],
                "name": row["resident__name"],
                "votes": row["votes"] or 0,
            }
        )
    registered = registrations(ctx, voting)  # with the rest of the rolls still to load (demo.rolls)
    # The names on the rolls of the villages reconciled tonight (a name written in may be on it).
    rolls: dict[int, set[str]] = defaultdict(set)
    for election_id, name in VoterRegistration.objects.filter(
        election_id__in=[pk for pk, p in voting.items() if p.special == "reconciled"],
        status=Status.REGISTERED,
    ).values_list("election_id", "resident__name"):
        rolls[election_id].add(name)
    # The cycle's counting rules, kept with every result (the defaults of DOMAIN.md in the demo).
    settings, _created = CountingRuleSettings.objects.get_or_create(cycle=ctx.cycle)
    night = _Night(
        rules=counting_rules(election=next(iter(elections.values()))),
        deputies={Body.PARTY: settings.party_deputy_seats, Body.COMMITTEE: settings.committee_deputy_seats},
        today=today,
        plenary_posts=plenary_posts(election=next(iter(elections.values()))),
    )
    staff = _staff(ctx, {p.code[:9] for p in voting.values()})
    notices = []
    for pk in sorted(voting):
        plan, election = voting[pk], elections[pk]
        users = staff[plan.code[:9]]
        if plan.party_vote:
            _party(rng, night, plan, election, listed[(pk, Body.PARTY)], registered.get(pk, 0), users)
        if plan.polled:
            _villagers(rng, night, plan, election, listed[(pk, Body.COMMITTEE)], registered.get(pk, 0),
                       users, rolls[pk])  # fmt: skip
        if plan.notice_on:
            stations = pk in night.with_station
            notices.append(
                VotingNotice(
                    election=election,
                    division_code=election.division_code,
                    voting_on=plan.day,
                    starts_at=time(8, 0),
                    ends_at=time(16, 0),
                    method=VotingMethod.CENTRAL_AND_STATIONS if stations else VotingMethod.CENTRAL,
                    place="村文化礼堂",
                    published_on=plan.notice_on,
                    published_by=users[0],
                )
            )
    _write(night, notices)
    ctx.extra[STATES_KEY] = {key: sorted(night.states.get(key, [])) for key, _label in STATES}
    record_bulk(
        actor=None,
        action="seed",
        model=ElectionResult,
        division_code=ctx.cycle.region.code,
        summary="演示数据：选举之夜（票箱、计票单双人录入、警示确认、计票结果、另行选举、投票公告）",
        counts={
            "villages": len(voting),
            "boxes": len(night.boxes),
            "sheets": len(night.sheets),
            "results": len(night.results),
            "notices": len(notices),
        },
    )


def _box(night: _Night, election, paper: _Paper, round: int = 1, *, body: str = "", by=None) -> int:
    """The box of the election with this label in this round (set up once), its index in the night's
    rows; a polling station's box comes with its station."""
    at = night.box_at.get((election.pk, round, paper.label))
    if at is not None:
        night.boxes[at][0].ballots_issued = paper.issued
        return at
    station = None
    if paper.kind == BoxKind.STATION:
        night.stations.append(
            PollingStation(
                election=election, division_code=election.division_code, name=paper.label, place=STATION_PLACE
            )
        )
        station = len(night.stations) - 1
        night.with_station.add(election.pk)
    night.boxes.append(
        (
            BallotBox(
                election=election, division_code=election.division_code, label=paper.label, kind=paper.kind,
                ballots_issued=paper.issued, round=round, body=body,
                route=MOBILE_ROUTE if paper.kind == BoxKind.MOBILE else "",
                staff=MOBILE_STAFF if paper.kind == BoxKind.MOBILE else "",
            ),
            station,
        )
    )  # fmt: skip
    night.box_at[(election.pk, round, paper.label)] = len(night.boxes) - 1
    if paper.kind == BoxKind.MOBILE:
        night.mobile.append((len(night.boxes) - 1, paper.issued, paper.returned, by))
    return len(night.boxes) - 1


def _values(tally: counting.BoxTally) -> dict:
    """A box's tally sheet as entered (`TallyEntry.values()`): every voter who was handed a ballot signed
    the roll for it."""
    return {
        "issued": tally.issued,
        "returned": tally.returned,
        "valid": tally.valid,
        "invalid": tally.invalid,
        "unreturned": tally.unreturned or 0,
        "signed_for": tally.issued,
        "votes": {k: dict(t) for k, t in tally.votes.items()},
    }


def _misread(values: dict, how: int) -> dict:
    """The second entry of a sheet typed differently: one person's votes ten more (one field), or two
    valid ballots typed as invalid (two fields)."""
    second = {**values, "votes": {k: dict(t) for k, t in values["votes"].items()}}
    if (how % 2 or not second["votes"]) and values["valid"] >= 2:
        second["valid"], second["invalid"] = values["valid"] - 2, values["invalid"] + 2
    elif second["votes"]:
        position = sorted(second["votes"])[-1]
        person = sorted(second["votes"][position])[0]
        second["votes"][position][person] += 10
    else:
        second["invalid"] += 1
    return second


def _sheets(night: _Night, election, body: str, vote_boxes: list[int], tallies, users, *, round: int = 1,
            entries: list[str] | None = None, misread: int = 0) -> None:  # fmt: skip
    """One sheet per box: entered by both (`agreed`, the default), by the first only (`once`), or by both
    differently (`differ`, `_misread`)."""
    for i, (box, tally) in enumerate(zip(vote_boxes, tallies, strict=True)):
        how = entries[i] if entries else "agreed"
        first = _values(tally)
        made = [(users[0], first)]
        if how == "agreed":
            made.append((users[1], first))
        elif how == "differ":
            made.append((users[1], _misread(first, misread)))
        state = {"agreed": SheetState.AGREED, "once": SheetState.ENTERING, "differ": SheetState.MISMATCH}[how]
        sheet = TallySheet(
            election=election, division_code=election.division_code, body=body, round=round, state=state,
            differences=entry_differences(made[0][1], made[1][1]) if how == "differ" else [],
        )  # fmt: skip
        night.sheets.append((box, sheet, made))


def _result(night, election, body, outcome, names, counter, *, round=1, state=ResultState.CONFIRMED,
            confirmed: datetime | None = None, approved: date | None = None, approver=None) -> None:  # fmt: skip
    """The result as ballots.services keeps it, with the rules counted by; the approver is another member
    of the township office than the one who confirmed it (ElectionCycle.separate_confirm_and_approve)."""
    if approved:
        state = ResultState.APPROVED
    night.results.append(
        ElectionResult(
            election=election,
            division_code=election.division_code,
            body=body,
            round=round,
            state=state,
            valid=outcome.valid,
            data=outcome_data(outcome, names),
            rules=rules_data(night.rules),
            counted_by=counter,
            confirmed_by=counter if confirmed else None,
            confirmed_at=confirmed,
            approved_by=(approver or counter) if approved else None,
            approved_at=_at(approved, 10) if approved else None,
            # the villagers' committee's certificates handed over the day the township approved
            certificates_issued_on=approved if approved and body == Body.COMMITTEE else None,
            certificates_issued_by=counter if approved and body == Body.COMMITTEE else None,
        )
    )


def _reckon(night, election, body, vote_boxes, vote: _Vote, registered, by, at, *, round=1,
            roll=None) -> None:  # fmt: skip
    night.reckonings.append(
        _Reckoning(
            election=election, body=body, round=round, boxes=vote_boxes, tallies=vote.tallies,
            signed_for={t.box_id: t.issued for t in vote.tallies},
            seats={p.key: p.seats for p in vote.posts}, candidates=vote.candidates,
            registered=registered, roll=roll or set(), by=by, at=at,
        )
    )  # fmt: skip


def _party(rng, night: _Night, plan: VillagePlan, election, listed, registered, users) -> None:
    """The Party members' meeting: attendance, the count, the township's approval the next day."""
    first, second = users
    members = max(election.village.party_members, 5)
    excused = rng.randint(0, members // 20)
    due = members - excused
    present = due - rng.randint(0, due // 10)
    invalid = 1 if present > 30 and rng.random() < 0.5 else 0
    vote = _count(
        rng, night, election, Body.PARTY, listed,
        electorate=counting.Electorate(
            members=members, excused={counting.ExcuseCategory.AWAY_WITHOUT_TRANSFER: excused}, present=present
        ),
        papers=[_Paper(CENTRAL, BoxKind.CENTRAL, issued=present, returned=present, invalid=invalid)],
    )  # fmt: skip
    if vote is None or not _clean(vote.outcome, vote.winners):
        plan.demote_to_party_election()
        return
    night.attendance.append(
        PartyAttendance(
            election=election,
            division_code=election.division_code,
            members=members,
            away_over_six_months_without_transfer=excused,
            present=present,
            recorded_by=first,
        )
    )
    box = _box(
        night, election, _Paper(PARTY_MEETING, BoxKind.CENTRAL, present, present, invalid), body=Body.PARTY
    )
    _sheets(night, election, Body.PARTY, [box], vote.tallies, users)
    confirmed = _at(plan.party_vote)
    # the Party members' meeting reconciles against the members present (ballots.services)
    _reckon(night, election, Body.PARTY, [box], vote, present, first, confirmed)
    names = {n["key"]: n["name"] for n in listed}
    _result(night, election, Body.PARTY, vote.outcome, names, first, approver=second, confirmed=confirmed,
            approved=plan.party_vote + timedelta(days=1))  # fmt: skip
    _plenary(night, election, vote.outcome, listed, names, first, plan.party_vote)
    night.elected |= {n["id"] for n in listed if n["key"] in vote.winners}


def _plenary(night: _Night, election, outcome, listed, names, by, day) -> None:
    """The new committee's plenary the evening of the assembly: every member present, the nominee proposed
    for secretary (else the best placed) elected secretary, the proposed deputy (else the next) deputy, the
    next member discipline member, all unanimously (counting.plenary_count, as services.record_plenary)."""
    members = [key for p in outcome.positions for key in p.elected]
    proposed = {n["key"]: n["position"] for n in listed}
    order = sorted(
        members,
        key=lambda k: {Position.SECRETARY: 0, Position.DEPUTY_SECRETARY: 1}.get(proposed.get(k), 2),
    )
    votes, taken = {}, 0
    for post in night.plenary_posts:
        chosen = order[taken : taken + post.seats]
        taken += post.seats
        votes[post.key] = {key: len(members) for key in chosen}
    result = counting.plenary_count(
        committee=members, present=len(members), posts=night.plenary_posts, votes=votes
    )
    night.plenaries.append(
        PlenaryVote(
            election=election, division_code=election.division_code, members=len(members),
            present=len(members), votes=votes, data=plenary_data(result, {k: names[k] for k in members}),
            valid=result.valid, share="1/2", held_on=day, recorded_by=by,
        )
    )  # fmt: skip


def _papers(
    rng, registered: int, turnout: float, layout: list[tuple[str, str]], *, spoilt: bool
) -> list[_Paper]:
    """The ballots of each box of the layout: a mobile box takes a few percent of the ballots, a polling
    station a sixth or so, the central meeting the rest; with `spoilt`, the last box's invalid ballots
    are an unusually high share (a reconciliation warning)."""
    issued = max(1, round(registered * turnout))
    shares = {BoxKind.MOBILE: (0.03, 0.06), BoxKind.STATION: (0.12, 0.2)}
    others = [max(3, round(issued * rng.uniform(*shares[kind]))) for _label, kind in layout[1:]]
    central = max(1, issued - sum(others))
    returned = central - rng.randint(0, min(3, central // 100))
    papers = [_Paper(CENTRAL, BoxKind.CENTRAL, central, returned, rng.randint(0, max(1, returned // 60)))]
    for (label, kind), n in zip(layout[1:], others, strict=True):
        papers.append(_Paper(label, kind, n, n, rng.randint(0, 1)))
    if spoilt and len(papers) > 1:
        papers[-1].invalid = max(2, papers[-1].returned // 6)
    return papers


def _layout(plan: VillagePlan, turn: int) -> list[tuple[str, str]]:
    """The boxes of a village: the central meeting's; the election night's villages a mobile box too, and
    the first of tonight's villages at each point a polling station's box as well."""
    layout = [(CENTRAL, BoxKind.CENTRAL)]
    if plan.special and plan.special != "clerk":
        layout.append((MOBILE, BoxKind.MOBILE))
        if plan.special in TONIGHT and turn == 0:
            layout.append((STATION, BoxKind.STATION))
    return layout


def _first_round(rng, night: _Night, plan: VillagePlan, election, listed, registered, roll_names, turn):
    """The count of the villagers' vote over the village's boxes (the central meeting's alone if the
    split would not reconcile), as its point of the night wants it: (vote, papers, roll), or None when the
    list cannot fill every seat or the count does not come out so."""
    special = plan.special
    turnout = rng.uniform(0.38, 0.45) if special == "void" else rng.uniform(0.72, 0.9)
    write_ins = {}
    if special == "reconciled" and turn % 2:
        name = next((n for n in WRITE_INS if n not in roll_names), None)
        if name is not None:
            write_ins = {write_in_key(name): rng.randint(3, 9)}
    roll = {write_in_key(n) for n in roll_names} if write_ins else set()
    electorate = counting.Electorate(registered=registered)
    for layout in (_layout(plan, turn), _layout(plan, turn)[:1]):
        papers = _papers(rng, registered, turnout, layout, spoilt=special == "reconciled" and not write_ins)
        vote = _count(rng, night, election, Body.COMMITTEE, listed, electorate=electorate, papers=papers,
                      short=special in FURTHER, write_ins=write_ins)  # fmt: skip
        if vote is None:
            return None
        if _reconciles(night, vote, registered, roll):
            break
    outcome = vote.outcome
    if special in FURTHER:
        wanted = outcome.valid and any(p.further_round_seats for p in outcome.positions)
    else:
        wanted = not outcome.valid if special == "void" else _clean(outcome, vote.winners)
    return (vote, papers, roll) if wanted else None


def _villagers(rng, night: _Night, plan: VillagePlan, election, listed, registered, users, roll_names):
    """The villagers' vote, at the point of the election night its plan says (see the module doc)."""
    turn = len(night.states[plan.special]) if plan.special else 0
    counted = _first_round(rng, night, plan, election, listed, registered, roll_names, turn)
    if counted is None:
        plan.demote_to_committee_election(night.today)
        return
    vote, papers, roll = counted
    written = {key for p in vote.outcome.positions for key in p.votes if key.startswith("w:")}
    names = {n["key"]: n["name"] for n in listed} | {key: key.removeprefix("w:") for key in written}
    again = (
        _further_round(rng, night, vote, listed, registered) if plan.special == "further_round_held" else None
    )
    if plan.special == "further_round_held" and again is None:
        plan.stage, plan.special = Stage.COMMITTEE_ELECTION, "further_round"  # still to hold
    boxes = [_box(night, election, paper, by=users[0]) for paper in papers]
    if plan.special in TONIGHT:
        night.states[plan.special].append(election.pk)
        _tonight(night, plan, election, boxes, vote, names, users, registered, roll, turn)
        return
    first, second = users
    _sheets(night, election, Body.COMMITTEE, boxes, vote.tallies, users)
    confirmed = _at(plan.day)
    _reckon(night, election, Body.COMMITTEE, boxes, vote, registered, first, confirmed, roll=roll)
    approve = plan.index >= 4 or (plan.stage == Stage.SUPERVISION and rng.random() < 0.5)
    approved = plan.day + timedelta(days=1) if approve else None
    _result(night, election, Body.COMMITTEE, vote.outcome, names, first, approver=second, confirmed=confirmed,
            approved=approved)  # fmt: skip
    if again is not None:
        tally = again.tallies[0]
        box = _box(
            night, election, _Paper(CENTRAL, BoxKind.CENTRAL, tally.issued, tally.returned, 0), round=2
        )
        _sheets(night, election, Body.COMMITTEE, [box], again.tallies, users, round=2)
        held = _at(plan.day, 20)
        _reckon(night, election, Body.COMMITTEE, [box], again, registered, first, held, round=2)
        _result(night, election, Body.COMMITTEE, again.outcome, names, first, round=2, approver=second,
                confirmed=held, approved=approved)  # fmt: skip
        vote.winners |= again.winners
    if plan.special:
        night.states[plan.special].append(election.pk)
    if approved:
        night.elected |= {n["id"] for n in listed if n["key"] in vote.winners}
        night.states["certified"].append(election.pk)


def _tonight(night: _Night, plan, election, boxes, vote: _Vote, names, users, registered, roll, turn) -> None:
    """A village counting tonight: the boxes set up; the sheets entered once (one box, or every box in
    every other village); a box's two entries differing; or every sheet agreed, the warnings acknowledged
    and the vote counted, waiting for the election committee's confirmation."""
    n, special = len(boxes), plan.special
    if special == "boxes":
        return
    if special == "entered":
        entries = ["agreed", *["once"] * (n - 1)] if turn % 2 == 0 and n > 1 else ["once"] * n
    elif special == "mismatch":
        entries = ["agreed"] * n
        entries[(turn + 1) % n] = "differ"
    else:
        entries = ["agreed"] * n
    _sheets(night, election, Body.COMMITTEE, boxes, vote.tallies, users, entries=entries, misread=turn)
    if special == "reconciled":
        counted = _at(plan.day, 19)
        _reckon(night, election, Body.COMMITTEE, boxes, vote, registered, users[0], counted, roll=roll)
        _result(night, election, Body.COMMITTEE, vote.outcome, names, users[0], state=ResultState.COUNTED)


def _further_round(rng, night: _Night, first: _Vote, listed, registered) -> _Vote | None:
    """另行选举 on the day: the seats the first round left, among those it names to stand (as
    `services.further_round` reads them from the first round's result), one box; the first of those
    standing for each post wins with half the ballots, the others a quarter (the threshold is a third).
    None if that count would not fill every seat."""
    order = POSITIONS_OF_BODY[Body.COMMITTEE]
    positions, standing = [], {}
    for post in first.outcome.positions:
        women = post.women_round_seats
        seats = post.further_round_seats + women + sum(tie.seats for tie in post.ties)
        if not seats:
            continue
        persons = [*post.further_round_candidates, *post.women_round_candidates,
                   *(key for tie in post.ties for key in tie.persons)]  # fmt: skip
        standing[post.position] = list(dict.fromkeys(persons))
        positions.append(
            counting.Position(
                key=post.position, rank=order.index(post.position), seats=seats,
                is_member_position=post.position == order[-1], women_only=bool(women) and seats == women,
            )
        )  # fmt: skip
    elected_before = [key for p in first.outcome.positions for key in p.elected]
    sexes = {n["key"]: n["sex"] for n in listed}
    listed_for: dict[str, set[str]] = defaultdict(set)
    for position, keys in standing.items():
        for key in keys:
            listed_for[key].add(position)
    for key in elected_before:
        listed_for.setdefault(key, set())
    candidates = [
        counting.Candidate(
            key=key,
            sex={"F": counting.Sex.FEMALE, "M": counting.Sex.MALE}.get(sexes.get(key)),
            listed_for=frozenset(posts),
        )
        for key, posts in listed_for.items()
    ]
    issued = max(1, round(registered * rng.uniform(0.6, 0.7)))
    cast = issued - rng.randint(0, min(2, issued // 100))
    invalid = rng.randint(0, max(1, cast // 80))
    valid, votes = cast - invalid, {}
    for post in positions:
        keys = standing[post.key]
        others = min(valid // 4, valid * post.seats // 2 // max(1, len(keys) - post.seats))
        votes[post.key] = {key: valid // 2 if i < post.seats else others for i, key in enumerate(keys)}
    tally = counting.BoxTally(
        box_id=CENTRAL, issued=issued, returned=cast, valid=valid, invalid=invalid,
        unreturned=issued - cast, votes=votes,
    )  # fmt: skip
    outcome = counting.count(
        body=counting.Body.VILLAGERS_COMMITTEE, rules=night.rules,
        electorate=counting.Electorate(registered=registered), boxes=[tally], positions=positions,
        candidates=candidates, round=2, elected_before=elected_before,
    )  # fmt: skip
    winners = {key for post in positions for key in standing[post.key][: post.seats]}
    again = _Vote(outcome, [tally], winners, positions, candidates)
    return again if _clean(outcome, winners) and _reconciles(night, again, registered, set()) else None


def _acknowledgements(night: _Night, boxes: list[BallotBox]) -> list[tuple[WarningAcknowledgement, datetime]]:
    """Every warning of each reconciled vote, acknowledged by the first entrant with a note, as
    `services.reconcile_election` reports them (`counting.reconcile`, then the sheet's ballots issued
    against the box's: the Party meeting's ballots were not issued into the villagers' box)."""
    found = []
    for r in night.reckonings:
        report = counting.reconcile(
            r.tallies, registered=r.registered, signed_for=r.signed_for, seats_by_position=r.seats,
            rules=night.rules, roll=r.roll, candidates=r.candidates,
        )  # fmt: skip
        extra = [
            Finding.of(
                ballot_codes.TALLY_ISSUED_DIFFERS_FROM_BOX, box=t.box_id, sheet=t.issued,
                box_issued=boxes[i].ballots_issued,
            )
            for i, t in zip(r.boxes, r.tallies, strict=True)
            if t.issued != boxes[i].ballots_issued
        ]  # fmt: skip
        for finding in (*report.findings, *extra):
            if finding.severity is not Severity.WARNING:
                continue
            ack = WarningAcknowledgement(
                election=r.election,
                division_code=r.election.division_code,
                body=r.body,
                round=r.round,
                key=finding_key(finding),
                code=finding.code,
                note=NOTES.get(finding.code, "经核对无误"),
                acknowledged_by=r.by,
            )
            found.append((ack, r.at - timedelta(minutes=20)))
    return found


def _write(night: _Night, notices: list[VotingNotice]) -> None:
    stations = insert_objects(PollingStation, night.stations)
    for box, station in night.boxes:
        box.station = stations[station] if station is not None else None
    boxes = insert_objects(BallotBox, [b for b, _s in night.boxes])
    for box_index, sheet, _made in night.sheets:
        sheet.box = boxes[box_index]
    insert_objects(TallySheet, [s for _i, s, _m in night.sheets])
    entries = []
    for _i, sheet, made in night.sheets:
        for slot, (user, values) in enumerate(made, start=1):
            entries.append(
                TallyEntry(
                    sheet=sheet, division_code=sheet.division_code, slot=slot, entered_by=user, **values
                )
            )
    insert_objects(TallyEntry, entries)
    insert_objects(PartyAttendance, night.attendance)
    insert_objects(PlenaryVote, night.plenaries)
    _mobile_voters(night, boxes)
    insert_objects(ElectionResult, night.results)
    found = _acknowledgements(night, boxes)
    for ack, at in found:
        ack.acknowledged_at = at  # acknowledged before the confirmation (auto_now_add otherwise)
    insert_objects(WarningAcknowledgement, [a for a, _at in found])
    ids = sorted(night.elected)
    for start in range(0, len(ids), BATCH):
        Nomination.objects.filter(pk__in=ids[start : start + BATCH]).update(elected=True)
    insert_objects(VotingNotice, notices)


def _mobile_voters(night: _Night, boxes: list[BallotBox]) -> None:
    """The voters each mobile box was approved for (as many as its ballots) and served (as many as it
    returned), the first registrations of its village's roll (ballots.mobile's rules)."""
    if not night.mobile:
        return
    elections = {boxes[i].election_id for i, *_rest in night.mobile}
    rolls = defaultdict(list)
    for election_id, pk in (
        VoterRegistration.objects.filter(election_id__in=elections, status=Status.REGISTERED)
        .order_by("election_id", "id")
        .values_list("election_id", "id")
    ):
        rolls[election_id].append(pk)
    admin = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
    approvals, served = [], []
    for index, issued, returned, by in night.mobile:
        box = boxes[index]
        taken = len([a for a in approvals if a.election_id == box.election_id])
        chosen = rolls[box.election_id][taken : taken + issued]
        made = [
            MobileBoxApproval(
                election_id=box.election_id, division_code=box.division_code, registration_id=pk,
                reason=MobileReason.ELDERLY, approved_by=by or admin,
            )
            for pk in chosen
        ]  # fmt: skip
        approvals += made
        served += [(box, approval) for approval in made[:returned]]
    insert_objects(MobileBoxApproval, approvals)
    insert_objects(MobileBoxVisit, [
            MobileBoxVisit(
                election_id=box.election_id, division_code=box.division_code, box=box, approval=approval,
                round=box.round, recorded_by=approval.approved_by,
            )
            for box, approval in served
        ])  # fmt: skip
