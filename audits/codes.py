"""The catalogue of rule codes of outgoing audits and term evaluations (STYLE.md, "Errors and messages").

Every rule violation the audits services raise is a ValidationError with one of these codes and its
message (an English msgid the Chinese catalogue translates); tests assert codes, never wording. All of
them block: there are no warnings among the audit rules.
"""

from django.utils.translation import gettext_lazy as _

from elections.codes import Catalogue, Severity

CATALOGUE = Catalogue("audits")
_code = CATALOGUE.code
E = Severity.ERROR

NOT_ALLOWED = _code("audit.not_allowed", E, _("Only township and county staff record audits and evaluations"))
ALREADY_RECORDED = _code(
    "audit.already_recorded", E, _("This village election already has an outgoing audit")
)
AUDITOR_REQUIRED = _code("audit.auditor_required", E, _("Name the department or firm that audits"))
STATUS_TRANSITION = _code("audit.status_transition", E, _("The audit cannot go from “%(from)s” to “%(to)s”"))
DATE_IN_FUTURE = _code("audit.date_in_future", E, _("The date cannot be later than today"))
STARTED_ON_MISSING = _code("audit.started_on_missing", E, _("Give the date the audit started"))
COMPLETED_ON_MISSING = _code("audit.completed_on_missing", E, _("Give the date the audit was completed"))
COMPLETED_BEFORE_STARTED = _code(
    "audit.completed_before_started", E, _("The audit cannot be completed before it started")
)
FINDING_WITHOUT_SEVERITY = _code(
    "audit.finding_without_severity", E, _("Every finding needs a severity before the audit is completed")
)
NOT_COMPLETED = _code("audit.not_completed", E, _("Only a completed audit can be published to the villagers"))
ALREADY_PUBLISHED = _code("audit.already_published", E, _("The results of this audit were already published"))
PUBLISHED_BEFORE_COMPLETED = _code(
    "audit.published_before_completed", E, _("The results cannot be published before the audit was completed")
)
PUBLISHED_ON_MISSING = _code("audit.published_on_missing", E, _("Give the date the results were published"))
NOT_IN_PROGRESS = _code("audit.not_in_progress", E, _("Findings are recorded while the audit is in progress"))
DESCRIPTION_REQUIRED = _code("audit.description_required", E, _("Describe the finding"))
AMOUNT_NEGATIVE = _code("audit.amount_negative", E, _("An amount cannot be negative"))
SEVERITY_REQUIRED = _code("audit.severity_required", E, _("Choose a severity"))
RECTIFICATION_TRANSITION = _code(
    "audit.rectification_transition", E, _("The finding cannot go from “%(from)s” to “%(to)s”")
)
RECTIFIED_ON_MISSING = _code("audit.rectified_on_missing", E, _("Give the date the finding was rectified"))
RECTIFIED_BEFORE_AUDIT = _code(
    "audit.rectified_before_audit", E, _("A finding cannot be rectified before its audit started")
)
EVALUATION_DUPLICATE = _code(
    "audit.evaluation_duplicate", E, _("This cadre already has an evaluation for this position and year")
)
EVALUATION_BEFORE_YEAR = _code(
    "audit.evaluation_before_year",
    E,
    _("An evaluation cannot be made before the year it evaluates has begun"),
)
EVALUATOR_REQUIRED = _code("audit.evaluator_required", E, _("Name the body that evaluated"))
RESIDENT_UNKNOWN = _code("audit.resident_unknown", E, _("No resident of this village has this ID number"))

MESSAGES = CATALOGUE.messages

del E
