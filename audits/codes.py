"""The catalogue of rule codes of outgoing audits and term evaluations (STYLE.md, "Errors and messages").

Every rule violation the audits services raise is a ValidationError with one of these codes and its
message (an English msgid the Chinese catalogue translates); tests assert codes, never wording. All of
them block: there are no warnings among the audit rules.
"""

from django.utils.translation import gettext_lazy as _

NOT_ALLOWED = "audit.not_allowed"
ALREADY_RECORDED = "audit.already_recorded"
AUDITOR_REQUIRED = "audit.auditor_required"
STATUS_TRANSITION = "audit.status_transition"
DATE_IN_FUTURE = "audit.date_in_future"
STARTED_ON_MISSING = "audit.started_on_missing"
COMPLETED_ON_MISSING = "audit.completed_on_missing"
COMPLETED_BEFORE_STARTED = "audit.completed_before_started"
FINDING_WITHOUT_SEVERITY = "audit.finding_without_severity"
NOT_COMPLETED = "audit.not_completed"
ALREADY_PUBLISHED = "audit.already_published"
PUBLISHED_BEFORE_COMPLETED = "audit.published_before_completed"
PUBLISHED_ON_MISSING = "audit.published_on_missing"
NOT_IN_PROGRESS = "audit.not_in_progress"
DESCRIPTION_REQUIRED = "audit.description_required"
AMOUNT_NEGATIVE = "audit.amount_negative"
SEVERITY_REQUIRED = "audit.severity_required"
RECTIFICATION_TRANSITION = "audit.rectification_transition"
RECTIFIED_ON_MISSING = "audit.rectified_on_missing"
RECTIFIED_BEFORE_AUDIT = "audit.rectified_before_audit"
EVALUATION_DUPLICATE = "audit.evaluation_duplicate"
EVALUATION_BEFORE_YEAR = "audit.evaluation_before_year"
EVALUATOR_REQUIRED = "audit.evaluator_required"
RESIDENT_UNKNOWN = "audit.resident_unknown"

MESSAGES = {
    NOT_ALLOWED: _("Only township and county staff record audits and evaluations"),
    ALREADY_RECORDED: _("This village election already has an outgoing audit"),
    AUDITOR_REQUIRED: _("Name the department or firm that audits"),
    STATUS_TRANSITION: _("The audit cannot go from “%(from)s” to “%(to)s”"),
    DATE_IN_FUTURE: _("The date cannot be later than today"),
    STARTED_ON_MISSING: _("Give the date the audit started"),
    COMPLETED_ON_MISSING: _("Give the date the audit was completed"),
    COMPLETED_BEFORE_STARTED: _("The audit cannot be completed before it started"),
    FINDING_WITHOUT_SEVERITY: _("Every finding needs a severity before the audit is completed"),
    NOT_COMPLETED: _("Only a completed audit can be published to the villagers"),
    ALREADY_PUBLISHED: _("The results of this audit were already published"),
    PUBLISHED_BEFORE_COMPLETED: _("The results cannot be published before the audit was completed"),
    PUBLISHED_ON_MISSING: _("Give the date the results were published"),
    NOT_IN_PROGRESS: _("Findings are recorded while the audit is in progress"),
    DESCRIPTION_REQUIRED: _("Describe the finding"),
    AMOUNT_NEGATIVE: _("An amount cannot be negative"),
    SEVERITY_REQUIRED: _("Choose a severity"),
    RECTIFICATION_TRANSITION: _("The finding cannot go from “%(from)s” to “%(to)s”"),
    RECTIFIED_ON_MISSING: _("Give the date the finding was rectified"),
    RECTIFIED_BEFORE_AUDIT: _("A finding cannot be rectified before its audit started"),
    EVALUATION_DUPLICATE: _("This cadre already has an evaluation for this position and year"),
    EVALUATION_BEFORE_YEAR: _("An evaluation cannot be made before the year it evaluates has begun"),
    EVALUATOR_REQUIRED: _("Name the body that evaluated"),
    RESIDENT_UNKNOWN: _("No resident of this village has this ID number"),
}
