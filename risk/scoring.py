"""The three-colour risk rating (选情指数三色图) as pure functions: no ORM, no request, no settings.

DOMAIN.md, "Three-colour risk rating (Jinhua model)": each village scores 100 minus the weighted deductions of
its indicators, clamped to 0-100, and keeps the breakdown (per indicator and per dimension) so anyone can see
why. Red is 60 or below, orange above 60 and below 80, green 80 and above; the thresholds and the weights come
from the cycle's settings, with these defaults. The rating is recomputed every Monday; villages whose colour
never changes, or that turn green without real rectification (虚假整转), are flagged.

Arithmetic is exact: weights and caps have at most two decimal places and values are whole numbers, so every
deduction is a whole number of hundredths of a point; the score is a ``Decimal`` with two places.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _

from risk.indicators import DEFAULT_INDICATORS, LEVEL_MAX, Dimension, IndicatorDef, Unit

Number = int | float | Decimal
#: The weights of one cycle: either a catalogue of ``IndicatorDef`` or ``{code: (weight, cap)}`` over codes of
#: the default catalogue (which then supplies each indicator's dimension and unit).
Weights = Iterable[IndicatorDef] | Mapping[str, tuple[Number, Number]]


class Colour(enum.StrEnum):
    """The three colours of DOMAIN.md's rating, stored by value."""

    RED = "red"
    ORANGE = "orange"
    GREEN = "green"


#: Display labels. The middle band is 橙 (orange) by default; some reports call it 黄 (yellow).
COLOUR_LABELS: dict[str, str] = {
    "red": _("Red"),
    "orange": _("Orange"),
    "yellow": _("Yellow"),
    "green": _("Green"),
}
MIDDLE_BAND_NAMES = ("orange", "yellow")


def colour_label(colour: Colour | str, middle_band: str = "orange") -> str:
    """The label of a colour; ``middle_band`` is the cycle's label setting for the middle band (DOMAIN.md)."""
    if middle_band not in MIDDLE_BAND_NAMES:
        raise ValueError(f"middle band label must be one of {MIDDLE_BAND_NAMES}, not {middle_band!r}")
    colour = Colour(colour)
    return COLOUR_LABELS[middle_band if colour is Colour.ORANGE else colour.value]


def _decimal(number: Number, what: str) -> Decimal:
    """``number`` as an exact, finite Decimal (a float through its shortest repr: 60.5 -> Decimal("60.5"))."""
    if isinstance(number, bool) or not isinstance(number, int | float | Decimal):
        raise TypeError(f"{what} must be a number, not {number!r}")
    result = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    if not result.is_finite():
        raise ValueError(f"{what} must be finite, not {number!r}")
    return result


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The colour bands: red at or below ``red_max``, green from ``green_min`` up (DOMAIN.md: 60 and 80)."""

    red_max: Decimal = Decimal(60)
    green_min: Decimal = Decimal(80)

    def __post_init__(self) -> None:
        red_max, green_min = _decimal(self.red_max, "red_max"), _decimal(self.green_min, "green_min")
        if not 0 <= red_max < green_min <= 100:
            raise ValueError(
                f"thresholds need 0 <= red_max < green_min <= 100, got {red_max} and {green_min}"
            )
        object.__setattr__(self, "red_max", red_max)
        object.__setattr__(self, "green_min", green_min)


DEFAULT_THRESHOLDS = Thresholds()


def colour_for(score: Number, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Colour:
    """The colour of a score: red if ``score <= red_max``, green if ``score >= green_min``, else orange.

    DOMAIN.md: "Red: 60 or below" (以下 includes the number), "Green: 80 and above"; fractional scores
    between are orange (60.5 and 79.99 are orange). The comparison is exact for int, float and Decimal.
    This is the only place in the project that turns a score into a colour.
    """
    if isinstance(score, float | Decimal) and score != score:  # NaN would otherwise fall into orange
        raise ValueError("score must be a number, not NaN")
    if score <= thresholds.red_max:
        return Colour.RED
    if score >= thresholds.green_min:
        return Colour.GREEN
    return Colour.ORANGE


class DeductionLine(NamedTuple):
    """One row of a village's breakdown: the value of one indicator and the points it took off."""

    code: str
    dimension: Dimension
    value: int
    deduction: Decimal


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """A village's score, colour and breakdown.

    ``total_deduction`` is the sum of the breakdown, and ``score == 100 - total_deduction`` unless that is
    below 0, when the score is clamped to 0. ``by_dimension`` has all five dimensions, 0 if none deducted.
    """

    score: Decimal
    colour: Colour
    breakdown: list[DeductionLine]
    by_dimension: dict[Dimension, Decimal]
    total_deduction: Decimal


class _Rule(NamedTuple):
    """One indicator ready to score: its deduction in hundredths of a point for 0, 1, ..., ``last`` units."""

    code: str
    slot: int  # the index of its dimension in ``_DIMENSIONS``
    max_value: int | None  # 1 for a flag, LEVEL_MAX for a level, None for a count
    deductions: tuple[int, ...]  # deductions[n] == min(n * weight, cap); ``last`` units reach the cap
    texts: tuple[str, ...]  # the same amounts as JSON text
    last: int


_DIMENSIONS = tuple(Dimension)
_DIMENSION_KEYS = tuple(dimension.value for dimension in _DIMENSIONS)
_MAX_VALUE = {Unit.COUNT: None, Unit.FLAG: 1, Unit.LEVEL: LEVEL_MAX}


def _hundredths(number: Number, what: str) -> int:
    """Points (0 to 100, at most two decimal places) as a whole number of hundredths."""
    points = _decimal(number, what)
    if not 0 <= points <= 100:
        raise ValueError(f"{what} must be between 0 and 100 points, got {number!r}")
    hundredths = points * 100
    if hundredths != hundredths.to_integral_value():
        raise ValueError(f"{what} may have at most two decimal places, got {number!r}")
    return int(hundredths)


def _points_text(hundredths: int) -> str:
    """A non-negative amount of hundredths as points, as ``str`` of the two-place Decimal: "12.50"."""
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _rule(indicator: IndicatorDef, weight: Number, cap: Number) -> _Rule:
    weight_h = _hundredths(weight, f"weight of {indicator.code}")
    cap_h = _hundredths(cap, f"cap of {indicator.code}")
    last = -(-cap_h // weight_h) if weight_h else 0
    deductions = tuple(min(units * weight_h, cap_h) for units in range(last + 1))
    return _Rule(
        indicator.code,
        _DIMENSIONS.index(Dimension(indicator.dimension)),
        _MAX_VALUE[Unit(indicator.unit)],
        deductions,
        tuple(map(_points_text, deductions)),
        last,
    )


def _compile(weights: Weights) -> tuple[_Rule, ...]:
    """The rules of a catalogue, or of a ``{code: (weight, cap)}`` mapping over the default catalogue."""
    if isinstance(weights, Mapping):
        known = {indicator.code for indicator in DEFAULT_INDICATORS}
        if unknown := sorted(set(weights) - known):
            raise ValueError(f"weights name indicators that are not in the catalogue: {unknown}")
        rules = tuple(_rule(ind, *weights[ind.code]) for ind in DEFAULT_INDICATORS if ind.code in weights)
    else:
        rules = tuple(_rule(ind, ind.weight, ind.cap) for ind in weights)
    if len({rule.code for rule in rules}) != len(rules):
        raise ValueError("an indicator code appears twice in the weights")
    return rules


def _whole(raw: object, code: str, max_value: int | None) -> int:
    """The value of an indicator as a whole number of units, checked against its unit."""
    if isinstance(raw, int):  # bool included: a flag may be given as True or False
        value = int(raw)
    else:
        number = _decimal(raw, code)  # rejects what is not a finite number
        if number != number.to_integral_value():
            raise ValueError(f"{code} must be a whole number, got {raw!r}")
        value = int(number)
    if value < 0:
        raise ValueError(f"{code} must not be negative, got {raw!r}")
    if max_value is not None and value > max_value:
        raise ValueError(f"{code} must be at most {max_value}, got {raw!r}")
    return value


_MISSING = object()


class _Scorer:
    """The one scoring loop, shared by ``score_village`` and ``score_many``.

    It builds the breakdown as the JSON stored in the weekly snapshot, because that is what the weekly
    recompute needs for every village; amounts are decimal strings ("12.50") so they stay exact. Scores,
    colours and texts are memoised: there are at most 10,001 scores, so ``colour_for`` runs once per score.
    """

    def __init__(self, weights: Weights, thresholds: Thresholds) -> None:
        self.rules = _compile(weights)
        self.thresholds = thresholds
        self._scores: dict[int, tuple[Decimal, Colour]] = {}
        self._texts: dict[int, str] = {}

    def score(self, values: Mapping[str, Number]) -> tuple[Decimal, Colour, dict[str, Any]]:
        indicators: dict[str, dict[str, Any]] = {}
        by_dimension = [0] * len(_DIMENSIONS)
        total = 0
        for code, slot, max_value, deductions, texts, last in self.rules:
            value = values.get(code, _MISSING)
            if value is _MISSING:
                continue
            if type(value) is not int or value < 0 or (max_value is not None and value > max_value):
                value = _whole(value, code, max_value)
            units = value if value < last else last
            total += deductions[units]
            by_dimension[slot] += deductions[units]
            indicators[code] = {"value": value, "deduction": texts[units]}
        if len(indicators) != len(values):
            unknown = sorted(set(values) - {rule.code for rule in self.rules})
            raise ValueError(f"values for indicators that are not in the weights: {unknown}")
        score_h = max(0, 10000 - total)
        scored = self._scores.get(score_h)
        if scored is None:
            score = Decimal(score_h).scaleb(-2)
            scored = self._scores[score_h] = (score, colour_for(score, self.thresholds))
        amount_texts = self._texts
        for amount in (total, *by_dimension):
            if amount not in amount_texts:
                amount_texts[amount] = _points_text(amount)
        breakdown = {
            "indicators": indicators,
            "dimensions": {
                key: amount_texts[amount] for key, amount in zip(_DIMENSION_KEYS, by_dimension, strict=True)
            },
            "total_deduction": amount_texts[total],
        }
        return scored[0], scored[1], breakdown


def score_village(
    values: Mapping[str, Number],
    weights: Weights = DEFAULT_INDICATORS,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ScoreResult:
    """Score one village: 100 minus the capped, weighted deductions, clamped to 0-100 (DOMAIN.md).

    ``values`` maps indicator codes to whole, non-negative numbers (a flag 0 or 1, a level 0 to 3); an
    indicator missing from ``values`` deducts nothing and is left out of the breakdown. A negative value, a
    flag or level out of range, or a code not in ``weights`` raises ``ValueError``: the weights are the
    cycle's whole rule set, and a misspelled or stale code silently ignored would raise the village's score
    (switch an indicator off with weight 0 instead). Each indicator deducts ``min(value * weight, cap)``.
    To store the breakdown, use ``score_many``, also for a single village.
    """
    scorer = _Scorer(weights, thresholds)
    score, colour, breakdown = scorer.score(values)
    dimension_of = {rule.code: _DIMENSIONS[rule.slot] for rule in scorer.rules}
    return ScoreResult(
        score=score,
        colour=colour,
        breakdown=[
            DeductionLine(code, dimension_of[code], line["value"], Decimal(line["deduction"]))
            for code, line in breakdown["indicators"].items()
        ],
        by_dimension={Dimension(d): Decimal(amount) for d, amount in breakdown["dimensions"].items()},
        total_deduction=Decimal(breakdown["total_deduction"]),
    )


def score_many(
    rows: Iterable[tuple[Any, Mapping[str, Number]]],
    weights: Weights = DEFAULT_INDICATORS,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Iterator[tuple[Any, Decimal, Colour, dict[str, Any]]]:
    """Score many villages for the weekly recompute: ``(village_id, score, colour, breakdown)`` per row.

    The rules of ``score_village``, with the weights checked once, before the first row. ``breakdown`` is
    the JSON to store in the snapshot::

        {"indicators": {"open_petitions": {"value": 2, "deduction": "6.00"}, ...},
         "dimensions": {"team_building": "0.00", ..., "petitions_disputes": "6.00", ...},
         "total_deduction": "6.00"}
    """
    scorer = _Scorer(weights, thresholds)
    return ((village_id, *scorer.score(values)) for village_id, values in rows)


class WeekRecord(NamedTuple):
    """One Monday's snapshot of a village, as the history flags read it."""

    week: date
    score: Number
    colour: Colour | str
    closed_tasks: int  # rectification tasks closed in the week that ends with this snapshot


def _weeks_in_order(history: Iterable[tuple[date, Number, Colour | str, int]]) -> list[WeekRecord]:
    records = sorted((WeekRecord(*row) for row in history), key=lambda record: record.week)
    if any(earlier.week == later.week for earlier, later in pairwise(records)):
        raise ValueError("a week appears twice in the history")
    return records


def unchanged_for(history: Iterable[tuple[date, Number, Colour | str, int]], weeks: int = 4) -> bool:
    """Whether the village is stuck: red or orange, the same colour in each of its last ``weeks`` snapshots.

    DOMAIN.md: villages "whose rating never changes" are flagged. Only the current run counts (a village stuck
    last month that has since changed colour is not stuck); consecutive snapshots are consecutive Mondays.
    ``weeks`` is the cycle's setting (default 4).
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    records = _weeks_in_order(history)
    if len(records) < weeks:
        return False
    colours = {Colour(record.colour) for record in records[-weeks:]}
    return len(colours) == 1 and Colour.GREEN not in colours


def false_rectification_weeks(history: Iterable[tuple[date, Number, Colour | str, int]]) -> list[date]:
    """The weeks in which the village went from red straight to green with no rectification task closed.

    DOMAIN.md: villages that "turn green without real rectification" (虚假整转) are flagged. Red to orange to
    green over two weeks is not such a jump; a jump in a week that closed tasks is not suspect.
    """
    return [
        later.week
        for earlier, later in pairwise(_weeks_in_order(history))
        if Colour(earlier.colour) is Colour.RED
        and Colour(later.colour) is Colour.GREEN
        and not later.closed_tasks
    ]


def suspected_false_rectification(history: Iterable[tuple[date, Number, Colour | str, int]]) -> bool:
    """Whether any week of the history is a suspected false rectification (``false_rectification_weeks``)."""
    return bool(false_rectification_weeks(history))
