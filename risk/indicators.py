"""The default catalogue of risk indicators (选情指数指标) for the three-colour rating.

DOMAIN.md, "Three-colour risk rating": each village is scored out of 100 from quantified indicators plus the
township's assessment, grouped in Jinhua's five dimensions; weights are configurable. This module holds
the catalogue as plain data (no models, no ORM) so that the pure scorer in ``risk.scoring`` and the cycle's
settings can share it.

The weights and caps below are **defaults** that an administrator edits per election cycle. They were chosen
so that plausible villages spread over the three colours:

- a quiet village (an open petition, two audit findings, no young graduate in sight) loses ~12 → green;
- a village with a weak Party organization, a petition backlog and no secretary-and-chair candidate loses
  ~30-40 → orange;
- add clan interference, disunity in the team or vote-buying reports and it falls to 60 or below → red.

The caps add up to 163, so the worst villages reach 0; no single dimension can make a village red on its own
(the largest dimension total is 37, leaving 63): red needs trouble on at least two fronts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

#: The highest value of a ``level`` indicator (0 none, 1 slight, 2 serious, 3 severe).
LEVEL_MAX = 3


class Dimension(enum.StrEnum):
    """The five dimensions of Jinhua's assessment (DOMAIN.md, "Three-colour risk rating")."""

    TEAM_BUILDING = "team_building"  # 班子建设
    VILLAGE_OPERATION = "village_operation"  # 工作运行
    CANDIDATE_SEARCH = "candidate_search"  # "一肩挑"人选排摸
    PETITIONS_DISPUTES = "petitions_disputes"  # 信访化解
    PREVIOUS_ELECTION = "previous_election"  # 往届选情

    @property
    def label(self) -> str:
        return DIMENSION_LABELS[self]


DIMENSION_LABELS: dict[Dimension, str] = {
    Dimension.TEAM_BUILDING: _("Team building"),
    Dimension.VILLAGE_OPERATION: _("How the village runs"),
    Dimension.CANDIDATE_SEARCH: _("Search for a secretary-and-chair candidate"),
    Dimension.PETITIONS_DISPUTES: _("Petitions and disputes"),
    Dimension.PREVIOUS_ELECTION: _("Previous election's record"),
}


class Kind(enum.StrEnum):
    """Where a value comes from: read from the other apps, or entered weekly by the township."""

    AUTO = "auto"
    MANUAL = "manual"


class Unit(enum.StrEnum):
    """What one unit of the value is: a number of cases, a yes/no flag, or a level from 0 to ``LEVEL_MAX``."""

    COUNT = "count"
    FLAG = "flag"
    LEVEL = "level"


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    """One indicator: each unit of its value deducts ``weight`` points, never more than ``cap`` in total."""

    code: str
    dimension: Dimension
    label: str = field(repr=False)  # lazy: a repr must not need the translation machinery
    kind: Kind
    unit: Unit
    weight: Decimal
    cap: Decimal


def _catalogue(table: dict[Dimension, tuple[tuple, ...]]) -> tuple[IndicatorDef, ...]:
    return tuple(
        IndicatorDef(code, dimension, label, Kind(kind), Unit(unit), Decimal(weight), Decimal(cap))
        for dimension, rows in table.items()
        for code, kind, unit, weight, cap, label in rows
    )


#: The default catalogue, in display order. Weights and caps are points out of 100; a weight is the deduction
#: per unit of the value (per case, for a raised flag, per level); the cap bounds the indicator's deduction.
# fmt: off
DEFAULT_INDICATORS: tuple[IndicatorDef, ...] = _catalogue({
    # 班子建设: the Party organization and the outgoing team. (dimension max 37)
    Dimension.TEAM_BUILDING: (
        ("weak_party_organization", "auto", "flag", 15, 15, _("Weak and lax Party organization")),
        ("term_evaluation_incompetent", "auto", "count", 5, 10, _("Rated incompetent in term evaluation")),
        ("team_disunity", "manual", "level", 4, 12, _("Disunity in the village team")),
    ),
    # 工作运行: audits, the election's own progress, the township's overall view. (dimension max 35)
    Dimension.VILLAGE_OPERATION: (
        ("unresolved_audit_findings", "auto", "count", 2, 10, _("Unresolved audit findings")),
        ("overdue_election_steps", "auto", "count", 2, 10, _("Overdue election steps")),
        ("township_assessment", "manual", "level", 5, 15, _("Township overall assessment")),
    ),
    # "一肩挑"人选排摸: a secretary-and-chair candidate and the structure of the new team. (dimension max 20)
    Dimension.CANDIDATE_SEARCH: (
        ("no_secretary_chair_candidate", "auto", "flag", 10, 10, _("No secretary-and-chair candidate")),
        ("no_woman_candidate", "auto", "flag", 5, 5, _("No woman candidate")),
        ("no_young_graduate_candidate", "auto", "flag", 5, 5, _("No graduate candidate aged 35 or under")),
    ),
    # 信访化解: petitions, key persons and disputes, what is said about the village. (dimension max 36)
    Dimension.PETITIONS_DISPUTES: (
        ("open_petitions", "auto", "count", 3, 15, _("Open petitions (petition backlog)")),
        ("key_persons_disputes", "manual", "count", 3, 12, _("Key persons and disputes")),
        ("negative_public_opinion", "manual", "level", 3, 9, _("Negative public opinion")),
    ),
    # 往届选情: the election climate: vote buying, clan or gang pressure, roll fights. (dimension max 35)
    Dimension.PREVIOUS_ELECTION: (
        ("vote_buying_reports", "auto", "count", 5, 15, _("Vote-buying and discipline reports")),
        ("clan_gang_interference", "manual", "level", 5, 15, _("Clan or gang interference")),
        ("roll_conflicts", "auto", "count", 1, 5, _("Voter roll conflicts")),
    ),
})
# fmt: on


def default_weights() -> dict[str, tuple[Decimal, Decimal]]:
    """``{code: (weight, cap)}`` of the default catalogue: the starting point of a cycle's weight settings."""
    return {ind.code: (ind.weight, ind.cap) for ind in DEFAULT_INDICATORS}
