"""Catalogue of stable rule codes for the ballots app.

Every finding raised by :mod:`ballots.counting` (and by other ballots code that reuses this
catalogue) carries one of these codes.  The codes are part of the app's contract: tests, audit
records and the UI key on the code, never on the wording.  Messages are English msgids marked
with ``gettext_lazy``; the Chinese wording lives in the translation catalogue, so nothing here
is rendered at import time and no Django settings are needed to import the module.

Naming:

* codes are dotted, lower case: ``<area>.<rule>``; ``tally.*`` for the statutory validity
  conditions of a vote (DOMAIN.md "Counting and results"), ``count.*`` for notes produced while
  allocating seats, ``reconcile.*`` for the ballot-account reconciliation;
* warning codes end in the W-class suffix ``.W`` (e.g. ``reconcile.invalid_share_high.W``);
  error codes carry no suffix.  ``RuleCode.__post_init__`` enforces the pairing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WARNING_SUFFIX = ".W"


class Severity(enum.StrEnum):
    """How serious a finding is.

    ``ERROR`` means the count (or the ballot account) cannot stand as recorded: a statutory
    condition failed or the numbers do not reconcile.  ``WARNING`` is for the counting team and
    the audit trail: something to look at or a follow-up vote to organise; it never voids a vote.
    """

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class RuleCode:
    """One catalogue entry: stable code, severity and (lazy) English msgid."""

    code: str
    severity: Severity
    message: Promise

    def __post_init__(self) -> None:
        is_warning_code = self.code.endswith(WARNING_SUFFIX)
        if is_warning_code != (self.severity is Severity.WARNING):
            raise ValueError(f"{self.code!r}: warning codes, and only they, end in {WARNING_SUFFIX!r}")

    def __str__(self) -> str:
        return self.code


_CATALOGUE: dict[str, RuleCode] = {}

CATALOGUE: Mapping[str, RuleCode] = MappingProxyType(_CATALOGUE)
"""All codes of the ballots app, keyed by code string (read-only)."""


def _register(code: str, severity: Severity, message: Promise) -> RuleCode:
    if code in _CATALOGUE:
        raise ValueError(f"duplicate rule code {code!r}")
    entry = RuleCode(code=code, severity=severity, message=message)
    _CATALOGUE[code] = entry
    return entry


def rule(code: str) -> RuleCode:
    """Return the catalogue entry for ``code`` (``KeyError`` if unknown)."""
    return _CATALOGUE[code]


@dataclass(frozen=True)
class Finding:
    """One observation about a count or a ballot account.

    ``box`` is the ballot box the finding is about (``None``: the totals / the whole vote);
    ``position`` the position concerned, if any; ``params`` the figures behind the finding, as
    ``(name, value)`` pairs so that the finding stays hashable and comparable.
    """

    code: str
    severity: Severity
    box: str | None = None
    position: str | None = None
    params: tuple[tuple[str, int | str], ...] = ()

    @classmethod
    def of(
        cls, entry: RuleCode, *, box: str | None = None, position: str | None = None, **params: int | str
    ) -> Finding:
        return cls(
            code=entry.code,
            severity=entry.severity,
            box=box,
            position=position,
            params=tuple(sorted(params.items())),
        )

    @property
    def message(self) -> Promise:
        """The lazy, translatable message for this finding's code."""
        return _CATALOGUE[self.code].message

    @property
    def data(self) -> dict[str, int | str]:
        return dict(self.params)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


E = Severity.ERROR
W = Severity.WARNING

# --- Validity of the vote (DOMAIN.md "Counting and results") -------------------------------------

TALLY_RETURNED_EXCEEDS_ISSUED = _register(
    "tally.returned_exceeds_issued", E, _("Ballots returned exceed ballots issued")
)
TALLY_RETURNED_EXCEEDS_PRESENT = _register(
    "tally.returned_exceeds_present", E, _("Ballots returned exceed the number of voting members present")
)
TALLY_TURNOUT_NOT_OVER_HALF = _register(
    "tally.turnout_not_over_half", E, _("Not more than half of the registered voters cast a ballot")
)
TALLY_ATTENDANCE_NOT_OVER_FOUR_FIFTHS = _register(
    "tally.attendance_not_over_four_fifths",
    E,
    _("Voting members present do not exceed four fifths of the members due to attend"),
)

# --- Seat allocation notes ---------------------------------------------------------------------------

COUNT_TIE_AT_CUT = _register(
    "count.tie_at_cut.W", W, _("Tie at the cut for the last seat: the tied persons must be voted on again")
)
COUNT_SEATS_UNFILLED = _register(
    "count.seats_unfilled.W", W, _("Seats left unfilled: a further round of voting is required")
)
COUNT_WOMEN_SEAT_LAST_SEAT = _register(
    "count.women_seat_last_seat.W",
    W,
    _("No woman was elected outright: the woman with the most votes above the threshold takes the last seat"),
)
COUNT_WOMEN_SEAT_RESERVED = _register(
    "count.women_seat_reserved.W",
    W,
    _("No woman reached the threshold: one member seat is kept for a further round restricted to women"),
)
COUNT_WOMEN_SEAT_TIE = _register(
    "count.women_seat_tie.W",
    W,
    _("Women tied for the reserved seat: the tied women must be voted on again"),
)
COUNT_FURTHER_ROUND_SHORT_LIST = _register(
    "count.further_round_short_list.W",
    W,
    _("Too few unelected persons received votes to stand more candidates than seats in the further round"),
)

# --- Reconciliation of the ballot account ------------------------------------------------------------

RECONCILE_ISSUED_MISMATCH = _register(
    "reconcile.issued_not_returned_plus_unreturned",
    E,
    _("Ballots issued do not equal ballots returned plus ballots not returned"),
)
RECONCILE_RETURNED_MISMATCH = _register(
    "reconcile.returned_not_valid_plus_invalid",
    E,
    _("Ballots returned do not equal valid plus invalid ballots"),
)
RECONCILE_POSITION_VOTES_EXCEED_CAPACITY = _register(
    "reconcile.position_votes_exceed_capacity",
    E,
    _("Votes for a position exceed the valid ballots multiplied by the position's seats"),
)
RECONCILE_RETURNED_EXCEEDS_REGISTERED = _register(
    "reconcile.returned_exceeds_registered", E, _("Ballots returned exceed the number of registered voters")
)
RECONCILE_RETURNED_EXCEEDS_SIGNED_FOR = _register(
    "reconcile.returned_exceeds_signed_for",
    E,
    _("Ballots returned exceed the number of voters who signed for a ballot"),
)
RECONCILE_INVALID_SHARE_HIGH = _register(
    "reconcile.invalid_share_high.W", W, _("The share of invalid ballots is unusually high")
)
RECONCILE_BOX_OUTLIER = _register(
    "reconcile.box_outlier.W",
    W,
    _("This box returned far more ballots than the median of the other boxes"),
)
RECONCILE_WRITE_IN_NOT_ON_ROLL = _register(
    "reconcile.write_in_not_on_roll.W",
    W,
    _("Votes were written in for a person who is not on the voter roll"),
)

del E, W
