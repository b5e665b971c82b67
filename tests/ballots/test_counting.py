"""Tests for the statutory counting rules (ballots.counting; DOMAIN.md "Counting and results").

Expectations are worked out by hand from the statute (or, in the properties, recomputed here with
plain integer arithmetic), never copied from the function's output.  Tests assert rule codes, never
message wording.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils.functional import Promise
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots import codes
from ballots.codes import Severity
from ballots.counting import (
    Body,
    BoxTally,
    Candidate,
    CountingRules,
    CountResult,
    Electorate,
    ExcuseCategory,
    Position,
    Sex,
    WomenSeatOutcome,
    count,
    mark_is_valid_for_position,
    reconcile,
    tally_box,
)

# ballots.counting needs no settings; the shared tests/conftest.py touches django.conf.settings, so when the
# module runs outside pytest-django (DJANGO_SETTINGS_MODULE empty) give it Django's defaults.
if not django_settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    django_settings.configure()

V = Body.VILLAGERS_COMMITTEE
P = Body.PARTY_COMMITTEE
F = Sex.FEMALE
M = Sex.MALE

CHAIR = Position("chair", rank=0, seats=1)
MEMBER1 = Position("member", rank=2, seats=1, is_member_position=True)
MEMBER2 = Position("member", rank=2, seats=2, is_member_position=True)
MEMBER3 = Position("member", rank=2, seats=3, is_member_position=True)
WOMEN_SEAT = Position("women_member", rank=3, seats=1, is_member_position=True, women_only=True)

NO_WOMEN_RULE = CountingRules(reserved_women_seat=False)

TURNOUT = "tally.turnout_not_over_half"
ATTENDANCE = "tally.attendance_not_over_four_fifths"
OVER_ISSUED = "tally.returned_exceeds_issued"
OVER_PRESENT = "tally.returned_exceeds_present"
TIE = "count.tie_at_cut.W"
UNFILLED = "count.seats_unfilled.W"


def people(*specs: tuple[str, Sex | None, tuple[str, ...]]) -> list[Candidate]:
    return [Candidate(key, sex=sex, listed_for=frozenset(listed)) for key, sex, listed in specs]


def men(*keys: str, listed: tuple[str, ...] = ("member",)) -> list[Candidate]:
    return people(*((key, M, listed) for key in keys))


def women(*keys: str, listed: tuple[str, ...] = ("member",)) -> list[Candidate]:
    return people(*((key, F, listed) for key in keys))


def villagers(
    *,
    votes: Mapping[str, Mapping[str, int]],
    registered: int = 150,
    returned: int = 100,
    issued: int | None = None,
    invalid: int = 0,
    positions: tuple[Position, ...] = (MEMBER1,),
    candidates: list[Candidate] | None = None,
    rules: CountingRules = NO_WOMEN_RULE,
    round: int = 1,
    elected_before: tuple[str, ...] = (),
) -> CountResult:
    """One-box villagers' committee count; the women's seat rule is off unless a row turns it on."""
    box = BoxTally(
        "b1",
        issued=returned if issued is None else issued,
        returned=returned,
        valid=returned - invalid,
        invalid=invalid,
        votes=votes,
    )
    return count(
        body=V,
        rules=rules,
        electorate=Electorate(registered=registered),
        boxes=[box],
        positions=positions,
        candidates=candidates if candidates is not None else men("A", "B", "C", "D", "E"),
        round=round,  # type: ignore[arg-type]
        elected_before=elected_before,
    )


def party(
    *,
    votes: Mapping[str, Mapping[str, int]],
    members: int = 100,
    excused: Mapping[ExcuseCategory, int] | None = None,
    present: int = 90,
    returned: int | None = None,
    issued: int | None = None,
    positions: tuple[Position, ...] = (MEMBER1,),
    round: int = 1,
) -> CountResult:
    returned = present if returned is None else returned
    box = BoxTally(
        "b1",
        issued=returned if issued is None else issued,
        returned=returned,
        valid=returned,
        invalid=0,
        votes=votes,
    )
    return count(
        body=P,
        electorate=Electorate(members=members, excused=excused or {}, present=present),
        boxes=[box],
        positions=positions,
        candidates=men("A", "B", "C") + women("W"),
        round=round,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Expect:
    """What the statute says should happen; only the fields given are checked."""

    valid: bool = True
    codes: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    elected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ties: Mapping[str, tuple[tuple[frozenset[str], int, bool], ...]] = field(default_factory=dict)
    further: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    women_round: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    write_ins: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    women_seat: Mapping[str, WomenSeatOutcome | None] = field(default_factory=dict)
    skipped: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def ex(**kw: Any) -> Expect:
    for key in ("codes", "absent"):
        if key in kw:
            kw[key] = frozenset(kw[key])
    return Expect(**kw)


def case(run: Callable[[], CountResult], expect: Expect, id: str) -> Any:
    return pytest.param(run, expect, id=id)


WORKED_EXAMPLES = [
    # --- Villagers: more than half of the registered voters must cast a ballot --------------------
    case(
        lambda: villagers(registered=100, returned=50, votes={"member": {"A": 40}}),
        ex(valid=False, codes={TURNOUT}, elected={"member": ()}),
        "turnout_exactly_half_is_invalid",
    ),
    case(
        lambda: villagers(registered=100, returned=51, votes={"member": {"A": 40}}),
        ex(absent={TURNOUT}, elected={"member": ("A",)}),
        "turnout_half_plus_one_is_valid",
    ),
    case(
        lambda: villagers(registered=100, returned=49, votes={"member": {"A": 40}}),
        ex(valid=False, codes={TURNOUT}, elected={"member": ()}),
        "turnout_under_half_is_invalid",
    ),
    case(
        lambda: villagers(registered=101, returned=51, votes={"member": {"A": 40}}),
        ex(absent={TURNOUT}, elected={"member": ("A",)}),
        "turnout_odd_registered_51_of_101_is_over_half",
    ),
    # --- Villagers: elected with more than half of the ballots cast ---------------------------------
    case(
        lambda: villagers(votes={"member": {"A": 50, "B": 30}}),
        ex(codes={UNFILLED}, elected={"member": ()}, further={"member": ("A", "B")}),
        "exactly_half_of_ballots_cast_is_not_elected",
    ),
    case(
        lambda: villagers(votes={"member": {"A": 51, "B": 30}}),
        ex(absent={UNFILLED}, elected={"member": ("A",)}, further={"member": ()}),
        "half_plus_one_of_ballots_cast_is_elected",
    ),
    case(
        lambda: villagers(votes={"member": {"A": 49, "B": 30}}),
        ex(elected={"member": ()}),
        "under_half_of_ballots_cast_is_not_elected",
    ),
    case(
        # 100 cast, 10 invalid: 51 is a majority of the 90 valid ballots but not of the 100 cast.
        lambda: villagers(invalid=10, votes={"member": {"A": 50, "B": 30}}),
        ex(elected={"member": ()}),
        "invalid_ballots_count_as_cast_for_the_majority",
    ),
    # --- Further round (另行选举): most votes, at least one third of the ballots cast -------------
    case(
        lambda: villagers(returned=90, round=2, votes={"member": {"A": 30, "B": 20}}),
        ex(elected={"member": ("A",)}),
        "further_round_exactly_one_third_is_enough",
    ),
    case(
        lambda: villagers(returned=90, round=2, votes={"member": {"A": 29, "B": 20}}),
        ex(codes={UNFILLED}, elected={"member": ()}),
        "further_round_just_under_one_third_is_not_enough",
    ),
    case(
        lambda: villagers(returned=90, round=2, votes={"member": {"A": 31, "B": 20}}),
        ex(elected={"member": ("A",)}),
        "further_round_over_one_third_is_elected",
    ),
    case(
        lambda: villagers(returned=90, round=2, votes={"member": {"A": 40, "B": 35}}),
        ex(elected={"member": ("A",)}),
        "further_round_most_votes_win",
    ),
    case(
        lambda: villagers(returned=90, round=2, votes={"member": {"A": 35, "B": 35}}),
        ex(codes={TIE}, elected={"member": ()}, ties={"member": ((frozenset({"A", "B"}), 1, False),)}),
        "further_round_tie_at_the_cut_is_revoted",
    ),
    case(
        lambda: villagers(returned=90, round=2, votes={"member": {"A": 40}}, elected_before=("A",)),
        ex(elected={"member": ()}, skipped={"member": ("A",)}),
        "further_round_does_not_count_persons_already_elected",
    ),
    # --- Party: attending voters must exceed 4/5 of those due to attend -----------------------------
    case(
        lambda: party(present=80, votes={"member": {"A": 70}}),
        ex(valid=False, codes={ATTENDANCE}, elected={"member": ()}),
        "party_attendance_exactly_four_fifths_is_invalid",
    ),
    case(
        lambda: party(present=81, votes={"member": {"A": 70}}),
        ex(absent={ATTENDANCE}, elected={"member": ("A",)}),
        "party_attendance_over_four_fifths_is_valid",
    ),
    case(
        lambda: party(present=79, votes={"member": {"A": 70}}),
        ex(valid=False, codes={ATTENDANCE}),
        "party_attendance_under_four_fifths_is_invalid",
    ),
    case(
        # due to attend = 100 - 5 = 95; 4/5 of 95 = 76; 77 > 76.
        lambda: party(
            present=77,
            excused={ExcuseCategory.SERIOUSLY_ILL: 3, ExcuseCategory.ABROAD_OVER_SIX_MONTHS: 2},
            votes={"member": {"A": 70}},
        ),
        ex(absent={ATTENDANCE}, elected={"member": ("A",)}),
        "party_excused_members_reduce_due_to_attend",
    ),
    case(
        lambda: party(present=77, votes={"member": {"A": 70}}),
        ex(valid=False, codes={ATTENDANCE}),
        "party_same_attendance_without_excused_members_is_invalid",
    ),
    case(
        lambda: party(
            present=76,
            excused={ExcuseCategory.SERIOUSLY_ILL: 3, ExcuseCategory.ABROAD_OVER_SIX_MONTHS: 2},
            votes={"member": {"A": 70}},
        ),
        ex(valid=False, codes={ATTENDANCE}),
        "party_exactly_four_fifths_of_due_to_attend_after_excusals_is_invalid",
    ),
    case(
        # one of each of the five categories: due = 95, 77 > 76.
        lambda: party(present=77, excused={c: 1 for c in ExcuseCategory}, votes={"member": {"A": 70}}),
        ex(absent={ATTENDANCE}, elected={"member": ("A",)}),
        "party_all_five_excuse_categories_reduce_due_to_attend",
    ),
    # --- Party: elected with votes from more than half of the voting members present -------------
    case(
        lambda: party(present=90, votes={"member": {"A": 45}}),
        ex(elected={"member": ()}),
        "party_exactly_half_of_members_present_is_not_elected",
    ),
    case(
        lambda: party(present=90, votes={"member": {"A": 46}}),
        ex(elected={"member": ("A",)}),
        "party_half_plus_one_of_members_present_is_elected",
    ),
    case(
        # 44 of 80 ballots returned is a majority of the ballots but not of the 90 present.
        lambda: party(present=90, returned=80, votes={"member": {"A": 44}}),
        ex(elected={"member": ()}),
        "party_majority_is_of_members_present_not_of_ballots",
    ),
    case(
        lambda: party(present=90, returned=80, round=2, votes={"member": {"A": 45}}),
        ex(elected={"member": ()}),
        "party_further_round_still_needs_majority_of_members_present",
    ),
    case(
        lambda: party(present=90, returned=91, issued=95, votes={"member": {"A": 70}}),
        ex(valid=False, codes={OVER_PRESENT}, elected={"member": ()}),
        "party_returned_exceeding_members_present_voids",
    ),
    # --- Ballots returned must not exceed ballots issued --------------------------------------------
    case(
        lambda: villagers(issued=100, returned=101, votes={"member": {"A": 90}}),
        ex(valid=False, codes={OVER_ISSUED}, elected={"member": ()}),
        "returned_exceeding_issued_voids_the_vote",
    ),
    case(
        lambda: villagers(issued=100, returned=100, votes={"member": {"A": 90}}),
        ex(absent={OVER_ISSUED}, elected={"member": ("A",)}),
        "returned_equal_to_issued_is_valid",
    ),
    case(
        lambda: villagers(issued=101, returned=100, votes={"member": {"A": 90}}),
        ex(absent={OVER_ISSUED}, elected={"member": ("A",)}),
        "returned_under_issued_is_valid",
    ),
    case(
        lambda: party(present=90, returned=90, issued=89, votes={"member": {"A": 70}}),
        ex(valid=False, codes={OVER_ISSUED}),
        "party_returned_exceeding_issued_voids_the_vote",
    ),
    # --- Write-ins (另选他人) count and are published ------------------------------------------------
    case(
        lambda: villagers(votes={"member": {"A": 30, "X": 60}}),
        ex(elected={"member": ("X",)}, write_ins={"member": {"X": 60}}),
        "write_in_with_majority_is_elected",
    ),
    case(
        lambda: villagers(votes={"member": {"A": 80, "Y": 5, "Z": 7}}),
        ex(elected={"member": ("A",)}, write_ins={"member": {"Z": 7, "Y": 5}}),
        "write_in_totals_are_published_when_not_elected",
    ),
    case(
        # B is on the list for chair only: his votes for member are write-ins.
        lambda: villagers(
            positions=(CHAIR, MEMBER1),
            candidates=people(("A", M, ("chair", "member")), ("B", M, ("chair",))),
            votes={"chair": {"A": 60, "B": 40}, "member": {"B": 55, "A": 30}},
        ),
        ex(elected={"chair": ("A",), "member": ("B",)}, write_ins={"chair": {}, "member": {"B": 55}}),
        "write_in_is_per_position",
    ),
    # --- Positions are filled from the highest down; elected persons are skipped lower down --------
    case(
        lambda: villagers(
            positions=(CHAIR, MEMBER1),
            votes={"chair": {"A": 70, "B": 20}, "member": {"A": 80, "B": 60}},
        ),
        ex(elected={"chair": ("A",), "member": ("B",)}, skipped={"member": ("A",)}),
        "person_elected_to_higher_post_is_not_counted_for_lower_post",
    ),
    case(
        lambda: villagers(
            positions=(CHAIR, MEMBER1),
            rules=CountingRules(reserved_women_seat=False, skip_elected_for_lower_positions=False),
            votes={"chair": {"A": 70, "B": 20}, "member": {"A": 80, "B": 60}},
        ),
        ex(elected={"chair": ("A",), "member": ("A",)}, skipped={"member": ()}),
        "without_the_skip_setting_the_higher_post_winner_counts_lower_down",
    ),
    case(
        # A (elected chair) is skipped; B has 50 of 100 (not over half); further round B, C.
        lambda: villagers(
            positions=(CHAIR, MEMBER1),
            votes={"chair": {"A": 70}, "member": {"A": 45, "B": 50, "C": 5}},
        ),
        ex(elected={"chair": ("A",), "member": ()}, further={"member": ("B", "C")}),
        "elected_higher_post_person_is_no_further_round_candidate",
    ),
    # --- Ties at the cut ------------------------------------------------------------------------------
    case(
        lambda: villagers(positions=(MEMBER2,), votes={"member": {"A": 70, "B": 60, "C": 60}}),
        ex(
            codes={TIE},
            elected={"member": ("A",)},
            ties={"member": ((frozenset({"B", "C"}), 1, False),)},
            further={"member": ()},
        ),
        "tie_at_the_cut_elects_nobody_in_the_tie",
    ),
    case(
        lambda: villagers(positions=(MEMBER2,), votes={"member": {"A": 70, "B": 61, "C": 60}}),
        ex(absent={TIE}, elected={"member": ("A", "B")}, ties={"member": ()}),
        "one_vote_apart_is_no_tie",
    ),
    case(
        lambda: villagers(positions=(MEMBER2,), votes={"member": {"A": 60, "B": 60, "C": 60}}),
        ex(codes={TIE}, elected={"member": ()}, ties={"member": ((frozenset({"A", "B", "C"}), 2, False),)}),
        "tie_across_every_seat_elects_nobody",
    ),
    case(
        lambda: villagers(positions=(MEMBER2,), votes={"member": {"A": 70, "B": 60, "C": 50}}),
        ex(absent={TIE}, elected={"member": ("A", "B")}),
        "tie_is_only_among_those_above_the_threshold",
    ),
    case(
        lambda: villagers(positions=(MEMBER2,), votes={"member": {"A": 70, "B": 40, "C": 40}}),
        ex(absent={TIE}, elected={"member": ("A",)}, further={"member": ("B", "C")}),
        "tie_below_the_threshold_goes_to_further_round",
    ),
    # --- Further-round candidates: best-placed unelected, unfilled seats + extra -------------------
    case(
        lambda: villagers(
            positions=(MEMBER3,), votes={"member": {"A": 60, "B": 40, "C": 35, "D": 30, "E": 20}}
        ),
        ex(elected={"member": ("A",)}, further={"member": ("B", "C", "D")}),
        "further_round_stands_unfilled_seats_plus_one",
    ),
    case(
        lambda: villagers(
            positions=(MEMBER3,),
            rules=CountingRules(reserved_women_seat=False, further_round_extra_candidates=2),
            votes={"member": {"A": 60, "B": 40, "C": 35, "D": 30, "E": 20}},
        ),
        ex(elected={"member": ("A",)}, further={"member": ("B", "C", "D", "E")}),
        "further_round_extra_candidates_is_configurable",
    ),
    case(
        lambda: villagers(
            positions=(MEMBER3,),
            rules=CountingRules(reserved_women_seat=False, further_round_extra_candidates=0),
            votes={"member": {"A": 60, "B": 40, "C": 35, "D": 30, "E": 20}},
        ),
        ex(elected={"member": ("A",)}, further={"member": ("B", "C")}),
        "further_round_without_extra_candidates",
    ),
    case(
        lambda: villagers(
            positions=(MEMBER3,), votes={"member": {"A": 60, "B": 40, "C": 35, "D": 30, "E": 30}}
        ),
        ex(elected={"member": ("A",)}, further={"member": ("B", "C", "D", "E")}),
        "further_round_list_includes_everyone_tied_at_the_last_place",
    ),
    case(
        lambda: villagers(positions=(MEMBER3,), votes={"member": {"A": 60, "B": 40}}),
        ex(
            codes={UNFILLED, "count.further_round_short_list.W"},
            elected={"member": ("A",)},
            further={"member": ("B",)},
        ),
        "further_round_short_list_is_flagged",
    ),
    # --- Reserved women's seat (villagers; default rule on) ------------------------------------------
    case(
        lambda: villagers(
            rules=CountingRules(),
            positions=(MEMBER3,),
            candidates=men("M1", "M2", "M3") + women("W1", "W2"),
            votes={"member": {"M1": 80, "M2": 75, "M3": 70, "W1": 51, "W2": 15}},
        ),
        ex(
            codes={"count.women_seat_last_seat.W"},
            elected={"member": ("M1", "M2", "W1")},
            women_seat={"member": WomenSeatOutcome.WOMAN_TOOK_LAST_SEAT},
        ),
        "woman_over_threshold_takes_the_last_member_seat",
    ),
    case(
        lambda: villagers(
            rules=CountingRules(),
            positions=(MEMBER3,),
            candidates=men("M1", "M2", "M3") + women("W1", "W2"),
            votes={"member": {"M1": 80, "M2": 75, "M3": 70, "W1": 50, "W2": 20}},
        ),
        ex(
            codes={"count.women_seat_reserved.W"},
            elected={"member": ("M1", "M2")},
            women_seat={"member": WomenSeatOutcome.RESERVED_FOR_WOMEN_ROUND},
            women_round={"member": ("W1", "W2")},
            further={"member": ()},
        ),
        "woman_at_exactly_half_does_not_take_the_seat_it_goes_to_a_women_round",
    ),
    case(
        lambda: villagers(
            rules=CountingRules(),
            positions=(CHAIR, MEMBER3),
            candidates=people(("W0", F, ("chair",))) + men("M1", "M2", "M3") + women("W1"),
            votes={"chair": {"W0": 70}, "member": {"M1": 80, "M2": 75, "M3": 70, "W1": 55}},
        ),
        ex(elected={"chair": ("W0",), "member": ("M1", "M2", "M3")}, women_seat={"member": None}),
        "woman_elected_to_a_higher_post_satisfies_the_women_rule",
    ),
    case(
        lambda: villagers(
            rules=CountingRules(),
            positions=(MEMBER3,),
            candidates=men("M1", "M2", "M3") + women("W1"),
            votes={"member": {"M1": 80, "W1": 75, "M2": 70, "M3": 60}},
        ),
        ex(elected={"member": ("M1", "W1", "M2")}, women_seat={"member": None}),
        "woman_elected_outright_needs_no_reserved_seat",
    ),
    case(
        lambda: villagers(
            rules=CountingRules(),
            positions=(MEMBER3,),
            candidates=men("M1", "M2", "M3") + women("W1", "W2"),
            votes={"member": {"M1": 70, "M2": 65, "M3": 60, "W1": 52, "W2": 52}},
        ),
        ex(
            codes={"count.women_seat_tie.W"},
            elected={"member": ("M1", "M2")},
            ties={"member": ((frozenset({"W1", "W2"}), 1, True),)},
            women_seat={"member": WomenSeatOutcome.WOMEN_TIE},
        ),
        "women_tied_for_the_reserved_seat_are_revoted",
    ),
    case(
        lambda: villagers(
            rules=NO_WOMEN_RULE,
            positions=(MEMBER3,),
            candidates=men("M1", "M2", "M3") + women("W1"),
            votes={"member": {"M1": 80, "M2": 75, "M3": 70, "W1": 55}},
        ),
        ex(elected={"member": ("M1", "M2", "M3")}, women_seat={"member": None}),
        "women_rule_can_be_switched_off",
    ),
    case(
        lambda: villagers(
            rules=CountingRules(),
            round=2,
            returned=90,
            positions=(WOMEN_SEAT,),
            candidates=men("M1") + women("W1", listed=("women_member",)),
            votes={"women_member": {"M1": 50, "W1": 30}},
        ),
        ex(elected={"women_member": ("W1",)}),
        "women_only_further_round_counts_only_women",
    ),
    case(
        lambda: party(positions=(MEMBER1,), votes={"member": {"A": 70, "W": 10}}),
        ex(elected={"member": ("A",)}),
        "party_committee_has_no_reserved_women_seat",
    ),
]


@pytest.mark.parametrize(("run", "expect"), WORKED_EXAMPLES)
def test_worked_examples_apply_the_statutory_counting_rules(
    run: Callable[[], CountResult], expect: Expect
) -> None:
    result = run()
    assert result.valid is expect.valid
    assert expect.codes <= result.codes
    assert not (expect.absent & result.codes)
    assert bool(result.errors) is (not expect.valid)
    for key, elected in expect.elected.items():
        assert result.position(key).elected == elected
    for key, ties in expect.ties.items():
        got = tuple((frozenset(t.persons), t.seats, t.women_only) for t in result.position(key).ties)
        assert sorted(got, key=repr) == sorted(ties, key=repr)
    for key, further in expect.further.items():
        assert result.position(key).further_round_candidates == further
    for key, women_round in expect.women_round.items():
        assert result.position(key).women_round_candidates == women_round
        assert result.position(key).women_round_seats == (1 if women_round else 0)
    for key, write_ins in expect.write_ins.items():
        assert dict(result.position(key).write_in_totals) == write_ins
        assert list(result.position(key).write_in_totals) == list(write_ins)  # published most votes first
    for key, outcome in expect.women_seat.items():
        assert result.position(key).women_seat is outcome
    for key, skipped in expect.skipped.items():
        assert result.position(key).skipped == skipped


def test_void_vote_reports_every_seat_unfilled_and_no_further_round() -> None:
    result = villagers(issued=10, returned=11, positions=(CHAIR, MEMBER3), votes={"member": {"A": 11}})
    assert not result.valid
    for position in result.positions:
        assert position.elected == ()
        assert position.seats_unfilled == position.seats
        assert position.further_round_candidates == ()


def test_one_stuffed_box_voids_the_vote_and_is_named() -> None:
    boxes = [
        BoxTally("b1", issued=60, returned=60, valid=60, invalid=0, votes={"member": {"A": 50}}),
        BoxTally("b2", issued=40, returned=41, valid=41, invalid=0, votes={"member": {"A": 30}}),
    ]
    result = count(
        body=V,
        electorate=Electorate(registered=150),
        boxes=boxes,
        positions=[MEMBER1],
        candidates=men("A"),
    )
    assert not result.valid
    assert [(f.code, f.box) for f in result.errors] == [(OVER_ISSUED, "b2")]


def test_votes_table_lists_every_listed_candidate_most_votes_first() -> None:
    result = villagers(votes={"member": {"B": 10, "A": 60}}, candidates=men("A", "B", "C"))
    assert list(result.position("member").votes.items()) == [("A", 60), ("B", 10), ("C", 0)]


# --- Marking rules (tally_box) ------------------------------------------------------------------------


def test_ballot_marking_more_people_than_seats_is_invalid_for_that_position_only() -> None:
    seats = {"chair": 1, "member": 2}
    ballots = [
        {"chair": ["A"], "member": ["B", "C", "D"]},  # member over-marked: chair vote still counts
        {"chair": ["A", "B"], "member": ["C"]},  # chair over-marked: member vote still counts
        {"chair": ["B"], "member": ["C", "D"]},
    ]
    box = tally_box("b1", issued=3, ballots=ballots, seats_by_position=seats)
    assert (box.returned, box.valid, box.invalid) == (3, 3, 0)
    assert dict(box.votes["chair"]) == {"A": 1, "B": 1}
    assert dict(box.votes["member"]) == {"C": 2, "D": 1}


def test_party_ballot_with_more_marks_than_seats_is_invalid_as_a_whole() -> None:
    seats = {"member": 2}
    ballots = [{"member": ["A", "B", "C"]}, {"member": ["A"]}]
    box = tally_box("b1", issued=2, ballots=ballots, seats_by_position=seats, body=P)
    assert (box.returned, box.valid, box.invalid) == (2, 1, 1)
    assert dict(box.votes["member"]) == {"A": 1}


def test_blank_is_an_abstention_that_still_counts_as_cast() -> None:
    seats = {"member": 1}
    # 3 votes for A, 3 blank ballots: A has 3 of 6 cast -> exactly half, not elected.
    ballots: list[Mapping[str, list[str]] | None] = [{"member": ["A"]}] * 3 + [{}, {"member": []}, {}]
    box = tally_box("b1", issued=6, ballots=ballots, seats_by_position=seats)
    assert (box.returned, box.valid, box.invalid) == (6, 6, 0)
    result = count(
        body=V, electorate=Electorate(registered=10), boxes=[box], positions=[MEMBER1], candidates=men("A")
    )
    assert result.valid
    assert result.position("member").elected == ()


def test_spoiled_ballot_is_invalid_and_marking_twice_counts_once() -> None:
    box = tally_box(
        "b1", issued=3, ballots=[None, {"member": ["A", "A"]}], seats_by_position={"member": 1}, unreturned=1
    )
    assert (box.returned, box.valid, box.invalid, box.unreturned) == (2, 1, 1, 1)
    assert dict(box.votes["member"]) == {"A": 1}


@pytest.mark.parametrize(
    ("marks", "seats", "valid"), [(2, 3, True), (3, 3, True), (4, 3, False), (0, 1, True)]
)
def test_mark_count_at_most_seats_is_valid(marks: int, seats: int, valid: bool) -> None:
    assert mark_is_valid_for_position([f"p{i}" for i in range(marks)], seats) is valid


# --- Reconciliation ------------------------------------------------------------------------------------


def box(
    box_id: str = "b1",
    *,
    issued: int = 100,
    returned: int = 100,
    valid: int | None = None,
    invalid: int = 0,
    unreturned: int | None = None,
    votes: Mapping[str, Mapping[str, int]] | None = None,
) -> BoxTally:
    return BoxTally(
        box_id,
        issued=issued,
        returned=returned,
        valid=returned - invalid if valid is None else valid,
        invalid=invalid,
        unreturned=unreturned,
        votes=votes or {},
    )


RECONCILE_EXAMPLES = [
    (
        {"boxes": [box(issued=100, returned=90, unreturned=10)]},
        None,
        "issued_equals_returned_plus_unreturned",
    ),
    (
        {"boxes": [box(issued=100, returned=90, unreturned=9)]},
        ("reconcile.issued_not_returned_plus_unreturned", "b1"),
        "issued_not_returned_plus_unreturned",
    ),
    ({"boxes": [box(issued=100, returned=90)]}, None, "unreturned_not_recorded_is_not_checked"),
    (
        {"boxes": [box(returned=100, valid=95, invalid=4)]},
        ("reconcile.returned_not_valid_plus_invalid", "b1"),
        "returned_not_valid_plus_invalid",
    ),
    ({"boxes": [box(returned=100, valid=96, invalid=4)]}, None, "returned_equals_valid_plus_invalid"),
    ({"boxes": [box(issued=99, returned=100)]}, (OVER_ISSUED, "b1"), "returned_exceeds_issued"),
    ({"boxes": [box(votes={"member": {"A": 100, "B": 100}})]}, None, "position_votes_at_valid_times_seats"),
    (
        {"boxes": [box(votes={"member": {"A": 100, "B": 101}})]},
        ("reconcile.position_votes_exceed_capacity", "b1"),
        "position_votes_over_valid_times_seats",
    ),
    ({"boxes": [box(returned=100)], "registered": 100}, None, "returned_equal_to_registered"),
    (
        {"boxes": [box(issued=101, returned=101)], "registered": 100},
        ("reconcile.returned_exceeds_registered", None),
        "returned_over_registered",
    ),
    ({"boxes": [box(returned=100)], "signed_for": 100}, None, "returned_equal_to_signed_for"),
    (
        {"boxes": [box(returned=100)], "signed_for": 99},
        ("reconcile.returned_exceeds_signed_for", None),
        "returned_over_signed_for",
    ),
    (
        {"boxes": [box("b1", returned=50), box("b2", returned=50)], "signed_for": {"b1": 50, "b2": 49}},
        ("reconcile.returned_exceeds_signed_for", "b2"),
        "returned_over_signed_for_per_box",
    ),
    ({"boxes": [box(returned=100, invalid=10)]}, None, "invalid_share_exactly_ten_percent_no_warning"),
    (
        {"boxes": [box(returned=100, invalid=11)]},
        ("reconcile.invalid_share_high.W", "b1"),
        "invalid_share_over_ten_percent_warns",
    ),
    (
        {
            "boxes": [box("b1", returned=30), box("b2", returned=10), box("b3", returned=10)],
            "registered": 500,
        },
        None,
        "box_at_three_times_median_of_others_no_warning",
    ),
    (
        {
            "boxes": [box("b1", returned=31), box("b2", returned=10), box("b3", returned=10)],
            "registered": 500,
        },
        ("reconcile.box_outlier.W", "b1"),
        "box_over_three_times_median_of_others_warns",
    ),
    (
        # median of the others (10, 20) is 15: 45 = 3 x 15 is fine, 46 is not.
        {
            "boxes": [box("b1", returned=46), box("b2", returned=10), box("b3", returned=20)],
            "registered": 500,
        },
        ("reconcile.box_outlier.W", "b1"),
        "box_outlier_uses_exact_median_of_an_even_number_of_others",
    ),
    (
        {"boxes": [box(votes={"member": {"A": 60, "X": 5}})], "roll": {"A", "B"}},
        ("reconcile.write_in_not_on_roll.W", None),
        "write_in_for_someone_not_on_the_roll_warns",
    ),
    (
        {"boxes": [box(votes={"member": {"A": 60, "B": 5}})], "roll": {"A", "B"}},
        None,
        "write_in_for_someone_on_the_roll_is_fine",
    ),
]


@pytest.mark.parametrize(("kwargs", "expected"), [pytest.param(k, e, id=i) for k, e, i in RECONCILE_EXAMPLES])
def test_reconciliation_worked_examples(
    kwargs: dict[str, Any], expected: tuple[str, str | None] | None
) -> None:
    kwargs = {"registered": 200, "seats_by_position": {"member": 2}, "candidates": men("A"), **kwargs}
    result = reconcile(**kwargs)
    got = {(f.code, f.box) for f in result.findings}
    if expected is None:
        assert got == set()
        assert result.ok
    else:
        assert expected in got
        assert result.ok is (codes.rule(expected[0]).severity is not Severity.ERROR)


def test_reconciliation_checks_totals_as_well_as_boxes() -> None:
    result = reconcile(
        [box("b1", returned=50, invalid=5), box("b2", returned=50, invalid=6)],
        registered=200,
        seats_by_position={},
    )
    # b1 is exactly 10 %, b2 is 12 %, the total 11 % -> warnings for b2 and the total, not b1.
    assert {(f.code, f.box) for f in result.findings} == {
        ("reconcile.invalid_share_high.W", "b2"),
        ("reconcile.invalid_share_high.W", None),
    }


# --- Catalogue ---------------------------------------------------------------------------------------


def test_catalogue_codes_are_unique_dotted_and_warnings_end_in_w_class() -> None:
    assert len(codes.CATALOGUE) >= 10
    for code, entry in codes.CATALOGUE.items():
        assert entry.code == code
        assert "." in code and code.split(".")[0] in {
            "tally",
            "count",
            "reconcile",
            "notice",
            "certificates",
            "share",
            "plenary",
            "mobile",
        }
        assert code.endswith(".W") is (entry.severity is Severity.WARNING)
        assert isinstance(entry.message, Promise)  # lazy gettext, not rendered at import


def test_rule_codes_refuse_a_severity_that_contradicts_the_w_class() -> None:
    with pytest.raises(ValueError):
        codes.RuleCode("tally.something.W", Severity.ERROR, codes.TALLY_TURNOUT_NOT_OVER_HALF.message)
    with pytest.raises(ValueError):
        codes.RuleCode("tally.something", Severity.WARNING, codes.TALLY_TURNOUT_NOT_OVER_HALF.message)


def test_codes_named_by_the_domain_are_errors() -> None:
    for code in (OVER_ISSUED, TURNOUT, ATTENDANCE):
        assert codes.rule(code).severity is Severity.ERROR


def test_thresholds_refuse_floats() -> None:
    with pytest.raises(TypeError):
        CountingRules(elected_threshold=0.5)  # type: ignore[arg-type]
    assert CountingRules(box_outlier_factor=3).box_outlier_factor == Fraction(3)


def test_electorate_due_to_attend_is_members_less_excused() -> None:
    electorate = Electorate(
        members=50, excused={ExcuseCategory.DETAINED: 1, ExcuseCategory.BEDRIDDEN: 2}, present=40
    )
    assert electorate.due_to_attend == 47
    with pytest.raises(ValueError):
        Electorate(members=2, excused={ExcuseCategory.DETAINED: 3})


# --- Properties --------------------------------------------------------------------------------------

PERSONS = ("A", "B", "C", "D", "W1", "W2", "X")
SEXES = {"A": M, "B": M, "C": M, "D": M, "W1": F, "W2": F}  # X: write-in of unknown sex


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    body = draw(st.sampled_from([V, P]))
    round_ = draw(st.sampled_from([1, 2]))
    n_positions = draw(st.integers(1, 3))
    keys = ("chair", "vice", "member")[3 - n_positions :]
    positions = [
        Position(key, rank=i, seats=draw(st.integers(1, 3)), is_member_position=(key == "member"))
        for i, key in enumerate(keys)
    ]
    candidates = [
        Candidate(p, sex=SEXES.get(p), listed_for=frozenset(draw(st.sets(st.sampled_from(keys)))))
        for p in PERSONS
        if p != "X"
    ]
    boxes = []
    for i in range(draw(st.integers(1, 4))):
        returned = draw(st.integers(0, 40))
        invalid = draw(st.integers(0, returned))
        valid = returned - invalid
        issued = returned + draw(st.sampled_from([-1, -1, 0, 0, 3])) if returned else draw(st.integers(0, 3))
        votes = {}
        for position in positions:
            table = {}
            budget = valid * position.seats
            for person in draw(st.lists(st.sampled_from(PERSONS), unique=True, max_size=5)):
                number = draw(st.integers(0, min(valid, budget)))
                budget -= number
                table[person] = number
            votes[position.key] = table
        boxes.append(
            BoxTally(
                f"box{i}", issued=max(issued, 0), returned=returned, valid=valid, invalid=invalid, votes=votes
            )
        )
    total_returned = sum(b.returned for b in boxes)
    if body is V:
        electorate = Electorate(registered=draw(st.integers(max(total_returned, 1), 2 * total_returned + 2)))
    else:
        members = draw(st.integers(max(total_returned, 1), total_returned + 20))
        excused = draw(st.integers(0, 3)) if members >= 3 else 0
        present = draw(st.integers(0, members))
        electorate = Electorate(
            members=members, excused={ExcuseCategory.SERIOUSLY_ILL: excused}, present=present
        )
    skip = draw(st.booleans())
    rules = CountingRules(skip_elected_for_lower_positions=skip, reserved_women_seat=draw(st.booleans()))
    return {
        "body": body,
        "rules": rules,
        "electorate": electorate,
        "boxes": boxes,
        "positions": positions,
        "candidates": candidates,
        "round": round_,
    }


def independent_totals(boxes: list[BoxTally]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for b in boxes:
        for position, table in b.votes.items():
            for person, number in table.items():
                totals.setdefault(position, {}).setdefault(person, 0)
                totals[position][person] += number
    return totals


def expected_validity(s: dict[str, Any]) -> bool:
    boxes: list[BoxTally] = s["boxes"]
    electorate: Electorate = s["electorate"]
    if any(b.returned > b.issued for b in boxes):
        return False
    returned = sum(b.returned for b in boxes)
    if s["body"] is V:
        return returned * 2 > electorate.registered  # type: ignore[operator]
    due = electorate.members - sum(electorate.excused.values())  # type: ignore[operator]
    return electorate.present * 5 > due * 4 and returned <= electorate.present  # type: ignore[operator]


def over_threshold(s: dict[str, Any], votes: int) -> bool:
    if votes <= 0:
        return False
    if s["body"] is P:
        return votes * 2 > s["electorate"].present
    cast = sum(b.returned for b in s["boxes"])
    return votes * 2 > cast if s["round"] == 1 else votes * 3 >= cast


PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(scenarios())
def test_property_never_more_elected_than_seats(s: dict[str, Any]) -> None:
    result = count(**s)
    for position, outcome in zip(s["positions"], result.positions, strict=True):
        assert outcome.position == position.key
        assert len(outcome.elected) <= position.seats
        assert len(set(outcome.elected)) == len(outcome.elected)
        assert outcome.seats_unfilled == position.seats - len(outcome.elected)
        if not result.valid:
            continue
        assert outcome.seats_unfilled == (
            outcome.further_round_seats + outcome.women_round_seats + sum(t.seats for t in outcome.ties)
        )


@PROPERTY_SETTINGS
@given(scenarios())
def test_property_nobody_elected_below_the_threshold(s: dict[str, Any]) -> None:
    result = count(**s)
    totals = independent_totals(s["boxes"])
    assert result.valid is expected_validity(s)
    for outcome in result.positions:
        if not result.valid:
            assert outcome.elected == ()
        for person in outcome.elected:
            assert over_threshold(s, totals[outcome.position][person])
            assert not set(outcome.ties[0].persons if outcome.ties else ()) & {person}


@PROPERTY_SETTINGS
@given(scenarios())
def test_property_elected_person_is_not_elected_again_lower_down_when_skipping(s: dict[str, Any]) -> None:
    result = count(**s)
    everyone = [person for outcome in result.positions for person in outcome.elected]
    if s["rules"].skip_elected_for_lower_positions:
        assert len(everyone) == len(set(everyone))


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_property_result_independent_of_box_order(s: dict[str, Any], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(s["boxes"]))
    first = count(**s)
    second = count(**{**s, "boxes": shuffled})
    assert first == second
    for a, b in zip(first.positions, second.positions, strict=True):
        assert list(a.votes.items()) == list(b.votes.items())
        assert list(a.write_in_totals.items()) == list(b.write_in_totals.items())


@PROPERTY_SETTINGS
@given(scenarios())
def test_property_every_finding_is_catalogued(s: dict[str, Any]) -> None:
    for finding in count(**s).reasons:
        assert codes.rule(finding.code).severity is finding.severity


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_property_reconciliation_totals_equal_sum_of_boxes(s: dict[str, Any], data: st.DataObject) -> None:
    boxes: list[BoxTally] = s["boxes"]
    seats = {p.key: p.seats for p in s["positions"]}
    result = reconcile(data.draw(st.permutations(boxes)), registered=500, seats_by_position=seats)
    assert result.total.issued == sum(b.issued for b in boxes)
    assert result.total.returned == sum(b.returned for b in boxes)
    assert result.total.valid == sum(b.valid for b in boxes)
    assert result.total.invalid == sum(b.invalid for b in boxes)
    keys = {key for b in boxes for key in b.votes}
    expected = {key: sum(sum(b.votes.get(key, {}).values()) for b in boxes) for key in keys}
    assert dict(result.total.votes_by_position) == expected
    assert [a.box_id for a in result.boxes] == sorted(b.box_id for b in boxes)
    assert result == reconcile(boxes, registered=500, seats_by_position=seats)
    flagged = {f.box for f in result.findings if f.code == OVER_ISSUED and f.box is not None}
    assert flagged == {b.box_id for b in boxes if b.returned > b.issued}


@PROPERTY_SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=5)
)
def test_property_returned_mismatch_flagged_exactly_where_it_occurs(rows: list[tuple[int, int, int]]) -> None:
    boxes = [
        BoxTally(f"b{i}", issued=returned, returned=returned, valid=valid, invalid=invalid)
        for i, (returned, valid, invalid) in enumerate(rows)
    ]
    result = reconcile(boxes, registered=1000, seats_by_position={})
    flagged = {f.box for f in result.findings if f.code == "reconcile.returned_not_valid_plus_invalid"}
    expected = {f"b{i}" for i, (r, v, n) in enumerate(rows) if r != v + n}
    if sum(r for r, _, _ in rows) != sum(v + n for _, v, n in rows):
        expected.add(None)  # type: ignore[arg-type]
    assert flagged == expected
