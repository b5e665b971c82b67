"""The catalogue of rule codes of the risk rating (STYLE.md, "Errors and messages").

Every rule violation risk.services raises is a ValidationError with one of these codes and its message;
tests assert codes, never wording. All of them block.
"""

from django.utils.translation import gettext_lazy as _

NOT_ALLOWED = "risk.not_allowed"
VALUE_OUT_OF_RANGE = "risk.value_out_of_range"
DATE_IN_FUTURE = "risk.date_in_future"
NOT_A_MONDAY = "risk.not_a_monday"
TEXT_REQUIRED = "risk.text_required"
RESOLVED_BEFORE_RECEIVED = "risk.resolved_before_received"
ALREADY_RESOLVED = "risk.already_resolved"
OUTCOME_REQUIRED = "risk.outcome_required"
PLAN_ALREADY_OPEN = "risk.plan_already_open"
PLAN_NOT_OPEN = "risk.plan_not_open"
TASK_ALREADY_CLOSED = "risk.task_already_closed"
TASKS_OPEN = "risk.tasks_open"
NO_TASKS = "risk.no_tasks"
STILL_RED = "risk.still_red"
WEIGHT_INVALID = "risk.weight_invalid"

MESSAGES = {
    NOT_ALLOWED: _("Your role may not do this for this village"),
    VALUE_OUT_OF_RANGE: _("%(field)s must be between 0 and %(max)s"),
    DATE_IN_FUTURE: _("The date cannot be later than today"),
    NOT_A_MONDAY: _("A week is named by its Monday"),
    TEXT_REQUIRED: _("This field is required"),
    RESOLVED_BEFORE_RECEIVED: _("It cannot be resolved before it was received"),
    ALREADY_RESOLVED: _("It has already been resolved"),
    OUTCOME_REQUIRED: _("Choose whether the report was substantiated or unfounded"),
    PLAN_ALREADY_OPEN: _("This village already has a rectification plan in progress"),
    PLAN_NOT_OPEN: _("The rectification plan is already closed out"),
    TASK_ALREADY_CLOSED: _("The task is already closed"),
    TASKS_OPEN: _("Every task must be closed before the village is closed out"),
    NO_TASKS: _("A plan without tasks cannot be closed out"),
    STILL_RED: _("The village is still red in its latest rating: it cannot be closed out yet"),
    WEIGHT_INVALID: _("Weights and caps are points from 0 to 100 with at most two decimals"),
}
