"""The catalogue of rule codes of the workflow (STYLE.md, "Errors and messages").

Every rule the workflow services and gates enforce raises a ValidationError with one of these codes and
its message (an English msgid the Chinese catalogue translates); tests assert codes, never wording. A gate
adds what to do (REMEDIES) to its message. All of them block: the workflow has no warnings; late steps
are flagged on the boards instead (lifecycle.progress).
"""

from django.utils.translation import gettext_lazy as _

from elections.codes import Catalogue, Severity

CATALOGUE = Catalogue("lifecycle")
_code = CATALOGUE.code
E = Severity.ERROR

# Gates (lifecycle.gates): a stage move or a step refused until something else is done.
GATE_AUDIT = _code(
    "gate.audit_not_completed", E, _("The outgoing economic audit of this village is not completed.")
)
GATE_RED = _code("gate.red_village_open", E, _("This village is rated red and has not been closed out."))
GATE_ELECTION_DAY = _code("gate.election_day_missing", E, _("The election day of this village is not set."))
GATE_ROLL_MISSING = _code("gate.roll_not_published", E, _("The voter roll has not been published."))
GATE_ROLL_LATE = _code(
    "gate.roll_published_late",
    E,
    _(
        "The voter roll was published on %(published)s, %(days)s days before election day; "
        "the law asks for at least %(required)s."
    ),
)
GATE_CANDIDATES_MISSING = _code(
    "gate.candidates_not_published", E, _("The formal candidate list has not been published.")
)
GATE_CANDIDATES_LATE = _code(
    "gate.candidates_published_late",
    E,
    _(
        "The formal candidate list was published on %(published)s, %(days)s days before election day; "
        "the law asks for at least %(required)s."
    ),
)
GATE_VOTING_NOTICE_MISSING = _code(
    "gate.voting_notice_not_published",
    E,
    _("The time, place and method of the vote have not been announced."),
)
GATE_VOTING_NOTICE_LATE = _code(
    "gate.voting_notice_published_late",
    E,
    _(
        "The voting notice was published on %(published)s, %(days)s days before election day; "
        "the law asks for at least %(required)s."
    ),
)
GATE_VOTING_NOT_HELD = _code(
    "gate.voting_not_recorded",
    E,
    _(
        "The villagers' committee vote has no valid result counted and confirmed on the spot, "
        "or seats are still to be filled by a further round."
    ),
)
GATE_PARTY_NOT_ELECTED = _code(
    "gate.party_not_elected",
    E,
    _(
        "The Party organization has not been elected: the Party members' assembly has no valid result "
        "counted and confirmed."
    ),
)
GATE_RESULT_NOT_APPROVED = _code(
    "gate.result_not_approved", E, _("The township has not approved the villagers' committee result.")
)
GATE_HANDOVER = _code(
    "gate.handover_not_signed_off",
    E,
    _("The handover of seals, archives and assets has not been signed off."),
)
GATE_POSTPONEMENT = _code(
    "gate.postponement_not_approved", E, _("A postponement needs the county's approval.")
)

# Stage moves and step records (lifecycle.workflow).
NOT_ALLOWED = _code("workflow.not_allowed", E, _("You may not change this village's election."))
STAGE_TRANSITION = _code(
    "stage.transition_not_allowed", E, _("The election cannot go from “%(from)s” to “%(to)s”.")
)
STAGE_RESUME = _code(
    "stage.resume_other_stage",
    E,
    _("A postponed election resumes at the stage it was postponed in (“%(stage)s”)."),
)
STAGE_CHANGED = _code("stage.changed_meanwhile", E, _("The stage was changed meanwhile; reload the page."))
NOTHING_TO_CATCH_UP = _code(
    "stage.nothing_to_catch_up", E, _("The records do not show a later stage than the present one.")
)
ELECTION_DAY_FIXED = _code(
    "stage.election_day_fixed", E, _("The vote has taken place: the election day can no longer be moved.")
)
ELECTION_DAY_PAST = _code(
    "stage.election_day_past", E, _("The election day %(day)s has passed: choose a day from today on.")
)
ELECTION_DAY_TOO_CLOSE = _code(
    "stage.election_day_too_close",
    E,
    _(
        "%(day)s is only %(days)s days away: %(what)s can no longer be published in time before it. "
        "Save it anyway only if you know why; your confirmation is recorded."
    ),
)
STEP_NOT_APPLICABLE_HERE = _code(
    "step.not_for_this_village", E, _("This step does not belong to this village's checklist.")
)
STEP_STAGE_NOT_REACHED = _code(
    "step.stage_not_reached",
    E,
    _("This step belongs to the stage “%(stage)s”, which the village has not reached."),
)
STEP_POSTPONED = _code(
    "step.village_postponed", E, _("The election is postponed: only preparation steps can be recorded.")
)
STEP_DERIVED = _code(
    "step.recorded_elsewhere", E, _("This step is completed from %(source)s, not recorded here.")
)
STEP_DATE_MISSING = _code("step.done_on_missing", E, _("Give the date the step was done."))
STEP_DATE_FUTURE = _code("step.date_in_future", E, _("The date cannot be later than today."))
STEP_OPENED_MISSING = _code(
    "step.opened_on_missing", E, _("Give the date the step was opened (e.g. the objection was received).")
)
STEP_DONE_BEFORE_OPENED = _code(
    "step.done_before_opened", E, _("A step cannot be done before it was opened.")
)
STEP_NOT_RECORDED = _code("step.not_recorded", E, _("Record the step before attaching documents."))
STEP_NOT_REQUIRED_ONLY = _code(
    "step.required_not_applicable", E, _("Only an optional step can be marked not applicable.")
)
DOCUMENT_TYPE = _code(
    "document.type_not_allowed",
    E,
    _("Only PDF, JPG, PNG, Word (docx) and Excel (xlsx) files can be attached."),
)
DOCUMENT_CONTENT = _code("document.content_mismatch", E, _("The file's content is not a %(kind)s file."))
DOCUMENT_SIZE = _code("document.too_large", E, _("The file is larger than %(limit)s MB."))
DOCUMENT_EMPTY = _code("document.empty", E, _("The file is empty."))

# Exceptions the county approves.
EXCEPTION_REASON = _code("exception.reason_required", E, _("Give the reason for the exception."))
EXCEPTION_PENDING = _code(
    "exception.already_requested", E, _("An exception of this kind is already waiting for the county.")
)
EXCEPTION_DECIDED = _code("exception.already_decided", E, _("This exception has already been decided."))
EXCEPTION_COUNTY_ONLY = _code(
    "exception.county_only", E, _("Only the county organization department decides exceptions.")
)
EXCEPTION_POSTPONED = _code(
    "exception.already_postponed", E, _("This election cannot be postponed in its present stage.")
)

# Handover.
HANDOVER_STAGE = _code(
    "handover.stage_not_reached",
    E,
    _("The handover is recorded once the village reaches the handover stage."),
)
HANDOVER_SIGNED = _code(
    "handover.already_signed_off", E, _("The handover is signed off and can no longer be changed.")
)
HANDOVER_DATE = _code(
    "handover.date_invalid", E, _("The handover cannot be dated before the result or after today.")
)
HANDOVER_ITEMS_MISSING = _code(
    "handover.items_missing", E, _("List the seals, archives, funds, assets and resources handed over.")
)
HANDOVER_ITEM_UNCOUNTED = _code(
    "handover.item_not_received", E, _("The new team has not confirmed every item of the list.")
)
HANDOVER_ITEM_MISMATCH = _code(
    "handover.item_mismatch_unexplained",
    E,
    _("An item was received in a different quantity: record the problem and how it was resolved."),
)
HANDOVER_PROBLEM_OPEN = _code(
    "handover.problem_unresolved", E, _("Every problem found in the handover must be resolved first.")
)
HANDOVER_SIGNATURES = _code(
    "handover.signatures_missing", E, _("Both teams must sign, and the date of the handover must be given.")
)

MESSAGES = CATALOGUE.messages

del E

# What to do when a gate is closed: shown under the gate's message.
REMEDIES = {
    GATE_AUDIT: _("Complete the audit on the village's outgoing audit page."),
    GATE_RED: _(
        "Rectify the village until the risk rating clears it, or ask the county to approve its close-out."
    ),
    GATE_ELECTION_DAY: _("Set the election day first."),
    GATE_ROLL_MISSING: _("Publish the voter roll at least %(required)s days before election day."),
    GATE_ROLL_LATE: _("Move the election day so that the roll stands for at least %(required)s days."),
    GATE_CANDIDATES_MISSING: _(
        "Publish the formal candidate list on its notice page at least %(required)s days before election day."
    ),
    GATE_CANDIDATES_LATE: _("Move the election day so that the list stands for at least %(required)s days."),
    GATE_VOTING_NOTICE_MISSING: _(
        "Publish the voting notice (time, place and method) at least %(required)s days before election day."
    ),
    GATE_VOTING_NOTICE_LATE: _(
        "Move the election day so that the notice stands for at least %(required)s days."
    ),
    GATE_VOTING_NOT_HELD: _(
        "On the ballots page, enter every tally sheet twice, reconcile, count and confirm the result; "
        "a void vote is held again, unfilled seats go to a further round."
    ),
    GATE_RESULT_NOT_APPROVED: _("Approve the confirmed result on the ballots results page."),
    GATE_PARTY_NOT_ELECTED: _(
        "The villagers' committee election follows the Party organization's: count and confirm the Party "
        "members' assembly vote on the ballots page first."
    ),
    GATE_HANDOVER: _("List the handover, resolve its problems and sign it off on the handover page."),
    GATE_POSTPONEMENT: _("Ask the county for a postponement; the county approves it."),
}
