"""Writes of the count: double entry, acknowledgements, counting, confirmation, approval.

One verb, one function, one transaction (STYLE.md "Services"). Each service checks its rule and raises
`ValidationError(message, code=...)` with a code of `ballots.codes`. The arithmetic of the statute lives
in the pure `ballots.counting`; this module feeds it the agreed tally sheets and keeps what it says.

Every write asks the ground floor first whether the election's stage and flags permit it
(`elections.permits.require`), whichever door called it: the vote of a body ("ballots.voting") in its
stage, its approval ("ballots.approve") until the handover ends, the boxes ("ballots.boxes") in either
counted body's stage, the polling stations with the voting notice ("ballots.notice"). The reconciliation
only reads, and is not gated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import may
from candidates import selectors as candidate_selectors
from candidates import services as candidate_services
from candidates.choices import POSITIONS_OF_BODY, Body, NominationState
from candidates.choices import Position as PositionChoice
from candidates.models import Nomination
from elections.models import VillageElection
from elections.permits import require
from elections.races import insert_once
from trail.services import anchor_on_commit
from voters.models import Resident, Status, VoterRegistration

from . import codes, counting
from .codes import Finding, RuleCode, Severity
from .models import (
    COUNT_FIELDS,
    ENTRY_SLOTS,
    BallotBox,
    BoxKind,
    CountingRuleSettings,
    ElectionResult,
    MobileBoxVisit,
    PartyAttendance,
    PlenaryVote,
    PollingStation,
    ResultState,
    SheetState,
    TallyEntry,
    TallySheet,
    WarningAcknowledgement,
    parse_share,
)

# Who enters tallies and confirms on the spot (the village election committee's clerk, helped by the
# township office), who approves (the township office alone) and who hands the certificates over (either):
# accounts.permissions, asked with the election, so a user of another village or township is refused too.
ENTER, APPROVE_RESULTS, CERTIFY = (
    "ballots.enter_tally",
    "ballots.approve_results",
    "ballots.issue_certificates",
)
COUNTED_BODIES = (Body.COMMITTEE, Body.PARTY, Body.SUPERVISION)
LOCKED_STATES = (ResultState.CONFIRMED, ResultState.APPROVED)
VOTING, APPROVE, BOXES, NOTICE = "ballots.voting", "ballots.approve", "ballots.boxes", "ballots.notice"
CERTIFICATES = "ballots.certificates"
WRITE_IN_PREFIX = "w:"


def _error(entry: RuleCode, **params) -> ValidationError:
    return ValidationError(entry.message, code=entry.code, params=params or None)


def _require(user: User, action: str, election: VillageElection) -> None:
    """The role (`tally.role_refused`), then the jurisdiction (`tally.outside_jurisdiction`)."""
    if not may(user, action):
        raise _error(codes.TALLY_ROLE_REFUSED)
    if not may(user, action, election):
        raise _error(codes.TALLY_OUTSIDE_JURISDICTION)


def rule_settings(cycle) -> CountingRuleSettings:
    """The cycle's counting rule settings; DOMAIN.md's defaults (unsaved) until an administrator sets them."""
    return CountingRuleSettings.objects.filter(cycle=cycle).first() or CountingRuleSettings(cycle=cycle)


def counting_rules(*, election: VillageElection) -> counting.CountingRules:
    """The cycle's counting rules now (`CountingRuleSettings`), as the pure count takes them."""
    s = rule_settings(election.cycle)
    return counting.CountingRules(
        turnout_threshold=parse_share(s.turnout_share),
        party_attendance_threshold=parse_share(s.party_attendance_share),
        elected_threshold=parse_share(s.elected_share),
        further_round_threshold=parse_share(s.further_round_share),
        further_round_extra_candidates=s.further_round_extra_candidates,
        skip_elected_for_lower_positions=s.skip_elected_for_lower_positions,
        reserved_women_seat=s.reserved_women_seat,
        invalid_share_warning=parse_share(s.invalid_share_warning),
        box_outlier_factor=parse_share(s.box_outlier_factor),
    )


def rules_data(rules: counting.CountingRules) -> dict:
    """The rules as a result keeps them: shares as exact fraction text ("1/2"), options as they are."""
    return {
        f.name: str(value) if isinstance(value := getattr(rules, f.name), Fraction) else value
        for f in fields(rules)
    }


def rules_from_data(data: Mapping) -> counting.CountingRules:
    """The rules a result was counted with; a result stored before rules were kept used the defaults."""
    if not data:
        return counting.DEFAULT_RULES
    known = {f.name: f.type for f in fields(counting.CountingRules)}
    values = {
        name: Fraction(value) if isinstance(value, str) else value
        for name, value in data.items()
        if name in known
    }
    return counting.CountingRules(**values)


def rules_of(*, election: VillageElection, body: str, round: int) -> counting.CountingRules:
    """The rules a vote is counted and reconciled with: those its result was counted with; a further round
    keeps its first round's, so one election is counted by one set of rules; else the cycle's now."""
    for number in (round, 1):
        stored = (
            ElectionResult.objects.filter(election=election, body=body, round=number)
            .values_list("rules", flat=True)
            .first()
        )
        if stored:
            return rules_from_data(stored)
    return counting_rules(election=election)


def counting_body(body: str) -> counting.Body:
    return counting.Body.PARTY_COMMITTEE if body == Body.PARTY else counting.Body.VILLAGERS_COMMITTEE


def person_key(nomination: Nomination) -> str:
    return f"r{nomination.resident_id}"


def write_in_key(name: str) -> str:
    return WRITE_IN_PREFIX + " ".join(name.split())


# --- Set-up --------------------------------------------------------------------------------------------


@transaction.atomic
def add_polling_station(*, election: VillageElection, name: str, place: str = "", by: User) -> PollingStation:
    """Set up a polling station (投票站) of the village (the voting notice lists them)."""
    require(election, NOTICE)
    _require(by, ENTER, election)
    station = PollingStation(election=election, name=name, place=place)
    station.division_code = election.division_code
    same_name = PollingStation.objects.filter(election=election, name=name)
    refusal = _error(codes.STATION_NAME_TAKEN, name=name)
    if same_name.exists():
        raise refusal
    return insert_once(station, twin=same_name, refuse=refusal)


@transaction.atomic
def add_ballot_box(
    *,
    election: VillageElection,
    label: str,
    kind: str,
    ballots_issued: int,
    station: PollingStation | None = None,
    round: int = 1,
    body: str = "",
    by: User,
) -> BallotBox:
    """Set up a ballot box: the central meeting's, a station's or a mobile box (流动票箱); a further round
    (另行选举) sets up its own boxes once a first round left seats to fill."""
    require(election, BOXES)
    _require(by, ENTER, election)
    if round != 1 and not any(further_round(election=election, body=b) for b in COUNTED_BODIES):
        raise _error(codes.TALLY_NO_FIRST_ROUND)
    box = BallotBox(
        election=election,
        label=label,
        kind=kind,
        ballots_issued=ballots_issued,
        station=station,
        round=round,
        body=Body.PARTY if body == Body.PARTY else "",
    )
    box.division_code = election.division_code
    same_label = BallotBox.objects.filter(election=election, round=round, label=label)
    refusal = _error(codes.BOX_LABEL_TAKEN, label=label)
    if same_label.exists():
        raise refusal
    return insert_once(box, twin=same_label, refuse=refusal)


@transaction.atomic
def record_party_attendance(
    *,
    election: VillageElection,
    round: int = 1,
    members: int,
    excused: Mapping[str, int],
    present: int,
    by: User,
) -> PartyAttendance:
    """Record who is due at the Party members' meeting (DOMAIN.md: five categories may be excused)."""
    require(election, VOTING, body=Body.PARTY)
    _require(by, ENTER, election)
    unknown = set(excused) - set(PartyAttendance.EXCUSE_FIELDS)
    if unknown:
        raise ValueError(f"unknown excuse categories {sorted(unknown)}")
    attendance, _created = PartyAttendance.objects.select_for_update().get_or_create(
        election=election,
        round=round,
        defaults={"members": members, "present": present, "recorded_by": by},
    )
    attendance.members, attendance.present, attendance.recorded_by = members, present, by
    for name in PartyAttendance.EXCUSE_FIELDS:
        setattr(attendance, name, excused.get(name, 0))
    attendance.division_code = election.division_code
    attendance.full_clean()
    attendance.save()
    return attendance


# --- Double entry ---------------------------------------------------------------------------------------


# The largest figure a tally column holds (PostgreSQL's integer): anything above is a typing slip, refused
# with the entry's own message rather than by the database (the service no longer calls full_clean).
MAX_FIGURE = 2**31 - 1


def _is_figure(number) -> bool:
    return isinstance(number, int) and not isinstance(number, bool) and 0 <= number <= MAX_FIGURE


def _clean_values(values: Mapping, body: str) -> dict:
    """The entered figures in one canonical form: zero votes dropped, write-in names squeezed."""
    cleaned: dict = {}
    for name in COUNT_FIELDS:
        number = values.get(name)
        if not _is_figure(number):
            raise _error(codes.TALLY_BAD_VOTES, field=name)
        cleaned[name] = number
    signed_for = values.get("signed_for")
    if signed_for is not None and not _is_figure(signed_for):
        raise _error(codes.TALLY_BAD_VOTES, field="signed_for")
    cleaned["signed_for"] = signed_for
    allowed = set(POSITIONS_OF_BODY[body])
    votes: dict[str, dict[str, int]] = {}
    for position, table in (values.get("votes") or {}).items():
        if position not in allowed:
            raise _error(codes.TALLY_UNKNOWN_POSITION, position=position)
        clean_table: dict[str, int] = {}
        for person, number in table.items():
            if not _is_figure(number):
                raise _error(codes.TALLY_BAD_VOTES, field=f"{position}.{person}")
            key = (
                write_in_key(person[len(WRITE_IN_PREFIX) :]) if person.startswith(WRITE_IN_PREFIX) else person
            )
            if number:
                clean_table[key] = clean_table.get(key, 0) + number
        if clean_table:
            votes[position] = dict(sorted(clean_table.items()))
    cleaned["votes"] = votes
    return cleaned


def entry_differences(first: Mapping, second: Mapping) -> list[str]:
    """Which fields of two entries differ: figures by name (voters signed for ballots included), votes as
    ``votes.<position>.<person>``."""
    differing = [name for name in (*COUNT_FIELDS, "signed_for") if first.get(name) != second.get(name)]
    first_votes, second_votes = first["votes"], second["votes"]
    for position in sorted(set(first_votes) | set(second_votes)):
        a, b = first_votes.get(position, {}), second_votes.get(position, {})
        differing += [f"votes.{position}.{p}" for p in sorted(set(a) | set(b)) if a.get(p, 0) != b.get(p, 0)]
    return differing


def compare_entries(*, sheet: TallySheet, entries: list[TallyEntry] | None = None) -> TallySheet:
    """Set the sheet's state from its entries: it counts only when two entries agree field by field.

    `entries`: the sheet's entries when the caller holds them already (the entry service does). The
    sheet is written only when its state or differences change."""
    entries = (
        sorted(entries, key=lambda e: e.slot) if entries is not None else list(sheet.entries.order_by("slot"))
    )
    if len(entries) < len(ENTRY_SLOTS):
        state, differing = SheetState.ENTERING, []
    else:
        differing = entry_differences(entries[0].values(), entries[1].values())
        state = SheetState.MISMATCH if differing else SheetState.AGREED
    if (sheet.state, sheet.differences) != (state, differing):
        sheet.state, sheet.differences = state, differing
        sheet.save(update_fields=["state", "differences", "updated_at"])
    return sheet


def _refuse_if_locked(election: VillageElection, body: str, round: int) -> None:
    if ElectionResult.objects.filter(
        election=election, body=body, round=round, state__in=LOCKED_STATES
    ).exists():
        raise _error(codes.TALLY_SHEET_LOCKED)


@transaction.atomic
def record_tally_entry(
    *, box: BallotBox, body: str, round: int = 1, values: Mapping, by: User, version: int | None = None
) -> TallyEntry:
    """Enter (or correct) one user's copy of a box's tally sheet (双人录入; Abacus-style double entry).

    Two different users each enter the paper sheet; a user's second call is a correction and must quote the
    `version` they corrected (optimistic check), so two tabs or two clerks never overwrite each other
    unseen. The box row is locked (SELECT ... FOR UPDATE) for the whole transaction, so concurrent entries
    of the same sheet are serialised: no third entry slips in and no comparison reads a half-written pair.
    """
    # Every check before the first traced write; the box row locked (with its election, in one query)
    # for the whole transaction. On this hot path (election night: thousands of entries within the
    # hour) nothing is re-checked in Python that a database constraint enforces anyway: the figures are
    # checked by _clean_values, the slot and the two users by the sheet's entries read under the lock,
    # and the check and unique constraints of TallyEntry stay the database's (issue 17: full_clean()
    # sent 25 of an entry's 60 statements, one constraint at a time).
    if body not in COUNTED_BODIES:
        raise _error(codes.TALLY_UNKNOWN_POSITION, body=body)
    box = BallotBox.objects.select_related("election").select_for_update(of=("self",)).get(pk=box.pk)
    election = box.election
    require(election, VOTING, body=body)
    _require(by, ENTER, election)
    if box.round != round:
        raise _error(codes.TALLY_BOX_OF_OTHER_ROUND, box=box.label)
    if box.body != box_meeting(body):
        raise _error(codes.TALLY_BOX_OF_OTHER_MEETING, box=box.label)
    _refuse_if_locked(election, body, round)
    cleaned = _clean_values(values, body)
    if round != 1 and further_round(election=election, body=body) is None:
        raise _error(codes.TALLY_NO_FIRST_ROUND)
    # No other writer can create this box's sheet while its row is locked: no get_or_create savepoint.
    sheet = TallySheet.objects.filter(box=box, body=body, round=round).first()
    entries = []
    if sheet is not None:
        sheet.election = election  # held already: saving the sheet or an entry reads its division code
        entries = list(sheet.entries.all())
    entry = next((e for e in entries if e.entered_by_id == by.pk), None)
    if entry is not None:
        if version is None:
            raise _error(codes.TALLY_ALREADY_ENTERED)
        if version != entry.version:
            raise _error(codes.TALLY_STALE_VERSION, version=version, current=entry.version)
        entry.version += 1
    else:
        if version is not None:
            raise _error(codes.TALLY_NOT_YOUR_ENTRY)
        taken = {e.slot for e in entries}
        free = [slot for slot in ENTRY_SLOTS if slot not in taken]
        if not free:
            raise _error(codes.TALLY_SHEET_FULL)
    if sheet is None:
        sheet = TallySheet.objects.create(
            box=box, body=body, round=round, election=election, division_code=election.division_code
        )
    if entry is None:
        entry = TallyEntry(sheet=sheet, slot=free[0], entered_by=by)
        entries.append(entry)
    for name, value in cleaned.items():
        setattr(entry, name, value)
    entry.division_code = election.division_code
    entry.save()
    compare_entries(sheet=sheet, entries=entries)
    return entry


# --- Reconciliation -------------------------------------------------------------------------------------


def finding_key(finding: Finding) -> str:
    """A stable identity of a finding, figures included (changed figures need a new acknowledgement)."""
    params = ",".join(f"{name}={value}" for name, value in finding.params)
    return f"{finding.code}|{finding.box or ''}|{finding.position or ''}|{params}"


@dataclass(frozen=True)
class ReconciliationReport:
    """The ballot account of one body's vote in one round, with who acknowledged which warning."""

    reconciliation: counting.Reconciliation
    findings: tuple[Finding, ...]
    acknowledged: Mapping[str, WarningAcknowledgement]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def unacknowledged(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.warnings if finding_key(f) not in self.acknowledged)

    @property
    def ok(self) -> bool:
        """Confirmation may proceed: no errors and every warning acknowledged."""
        return not self.errors and not self.unacknowledged


def box_meeting(body: str) -> str:
    """The meeting whose boxes take a body's ballots: the Party members' own, or the villagers' (blank)."""
    return Body.PARTY if body == Body.PARTY else ""


def boxes_of(*, election: VillageElection, body: str, round: int):
    """The boxes a body's vote is counted from: those of its meeting, in the round."""
    return BallotBox.objects.filter(election=election, round=round, body=box_meeting(body))


def agreed_sheets(*, election: VillageElection, body: str, round: int) -> list[TallySheet]:
    """The agreed sheet of every box, or `tally.sheets_not_agreed` (`tally.no_boxes`)."""
    boxes = list(boxes_of(election=election, body=body, round=round).order_by("label"))
    if not boxes:
        raise _error(codes.TALLY_NO_BOXES)
    sheets = {
        s.box_id: s
        for s in TallySheet.objects.filter(election=election, body=body, round=round, state=SheetState.AGREED)
        .select_related("box")
        .prefetch_related("entries")
    }
    missing = [box.label for box in boxes if box.pk not in sheets]
    if missing:
        raise _error(codes.TALLY_SHEETS_NOT_AGREED, boxes="、".join(missing))
    return [sheets[box.pk] for box in boxes]


def _box_tally(sheet: TallySheet) -> counting.BoxTally:
    entry = sheet.entries.all()[0]
    return counting.BoxTally(
        box_id=sheet.box.label,
        issued=entry.issued,
        returned=entry.returned,
        valid=entry.valid,
        invalid=entry.invalid,
        unreturned=entry.unreturned,
        votes=entry.votes,
    )


def _signed_for(sheets: list[TallySheet]) -> dict[str, int]:
    """Box label → voters who signed for a ballot there, for the boxes whose sheet records it."""
    found = {}
    for sheet in sheets:
        entry = sheet.entries.all()[0]
        if entry.signed_for is not None:
            found[sheet.box.label] = entry.signed_for
    return found


def _candidates(
    election: VillageElection, body: str
) -> tuple[list[counting.Candidate], dict[str, Nomination]]:
    """The body's formal candidates (the listed nominations) as counting persons, keyed by resident."""
    nominations = {
        person_key(n): n
        for n in Nomination.objects.filter(election=election, body=body, state=NominationState.LISTED)
        .select_related("resident")
        .order_by("position", "resident__name")
    }
    persons = [
        counting.Candidate(
            key=key,
            sex=counting.Sex.FEMALE if n.resident.sex == "F" else counting.Sex.MALE,
            listed_for=frozenset({ballot_position(body, n.position)}),
            name=n.resident.name,
        )
        for key, n in nominations.items()
    ]
    return persons, nominations


def ballot_position(body: str, position: str) -> str:
    """The post a nominee stands for on the ballot: the Party members' assembly elects only the committee's
    members (差额), whatever post a nominee is proposed for; the plenary then elects the posts
    (`record_plenary`). The villagers vote for each post directly."""
    return PositionChoice.PARTY_MEMBER if body == Body.PARTY else position


def positions_of(*, election: VillageElection, body: str) -> list[counting.Position]:
    """The posts a body fills: one head, the cycle's number of deputies when the list has a deputy
    candidate, the rest members.

    DOMAIN.md gives the body's size (3–7, the election's seats) but not how many deputies: that is a setting
    of the cycle (`CountingRuleSettings`, one by default), and the formal list shows whether a deputy post
    is contested at all.
    """
    if body == Body.PARTY:
        # 党员大会: the assembly elects the committee; its plenary elects the secretary and the deputies.
        return [
            counting.Position(
                key=PositionChoice.PARTY_MEMBER, rank=0, seats=election.party_seats, is_member_position=True
            )
        ]
    if body == Body.SUPERVISION:
        # 村务监督委员会: its chair and members on one ballot (3-5 seats, the election's).
        chair, member = POSITIONS_OF_BODY[body]
        return [
            counting.Position(key=chair, rank=0, seats=1),
            counting.Position(
                key=member, rank=1, seats=election.supervision_seats - 1, is_member_position=True
            ),
        ]
    head, deputy, member = POSITIONS_OF_BODY[body]
    total = election.party_seats if body == Body.PARTY else election.committee_seats
    settings = rule_settings(election.cycle)
    deputies = settings.party_deputy_seats if body == Body.PARTY else settings.committee_deputy_seats
    has_deputy = Nomination.objects.filter(
        election=election, body=body, position=deputy, state=NominationState.LISTED
    ).exists()
    posts = [counting.Position(key=head, rank=0, seats=1)]
    if has_deputy and deputies:
        posts.append(counting.Position(key=deputy, rank=1, seats=min(deputies, max(total - 2, 1))))
    members = total - sum(p.seats for p in posts)
    if members > 0:
        posts.append(counting.Position(key=member, rank=2, seats=members, is_member_position=True))
    return posts


@dataclass(frozen=True)
class FurtherRound:
    """另行选举: the seats a confirmed first round left to fill and who stands for them (DOMAIN.md
    "Counting and results"): the best-placed unelected persons of each post (`counting.count`'s further-round
    candidates), the women standing for a seat kept for a woman, and the persons tied at the cut."""

    first: ElectionResult
    positions: tuple[counting.Position, ...]
    standing: Mapping[str, tuple[str, ...]]
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def elected_before(self) -> list[str]:
        return [key for p in self.first.data["positions"] for key in p["elected"]]

    @property
    def seats(self) -> int:
        return sum(p.seats for p in self.positions)


def further_round(*, election: VillageElection, body: str) -> FurtherRound | None:
    """The further round a body's first round calls for, or None: none is held before the first round's
    result is confirmed on the spot, after a void vote (it is repeated whole), or when every seat is filled."""
    first = ElectionResult.objects.filter(election=election, body=body, round=1).first()
    if first is None or first.state == ResultState.COUNTED or not first.valid:
        return None
    order = POSITIONS_OF_BODY[body]
    posts, standing = [], {}
    for post in first.data.get("positions", []):
        ties = post.get("ties", [])
        women = post.get("women_round_seats", 0)
        seats = post.get("further_round_seats", 0) + women + sum(tie["seats"] for tie in ties)
        if not seats:
            continue
        persons = [
            *post.get("further_round_candidates", []),
            *post.get("women_round_candidates", []),
            *(key for tie in ties for key in tie["persons"]),
        ]
        standing[post["position"]] = tuple(dict.fromkeys(persons))
        posts.append(
            counting.Position(
                key=post["position"],
                rank=order.index(post["position"]),
                seats=seats,
                is_member_position=post["position"] == order[-1],
                women_only=bool(women) and seats == women,
            )
        )
    if not posts:
        return None
    return FurtherRound(
        first=first, positions=tuple(posts), standing=standing, names=first.data.get("names", {})
    )


def _resident_id(key: str) -> int | None:
    return int(key[1:]) if key.startswith("r") and key[1:].isdigit() else None


def _standing_candidates(further: FurtherRound) -> list[counting.Candidate]:
    """Those standing in a further round, listed for the posts they stand for, and the persons the first
    round elected (listed for nothing) so that the women's-seat rule knows a woman is already elected."""
    listed: dict[str, set[str]] = {}
    for position, keys in further.standing.items():
        for key in keys:
            listed.setdefault(key, set()).add(position)
    for key in further.elected_before:
        listed.setdefault(key, set())
    ids = [pk for key in listed if (pk := _resident_id(key)) is not None]
    sexes = dict(Resident.objects.filter(pk__in=ids).values_list("pk", "sex"))
    return [
        counting.Candidate(
            key=key,
            sex={"F": counting.Sex.FEMALE, "M": counting.Sex.MALE}.get(sexes.get(_resident_id(key))),
            listed_for=frozenset(positions),
            name=further.names.get(key, key.removeprefix(WRITE_IN_PREFIX)),
        )
        for key, positions in listed.items()
    ]


def round_positions(*, election: VillageElection, body: str, round: int) -> list[counting.Position]:
    """The posts a round fills: all of the body's in the first, the seats left in a further round."""
    if round == 1:
        return positions_of(election=election, body=body)
    further = further_round(election=election, body=body)
    return list(further.positions) if further else []


def _roll_keys(election: VillageElection) -> set[str]:
    """Person keys of everyone on the roll: by resident, and write-ins by name (a name on the roll)."""
    registered = VoterRegistration.objects.filter(election=election, status=Status.REGISTERED)
    keys = set()
    for resident_id, name in registered.values_list("resident_id", "resident__name"):
        keys |= {f"r{resident_id}", write_in_key(name)}
    return keys


def reconcile_election(*, election: VillageElection, body: str, round: int = 1) -> ReconciliationReport:
    """Reconcile the ballot account (DOMAIN.md "Counting and results", `counting.reconcile`).

    Adds one check of its own: a sheet whose ballots issued differ from the number issued into the box at
    set-up is a warning to acknowledge. Read-only; raises `tally.sheets_not_agreed` while any box lacks
    an agreed sheet.
    """
    sheets = agreed_sheets(election=election, body=body, round=round)
    tallies = [_box_tally(s) for s in sheets]
    persons = _round_candidates(election, body, round)
    seats = {p.key: p.seats for p in round_positions(election=election, body=body, round=round)}
    for tally in tallies:  # votes entered for a position this list does not fill (e.g. no deputy)
        for position in tally.votes:
            seats.setdefault(position, 1)
    registered = VoterRegistration.objects.filter(election=election, status=Status.REGISTERED).count()
    if body == Body.PARTY:
        # The Party members' meeting: no more ballots come back than members present (not the village roll).
        attendance = PartyAttendance.objects.filter(election=election, round=round).first()
        registered = attendance.present if attendance else registered
    result = counting.reconcile(
        tallies,
        registered=registered,
        signed_for=_signed_for(sheets),
        seats_by_position=seats,
        rules=rules_of(election=election, body=body, round=round),
        roll=_roll_keys(election),
        candidates=persons,
    )
    extra = [
        Finding.of(
            codes.TALLY_ISSUED_DIFFERS_FROM_BOX,
            box=sheet.box.label,
            sheet=tally.issued,
            box_issued=sheet.box.ballots_issued,
        )
        for sheet, tally in zip(sheets, tallies, strict=True)
        if tally.issued != sheet.box.ballots_issued
    ]
    extra += _mobile_findings(sheets, tallies)
    acknowledged = {
        a.key: a
        for a in WarningAcknowledgement.objects.filter(
            election=election, body=body, round=round
        ).select_related("acknowledged_by")
    }
    return ReconciliationReport(
        reconciliation=result, findings=(*result.findings, *extra), acknowledged=acknowledged
    )


def _mobile_findings(sheets: list[TallySheet], tallies: list[counting.BoxTally]) -> list[Finding]:
    """A mobile box returns no more ballots than the approved voters it served (`ballots.mobile`), and its
    route and staff are on record."""
    mobile = [(s, t) for s, t in zip(sheets, tallies, strict=True) if s.box.kind == BoxKind.MOBILE]
    if not mobile:
        return []
    served = dict(
        MobileBoxVisit.objects.filter(box__in=[s.box for s, _t in mobile])
        .values("box")
        .annotate(n=Count("id"))
        .values_list("box", "n")
    )
    found = []
    for sheet, tally in mobile:
        box = sheet.box
        if tally.returned > served.get(box.pk, 0):
            found.append(
                Finding.of(
                    codes.RECONCILE_MOBILE_RETURNED_EXCEEDS_SERVED,
                    box=box.label,
                    returned=tally.returned,
                    served=served.get(box.pk, 0),
                )
            )
        if not (box.route and box.staff):
            found.append(Finding.of(codes.RECONCILE_MOBILE_UNRECORDED, box=box.label))
    return found


@transaction.atomic
def acknowledge_warning(
    *, election: VillageElection, body: str, round: int = 1, key: str, by: User, note: str = ""
) -> WarningAcknowledgement:
    """Record that a named user looked at a current reconciliation warning and accepts it (STYLE.md)."""
    require(election, VOTING, body=body)
    _require(by, ENTER, election)
    _refuse_if_locked(election, body, round)
    report = reconcile_election(election=election, body=body, round=round)
    finding = next((f for f in report.warnings if finding_key(f) == key), None)
    if finding is None:
        raise _error(codes.TALLY_NOT_A_WARNING)
    ack, _created = WarningAcknowledgement.objects.get_or_create(
        election=election,
        body=body,
        round=round,
        key=key,
        defaults={
            "code": finding.code,
            "note": note,
            "acknowledged_by": by,
            "division_code": election.division_code,
        },
    )
    return ack


# --- Counting and results -------------------------------------------------------------------------------


def _finding_data(finding: Finding) -> dict:
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "box": finding.box,
        "position": finding.position,
        "params": dict(finding.params),
    }


def _round_candidates(election: VillageElection, body: str, round: int) -> list[counting.Candidate]:
    """The persons on a round's ballot: the formal candidates in the first, those standing in a further."""
    if round == 1:
        return _candidates(election, body)[0]
    further = further_round(election=election, body=body)
    return _standing_candidates(further) if further else []


SUPERVISION_EXCLUSIONS = frozenset(
    {"candidate.supervision_committee_member", "candidate.supervision_committee_relative",
     "candidate.supervision_village_post"}
)  # fmt: skip


def supervision_exclusions(*, election: VillageElection) -> dict[str, str]:
    """The persons the records bar from the supervision committee, by key, with the reason (DOMAIN.md
    lifecycle step 4): read again at the count from the elected villagers' committee, the recorded close
    relatives and village posts (`candidates.rules.supervision_findings`), so that neither a change since the
    list was published nor a write-in of an elected committee member can put one on it. The villagers'
    committee's result must be approved first: it decides who its members are."""
    approved = ElectionResult.objects.filter(
        election=election, body=Body.COMMITTEE, state=ResultState.APPROVED
    ).exists()
    if not approved:
        raise _error(codes.TALLY_SUPERVISION_BEFORE_COMMITTEE)
    vetting = candidate_selectors.election_vetting(election=election)
    barred = {}
    for row in vetting.rows:
        reasons = [f.message for f in row.findings if f.code in SUPERVISION_EXCLUSIONS]
        if row.facts.body == Body.SUPERVISION and reasons:
            barred[person_key(row.nomination)] = "；".join(reasons)
    members = Nomination.objects.filter(election=election, body=Body.COMMITTEE, elected=True)
    for name in members.values_list("resident__name", flat=True):
        barred[write_in_key(name)] = str(codes.SUPERVISION_WRITE_IN_COMMITTEE_MEMBER.message)
    return barred


def _count(
    election: VillageElection, body: str, round: int, rules: counting.CountingRules
) -> tuple[counting.CountResult, dict[str, str]]:
    """The count of a round from its agreed sheets, and the persons barred from the body with why."""
    sheets = agreed_sheets(election=election, body=body, round=round)
    excluded: dict[str, str] = {}
    if body == Body.SUPERVISION:
        excluded = supervision_exclusions(election=election)
        # The reserved women's seat is the villagers' committee's rule, not the supervision committee's.
        rules = replace(rules, reserved_women_seat=False)
    elected_before: list[str] = []
    if round == 1:
        persons = _candidates(election, body)[0]
        positions = positions_of(election=election, body=body)
    else:
        further = further_round(election=election, body=body)
        if further is None:
            raise _error(codes.TALLY_NO_FIRST_ROUND)
        persons, positions = _standing_candidates(further), list(further.positions)
        elected_before = further.elected_before
    if body == Body.PARTY:
        attendance = PartyAttendance.objects.filter(election=election, round=round).first()
        if attendance is None:
            raise _error(codes.TALLY_NO_ATTENDANCE)
        electorate = counting.Electorate(
            members=attendance.members,
            excused={counting.ExcuseCategory(k): v for k, v in attendance.excused.items()},
            present=attendance.present,
        )
    else:
        electorate = counting.Electorate(
            registered=VoterRegistration.objects.filter(election=election, status=Status.REGISTERED).count()
        )
    outcome = counting.count(
        body=counting_body(body),
        rules=rules,
        electorate=electorate,
        boxes=[_box_tally(s) for s in sheets],
        positions=positions,
        candidates=persons,
        round=round,
        elected_before=elected_before,
        excluded=excluded,
    )
    return outcome, excluded


def _names(election: VillageElection, body: str, outcome: counting.CountResult) -> dict[str, str]:
    _persons, nominations = _candidates(election, body)
    names = {key: n.resident.name for key, n in nominations.items()}
    residents = {
        f"r{pk}": name
        for pk, name in VoterRegistration.objects.filter(election=election).values_list(
            "resident_id", "resident__name"
        )
    }
    for position in outcome.positions:
        for key in position.votes:
            if key not in names:
                names[key] = (
                    key[len(WRITE_IN_PREFIX) :]
                    if key.startswith(WRITE_IN_PREFIX)
                    else residents.get(key, key)
                )
    return names


def _outcome_data(
    election: VillageElection, body: str, outcome: counting.CountResult, excluded: Mapping[str, str]
) -> dict:
    """The outcome as kept, with the persons who received votes but whom the records bar from the body."""
    data = outcome_data(outcome, _names(election, body, outcome))
    voted = {key for p in outcome.positions for key, votes in p.votes.items() if votes}
    barred = {key: reason for key, reason in excluded.items() if key in voted}
    if barred:  # only the supervision committee's count bars anyone
        data["excluded"] = barred
    return data


def outcome_data(outcome: counting.CountResult, names: Mapping[str, str]) -> dict:
    """A count's outcome as a result keeps it (`ElectionResult.data`), with the persons' names by key; the
    demo builds its election nights' results with it too."""
    return {
        "valid": outcome.valid,
        "reasons": [_finding_data(f) for f in outcome.reasons],
        "ballots": {
            "issued": outcome.ballots_issued,
            "returned": outcome.ballots_returned,
            "valid": outcome.ballots_valid,
            "invalid": outcome.ballots_invalid,
        },
        "denominator": outcome.denominator,
        "names": dict(names),
        "positions": [
            {
                "position": p.position,
                "seats": p.seats,
                "votes": [[key, votes] for key, votes in p.votes.items()],
                "write_ins": [[key, votes] for key, votes in p.write_in_totals.items()],
                "elected": list(p.elected),
                "seats_unfilled": p.seats_unfilled,
                "further_round_seats": p.further_round_seats,
                "further_round_candidates": list(p.further_round_candidates),
                "women_round_seats": p.women_round_seats,
                "women_round_candidates": list(p.women_round_candidates),
                "ties": [{"persons": list(t.persons), "votes": t.votes, "seats": t.seats} for t in p.ties],
            }
            for p in outcome.positions
        ],
    }


def recount(result: ElectionResult) -> tuple[bool, dict]:
    """What a result's agreed sheets count to with the rules it keeps (validity, data), without writing:
    what `count_election` and `confirm_results` would store."""
    outcome, excluded = _count(result.election, result.body, result.round, rules_from_data(result.rules))
    return outcome.valid, _outcome_data(result.election, result.body, outcome, excluded)


@transaction.atomic
def count_election(*, election: VillageElection, body: str, round: int = 1, by: User) -> ElectionResult:
    """Count one body's vote from the agreed sheets with the cycle's rules (`counting.count`).

    Recounting replaces the outcome until the results are confirmed; after that the count stands. The rules
    counted with are kept on the result (`rules_of`): a recount, the confirmation and a further round use
    them, whatever the cycle's settings say later.
    """
    require(election, VOTING, body=body)
    _require(by, ENTER, election)
    election = VillageElection.objects.select_for_update().get(pk=election.pk)
    _refuse_if_locked(election, body, round)
    rules = rules_of(election=election, body=body, round=round)
    outcome, excluded = _count(election, body, round, rules)
    result, _created = ElectionResult.objects.update_or_create(
        election=election,
        body=body,
        round=round,
        defaults={
            "valid": outcome.valid,
            "rules": rules_data(rules),
            "data": _outcome_data(election, body, outcome, excluded),
            "counted_by": by,
            "state": ResultState.COUNTED,
            "division_code": election.division_code,
        },
    )
    result.full_clean()
    return result


def _move(result: ElectionResult, to: str) -> None:
    if to not in ElectionResult.ALLOWED[result.state]:
        raise _error(codes.TALLY_WRONG_STATE, state=result.state, to=to)
    result.state = to


@transaction.atomic
def confirm_results(*, election: VillageElection, body: str, round: int = 1, by: User) -> ElectionResult:
    """The election committee confirms the count for the on-the-spot announcement (当场公布).

    Blocked by any reconciliation error and by any warning no named user has acknowledged. The count is
    taken again from the sheets, so what is confirmed is what the agreed sheets say now.
    """
    require(election, VOTING, body=body)
    _require(by, ENTER, election)
    result = (
        ElectionResult.objects.select_for_update().filter(election=election, body=body, round=round).first()
    )
    if result is None:
        raise _error(codes.TALLY_NOT_COUNTED)
    _move(result, ResultState.CONFIRMED)
    report = reconcile_election(election=election, body=body, round=round)
    if report.errors:
        raise _error(codes.TALLY_RECONCILIATION_ERRORS, errors=len(report.errors))
    if report.unacknowledged:
        raise _error(codes.TALLY_WARNINGS_UNACKNOWLEDGED, warnings=len(report.unacknowledged))
    outcome, excluded = _count(election, body, round, rules_from_data(result.rules))
    result.valid = outcome.valid
    result.data = _outcome_data(election, body, outcome, excluded)
    result.confirmed_by, result.confirmed_at = by, timezone.now()
    result.full_clean()
    result.save()
    return result


@transaction.atomic
def approve_results(*, result: ElectionResult, by: User) -> ElectionResult:
    """The township approves a confirmed result; the winners on the list are marked elected.

    `candidates.services.mark_elected` keeps one set per village election, so the winners of the other
    approved votes (the other body, the other round) are passed along with this one's.
    """
    require(result.election, APPROVE, body=result.body)
    _require(by, APPROVE_RESULTS, result.election)
    result = ElectionResult.objects.select_for_update().get(pk=result.pk)
    if result.election.cycle.separate_confirm_and_approve and result.confirmed_by_id == by.pk:
        raise _error(codes.SAME_PERSON_APPROVES)
    if result.body == Body.PARTY and result.valid:
        plenary = PlenaryVote.objects.filter(election=result.election).first()
        if plenary is None or PositionChoice.SECRETARY not in plenary.elected.values():
            raise _error(codes.PLENARY_MISSING)
    _move(result, ResultState.APPROVED)
    result.approved_by, result.approved_at = by, timezone.now()
    result.full_clean()
    result.save()
    election = result.election
    winners: set[str] = set()
    approved = ElectionResult.objects.filter(election=election, state=ResultState.APPROVED, valid=True)
    for approved_result in approved:
        for position in approved_result.data["positions"]:
            winners |= {(approved_result.body, key) for key in position["elected"]}
    nominations = [
        n
        for n in Nomination.objects.filter(election=election).exclude(state=NominationState.WITHDRAWN)
        if (n.body, person_key(n)) in winners
    ]
    candidate_services.mark_elected(election=election, nominations=nominations, by=by)
    # A milestone: the chain head, with this approval in it, is anchored outside the database.
    anchor_on_commit(f"results approved: {election.division_code} {result.body} round {result.round}")
    return result


@transaction.atomic
def issue_certificates(*, result: ElectionResult, issued_on, by: User) -> ElectionResult:
    """Record that the certificates of election (当选证书) of an approved result were handed over on
    `issued_on`: the lifecycle's step reads this record. Printing them (again) is a page, not a record."""
    require(result.election, CERTIFICATES, body=result.body)
    _require(by, CERTIFY, result.election)
    result = ElectionResult.objects.select_for_update().get(pk=result.pk)
    if result.state != ResultState.APPROVED:
        raise _error(codes.CERTIFICATES_NOT_APPROVED)
    if result.certificates_issued_on is not None:
        raise _error(
            codes.CERTIFICATES_ALREADY_ISSUED, day=result.certificates_issued_on.strftime("%Y-%m-%d")
        )
    if further_round_pending(election=result.election, body=result.body):
        raise _error(codes.CERTIFICATES_FURTHER_ROUND_PENDING)
    # One set of certificates: the further round's result and its first round's are handed over together.
    together = list(
        ElectionResult.objects.select_for_update().filter(
            election=result.election,
            body=result.body,
            state=ResultState.APPROVED,
            certificates_issued_on__isnull=True,
        )
    )
    approved_on = max(timezone.localdate(r.approved_at) for r in together)
    if issued_on < approved_on:
        raise _error(codes.CERTIFICATES_DAY_BEFORE_APPROVAL, day=approved_on.strftime("%Y-%m-%d"))
    if issued_on > timezone.localdate():
        raise _error(codes.CERTIFICATES_DAY_IN_FUTURE)
    for issued in together:
        issued.certificates_issued_on, issued.certificates_issued_by = issued_on, by
        issued.save(update_fields=["certificates_issued_on", "certificates_issued_by"])
    result.refresh_from_db()
    return result


def further_round_pending(*, election: VillageElection, body: str) -> bool:
    """The first round left seats to fill and the further round's result is not approved yet."""
    if further_round(election=election, body=body) is None:
        return False
    return not ElectionResult.objects.filter(
        election=election, body=body, round=2, state=ResultState.APPROVED
    ).exists()


def position_label(key: str) -> str:
    return str(PositionChoice(key).label) if key in PositionChoice.values else key


# --- The Party committee's plenary (委员会全体会议) ------------------------------------------------------

DISCIPLINE_MEMBER = "discipline_member"
DISCIPLINE_MEMBER_LABEL = gettext_lazy("Discipline inspection member")


def plenary_posts(*, election: VillageElection) -> list[counting.PlenaryPost]:
    """The posts the plenary elects: the secretary, the cycle's number of deputies, and the discipline
    inspection member where the cycle sets one up (seed 001: 党的支部委员会和总支委员会设纪检委员)."""
    settings = rule_settings(election.cycle)
    posts = [counting.PlenaryPost(PositionChoice.SECRETARY, 1)]
    if settings.party_deputy_seats:
        posts.append(counting.PlenaryPost(PositionChoice.DEPUTY_SECRETARY, settings.party_deputy_seats))
    if settings.party_discipline_member:
        posts.append(counting.PlenaryPost(DISCIPLINE_MEMBER, 1))
    return posts


def party_committee(*, election: VillageElection) -> dict[str, str]:
    """The members the Party members' assembly elected (both rounds, confirmed), key → name, or
    `plenary.assembly_not_confirmed` while a seat is still to be filled or a result unconfirmed."""
    results = list(
        ElectionResult.objects.filter(election=election, body=Body.PARTY, state__in=LOCKED_STATES, valid=True)
    )
    first_round = any(r.round == 1 for r in results)
    further = further_round(election=election, body=Body.PARTY)
    if not first_round or (further is not None and not any(r.round == 2 for r in results)):
        raise _error(codes.PLENARY_ASSEMBLY_NOT_CONFIRMED)
    members: dict[str, str] = {}
    for result in sorted(results, key=lambda r: r.round):
        names = result.data.get("names", {})
        for post in result.data.get("positions", []):
            for key in post["elected"]:
                members[key] = names.get(key, key)
    return members


@transaction.atomic
def record_plenary(
    *, election: VillageElection, present: int, votes: Mapping, held_on, by: User
) -> PlenaryVote:
    """Record the plenary's vote for the secretary, the deputies and the discipline member, counted at once
    (`counting.plenary_count`): only members of the committee can be elected, with votes from more than
    half of all its members. Until the Party result is approved the record may be corrected."""
    require(election, VOTING, body=Body.PARTY)
    _require(by, ENTER, election)
    election = VillageElection.objects.select_for_update().get(pk=election.pk)
    if ElectionResult.objects.filter(election=election, body=Body.PARTY, state=ResultState.APPROVED).exists():
        raise _error(codes.PLENARY_LOCKED)
    committee = party_committee(election=election)
    share_text = rule_settings(election.cycle).plenary_elected_share
    clean: dict[str, dict[str, int]] = {}
    for post, table in (votes or {}).items():
        clean[str(post)] = {}
        for person, number in (table or {}).items():
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise _error(codes.TALLY_BAD_VOTES, field=f"{post}.{person}")
            if number:
                clean[str(post)][str(person)] = number
    outcome = counting.plenary_count(
        committee=list(committee),
        present=int(present),
        posts=plenary_posts(election=election),
        votes=clean,
        share=parse_share(share_text),
    )
    errors = [f for f in outcome.reasons if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        raise ValidationError(first.message, code=first.code, params=dict(first.params) or None)
    plenary, _created = PlenaryVote.objects.update_or_create(
        election=election,
        defaults={
            "members": len(committee),
            "present": int(present),
            "votes": clean,
            "valid": outcome.valid,
            "share": share_text,
            "held_on": held_on,
            "recorded_by": by,
            "data": plenary_data(outcome, committee),
        },
    )
    plenary.full_clean()
    return plenary


def plenary_data(outcome: counting.PlenaryResult, names: Mapping[str, str]) -> dict:
    """A plenary's outcome as `PlenaryVote.data` keeps it; the demo builds its plenaries with it too."""
    return {
        "names": dict(names),
        "reasons": [_finding_data(f) for f in outcome.reasons],
        "posts": [
            {
                "post": p.post,
                "seats": p.seats,
                "votes": [[k, v] for k, v in p.votes.items()],
                "elected": list(p.elected),
                "unfilled": p.unfilled,
            }
            for p in outcome.posts
        ],
    }


def plenary_post_label(key: str) -> str:
    return str(DISCIPLINE_MEMBER_LABEL) if key == DISCIPLINE_MEMBER else position_label(key)
