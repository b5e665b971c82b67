"""Statutory counting rules, as a pure module (no database, no ORM, no settings).

Source: DOMAIN.md, "Counting and results", which summarises

* for the villagers' committee (村民委员会): the Organic Law of Villagers' Committees, art. 15,
  with the provincial implementing rules left configurable through :class:`CountingRules`;
* for the party committee (党组织委员会): the Rules on Grassroots Party Organization Elections
  (中国共产党基层组织选举工作条例).

The rules implemented here, with the function that applies each:

Validity of the vote (:func:`count`)
    * ballots returned must not exceed ballots issued, else the vote is void and repeated
      (both bodies; checked per box, so one stuffed box voids the vote);
    * villagers: valid only if MORE THAN HALF of the registered voters cast a ballot
      (``rules.turnout_threshold``, strict: exactly 50 % is invalid).  "Cast a ballot" is the number
      of ballots returned, blank and invalid ballots included;
    * party: the meeting is valid only if the voting members present EXCEED 4/5 of those due to
      attend (``rules.party_attendance_threshold``, strict); due to attend = members minus the
      members excused under the five categories of :class:`ExcuseCategory`.  Ballots returned
      exceeding the members present also voids the vote (the Rules compare with "投票人数").

Election of persons (:func:`count`)
    * round 1, villagers: elected with MORE THAN HALF of the ballots cast (returned ballots);
      party: with votes from MORE THAN HALF of the voting members present
      (``rules.elected_threshold``, strict: exactly half is not elected);
    * round 2 (另行选举), villagers: the most votes win provided they reach AT LEAST ONE THIRD of the
      ballots cast in that round (``rules.further_round_threshold``, inclusive);
      party: the Rules keep the majority requirement, so round 2 uses ``rules.elected_threshold``;
    * votes for people not on the list (另选他人, write-ins) count like any other; their totals are
      published in :attr:`PositionResult.write_in_totals`;
    * positions are filled from the highest rank down; with ``rules.skip_elected_for_lower_positions``
      a person elected to a higher post is not counted for a lower one; persons in ``elected_before``
      (elected in an earlier round) are never counted again;
    * a tie at the cut for the last seat(s): nobody in the tie is elected for the contested seat(s);
      they are reported as a :class:`TieAtCut` to be voted on again;
    * seats left unfilled go to a further round among the best-placed unelected persons, as many as
      the unfilled seats plus ``rules.further_round_extra_candidates`` (差额, default +1).

Reserved women's seat (villagers only, ``rules.reserved_women_seat``, default on)
    Applied at the lowest-ranked member position (``Position.is_member_position``) when no woman is
    elected to any post in this count (nor in ``elected_before``) under the ordinary allocation:

    1. one seat of that position is reserved; the other ``seats - 1`` are allocated as usual;
    2. the woman with the most votes among the women above the threshold takes the reserved seat,
       which is the last seat of the position (she is listed last);
    3. if two or more women tie for that top place, the reserved seat goes to a re-vote among them;
    4. if no woman is above the threshold, the reserved seat is left for a further round restricted
       to women (:attr:`PositionResult.women_round_seats`, candidates: best-placed unelected women).

    A count in which some position is ``women_only`` (that further round itself) does not reserve
    a seat again.

Reconciliation (:func:`reconcile`)
    issued = returned + unreturned; returned = valid + invalid; votes for a position at most
    valid ballots x seats; returned at most registered voters and at most those who signed for a
    ballot - per box and in total - plus warnings (high invalid share, outlier box, write-ins for
    people not on the voter roll).

Marking rules (:func:`tally_box`)
    a ballot marking more people than a position's seats is invalid for that position (villagers;
    for the party the whole ballot is invalid); a blank position is an abstention and the ballot
    still counts as cast.

All thresholds are :class:`fractions.Fraction` and compared with integer arithmetic; no floats.
Results never depend on the order in which boxes are given.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from ballots import codes
from ballots.codes import Finding, Severity

# --------------------------------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------------------------------


class Body(enum.Enum):
    """The body being elected; selects the statute applied (DOMAIN.md "Counting and results")."""

    VILLAGERS_COMMITTEE = "villagers_committee"
    PARTY_COMMITTEE = "party_committee"


class Sex(enum.Enum):
    FEMALE = "female"
    MALE = "male"


class ExcuseCategory(enum.Enum):
    """The five categories of party members who may be left out of "due to attend".

    Rules on Grassroots Party Organization Elections, via DOMAIN.md "Counting and results".
    """

    SERIOUSLY_ILL = "seriously_ill"
    ABROAD_OVER_SIX_MONTHS = "abroad_over_six_months"
    DETAINED = "detained"
    BEDRIDDEN = "bedridden"
    AWAY_WITHOUT_TRANSFER = "away_over_six_months_without_transfer"


class WomenSeatOutcome(enum.Enum):
    """What the reserved women's seat rule did at a member position."""

    WOMAN_TOOK_LAST_SEAT = "woman_took_last_seat"
    RESERVED_FOR_WOMEN_ROUND = "reserved_for_women_round"
    WOMEN_TIE = "women_tie"


# --------------------------------------------------------------------------------------------------
# Rules and inputs
# --------------------------------------------------------------------------------------------------

_FRACTION_FIELDS = (
    "turnout_threshold",
    "party_attendance_threshold",
    "elected_threshold",
    "further_round_threshold",
    "invalid_share_warning",
    "box_outlier_factor",
)


@dataclass(frozen=True)
class CountingRules:
    """Configurable counting rules; the defaults are those of DOMAIN.md "Counting and results".

    Strictness is fixed by the statute, the ratio is configurable:

    * ``turnout_threshold``: villagers, ballots cast must be ``>`` this share of registered voters;
    * ``party_attendance_threshold``: party, members present must be ``>`` this share of those due;
    * ``elected_threshold``: votes must be ``>`` this share of the ballots cast (villagers) or of the
      members present (party); the party's further round uses it too;
    * ``further_round_threshold``: villagers' further round, votes must be ``>=`` this share of the
      ballots cast in that round;
    * ``further_round_extra_candidates``: number standing in a further round = unfilled seats + this;
    * ``skip_elected_for_lower_positions``: a person elected to a higher post is not counted for
      lower posts;
    * ``reserved_women_seat``: apply the reserved women's seat rule (villagers only; see module doc);
    * ``invalid_share_warning``: reconciliation warns when invalid / returned is ``>`` this;
    * ``box_outlier_factor``: reconciliation warns when a box returned ``>`` factor x the median of
      the other boxes' returned ballots.

    Ratios must be ``Fraction`` or ``int`` (ints are converted); floats are refused.
    """

    turnout_threshold: Fraction = Fraction(1, 2)
    party_attendance_threshold: Fraction = Fraction(4, 5)
    elected_threshold: Fraction = Fraction(1, 2)
    further_round_threshold: Fraction = Fraction(1, 3)
    further_round_extra_candidates: int = 1
    skip_elected_for_lower_positions: bool = True
    reserved_women_seat: bool = True
    invalid_share_warning: Fraction = Fraction(1, 10)
    box_outlier_factor: Fraction = Fraction(3)

    def __post_init__(self) -> None:
        for name in _FRACTION_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Fraction | int):
                raise TypeError(f"{name} must be a Fraction or int, not {type(value).__name__}")
            value = Fraction(value)
            if value < 0:
                raise ValueError(f"{name} must not be negative")
            object.__setattr__(self, name, value)
        for name in _FRACTION_FIELDS[:5]:
            if getattr(self, name) > 1:
                raise ValueError(f"{name} is a share and must not exceed 1")
        if self.further_round_extra_candidates < 0:
            raise ValueError("further_round_extra_candidates must not be negative")


DEFAULT_RULES = CountingRules()


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int")
    if value < 0:
        raise ValueError(f"{name} must not be negative")


@dataclass(frozen=True)
class Electorate:
    """Who may vote.

    Villagers' committee: ``registered`` (registered voters).  Party committee: ``members`` (members
    with the right to vote), ``excused`` (per :class:`ExcuseCategory`) and ``present`` (voting
    members present at the meeting).  ``due_to_attend`` = members - excused.
    """

    registered: int | None = None
    members: int | None = None
    excused: Mapping[ExcuseCategory, int] = field(default_factory=dict)
    present: int | None = None

    def __post_init__(self) -> None:
        for name in ("registered", "members", "present"):
            value = getattr(self, name)
            if value is not None:
                _check_count(name, value)
        for category, number in self.excused.items():
            if not isinstance(category, ExcuseCategory):
                raise TypeError(f"excused keys must be ExcuseCategory, not {category!r}")
            _check_count(f"excused[{category.name}]", number)
        object.__setattr__(self, "excused", MappingProxyType(dict(self.excused)))
        if self.excused_total and self.members is None:
            raise ValueError("excused members given without members")
        if self.members is not None:
            if self.excused_total > self.members:
                raise ValueError("more members excused than there are members")
            if self.present is not None and self.present > self.members:
                raise ValueError("more members present than there are members")

    @property
    def excused_total(self) -> int:
        return sum(self.excused.values())

    @property
    def due_to_attend(self) -> int | None:
        if self.members is None:
            return None
        return self.members - self.excused_total


@dataclass(frozen=True)
class Candidate:
    """A person who may receive votes.

    ``listed_for``: the positions for which the person is on the official candidate list; votes for
    the person at any other position are write-ins (另选他人).  Write-in persons may be described
    here too (with ``listed_for`` empty) so that their sex is known for the women's seat rule; a
    person absent from ``candidates`` is a write-in of unknown sex (not counted as a woman).
    """

    key: str
    sex: Sex | None = None
    listed_for: frozenset[str] = frozenset()
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "listed_for", frozenset(self.listed_for))


@dataclass(frozen=True)
class Position:
    """A post to fill.  ``rank``: 0 for the highest (chair), larger for lower posts; ranks are unique.

    ``is_member_position``: the (ordinary) member seats, where the reserved women's seat applies.
    ``women_only``: only votes for women count (the further round for the reserved seat).
    """

    key: str
    rank: int
    seats: int
    is_member_position: bool = False
    women_only: bool = False

    def __post_init__(self) -> None:
        _check_count(f"{self.key}.seats", self.seats)
        if self.seats < 1:
            raise ValueError(f"position {self.key!r} must have at least one seat")


@dataclass(frozen=True)
class BoxTally:
    """The count of one ballot box.

    ``votes``: position key -> person key -> votes (write-ins included; which persons are write-ins
    follows from :attr:`Candidate.listed_for`).  ``unreturned``: ballots issued but not returned,
    when recorded.
    """

    box_id: str
    issued: int
    returned: int
    valid: int
    invalid: int
    votes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    unreturned: int | None = None

    def __post_init__(self) -> None:
        for name in ("issued", "returned", "valid", "invalid"):
            _check_count(f"{self.box_id}.{name}", getattr(self, name))
        if self.unreturned is not None:
            _check_count(f"{self.box_id}.unreturned", self.unreturned)
        frozen: dict[str, Mapping[str, int]] = {}
        for position, table in self.votes.items():
            for person, number in table.items():
                _check_count(f"{self.box_id}.votes[{position}][{person}]", number)
            frozen[position] = MappingProxyType(dict(table))
        object.__setattr__(self, "votes", MappingProxyType(frozen))


Ballot = Mapping[str, Collection[str]]
"""One paper ballot: position key -> persons marked (empty or absent = abstention)."""


def mark_is_valid_for_position(marks: Collection[str], seats: int) -> bool:
    """A ballot marking more people than the position's seats is invalid for that position.

    DOMAIN.md "Counting and results"; marking the same person twice counts once.  Blank is valid
    (an abstention).
    """
    return len(set(marks)) <= seats


def tally_box(
    box_id: str,
    *,
    issued: int,
    ballots: Iterable[Ballot | None],
    seats_by_position: Mapping[str, int],
    body: Body = Body.VILLAGERS_COMMITTEE,
    unreturned: int | None = None,
) -> BoxTally:
    """Count the paper ballots of one box into a :class:`BoxTally`.

    ``None`` stands for a ballot invalid as a whole (spoiled, unreadable).  Villagers: a position
    marked for more people than its seats is invalid for that position only; the rest of the ballot
    counts.  Party: such a ballot is invalid as a whole (the Rules treat it as a spoiled ballot).
    A blank position is an abstention; a wholly blank ballot is a valid ballot with no votes and
    still counts as cast.
    """
    votes: dict[str, dict[str, int]] = {position: {} for position in seats_by_position}
    returned = valid = invalid = 0
    for ballot in ballots:
        returned += 1
        if ballot is None:
            invalid += 1
            continue
        unknown = set(ballot) - set(seats_by_position)
        if unknown:
            raise ValueError(f"ballot marks unknown positions {sorted(unknown)}")
        over_marked = {
            position
            for position, marks in ballot.items()
            if not mark_is_valid_for_position(marks, seats_by_position[position])
        }
        if over_marked and body is Body.PARTY_COMMITTEE:
            invalid += 1
            continue
        valid += 1
        for position, marks in ballot.items():
            if position in over_marked:
                continue
            for person in set(marks):
                votes[position][person] = votes[position].get(person, 0) + 1
    return BoxTally(
        box_id=box_id,
        issued=issued,
        returned=returned,
        valid=valid,
        invalid=invalid,
        votes={position: table for position, table in votes.items() if table},
        unreturned=unreturned,
    )


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TieAtCut:
    """Persons tied at the cut, to be voted on again for ``seats`` seat(s)."""

    persons: tuple[str, ...]
    votes: int
    seats: int
    women_only: bool = False


@dataclass(frozen=True)
class PositionResult:
    """The outcome for one position.

    Accounting identity of a valid count: ``seats_unfilled == further_round_seats +
    women_round_seats + sum(t.seats for t in ties)``.  In a void count nothing is allocated:
    ``seats_unfilled == seats`` and the vote is repeated as a whole.
    """

    position: str
    seats: int
    votes: Mapping[str, int]
    """Every person with votes (and every listed candidate), most votes first, then by key."""
    write_in_totals: Mapping[str, int]
    """Votes for persons not on the list for this position (published; they count)."""
    elected: tuple[str, ...]
    """In order of votes; a woman taking the reserved seat is listed last."""
    seats_unfilled: int
    ties: tuple[TieAtCut, ...]
    further_round_seats: int
    further_round_candidates: tuple[str, ...]
    women_round_seats: int
    women_round_candidates: tuple[str, ...]
    women_seat: WomenSeatOutcome | None
    skipped: tuple[str, ...]
    """Persons with votes here who were not counted because already elected (higher post or earlier)."""


@dataclass(frozen=True)
class CountResult:
    body: Body
    round: int
    valid: bool
    reasons: tuple[Finding, ...]
    """Findings of the count: errors (which void the vote) and warnings (ties, unfilled seats...)."""
    ballots_issued: int
    ballots_returned: int
    ballots_valid: int
    ballots_invalid: int
    denominator: int
    """The number the election threshold is a share of: ballots cast, or members present (party)."""
    positions: tuple[PositionResult, ...]
    """In rank order, highest first."""

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.reasons if f.severity is Severity.ERROR)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.reasons)

    @property
    def elected(self) -> dict[str, tuple[str, ...]]:
        return {p.position: p.elected for p in self.positions}

    def position(self, key: str) -> PositionResult:
        for result in self.positions:
            if result.position == key:
                return result
        raise KeyError(key)


# --------------------------------------------------------------------------------------------------
# Arithmetic helpers (integers and Fractions only)
# --------------------------------------------------------------------------------------------------


def _exceeds(part: int, whole: int, share: Fraction) -> bool:
    """``part > share * whole``, exactly."""
    return part * share.denominator > share.numerator * whole


def _reaches(part: int, whole: int, share: Fraction) -> bool:
    """``part >= share * whole``, exactly."""
    return part * share.denominator >= share.numerator * whole


Ranked = list[tuple[str, int]]
_IsWoman = Callable[[str], bool]


def _rank(table: Mapping[str, int]) -> Ranked:
    return sorted(table.items(), key=lambda item: (-item[1], item[0]))


def _allocate(qualified: Ranked, seats: int) -> tuple[list[str], TieAtCut | None]:
    """Most votes win; a tie across the cut elects nobody in the tie for the contested seats."""
    if seats <= 0:
        return [], None
    if len(qualified) <= seats:
        return [person for person, _ in qualified], None
    cut_votes = qualified[seats - 1][1]
    if qualified[seats][1] != cut_votes:
        return [person for person, _ in qualified[:seats]], None
    elected = [person for person, votes in qualified if votes > cut_votes]
    tied = tuple(person for person, votes in qualified if votes == cut_votes)
    return elected, TieAtCut(persons=tied, votes=cut_votes, seats=seats - len(elected))


def _best_placed(pool: Ranked, places: int) -> tuple[str, ...]:
    """The ``places`` best-placed persons; everyone tied at the last place is included."""
    if places <= 0 or not pool:
        return ()
    if len(pool) <= places:
        return tuple(person for person, _ in pool)
    last_votes = pool[places - 1][1]
    return tuple(
        person for index, (person, votes) in enumerate(pool) if index < places or votes == last_votes
    )


# --------------------------------------------------------------------------------------------------
# count()
# --------------------------------------------------------------------------------------------------


@dataclass
class _Work:
    """Mutable per-position state while allocating; frozen into a PositionResult at the end."""

    position: Position
    table: dict[str, int]
    write_ins: dict[str, int]
    eligible: Ranked
    skipped: tuple[str, ...]
    elected: list[str] = field(default_factory=list)
    ties: list[TieAtCut] = field(default_factory=list)
    women_round_seats: int = 0
    women_seat: WomenSeatOutcome | None = None


def _sum_votes(boxes: Sequence[BoxTally]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for box in boxes:
        for position, table in box.votes.items():
            target = totals.setdefault(position, {})
            for person, votes in table.items():
                target[person] = target.get(person, 0) + votes
    return totals


def count(
    *,
    body: Body,
    rules: CountingRules = DEFAULT_RULES,
    electorate: Electorate,
    boxes: Iterable[BoxTally],
    positions: Iterable[Position],
    candidates: Iterable[Candidate] = (),
    round: Literal[1, 2] = 1,
    elected_before: Collection[str] = (),
    excluded: Collection[str] = (),
) -> CountResult:
    """Apply the statutory counting rules (DOMAIN.md "Counting and results"; see the module doc).

    ``round`` 1 is the ordinary vote, 2 a further round (另行选举) for seats left unfilled, where
    ``positions`` carry only the seats still to fill and ``elected_before`` lists the persons already
    elected.  ``excluded`` lists persons the records bar from the body (the supervision committee's
    exclusions): their votes are counted and published, but they are not elected nor stand in a further
    round.  Returns validity with its reasons and, per position, the elected persons, the votes
    table, write-in totals, ties to re-vote, unfilled seats and further-round candidates.  If the vote
    is void, nobody is elected and every seat is reported unfilled (the vote is repeated as a whole).
    """
    if round not in (1, 2):
        raise ValueError("round must be 1 or 2")
    box_list = sorted(boxes, key=lambda box: box.box_id)
    box_ids = [box.box_id for box in box_list]
    if len(set(box_ids)) != len(box_ids):
        raise ValueError("duplicate box ids")
    ordered = sorted(positions, key=lambda position: position.rank)
    if len({p.key for p in ordered}) != len(ordered) or len({p.rank for p in ordered}) != len(ordered):
        raise ValueError("position keys and ranks must be unique")
    people: dict[str, Candidate] = {}
    for candidate in candidates:
        if candidate.key in people:
            raise ValueError(f"duplicate candidate {candidate.key!r}")
        people[candidate.key] = candidate
    totals = _sum_votes(box_list)
    unknown = set(totals) - {p.key for p in ordered}
    if unknown:
        raise ValueError(f"votes for unknown positions {sorted(unknown)}")

    issued = sum(box.issued for box in box_list)
    returned = sum(box.returned for box in box_list)
    reasons: list[Finding] = []

    # Ballots returned must not exceed ballots issued (both bodies), per box.
    for box in box_list:
        if box.returned > box.issued:
            reasons.append(
                Finding.of(
                    codes.TALLY_RETURNED_EXCEEDS_ISSUED,
                    box=box.box_id,
                    issued=box.issued,
                    returned=box.returned,
                )
            )

    if body is Body.VILLAGERS_COMMITTEE:
        if electorate.registered is None:
            raise ValueError("a villagers' committee count needs electorate.registered")
        if not _exceeds(returned, electorate.registered, rules.turnout_threshold):
            reasons.append(
                Finding.of(codes.TALLY_TURNOUT_NOT_OVER_HALF, registered=electorate.registered, cast=returned)
            )
        denominator = returned
        if round == 1:
            threshold, inclusive = rules.elected_threshold, False
        else:
            threshold, inclusive = rules.further_round_threshold, True
    else:
        due = electorate.due_to_attend
        present = electorate.present
        if due is None or present is None:
            raise ValueError("a party committee count needs electorate.members and electorate.present")
        if not _exceeds(present, due, rules.party_attendance_threshold):
            reasons.append(
                Finding.of(codes.TALLY_ATTENDANCE_NOT_OVER_FOUR_FIFTHS, due_to_attend=due, present=present)
            )
        if returned > present:
            reasons.append(
                Finding.of(codes.TALLY_RETURNED_EXCEEDS_PRESENT, present=present, returned=returned)
            )
        denominator = present
        threshold, inclusive = rules.elected_threshold, False

    void = any(f.severity is Severity.ERROR for f in reasons)

    def passes(votes: int) -> bool:
        if votes <= 0:
            return False
        if inclusive:
            return _reaches(votes, denominator, threshold)
        return _exceeds(votes, denominator, threshold)

    def is_woman(person: str) -> bool:
        candidate = people.get(person)
        return candidate is not None and candidate.sex is Sex.FEMALE

    before = frozenset(elected_before)
    barred = frozenset(excluded)
    holders: set[str] = set(before)  # persons not to be counted again
    elected_anywhere: set[str] = set(before)
    apply_women_rule = (
        not void
        and body is Body.VILLAGERS_COMMITTEE
        and rules.reserved_women_seat
        and not any(p.women_only for p in ordered)
    )
    member_positions = [p for p in ordered if p.is_member_position]
    women_rule_position = member_positions[-1].key if member_positions and apply_women_rule else None

    work: list[_Work] = []
    for position in ordered:
        raw = totals.get(position.key, {})
        table = dict(raw)
        for person, candidate in people.items():
            if position.key in candidate.listed_for:
                table.setdefault(person, 0)
        table = dict(_rank(table))
        write_ins = {
            person: votes
            for person, votes in table.items()
            if person not in people or position.key not in people[person].listed_for
        }
        skipped = tuple(person for person, votes in _rank(raw) if person in holders and votes > 0)
        eligible = [
            (person, votes)
            for person, votes in _rank(table)
            if person not in holders
            and person not in barred
            and (not position.women_only or is_woman(person))
        ]
        state = _Work(position=position, table=table, write_ins=write_ins, eligible=eligible, skipped=skipped)
        work.append(state)
        if void:
            continue

        qualified = [(person, votes) for person, votes in eligible if passes(votes)]
        elected, tie = _allocate(qualified, position.seats)
        if position.key == women_rule_position and not any(
            is_woman(person) for person in (*elected_anywhere, *elected)
        ):
            elected, tie = _reserve_women_seat(state, qualified, is_woman)
        state.elected = elected
        if tie is not None:
            state.ties.insert(0, tie)
        elected_anywhere.update(elected)
        if rules.skip_elected_for_lower_positions:
            holders.update(elected)

    results: list[PositionResult] = []
    for state in work:
        position = state.position
        if void:
            results.append(
                PositionResult(
                    position=position.key,
                    seats=position.seats,
                    votes=MappingProxyType(state.table),
                    write_in_totals=MappingProxyType(state.write_ins),
                    elected=(),
                    seats_unfilled=position.seats,
                    ties=(),
                    further_round_seats=0,
                    further_round_candidates=(),
                    women_round_seats=0,
                    women_round_candidates=(),
                    women_seat=None,
                    skipped=state.skipped,
                )
            )
            continue
        unfilled = position.seats - len(state.elected)
        further_seats = unfilled - state.women_round_seats - sum(tie.seats for tie in state.ties)
        pool = [
            (person, votes)
            for person, votes in state.eligible
            if person not in elected_anywhere and votes > 0
        ]
        further = (
            _best_placed(pool, further_seats + rules.further_round_extra_candidates) if further_seats else ()
        )
        women_pool = [(person, votes) for person, votes in pool if is_woman(person)]
        women_candidates = (
            _best_placed(women_pool, state.women_round_seats + rules.further_round_extra_candidates)
            if state.women_round_seats
            else ()
        )
        for tie in state.ties:
            code = codes.COUNT_WOMEN_SEAT_TIE if tie.women_only else codes.COUNT_TIE_AT_CUT
            reasons.append(
                Finding.of(code, position=position.key, persons=",".join(tie.persons), seats=tie.seats)
            )
        if state.women_seat is WomenSeatOutcome.WOMAN_TOOK_LAST_SEAT:
            reasons.append(
                Finding.of(codes.COUNT_WOMEN_SEAT_LAST_SEAT, position=position.key, person=state.elected[-1])
            )
        elif state.women_seat is WomenSeatOutcome.RESERVED_FOR_WOMEN_ROUND:
            reasons.append(Finding.of(codes.COUNT_WOMEN_SEAT_RESERVED, position=position.key, seats=1))
        if further_seats:
            reasons.append(Finding.of(codes.COUNT_SEATS_UNFILLED, position=position.key, seats=further_seats))
        for seats, listed in ((further_seats, further), (state.women_round_seats, women_candidates)):
            if seats and len(listed) < seats + rules.further_round_extra_candidates:
                reasons.append(
                    Finding.of(
                        codes.COUNT_FURTHER_ROUND_SHORT_LIST,
                        position=position.key,
                        seats=seats,
                        standing=len(listed),
                    )
                )
        results.append(
            PositionResult(
                position=position.key,
                seats=position.seats,
                votes=MappingProxyType(state.table),
                write_in_totals=MappingProxyType(state.write_ins),
                elected=tuple(state.elected),
                seats_unfilled=unfilled,
                ties=tuple(state.ties),
                further_round_seats=further_seats,
                further_round_candidates=further,
                women_round_seats=state.women_round_seats,
                women_round_candidates=women_candidates,
                women_seat=state.women_seat,
                skipped=state.skipped,
            )
        )

    return CountResult(
        body=body,
        round=round,
        valid=not void,
        reasons=tuple(reasons),
        ballots_issued=issued,
        ballots_returned=returned,
        ballots_valid=sum(box.valid for box in box_list),
        ballots_invalid=sum(box.invalid for box in box_list),
        denominator=denominator,
        positions=tuple(results),
    )


def _reserve_women_seat(
    state: _Work, qualified: Ranked, is_woman: _IsWoman
) -> tuple[list[str], TieAtCut | None]:
    """Reserved women's seat (villagers; module doc, "Reserved women's seat").

    Called when no woman is elected anywhere under the ordinary allocation.  Returns the allocation
    of the position with one seat reserved; records the outcome on ``state``.
    """
    general_seats = state.position.seats - 1
    qualified_women = [(person, votes) for person, votes in qualified if is_woman(person)]
    if not qualified_women:
        state.women_seat = WomenSeatOutcome.RESERVED_FOR_WOMEN_ROUND
        state.women_round_seats = 1
        return _allocate(qualified, general_seats)
    top_votes = qualified_women[0][1]
    top_women = tuple(person for person, votes in qualified_women if votes == top_votes)
    general = [(person, votes) for person, votes in qualified if person not in top_women]
    elected, tie = _allocate(general, general_seats)
    if len(top_women) == 1:
        state.women_seat = WomenSeatOutcome.WOMAN_TOOK_LAST_SEAT
        return [*elected, top_women[0]], tie
    state.women_seat = WomenSeatOutcome.WOMEN_TIE
    state.ties.append(TieAtCut(persons=top_women, votes=top_votes, seats=1, women_only=True))
    return elected, tie


# --------------------------------------------------------------------------------------------------
# reconcile()
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoxTotals:
    """Ballot account of one box (``box_id``) or of all boxes (``box_id is None``)."""

    box_id: str | None
    issued: int
    returned: int
    unreturned: int | None
    valid: int
    invalid: int
    votes_by_position: Mapping[str, int]


@dataclass(frozen=True)
class Reconciliation:
    boxes: tuple[BoxTotals, ...]
    """Per box, sorted by box id."""
    total: BoxTotals
    findings: tuple[Finding, ...]
    """Per box (sorted by box id), then total (``box is None``)."""

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.findings)


def _median(values: Sequence[int]) -> Fraction:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def _account_findings(
    account: BoxTotals, seats_by_position: Mapping[str, int], rules: CountingRules
) -> list[Finding]:
    """Checks that apply alike to a box and to the totals."""
    found: list[Finding] = []
    box = account.box_id
    if account.returned > account.issued:
        found.append(
            Finding.of(
                codes.TALLY_RETURNED_EXCEEDS_ISSUED, box=box, issued=account.issued, returned=account.returned
            )
        )
    if account.unreturned is not None and account.issued != account.returned + account.unreturned:
        found.append(
            Finding.of(
                codes.RECONCILE_ISSUED_MISMATCH,
                box=box,
                issued=account.issued,
                returned=account.returned,
                unreturned=account.unreturned,
            )
        )
    if account.returned != account.valid + account.invalid:
        found.append(
            Finding.of(
                codes.RECONCILE_RETURNED_MISMATCH,
                box=box,
                returned=account.returned,
                valid=account.valid,
                invalid=account.invalid,
            )
        )
    for position in sorted(account.votes_by_position):
        votes = account.votes_by_position[position]
        capacity = account.valid * seats_by_position[position]
        if votes > capacity:
            found.append(
                Finding.of(
                    codes.RECONCILE_POSITION_VOTES_EXCEED_CAPACITY,
                    box=box,
                    position=position,
                    votes=votes,
                    capacity=capacity,
                )
            )
    if account.returned and _exceeds(account.invalid, account.returned, rules.invalid_share_warning):
        found.append(
            Finding.of(
                codes.RECONCILE_INVALID_SHARE_HIGH,
                box=box,
                invalid=account.invalid,
                returned=account.returned,
            )
        )
    return found


def reconcile(
    boxes: Iterable[BoxTally],
    *,
    registered: int,
    signed_for: int | Mapping[str, int] | None = None,
    seats_by_position: Mapping[str, int],
    rules: CountingRules = DEFAULT_RULES,
    roll: Collection[str] | None = None,
    candidates: Iterable[Candidate] = (),
) -> Reconciliation:
    """Reconcile the ballot account, per box and in total (DOMAIN.md "Counting and results").

    Errors: issued != returned + unreturned (when unreturned is recorded; in total only when every
    box records it); returned != valid + invalid; returned > issued; votes for a position >
    valid x seats; total returned > ``registered``; returned > ``signed_for`` (an int: checked on the
    total; a mapping box id -> number: per box, and on the total when every box is listed).

    Warnings: invalid / returned > ``rules.invalid_share_warning`` (per box and total); a box whose
    returned ballots exceed ``rules.box_outlier_factor`` x the median of the other boxes (needs at
    least two boxes); when ``roll`` is given, votes in total for a person who is neither on the roll
    nor on the candidate list for that position.
    """
    box_list = sorted(boxes, key=lambda box: box.box_id)
    box_ids = [box.box_id for box in box_list]
    if len(set(box_ids)) != len(box_ids):
        raise ValueError("duplicate box ids")
    _check_count("registered", registered)

    accounts: list[BoxTotals] = []
    for box in box_list:
        unknown = set(box.votes) - set(seats_by_position)
        if unknown:
            raise ValueError(f"box {box.box_id!r} has votes for unknown positions {sorted(unknown)}")
        accounts.append(
            BoxTotals(
                box_id=box.box_id,
                issued=box.issued,
                returned=box.returned,
                unreturned=box.unreturned,
                valid=box.valid,
                invalid=box.invalid,
                votes_by_position=MappingProxyType(
                    {position: sum(table.values()) for position, table in box.votes.items()}
                ),
            )
        )
    position_totals: dict[str, int] = {}
    for account in accounts:
        for position, votes in account.votes_by_position.items():
            position_totals[position] = position_totals.get(position, 0) + votes
    unreturned_known = all(box.unreturned is not None for box in box_list)
    total = BoxTotals(
        box_id=None,
        issued=sum(a.issued for a in accounts),
        returned=sum(a.returned for a in accounts),
        unreturned=sum(a.unreturned or 0 for a in accounts) if unreturned_known else None,
        valid=sum(a.valid for a in accounts),
        invalid=sum(a.invalid for a in accounts),
        votes_by_position=MappingProxyType(position_totals),
    )

    findings: list[Finding] = []
    for index, account in enumerate(accounts):
        findings.extend(_account_findings(account, seats_by_position, rules))
        if isinstance(signed_for, Mapping) and account.box_id in signed_for:
            limit = signed_for[account.box_id]
            if account.returned > limit:
                findings.append(
                    Finding.of(
                        codes.RECONCILE_RETURNED_EXCEEDS_SIGNED_FOR,
                        box=account.box_id,
                        signed_for=limit,
                        returned=account.returned,
                    )
                )
        others = [other.returned for i, other in enumerate(accounts) if i != index]
        if others:
            median = _median(others)
            if account.returned > rules.box_outlier_factor * median:
                findings.append(
                    Finding.of(
                        codes.RECONCILE_BOX_OUTLIER,
                        box=account.box_id,
                        returned=account.returned,
                        median_of_others=str(median),
                    )
                )

    findings.extend(_account_findings(total, seats_by_position, rules))
    if total.returned > registered:
        findings.append(
            Finding.of(
                codes.RECONCILE_RETURNED_EXCEEDS_REGISTERED, registered=registered, returned=total.returned
            )
        )
    total_signed: int | None
    if isinstance(signed_for, Mapping):
        total_signed = sum(signed_for.values()) if all(b in signed_for for b in box_ids) else None
    else:
        total_signed = signed_for
    if total_signed is not None and total.returned > total_signed:
        findings.append(
            Finding.of(
                codes.RECONCILE_RETURNED_EXCEEDS_SIGNED_FOR, signed_for=total_signed, returned=total.returned
            )
        )
    if roll is not None:
        on_roll = set(roll)
        listed = {candidate.key: candidate.listed_for for candidate in candidates}
        person_totals = _sum_votes(box_list)
        for position in sorted(person_totals):
            for person, votes in _rank(person_totals[position]):
                if votes > 0 and person not in on_roll and position not in listed.get(person, frozenset()):
                    findings.append(
                        Finding.of(
                            codes.RECONCILE_WRITE_IN_NOT_ON_ROLL,
                            position=position,
                            person=person,
                            votes=votes,
                        )
                    )

    return Reconciliation(boxes=tuple(accounts), total=total, findings=tuple(findings))


# --------------------------------------------------------------------------------------------------
# The Party committee's plenary (委员会全体会议)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlenaryPost:
    """A post the new Party committee fills among its own members: the secretary, the deputies, the
    discipline inspection member (纪检委员) where one is set up."""

    key: str
    seats: int


@dataclass(frozen=True)
class PlenaryPostResult:
    post: str
    seats: int
    votes: Mapping[str, int]
    elected: tuple[str, ...]
    unfilled: int


@dataclass(frozen=True)
class PlenaryResult:
    valid: bool
    reasons: tuple[Finding, ...]
    posts: tuple[PlenaryPostResult, ...]

    @property
    def elected(self) -> dict[str, str]:
        """Person → the post the plenary elected them to."""
        return {person: post.post for post in self.posts for person in post.elected}


def plenary_count(
    *,
    committee: Collection[str],
    present: int,
    posts: Sequence[PlenaryPost],
    votes: Mapping[str, Mapping[str, int]],
    share: Fraction = Fraction(1, 2),
) -> PlenaryResult:
    """The new committee's plenary elects its secretary, deputies and discipline member (DOMAIN.md: "the
    assembly elects the committee; the committee elects secretary and deputy"; seed 001: 委员会的书记、副书记
    由委员会全体会议选举产生).

    Only the committee's members may be elected, and only they vote: a vote for anyone else, more present
    than members, or more marks on a post than ballots x seats void the plenary. A person is elected with
    votes from more than ``share`` of all the committee's members (应到会委员, not only those present), most
    votes first, posts in the order given, one post each; a tie at the cut leaves the seat to vote again.

    Written by hand rather than through `count`: the plenary has no boxes, no turnout rule and no further
    round, and its denominator is the committee's size.
    """
    members = len(committee)
    reasons: list[Finding] = []
    if present > members:
        reasons.append(Finding.of(codes.PLENARY_PRESENT_EXCEEDS_MEMBERS, present=present, members=members))
    strangers = sorted({person for table in votes.values() for person in table} - set(committee))
    for person in strangers:
        reasons.append(Finding.of(codes.PLENARY_NOT_A_MEMBER, person=person))
    seats = {post.key: post.seats for post in posts}
    for key, table in votes.items():
        if key not in seats:
            reasons.append(Finding.of(codes.PLENARY_UNKNOWN_POST, position=key))
        elif sum(table.values()) > present * seats[key]:
            reasons.append(
                Finding.of(
                    codes.PLENARY_TOO_MANY_MARKS, position=key, marks=sum(table.values()), present=present
                )
            )
    valid = not reasons
    holders: set[str] = set()
    results = []
    for post in posts:
        table = {person: votes.get(post.key, {}).get(person, 0) for person in committee}
        elected: list[str] = []
        if valid:
            qualified = [
                (person, n)
                for person, n in _rank(table)
                if person not in holders and n > 0 and _exceeds(n, members, share)
            ]
            elected, tie = _allocate(qualified, post.seats)
            if tie is not None:
                reasons.append(
                    Finding.of(
                        codes.COUNT_TIE_AT_CUT,
                        position=post.key,
                        persons=",".join(tie.persons),
                        seats=tie.seats,
                    )
                )
            holders.update(elected)
        unfilled = post.seats - len(elected)
        if valid and unfilled:
            reasons.append(Finding.of(codes.PLENARY_SEAT_UNFILLED, position=post.key, seats=unfilled))
        results.append(
            PlenaryPostResult(
                post=post.key,
                seats=post.seats,
                votes=MappingProxyType(dict(_rank(table))),
                elected=tuple(elected),
                unfilled=unfilled,
            )
        )
    return PlenaryResult(valid=valid, reasons=tuple(reasons), posts=tuple(results))
