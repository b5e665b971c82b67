"""The catalogue of rule codes of the activity trail (STYLE.md, "Errors and messages")."""

from django.utils.translation import gettext_lazy as _

from elections.codes import Catalogue, Severity

CATALOGUE = Catalogue("trail")
_code = CATALOGUE.code
E = Severity.ERROR

DIVISION_CODE_INVALID = _code(
    "trail.division_code_invalid",
    E,
    _("A bulk change must name the 12-digit division code of the region it touched"),
)
SHA256_INVALID = _code(
    "trail.fingerprint_invalid",
    E,
    _("The file fingerprint must be a SHA-256 digest of 64 hexadecimal characters"),
)
COUNTS_INVALID = _code(
    "trail.counts_invalid", E, _("The counts of a bulk change must be whole numbers of 0 or more")
)
SUMMARY_REQUIRED = _code("trail.summary_required", E, _("A bulk change needs a summary"))
OPERATION_REQUIRED = _code(
    "trail.operation_required", E, _("A bulk change must say what it did (for example: import)")
)
ANCHOR_REASON_REQUIRED = _code(
    "trail.anchor_reason_required",
    E,
    _("An anchor of the trail must say why it was taken (for example: daily)"),
)

MESSAGES = CATALOGUE.messages

del E
