"""Demo election nights: the votes of every village that has held one (demo.lifecycle's plan).

For the Party election of every village past it, and the villagers' vote of every village that has voted:
the central meeting's ballot box, the Party meeting's attendance, one tally sheet per box and body
entered twice by two township staff (agreeing), the count by the statutory rules (`ballots.counting`,
the pure module the services use) confirmed on the spot, and the township's approval where the stage
implies it (the winners marked elected). One village's first round left a seat unfilled (a further round
to hold), one village's vote is void (turnout below half); the voting notices of the villages whose day
is announced. Bulk writes; a village whose lists cannot fill every seat falls back to the committee stage.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from random import Random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils import timezone

from accounts.roles import Role
from ballots import codes as ballot_codes
from ballots import counting
from ballots.codes import Finding
from ballots.models import (
    BallotBox,
    BoxKind,
    ElectionResult,
    PartyAttendance,
    ResultState,
    SheetState,
    TallyEntry,
    TallySheet,
    VotingMethod,
    VotingNotice,
    WarningAcknowledgement,
)
from ballots.services import finding_key, outcome_data
from candidates.choices import POSITIONS_OF_BODY, Body, NominationState
from candidates.models import Nomination
from demo.base import DEMO_PASSWORD
from demo.lifecycle import VillagePlan, plans_of
from elections.models import Region, Stage, VillageElection
from trail.services import record_bulk
from voters.models import Status, VoterRegistration

BATCH = 5000
BOX_LABEL = "中心会场"


def _at(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _staff(ctx, townships: set[str]) -> dict[str, tuple]:
    """Two township staff per township who enter the tally sheets (双人录入); the township office's
    own login is the first of its township."""
    User = get_user_model()
    names = dict(
        Region.objects.filter(code__in=[t.ljust(12, "0") for t in townships]).values_list("code", "name")
    )
    own = ctx.users.get("township_office")
    password = make_password(DEMO_PASSWORD)
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


class _Night:
    """The rows of every election night, written in bulk at the end."""

    def __init__(self):
        self.boxes: list[BallotBox] = []
        self.attendance: list[PartyAttendance] = []
        self.sheets: list[tuple[int, TallySheet, dict]] = []  # box index, sheet, entered values
        self.results: list[ElectionResult] = []
        self.acknowledgements: list[tuple[int, object, object, int]] = []  # box, election, by, Party issued
        self.elected: set[int] = set()


def _posts(body: str, seats: int, listed: list[dict]) -> list[counting.Position]:
    """The posts a body fills, as ballots.services.positions_of draws them from the list."""
    head, deputy, member = POSITIONS_OF_BODY[body]
    posts = [counting.Position(key=head, rank=0, seats=1)]
    if any(n["position"] == deputy for n in listed):
        posts.append(counting.Position(key=deputy, rank=1, seats=1))
    posts.append(counting.Position(key=member, rank=2, seats=seats - len(posts), is_member_position=True))
    return posts


def _winners(posts, listed: list[dict], body: str) -> dict[str, list[dict]] | None:
    """Each post's candidates, the intended winners first; None when a post has too few candidates.
    The villagers' committee elects at least one woman (else the reserved women's seat applies)."""
    standing = {
        p.key: sorted((n for n in listed if n["position"] == p.key), key=lambda n: -n["votes"]) for p in posts
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


def _votes(rng: Random, posts, standing, cast: int, valid: int, *, short: bool) -> dict[str, dict[str, int]]:
    """Votes per post: the winners more than half the ballots cast, the others fewer; with `short`, the
    last member seat's winner misses half (a seat for the further round)."""
    votes: dict[str, dict[str, int]] = {}
    half = cast // 2 + 1
    for post in posts:
        people = standing[post.key]
        table = {}
        for person in people[: post.seats]:
            table[person["key"]] = min(valid, rng.randint(half, max(half, cast * 4 // 5)))
        if short and post.is_member_position:
            table[people[post.seats - 1]["key"]] = cast * 2 // 5
        budget = valid * post.seats - sum(table.values())
        losers = people[post.seats :]
        low = min(table.values()) - 1
        for person in losers:
            share = min(rng.randint(cast // 10, cast * 9 // 20), budget // max(1, len(losers)), low)
            table[person["key"]] = max(0, share)
        votes[post.key] = table
    return votes


def _count(rng, election, body, listed, *, electorate, cast, issued, invalid, short=False):
    """One body's vote: (outcome, votes, winners) or None when the list cannot fill every seat."""
    seats = election.party_seats if body == Body.PARTY else election.committee_seats
    posts = _posts(body, seats, listed)
    standing = _winners(posts, listed, body)
    if standing is None:
        return None
    valid = cast - invalid
    votes = _votes(rng, posts, standing, cast, valid, short=short)
    candidates = [
        counting.Candidate(
            key=n["key"],
            sex=counting.Sex.FEMALE if n["sex"] == "F" else counting.Sex.MALE,
            listed_for=frozenset({n["position"]}),
            name=n["name"],
        )
        for n in listed
    ]
    box = counting.BoxTally(
        box_id=BOX_LABEL, issued=issued, returned=cast, valid=valid, invalid=invalid, votes=votes,
        unreturned=issued - cast,
    )  # fmt: skip
    outcome = counting.count(
        body=counting.Body.PARTY_COMMITTEE if body == Body.PARTY else counting.Body.VILLAGERS_COMMITTEE,
        electorate=electorate,
        boxes=[box],
        positions=posts,
        candidates=candidates,
    )
    winners = {n["key"] for p in posts for n in standing[p.key][: p.seats]}
    return outcome, box, winners


def _clean(outcome, winners) -> bool:
    elected = {key for p in outcome.positions for key in p.elected}
    return (
        outcome.valid
        and elected == winners
        and not any(p.further_round_seats or p.women_round_seats or p.ties for p in outcome.positions)
    )


def seed(ctx) -> None:
    plans = plans_of(ctx)
    if ctx.cycle is None or not plans:
        return
    rng, today = Random(f"ballots-{ctx.villages}"), ctx.today
    voting = {pk: p for pk, p in plans.items() if p.party_vote or p.notice_on}
    elections = VillageElection.objects.select_related("village").in_bulk(list(voting))
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
    registered = dict(
        VoterRegistration.objects.filter(election_id__in=list(voting), status=Status.REGISTERED)
        .order_by()
        .values("election_id")
        .annotate(n=Count("id"))
        .values_list("election_id", "n")
    )
    staff = _staff(ctx, {p.code[:9] for p in voting.values()})
    night, notices = _Night(), []
    for pk in sorted(voting):
        plan, election = voting[pk], elections[pk]
        first, second = staff[plan.code[:9]]
        if plan.party_vote:
            _party(rng, night, plan, election, listed[(pk, Body.PARTY)], first, second)
        if plan.counted:
            _villagers(rng, night, plan, election, listed[(pk, Body.COMMITTEE)], registered.get(pk, 0),
                       first, second, today)  # fmt: skip
        if plan.notice_on:
            notices.append(
                VotingNotice(
                    election=election,
                    division_code=election.division_code,
                    voting_on=plan.day,
                    starts_at=time(8, 0),
                    ends_at=time(16, 0),
                    method=VotingMethod.CENTRAL,
                    place="村文化礼堂",
                    published_on=plan.notice_on,
                    published_by=first,
                )
            )
    _write(night, notices)
    record_bulk(
        actor=None,
        action="seed",
        model=ElectionResult,
        division_code=ctx.cycle.region.code,
        summary="演示数据：选举之夜（票箱、计票单双人录入、计票结果、投票公告）",
        counts={"villages": len(voting), "results": len(night.results), "notices": len(notices)},
    )


def _box(night: _Night, election, issued: int) -> int:
    """The central meeting's box of the election (one per election), its index in the night's rows."""
    for i, box in enumerate(night.boxes):
        if box.election_id == election.pk:
            return i
    night.boxes.append(
        BallotBox(
            election=election, division_code=election.division_code, label=BOX_LABEL, kind=BoxKind.CENTRAL,
            ballots_issued=issued,
        )
    )  # fmt: skip
    return len(night.boxes) - 1


def _sheet(night: _Night, box_index: int, election, body: str, tally: counting.BoxTally, users) -> None:
    values = {
        "issued": tally.issued,
        "returned": tally.returned,
        "valid": tally.valid,
        "invalid": tally.invalid,
        "unreturned": tally.unreturned or 0,
        "votes": {k: {p: v for p, v in t.items() if v} for k, t in tally.votes.items()},
        "users": users,
    }
    sheet = TallySheet(
        election=election, division_code=election.division_code, body=body, round=1, state=SheetState.AGREED
    )
    night.sheets.append((box_index, sheet, values))


def _result(
    night, election, body, outcome, names, counter, *, confirmed: date, approved: date | None, approver=None
):
    """The result as ballots.services keeps it; the approver is another member of the township office than
    the one who confirmed it (ElectionCycle.separate_confirm_and_approve)."""
    night.results.append(
        ElectionResult(
            election=election,
            division_code=election.division_code,
            body=body,
            round=1,
            state=ResultState.APPROVED if approved else ResultState.CONFIRMED,
            valid=outcome.valid,
            data=outcome_data(outcome, names),
            counted_by=counter,
            confirmed_by=counter,
            confirmed_at=_at(confirmed),
            approved_by=(approver or counter) if approved else None,
            approved_at=_at(approved, 10) if approved else None,
            # the villagers' committee's certificates handed over the day the township approved
            certificates_issued_on=approved if approved and body == Body.COMMITTEE else None,
            certificates_issued_by=counter if approved and body == Body.COMMITTEE else None,
        )
    )


def _party(rng, night: _Night, plan: VillagePlan, election, listed, first, second) -> None:
    """The Party members' meeting: attendance, the count, the township's approval the next day."""
    members = max(election.village.party_members, 5)
    excused = rng.randint(0, members // 20)
    due = members - excused
    present = due - rng.randint(0, due // 10)
    invalid = 1 if present > 30 and rng.random() < 0.5 else 0
    counted = _count(
        rng, election, Body.PARTY, listed,
        electorate=counting.Electorate(
            members=members, excused={counting.ExcuseCategory.AWAY_WITHOUT_TRANSFER: excused}, present=present
        ),
        cast=present, issued=present, invalid=invalid,
    )  # fmt: skip
    if counted is None or not _clean(counted[0], counted[2]):
        plan.demote_to_party_election()
        return
    outcome, tally, winners = counted
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
    box = _box(night, election, tally.issued)
    _sheet(night, box, election, Body.PARTY, tally, (first, second))
    night.acknowledgements.append((box, election, first, tally.issued))
    names = {n["key"]: n["name"] for n in listed}
    _result(night, election, Body.PARTY, outcome, names, first, approver=second, confirmed=plan.party_vote,
            approved=plan.party_vote + timedelta(days=1))  # fmt: skip
    night.elected |= {n["id"] for n in listed if n["key"] in winners}


def _acknowledgement(election, box: BallotBox, issued: int, by) -> WarningAcknowledgement:
    """The Party meeting's ballots were not issued into the villagers' box: the warning, accepted."""
    finding = Finding.of(
        ballot_codes.TALLY_ISSUED_DIFFERS_FROM_BOX, box=box.label, sheet=issued, box_issued=box.ballots_issued
    )
    return WarningAcknowledgement(
        election=election,
        division_code=election.division_code,
        body=Body.PARTY,
        round=1,
        key=finding_key(finding),
        code=finding.code,
        note="党员大会选票单独发放，不计入村民选举发票数",
        acknowledged_by=by,
    )


def _villagers(rng, night: _Night, plan: VillagePlan, election, listed, registered, first, second, today):
    """The villagers' vote: the count confirmed on the spot; approved from the handover on (and in half
    the villages still electing their supervision committee)."""
    turnout = rng.uniform(0.38, 0.45) if plan.special == "void" else rng.uniform(0.72, 0.9)
    issued = max(1, round(registered * turnout))
    cast = issued - rng.randint(0, min(3, issued // 100))
    invalid = rng.randint(0, max(1, cast // 60))
    counted = _count(
        rng, election, Body.COMMITTEE, listed,
        electorate=counting.Electorate(registered=registered),
        cast=cast, issued=issued, invalid=invalid, short=plan.special == "further_round",
    )  # fmt: skip
    expected = {
        "void": lambda o, w: not o.valid,
        "further_round": lambda o, w: o.valid and any(p.further_round_seats for p in o.positions),
    }.get(plan.special, _clean)
    if counted is None or not expected(counted[0], counted[2]):
        plan.demote_to_committee_election(today)
        return
    outcome, tally, winners = counted
    box = _box(night, election, issued)
    night.boxes[box].ballots_issued = issued
    _sheet(night, box, election, Body.COMMITTEE, tally, (first, second))
    approve = plan.index >= 4 or (plan.stage == Stage.SUPERVISION and rng.random() < 0.5)
    approved = plan.day + timedelta(days=1) if approve else None
    names = {n["key"]: n["name"] for n in listed}
    _result(night, election, Body.COMMITTEE, outcome, names, first, approver=second, confirmed=plan.day,
            approved=approved)  # fmt: skip
    if approved:
        night.elected |= {n["id"] for n in listed if n["key"] in winners}


def _write(night: _Night, notices: list[VotingNotice]) -> None:
    boxes = BallotBox.objects.bulk_create(night.boxes, batch_size=BATCH)
    for box_index, sheet, _values in night.sheets:
        sheet.box = boxes[box_index]
    TallySheet.objects.bulk_create([s for _i, s, _v in night.sheets], batch_size=BATCH)
    entries = []
    for _i, sheet, values in night.sheets:
        figures = {k: v for k, v in values.items() if k != "users"}
        for slot, user in enumerate(values["users"], start=1):
            entries.append(
                TallyEntry(
                    sheet=sheet, division_code=sheet.division_code, slot=slot, entered_by=user, **figures
                )
            )
    TallyEntry.objects.bulk_create(entries, batch_size=BATCH)
    PartyAttendance.objects.bulk_create(night.attendance, batch_size=BATCH)
    ElectionResult.objects.bulk_create(night.results, batch_size=BATCH)
    # The Party sheet's ballots differ from the box's once the villagers' ballots went into it.
    WarningAcknowledgement.objects.bulk_create(
        [
            _acknowledgement(election, boxes[i], issued, by)
            for i, election, by, issued in night.acknowledgements
            if boxes[i].ballots_issued != issued
        ],
        batch_size=BATCH,
    )
    ids = sorted(night.elected)
    for start in range(0, len(ids), BATCH):
        Nomination.objects.filter(pk__in=ids[start : start + BATCH]).update(elected=True)
    VotingNotice.objects.bulk_create(notices, batch_size=BATCH)
