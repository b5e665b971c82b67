"""The one shape of a rule code (STYLE.md, "Errors and messages"), and the elections app's own codes.

Every app keeps its codes in its ``codes.py`` as one ``Catalogue`` of ``RuleCode`` entries: a stable
dotted code, a severity and a lazy English msgid that the Simplified Chinese catalogue translates. Users
read the Chinese message; the code may sit beside it in small print, for support. Tests assert codes,
never wording. The shape lives here, on the ground floor, so that every app can use it.

Naming:

* codes are dotted, lower case: ``<area>.<rule>`` (``audit.not_allowed``, ``voter.id_checksum``);
* warning codes, and only they, end in the W-class suffix ``.W`` (``reconcile.invalid_share_high.W``):
  ``RuleCode.__post_init__`` enforces the pairing. An app may have severities of its own besides
  (candidates: block, approval, pending, warning); its warning severity has the value ``"warning"``.

An app whose call sites and stored rows carry the code string registers with ``Catalogue.code``, which
returns the string; ballots, whose findings carry the entry, registers with ``Catalogue.register``.
``MESSAGES`` and ``SEVERITY`` of a catalogue are read-only views keyed by code.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WARNING_SUFFIX = ".W"
CODE_PATTERN = re.compile(r"[a-z_]+\.[a-z_]+(\.W)?")


class Severity(enum.StrEnum):
    """Whether a violation blocks (error) or must be acknowledged by a named person (warning)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class RuleCode:
    """One catalogue entry: stable code, severity and (lazy) English msgid."""

    code: str
    severity: enum.StrEnum
    message: Promise

    def __post_init__(self) -> None:
        if not CODE_PATTERN.fullmatch(self.code):
            raise ValueError(f"{self.code!r}: a rule code is dotted lower case, <area>.<rule>")
        if self.code.endswith(WARNING_SUFFIX) != self.is_warning:
            raise ValueError(f"{self.code!r}: warning codes, and only they, end in {WARNING_SUFFIX!r}")

    @property
    def is_warning(self) -> bool:
        return self.severity == Severity.WARNING

    def __str__(self) -> str:
        return self.code


class _Column(Mapping):
    """A read-only view of one field of a catalogue's entries, keyed by code (``MESSAGES``, ``SEVERITY``)."""

    def __init__(self, entries: Mapping[str, RuleCode], field: str) -> None:
        self._entries, self._field = entries, field

    def __getitem__(self, code: str):
        return getattr(self._entries[code], self._field)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


CATALOGUES: dict[str, Catalogue] = {}
"""Every app's catalogue, keyed by app label (filled as the apps' ``codes`` modules are imported)."""


class Catalogue(Mapping):
    """The codes of one app, keyed by code string; read-only to everyone but its ``codes`` module."""

    def __init__(self, app: str) -> None:
        if app in CATALOGUES:
            raise ValueError(f"the app {app!r} already has a catalogue")
        self.app = app
        self._entries: dict[str, RuleCode] = {}
        self.messages: Mapping[str, Promise] = _Column(self._entries, "message")
        self.severities: Mapping[str, enum.StrEnum] = _Column(self._entries, "severity")
        CATALOGUES[app] = self

    def register(self, code: str, severity: enum.StrEnum, message: Promise) -> RuleCode:
        """Add one entry (``ValueError`` on a code another app or this one already has)."""
        if lookup(code) is not None:
            raise ValueError(f"duplicate rule code {code!r}")
        entry = RuleCode(code=code, severity=severity, message=message)
        self._entries[code] = entry
        return entry

    def code(self, code: str, severity: enum.StrEnum, message: Promise) -> str:
        """``register``, returning the code string (for call sites and rows that carry the string)."""
        return self.register(code, severity, message).code

    def __getitem__(self, code: str) -> RuleCode:
        return self._entries[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Catalogue {self.app}: {len(self)} codes>"


def lookup(code: str) -> RuleCode | None:
    """The entry of ``code`` in whichever app's catalogue holds it (None if no loaded catalogue does)."""
    for catalogue in CATALOGUES.values():
        if code in catalogue:
            return catalogue[code]
    return None


# --- The elections app's own codes ----------------------------------------------------------------

CATALOGUE = Catalogue("elections")
MESSAGES = CATALOGUE.messages
E = Severity.ERROR

# A cycle (elections.services.open_cycle).
CYCLE_DATES_REVERSED = CATALOGUE.code("cycle.dates_reversed", E, _("The cycle must end after it starts."))

# The region tree import (elections.services.import_regions): each a problem of one row.
REGION_CODE_INVALID = CATALOGUE.code(
    "region.code_invalid",
    E,
    _("The division code must have 12 digits (a unit above a village may give its own 2, 4, 6 or 9)."),
)
REGION_CODE_DUPLICATE = CATALOGUE.code(
    "region.code_duplicate", E, _("The division code %(code)s is already on row %(row)s.")
)
REGION_NAME_REQUIRED = CATALOGUE.code("region.name_required", E, _("The name is required."))
REGION_NAME_TOO_LONG = CATALOGUE.code(
    "region.name_too_long", E, _("The name has more than %(limit)s characters.")
)
REGION_NUMBER_INVALID = CATALOGUE.code("region.number_invalid", E, _("Not a whole number: %(value)s"))
REGION_URBAN_RURAL_INVALID = CATALOGUE.code(
    "region.urban_rural_invalid",
    E,
    _("Not an urban-rural classification code of the statistics bureau (111 … 220): %(value)s"),
)
REGION_PARENT_MISSING = CATALOGUE.code(
    "region.parent_missing", E, _("The parent region %(code)s does not exist.")
)

# A closed door of elections.permits (the stage or a flag does not permit the action).
PERMIT_COMPLETED = CATALOGUE.code(
    "permit.completed",
    E,
    _(
        "This village's election is completed and its records are read-only: you cannot %(action)s now. "
        "A correction is recorded with its reason."
    ),
)
PERMIT_POSTPONED = CATALOGUE.code(
    "permit.postponed",
    E,
    _(
        "This village's election is postponed with the county's approval: you cannot %(action)s until "
        "the township resumes it on its steps page."
    ),
)
PERMIT_RED_OPEN = CATALOGUE.code(
    "permit.red_open",
    E,
    _(
        "This village is rated red and not closed out: you cannot %(action)s until the county closes "
        "out its rectification or approves the close-out on the steps page."
    ),
)
PERMIT_STAGE_CLOSED = CATALOGUE.code(
    "permit.stage_closed",
    E,
    _(
        "The election is in the stage “%(stage)s”: you can %(action)s only in the stage %(stages)s. "
        "Move the election on its steps page once the records the next stage needs exist."
    ),
)

# A big export written by a worker (elections.exports): why a job ended without its file.
EXPORT_FAILED = CATALOGUE.code(
    "export.failed",
    E,
    _("The export could not be written. Try again; if it fails again, tell the administrator."),
)
EXPORT_NOT_QUEUED = CATALOGUE.code(
    "export.not_queued",
    E,
    _("The export could not be started: no background worker answers. Try again later."),
)
EXPORT_STALE = CATALOGUE.code(
    "export.stale",
    E,
    _("The export stopped before it finished (its background worker was lost). Export again."),
)
EXPORT_NOT_VISIBLE = CATALOGUE.code(
    "export.not_visible", E, _("You may no longer see these records, so the export was not written.")
)

del E
