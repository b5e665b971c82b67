"""The catalogue of rule codes of the activity trail (STYLE.md, "Errors and messages")."""

from django.utils.translation import gettext_lazy as _

DIVISION_CODE_INVALID = "trail.division_code_invalid"
SHA256_INVALID = "trail.sha256_invalid"
COUNTS_INVALID = "trail.counts_invalid"
SUMMARY_REQUIRED = "trail.summary_required"
OPERATION_REQUIRED = "trail.operation_required"
ANCHOR_REASON_REQUIRED = "trail.anchor_reason_required"

MESSAGES = {
    DIVISION_CODE_INVALID: _("A bulk change must name the 12-digit division code of the region it touched"),
    SHA256_INVALID: _("The file fingerprint must be a SHA-256 digest of 64 hexadecimal characters"),
    COUNTS_INVALID: _("The counts of a bulk change must be whole numbers of 0 or more"),
    SUMMARY_REQUIRED: _("A bulk change needs a summary"),
    OPERATION_REQUIRED: _("A bulk change must say what it did (for example: import)"),
    ANCHOR_REASON_REQUIRED: _("An anchor of the trail must say why it was taken (for example: daily)"),
}
