"""Tests of ``risk.scoring`` and the default catalogue in ``risk.indicators``.

DOMAIN.md, "Three-colour risk rating": 100 minus capped, weighted deductions, clamped to 0-100; red at 60 or
below, orange above 60 and below 80, green at 80 and above; stuck and falsely rectified villages are flagged.
Expected numbers are worked out by hand (or, in the properties, by a separate plain-Decimal oracle below).
"""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.indicators import (
    DEFAULT_INDICATORS,
    LEVEL_MAX,
    Dimension,
    IndicatorDef,
    Kind,
    Unit,
    default_weights,
)
from risk.scoring import (
    COLOUR_LABELS,
    Colour,
    DeductionLine,
    Thresholds,
    colour_for,
    colour_label,
    false_rectification_weeks,
    score_many,
    score_village,
    suspected_false_rectification,
    unchanged_for,
)

D = Decimal
CATALOGUE = {indicator.code: indicator for indicator in DEFAULT_INDICATORS}
SEVERITY = {Colour.GREEN: 0, Colour.ORANGE: 1, Colour.RED: 2}
# No example database: the tests must not write into the project tree.
properties = settings(database=None, deadline=None, max_examples=200)


def _worst_value(indicator):
    """The value that takes an indicator to its cap: a raised flag, the top level, a great many cases."""
    return {"flag": 1, "level": LEVEL_MAX}.get(indicator.unit, 1000)


# --- the default catalogue ------------------------------------------------------------------------------


def test_catalogue_covers_the_five_dimensions_and_codes_are_unique():
    assert len(CATALOGUE) == len(DEFAULT_INDICATORS)
    assert {indicator.dimension for indicator in DEFAULT_INDICATORS} == set(Dimension)
    assert len(Dimension) == 5


def test_catalogue_has_the_indicators_of_the_brief_with_their_kind_and_unit():
    expected = {
        "unresolved_audit_findings": ("auto", "count"),
        "open_petitions": ("auto", "count"),
        "weak_party_organization": ("auto", "flag"),
        "vote_buying_reports": ("auto", "count"),
        "no_secretary_chair_candidate": ("auto", "flag"),
        "no_woman_candidate": ("auto", "flag"),
        "no_young_graduate_candidate": ("auto", "flag"),
        "roll_conflicts": ("auto", "count"),
        "overdue_election_steps": ("auto", "count"),
        "term_evaluation_incompetent": ("auto", "count"),
        "clan_gang_interference": ("manual", "level"),
        "key_persons_disputes": ("manual", "count"),
        "negative_public_opinion": ("manual", "level"),
        "team_disunity": ("manual", "level"),
        "township_assessment": ("manual", "level"),
    }
    assert {code: (ind.kind, ind.unit) for code, ind in CATALOGUE.items()} == expected


def test_candidate_search_dimension_holds_the_three_candidate_flags():
    in_dimension = {i.code for i in DEFAULT_INDICATORS if i.dimension is Dimension.CANDIDATE_SEARCH}
    assert in_dimension == {
        "no_secretary_chair_candidate",
        "no_woman_candidate",
        "no_young_graduate_candidate",
    }


def test_no_single_dimension_can_make_a_village_red_on_its_own():
    for dimension in Dimension:
        worst = {i.code: _worst_value(i) for i in DEFAULT_INDICATORS if i.dimension is dimension}
        assert score_village(worst).colour is not Colour.RED, dimension


def test_default_weights_mapping_scores_like_the_catalogue():
    values = {"open_petitions": 2, "weak_party_organization": 1, "team_disunity": 3}
    assert score_village(values, default_weights()) == score_village(values)


def test_plausible_villages_spread_over_the_three_colours_with_default_weights():
    quiet = {"open_petitions": 1, "unresolved_audit_findings": 2, "no_young_graduate_candidate": 1}
    # 3 + 2*2 + 5 = 12 -> 88
    assert (score_village(quiet).score, score_village(quiet).colour) == (D("88.00"), Colour.GREEN)
    middling = {"weak_party_organization": 1, "open_petitions": 3, "no_secretary_chair_candidate": 1}
    # 15 + 3*3 + 10 = 34 -> 66
    assert (score_village(middling).score, score_village(middling).colour) == (D("66.00"), Colour.ORANGE)
    troubled = {**middling, "clan_gang_interference": 2}
    # 34 + 2*5 = 44 -> 56
    assert (score_village(troubled).score, score_village(troubled).colour) == (D("56.00"), Colour.RED)


# --- colours --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        (0, Colour.RED),
        (59, Colour.RED),
        (60, Colour.RED),
        (60.0, Colour.RED),
        (D("60.00"), Colour.RED),
        (D("60.01"), Colour.ORANGE),
        (60.5, Colour.ORANGE),
        (61, Colour.ORANGE),
        (79, Colour.ORANGE),
        (79.99, Colour.ORANGE),
        (D("79.99"), Colour.ORANGE),
        (80, Colour.GREEN),
        (D("80.00"), Colour.GREEN),
        (80.0, Colour.GREEN),
        (100, Colour.GREEN),
    ],
)
def test_colour_bands_red_at_60_or_below_green_from_80(score, colour):
    assert colour_for(score) is colour


def test_a_float_just_above_60_is_orange_because_comparison_is_exact():
    assert colour_for(60.000000001) is Colour.ORANGE
    assert colour_for(79.999999999) is Colour.ORANGE


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        (50, Colour.RED),
        (D("50.01"), Colour.ORANGE),
        (60, Colour.ORANGE),
        (69.99, Colour.ORANGE),
        (70, Colour.GREEN),
    ],
)
def test_custom_thresholds_move_the_bands(score, colour):
    assert colour_for(score, Thresholds(red_max=50, green_min=70)) is colour


def test_fractional_thresholds_are_kept_exactly():
    thresholds = Thresholds(red_max=60.5, green_min=D("79.5"))
    assert (thresholds.red_max, thresholds.green_min) == (D("60.5"), D("79.5"))
    assert colour_for(60.5, thresholds) is Colour.RED
    assert colour_for(D("60.51"), thresholds) is Colour.ORANGE
    assert colour_for(79.5, thresholds) is Colour.GREEN


@pytest.mark.parametrize(
    ("red_max", "green_min"), [(80, 80), (80, 60), (-1, 80), (60, 101), (float("nan"), 80)]
)
def test_thresholds_must_leave_an_orange_band_inside_0_to_100(red_max, green_min):
    with pytest.raises(ValueError):
        Thresholds(red_max=red_max, green_min=green_min)


def test_colour_of_nan_is_refused():
    with pytest.raises(ValueError):
        colour_for(float("nan"))
    with pytest.raises(ValueError):
        colour_for(D("NaN"))


def test_middle_band_is_labelled_orange_by_default_and_yellow_when_set():
    assert colour_label(Colour.ORANGE) is COLOUR_LABELS["orange"]
    assert colour_label("orange", middle_band="yellow") is COLOUR_LABELS["yellow"]
    assert colour_label(Colour.RED, middle_band="yellow") is COLOUR_LABELS["red"]
    assert colour_label(Colour.GREEN) is COLOUR_LABELS["green"]
    with pytest.raises(ValueError):
        colour_label(Colour.ORANGE, middle_band="amber")


def test_colour_values_are_the_stored_strings():
    assert [c.value for c in Colour] == ["red", "orange", "green"]


# --- scoring one village --------------------------------------------------------------------------------


def test_a_village_with_nothing_wrong_scores_100_and_is_green():
    result = score_village({})
    assert result.score == D("100.00") and result.colour is Colour.GREEN
    assert result.breakdown == []
    assert result.by_dimension == dict.fromkeys(Dimension, D(0))


def test_zero_values_are_listed_in_the_breakdown_and_deduct_nothing():
    result = score_village({"open_petitions": 0, "weak_party_organization": False})
    assert result.score == 100
    assert [line.code for line in result.breakdown] == ["weak_party_organization", "open_petitions"]
    assert all(line.deduction == 0 for line in result.breakdown)


def test_score_has_exactly_two_decimal_places():
    result = score_village({"open_petitions": 1})
    assert result.score == D("97") and result.score.as_tuple().exponent == -2


@pytest.mark.parametrize(("petitions", "deduction"), [(4, D(12)), (5, D(15)), (6, D(15)), (1000, D(15))])
def test_deduction_stops_at_the_indicators_cap(petitions, deduction):
    # open_petitions: 3 points each, capped at 15.
    result = score_village({"open_petitions": petitions})
    assert result.breakdown == [
        DeductionLine("open_petitions", Dimension.PETITIONS_DISPUTES, petitions, deduction)
    ]
    assert result.score == 100 - deduction


def test_dimension_totals_add_the_deductions_of_their_indicators():
    values = {
        "weak_party_organization": 1,  # 15, team building
        "team_disunity": 2,  # 2 * 4 = 8, team building
        "open_petitions": 1,  # 3, petitions
        "negative_public_opinion": 1,  # 3, petitions
        "overdue_election_steps": 3,  # 3 * 2 = 6, village operation
    }
    result = score_village(values)
    assert result.by_dimension == {
        Dimension.TEAM_BUILDING: D(23),
        Dimension.VILLAGE_OPERATION: D(6),
        Dimension.CANDIDATE_SEARCH: D(0),
        Dimension.PETITIONS_DISPUTES: D(6),
        Dimension.PREVIOUS_ELECTION: D(0),
    }
    assert result.total_deduction == D(35)
    assert (result.score, result.colour) == (D("65.00"), Colour.ORANGE)


def test_score_is_clamped_to_0_and_the_breakdown_keeps_the_full_deduction():
    worst = {indicator.code: _worst_value(indicator) for indicator in DEFAULT_INDICATORS}
    result = score_village(worst)
    # The default caps add up to 163 points.
    assert result.total_deduction == D(163)
    assert sum(line.deduction for line in result.breakdown) == D(163)
    assert result.score == D("0.00") and result.colour is Colour.RED


def test_score_is_clamped_to_100_when_every_weight_is_switched_off():
    weights = {code: (0, 0) for code in CATALOGUE}
    result = score_village({"open_petitions": 7, "weak_party_organization": 1}, weights)
    assert result.score == D("100.00") and result.colour is Colour.GREEN


def test_a_score_of_exactly_60_is_red_and_60_point_5_orange():
    # 40 points off: red. 39.5 points off: orange (needs a half-point weight).
    forty = {"weak_party_organization": 1, "no_secretary_chair_candidate": 1, "vote_buying_reports": 3}
    assert score_village(forty).score == D(60) and score_village(forty).colour is Colour.RED
    weights = {**default_weights(), "roll_conflicts": (D("0.5"), D(5))}
    values = {"weak_party_organization": 1, "no_secretary_chair_candidate": 1, "vote_buying_reports": 2}
    result = score_village({**values, "roll_conflicts": 9}, weights)  # 15 + 10 + 10 + 4.5 = 39.5
    assert (result.score, result.colour) == (D("60.50"), Colour.ORANGE)


def test_score_of_79_99_is_orange_and_80_green_with_hundredth_weights():
    weights = {**default_weights(), "roll_conflicts": (D("0.01"), D(5))}
    result = score_village({"vote_buying_reports": 4, "roll_conflicts": 1, "open_petitions": 2}, weights)
    # 15 (cap) + 0.01 + 6 = 21.01 -> 78.99
    assert (result.score, result.colour) == (D("78.99"), Colour.ORANGE)
    result = score_village(
        {"vote_buying_reports": 4, "roll_conflicts": 1, "unresolved_audit_findings": 2}, weights
    )
    # 15 + 0.01 + 4 = 19.01 -> 80.99
    assert (result.score, result.colour) == (D("80.99"), Colour.GREEN)
    weights = {**weights, "unresolved_audit_findings": (D("4.99"), D(10))}
    result = score_village(
        {"vote_buying_reports": 4, "roll_conflicts": 1, "unresolved_audit_findings": 1}, weights
    )
    # 15 + 0.01 + 4.99 = 20 -> 80
    assert (result.score, result.colour) == (D("80.00"), Colour.GREEN)
    result = score_village(
        {"vote_buying_reports": 4, "roll_conflicts": 2, "unresolved_audit_findings": 1}, weights
    )
    # 15 + 0.02 + 4.99 = 20.01 -> 79.99
    assert (result.score, result.colour) == (D("79.99"), Colour.ORANGE)


def test_thresholds_passed_to_the_scorer_decide_the_colour():
    values = {"open_petitions": 5, "township_assessment": 2}  # 15 + 10 = 25 -> 75
    assert score_village(values).colour is Colour.ORANGE
    assert score_village(values, thresholds=Thresholds(red_max=50, green_min=70)).colour is Colour.GREEN


def test_values_may_be_bools_whole_floats_and_decimals():
    values = {"weak_party_organization": True, "open_petitions": 2.0, "team_disunity": D("1.00")}
    assert score_village(values).score == 100 - 15 - 6 - 4


@pytest.mark.parametrize(
    "values",
    [
        {"open_petitions": -1},
        {"open_petitions": -0.0001},
        {"open_petitions": 1.5},
        {"open_petitions": float("inf")},
        {"open_petitions": float("nan")},
        {"weak_party_organization": 2},
        {"team_disunity": LEVEL_MAX + 1},
        {"not_an_indicator": 1},
        {"open_petitions": 1, "Open_Petitions": 1},
    ],
)
def test_negative_fractional_out_of_range_and_unknown_values_are_rejected(values):
    with pytest.raises(ValueError):
        score_village(values)


@pytest.mark.parametrize("value", ["3", None, [1]])
def test_values_that_are_not_numbers_are_rejected(value):
    with pytest.raises(TypeError):
        score_village({"open_petitions": value})


def test_a_value_for_an_indicator_left_out_of_the_weights_is_rejected():
    weights = {code: pair for code, pair in default_weights().items() if code != "roll_conflicts"}
    assert score_village({"open_petitions": 1}, weights).score == 97
    with pytest.raises(ValueError):
        score_village({"roll_conflicts": 1}, weights)


@pytest.mark.parametrize(
    "pair",
    [
        (-1, 10),
        (1, -10),
        (D("0.005"), 10),
        (1, D("10.001")),
        (101, 10),
        (1, 101),
        ("1", 10),
        (float("inf"), 10),
    ],
)
def test_weights_must_be_points_between_0_and_100_with_two_decimals(pair):
    with pytest.raises((ValueError, TypeError)):
        score_village({}, {**default_weights(), "open_petitions": pair})


def test_weights_naming_an_unknown_indicator_are_rejected():
    with pytest.raises(ValueError):
        score_village({}, {**default_weights(), "moon_phase": (1, 1)})


def test_fractional_weights_give_exact_hundredths():
    weights = {"open_petitions": (D("2.5"), 10), "key_persons_disputes": (0.1, 1)}
    result = score_village({"open_petitions": 3, "key_persons_disputes": 3}, weights)
    assert result.total_deduction == D("7.80")  # 7.5 + 0.3, no float error
    assert result.score == D("92.20")


def test_a_custom_catalogue_can_add_an_indicator():
    extra = IndicatorDef(
        "flooded_roads", Dimension.VILLAGE_OPERATION, "Flooded roads", Kind.MANUAL, Unit.LEVEL, 7, 20
    )
    result = score_village({"flooded_roads": 3, "open_petitions": 1}, (*DEFAULT_INDICATORS, extra))
    assert result.by_dimension[Dimension.VILLAGE_OPERATION] == D(20)  # 21 capped at 20
    assert result.score == D(77)


def test_a_catalogue_with_a_code_twice_is_rejected():
    with pytest.raises(ValueError):
        score_village({}, (*DEFAULT_INDICATORS, DEFAULT_INDICATORS[0]))


# --- scoring many villages ------------------------------------------------------------------------------


def test_score_many_yields_each_village_in_order_with_the_stored_breakdown():
    rows = [
        (7, {"open_petitions": 2, "weak_party_organization": 1}),  # 6 + 15 = 21 -> 79
        (8, {}),
        (9, {"vote_buying_reports": 9, "clan_gang_interference": 3, "team_disunity": 3}),  # 15 + 15 + 12 = 42
    ]
    out = list(score_many(rows, DEFAULT_INDICATORS, Thresholds()))
    assert [(vid, score, colour) for vid, score, colour, _ in out] == [
        (7, D("79.00"), Colour.ORANGE),
        (8, D("100.00"), Colour.GREEN),
        (9, D("58.00"), Colour.RED),
    ]
    assert out[0][3] == {
        "indicators": {
            "weak_party_organization": {"value": 1, "deduction": "15.00"},
            "open_petitions": {"value": 2, "deduction": "6.00"},
        },
        "dimensions": {
            "team_building": "15.00",
            "village_operation": "0.00",
            "candidate_search": "0.00",
            "petitions_disputes": "6.00",
            "previous_election": "0.00",
        },
        "total_deduction": "21.00",
    }
    assert json.loads(json.dumps(out[2][3]))["total_deduction"] == "42.00"


def test_score_many_checks_the_weights_before_any_row():
    with pytest.raises(ValueError):
        score_many(iter(()), {"moon_phase": (1, 1)})


def test_score_many_rejects_a_bad_row():
    rows = [(1, {"open_petitions": 1}), (2, {"open_petitions": -1})]
    scored = score_many(rows)
    assert next(scored)[0] == 1
    with pytest.raises(ValueError):
        next(scored)


# --- flags over the weekly history ----------------------------------------------------------------------


def _history(*colours, closed=0, start=date(2021, 1, 4)):
    """Weekly snapshots from Monday ``start``; the score is a plausible one for the colour."""
    score = {"red": 50, "orange": 70, "green": 90}
    return [(start + timedelta(weeks=n), score[c], c, closed) for n, c in enumerate(colours)]


def test_three_weeks_of_the_same_red_is_not_yet_stuck():
    assert not unchanged_for(_history("red", "red", "red"), weeks=4)


def test_four_weeks_of_the_same_red_or_orange_is_stuck():
    assert unchanged_for(_history("red", "red", "red", "red"), weeks=4)
    assert unchanged_for(_history("orange", "orange", "orange", "orange"))


def test_only_the_latest_run_counts_for_stuck():
    assert unchanged_for(_history("red", "orange", "orange", "orange", "orange"))
    assert not unchanged_for(_history("red", "red", "red", "red", "orange"))
    assert not unchanged_for(_history("orange", "red", "orange", "orange"))


def test_green_unchanged_is_not_stuck():
    assert not unchanged_for(_history("green", "green", "green", "green", "green"))


def test_stuck_reads_the_weeks_setting_and_the_order_of_dates():
    history = _history("green", "orange", "orange")
    assert unchanged_for(history, weeks=2)
    assert not unchanged_for(history, weeks=3)
    assert unchanged_for(list(reversed(history)), weeks=2)
    assert unchanged_for([(w, s, Colour(c), n) for w, s, c, n in history], weeks=2)
    with pytest.raises(ValueError):
        unchanged_for(history, weeks=0)


def test_a_week_twice_in_the_history_is_rejected():
    history = _history("red", "red")
    with pytest.raises(ValueError):
        unchanged_for([*history, history[0]], weeks=2)


def test_red_to_green_in_one_week_without_closed_tasks_is_suspected():
    history = _history("red", "green")
    assert suspected_false_rectification(history)
    assert false_rectification_weeks(history) == [date(2021, 1, 11)]


def test_red_to_green_in_one_week_with_closed_tasks_is_not_suspected():
    assert not suspected_false_rectification(_history("red", "green", closed=3))


def test_red_to_orange_to_green_is_not_suspected():
    assert not suspected_false_rectification(_history("red", "orange", "green"))


def test_orange_to_green_without_tasks_is_not_suspected():
    assert not suspected_false_rectification(_history("orange", "green"))


def test_the_closed_tasks_counted_are_those_of_the_green_week():
    monday = date(2021, 1, 4)
    worked_before = [(monday, 50, "red", 4), (monday + timedelta(weeks=1), 85, "green", 0)]
    assert suspected_false_rectification(worked_before)
    worked_that_week = [(monday, 50, "red", 0), (monday + timedelta(weeks=1), 85, "green", 1)]
    assert not suspected_false_rectification(worked_that_week)
    assert suspected_false_rectification(list(reversed(worked_before)))


def test_every_suspect_week_is_reported():
    history = _history("red", "green", "red", "orange", "red", "green")
    assert false_rectification_weeks(history) == [date(2021, 1, 11), date(2021, 2, 8)]


# --- properties -----------------------------------------------------------------------------------------


def _value_strategy(indicator):
    top = {"flag": 1, "level": LEVEL_MAX}.get(indicator.unit, 40)
    return st.integers(min_value=0, max_value=top)


villages = st.fixed_dictionaries(
    {}, optional={indicator.code: _value_strategy(indicator) for indicator in DEFAULT_INDICATORS}
)
points = st.integers(min_value=0, max_value=10000).map(lambda hundredths: D(hundredths).scaleb(-2))
weight_sets = st.fixed_dictionaries({code: st.tuples(points, points) for code in CATALOGUE})


def _oracle(values, weights):
    """The rule of DOMAIN.md in plain Decimals: max(0, 100 - sum(min(value * weight, cap)))."""
    total = sum((min(value * weights[code][0], weights[code][1]) for code, value in values.items()), D(0))
    return max(D(0), 100 - total), total


@properties
@given(villages, weight_sets)
def test_score_is_100_minus_capped_deductions_clamped_to_0_to_100(values, weights):
    result = score_village(values, weights)
    expected_score, expected_total = _oracle(values, weights)
    assert result.score == expected_score
    assert D(0) <= result.score <= D(100)
    assert result.score.as_tuple().exponent == -2
    assert (
        result.total_deduction == expected_total == sum((line.deduction for line in result.breakdown), D(0))
    )
    assert sum(result.by_dimension.values(), D(0)) == expected_total
    if expected_total <= 100:
        assert result.score == 100 - sum((line.deduction for line in result.breakdown), D(0))
    assert result.colour is colour_for(result.score)


@properties
@given(villages, weight_sets, st.sampled_from(sorted(CATALOGUE)))
def test_adding_a_deduction_never_raises_the_score(values, weights, code):
    indicator = CATALOGUE[code]
    top = {"flag": 1, "level": LEVEL_MAX}.get(indicator.unit)
    current = values.get(indicator.code, 0)
    if top is not None and current >= top:
        return
    worse = {**values, indicator.code: current + 1}
    before, after = score_village(values, weights), score_village(worse, weights)
    assert after.score <= before.score
    assert SEVERITY[after.colour] >= SEVERITY[before.colour]


@properties
@given(villages)
def test_default_score_is_always_within_0_and_100(values):
    assert D(0) <= score_village(values).score <= D(100)


scores = st.one_of(
    st.integers(min_value=-10, max_value=110),
    st.floats(min_value=-10, max_value=110, allow_nan=False),
    st.decimals(min_value=-10, max_value=110, allow_nan=False, allow_infinity=False, places=4),
)
threshold_pairs = st.tuples(points, points).filter(lambda pair: pair[0] < pair[1])


@properties
@given(scores, scores, threshold_pairs)
def test_a_higher_score_never_gets_a_worse_colour(a, b, pair):
    thresholds = Thresholds(*pair)
    low, high = sorted((a, b), key=D)
    assert SEVERITY[colour_for(high, thresholds)] <= SEVERITY[colour_for(low, thresholds)]


@properties
@given(scores, threshold_pairs)
def test_colour_follows_the_band_definitions(score, pair):
    red_max, green_min = pair
    colour = colour_for(score, Thresholds(red_max, green_min))
    exact = D(score)  # the exact value of a float, not its rounded repr
    assert (colour is Colour.RED) == (exact <= red_max)
    assert (colour is Colour.GREEN) == (exact >= green_min)


@properties
@given(st.lists(villages, max_size=5), weight_sets)
def test_score_many_agrees_with_score_village(rows, weights):
    for (_index, score, colour, breakdown), values in zip(
        score_many(enumerate(rows), weights, Thresholds()), rows, strict=True
    ):
        single = score_village(values, weights)
        assert (score, colour) == (single.score, single.colour)
        assert [
            (code, line["value"], D(line["deduction"])) for code, line in breakdown["indicators"].items()
        ] == [(line.code, line.value, line.deduction) for line in single.breakdown]
        assert {Dimension(k): D(v) for k, v in breakdown["dimensions"].items()} == single.by_dimension
        assert D(breakdown["total_deduction"]) == single.total_deduction
