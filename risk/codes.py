"""The catalogue of rule codes of the risk rating (STYLE.md, "Errors and messages").

Every rule violation risk.services raises is a ValidationError with one of these codes and its message;
tests assert codes, never wording. All of them block.
"""

from django.utils.translation import gettext_lazy as _

from elections.codes import Catalogue, Severity

CATALOGUE = Catalogue("risk")
_code = CATALOGUE.code
E = Severity.ERROR

NOT_ALLOWED = _code("risk.not_allowed", E, _("Your role may not do this for this village"))
VALUE_OUT_OF_RANGE = _code("risk.value_out_of_range", E, _("%(field)s must be between 0 and %(max)s"))
DATE_IN_FUTURE = _code("risk.date_in_future", E, _("The date cannot be later than today"))
NOT_A_MONDAY = _code("risk.not_a_monday", E, _("A week is named by its Monday"))
TEXT_REQUIRED = _code("risk.text_required", E, _("This field is required"))
RESOLVED_BEFORE_RECEIVED = _code(
    "risk.resolved_before_received", E, _("It cannot be resolved before it was received")
)
ACCUSED_ELSEWHERE = _code(
    "risk.accused_elsewhere", E, _("The person reported must be a resident of this village")
)
ALREADY_RESOLVED = _code("risk.already_resolved", E, _("It has already been resolved"))
OUTCOME_REQUIRED = _code(
    "risk.outcome_required", E, _("Choose whether the report was substantiated or unfounded")
)
PLAN_ALREADY_OPEN = _code(
    "risk.plan_already_open", E, _("This village already has a rectification plan in progress")
)
PLAN_NOT_OPEN = _code("risk.plan_not_open", E, _("The rectification plan is already closed out"))
TASK_ALREADY_CLOSED = _code("risk.task_already_closed", E, _("The task is already closed"))
TASKS_OPEN = _code("risk.tasks_open", E, _("Every task must be closed before the village is closed out"))
NO_TASKS = _code("risk.no_tasks", E, _("A plan without tasks cannot be closed out"))
STILL_RED = _code(
    "risk.still_red", E, _("The village is still red in its latest rating: it cannot be closed out yet")
)
WEIGHT_INVALID = _code(
    "risk.weight_invalid", E, _("Weights and caps are points from 0 to 100 with at most two decimals")
)

MESSAGES = CATALOGUE.messages

del E
