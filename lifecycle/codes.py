"""The catalogue of rule codes of the workflow (STYLE.md, "Errors and messages").

Every rule the workflow services and gates enforce raises a ValidationError with one of these codes and
its message (an English msgid the Chinese catalogue translates); tests assert codes, never wording. A gate
adds what to do (REMEDIES) to its message. All of them block: the workflow has no warnings; late steps
are flagged on the boards instead (lifecycle.progress).
"""

from django.utils.translation import gettext_lazy as _

# Gates (lifecycle.gates): a stage move or a step refused until something else is done.
GATE_AUDIT = "gate.audit_not_completed"
GATE_RED = "gate.red_village_open"
GATE_ELECTION_DAY = "gate.election_day_missing"
GATE_ROLL_MISSING = "gate.roll_not_published"
GATE_ROLL_LATE = "gate.roll_published_late"
GATE_CANDIDATES_MISSING = "gate.candidates_not_published"
GATE_CANDIDATES_LATE = "gate.candidates_published_late"
GATE_VOTING_NOTICE_MISSING = "gate.voting_notice_not_published"
GATE_VOTING_NOTICE_LATE = "gate.voting_notice_published_late"
GATE_VOTING_NOT_HELD = "gate.voting_not_recorded"
GATE_PARTY_NOT_ELECTED = "gate.party_not_elected"
GATE_RESULT_NOT_APPROVED = "gate.result_not_approved"
GATE_HANDOVER = "gate.handover_not_signed_off"
GATE_POSTPONEMENT = "gate.postponement_not_approved"

# Stage moves and step records (lifecycle.workflow).
NOT_ALLOWED = "workflow.not_allowed"
STAGE_TRANSITION = "stage.transition_not_allowed"
STAGE_RESUME = "stage.resume_other_stage"
STAGE_CHANGED = "stage.changed_meanwhile"
NOTHING_TO_CATCH_UP = "stage.nothing_to_catch_up"
ELECTION_DAY_FIXED = "stage.election_day_fixed"
ELECTION_DAY_PAST = "stage.election_day_past"
ELECTION_DAY_TOO_CLOSE = "stage.election_day_too_close"
STEP_NOT_APPLICABLE_HERE = "step.not_for_this_village"
STEP_STAGE_NOT_REACHED = "step.stage_not_reached"
STEP_POSTPONED = "step.village_postponed"
STEP_DERIVED = "step.recorded_elsewhere"
STEP_DATE_MISSING = "step.done_on_missing"
STEP_DATE_FUTURE = "step.date_in_future"
STEP_OPENED_MISSING = "step.opened_on_missing"
STEP_DONE_BEFORE_OPENED = "step.done_before_opened"
STEP_NOT_REQUIRED_ONLY = "step.required_not_applicable"
DOCUMENT_TYPE = "document.type_not_allowed"
DOCUMENT_CONTENT = "document.content_mismatch"
DOCUMENT_SIZE = "document.too_large"
DOCUMENT_EMPTY = "document.empty"

# Exceptions the county approves.
EXCEPTION_REASON = "exception.reason_required"
EXCEPTION_PENDING = "exception.already_requested"
EXCEPTION_DECIDED = "exception.already_decided"
EXCEPTION_COUNTY_ONLY = "exception.county_only"
EXCEPTION_POSTPONED = "exception.already_postponed"

# Handover.
HANDOVER_STAGE = "handover.stage_not_reached"
HANDOVER_SIGNED = "handover.already_signed_off"
HANDOVER_DATE = "handover.date_invalid"
HANDOVER_ITEMS_MISSING = "handover.items_missing"
HANDOVER_ITEM_UNCOUNTED = "handover.item_not_received"
HANDOVER_ITEM_MISMATCH = "handover.item_mismatch_unexplained"
HANDOVER_PROBLEM_OPEN = "handover.problem_unresolved"
HANDOVER_SIGNATURES = "handover.signatures_missing"

MESSAGES = {
    GATE_AUDIT: _("The outgoing economic audit of this village is not completed."),
    GATE_RED: _("This village is rated red and has not been closed out."),
    GATE_ELECTION_DAY: _("The election day of this village is not set."),
    GATE_ROLL_MISSING: _("The voter roll has not been published."),
    GATE_ROLL_LATE: _(
        "The voter roll was published on %(published)s, %(days)s days before election day; "
        "the law asks for at least %(required)s."
    ),
    GATE_CANDIDATES_MISSING: _("The formal candidate list has not been published."),
    GATE_CANDIDATES_LATE: _(
        "The formal candidate list was published on %(published)s, %(days)s days before election day; "
        "the law asks for at least %(required)s."
    ),
    GATE_VOTING_NOTICE_MISSING: _("The time, place and method of the vote have not been announced."),
    GATE_VOTING_NOTICE_LATE: _(
        "The voting notice was published on %(published)s, %(days)s days before election day; "
        "the law asks for at least %(required)s."
    ),
    GATE_VOTING_NOT_HELD: _(
        "The villagers' committee vote has no valid result counted and confirmed on the spot, "
        "or seats are still to be filled by a further round."
    ),
    GATE_RESULT_NOT_APPROVED: _("The township has not approved the villagers' committee result."),
    GATE_PARTY_NOT_ELECTED: _(
        "The Party organization has not been elected: the Party members' assembly has no valid result "
        "counted and confirmed."
    ),
    GATE_HANDOVER: _("The handover of seals, archives and assets has not been signed off."),
    GATE_POSTPONEMENT: _("A postponement needs the county's approval."),
    NOT_ALLOWED: _("You may not change this village's election."),
    STAGE_TRANSITION: _("The election cannot go from “%(from)s” to “%(to)s”."),
    STAGE_RESUME: _("A postponed election resumes at the stage it was postponed in (“%(stage)s”)."),
    STAGE_CHANGED: _("The stage was changed meanwhile; reload the page."),
    NOTHING_TO_CATCH_UP: _("The records do not show a later stage than the present one."),
    ELECTION_DAY_FIXED: _("The vote has taken place: the election day can no longer be moved."),
    ELECTION_DAY_PAST: _("The election day %(day)s has passed: choose a day from today on."),
    ELECTION_DAY_TOO_CLOSE: _(
        "%(day)s is only %(days)s days away: %(what)s can no longer be published in time before it. "
        "Save it anyway only if you know why; your confirmation is recorded."
    ),
    STEP_NOT_APPLICABLE_HERE: _("This step does not belong to this village's checklist."),
    STEP_STAGE_NOT_REACHED: _(
        "This step belongs to the stage “%(stage)s”, which the village has not reached."
    ),
    STEP_POSTPONED: _("The election is postponed: only preparation steps can be recorded."),
    STEP_DERIVED: _("This step is completed from %(source)s, not recorded here."),
    STEP_DATE_MISSING: _("Give the date the step was done."),
    STEP_DATE_FUTURE: _("The date cannot be later than today."),
    STEP_OPENED_MISSING: _("Give the date the step was opened (e.g. the objection was received)."),
    STEP_DONE_BEFORE_OPENED: _("A step cannot be done before it was opened."),
    STEP_NOT_REQUIRED_ONLY: _("Only an optional step can be marked not applicable."),
    DOCUMENT_TYPE: _("Only PDF, JPG, PNG, Word (docx) and Excel (xlsx) files can be attached."),
    DOCUMENT_CONTENT: _("The file's content is not a %(kind)s file."),
    DOCUMENT_SIZE: _("The file is larger than %(limit)s MB."),
    DOCUMENT_EMPTY: _("The file is empty."),
    EXCEPTION_REASON: _("Give the reason for the exception."),
    EXCEPTION_PENDING: _("An exception of this kind is already waiting for the county."),
    EXCEPTION_DECIDED: _("This exception has already been decided."),
    EXCEPTION_COUNTY_ONLY: _("Only the county organization department decides exceptions."),
    EXCEPTION_POSTPONED: _("This election cannot be postponed in its present stage."),
    HANDOVER_STAGE: _("The handover is recorded once the village reaches the handover stage."),
    HANDOVER_SIGNED: _("The handover is signed off and can no longer be changed."),
    HANDOVER_DATE: _("The handover cannot be dated before the result or after today."),
    HANDOVER_ITEMS_MISSING: _("List the seals, archives, funds, assets and resources handed over."),
    HANDOVER_ITEM_UNCOUNTED: _("The new team has not confirmed every item of the list."),
    HANDOVER_ITEM_MISMATCH: _(
        "An item was received in a different quantity: record the problem and how it was resolved."
    ),
    HANDOVER_PROBLEM_OPEN: _("Every problem found in the handover must be resolved first."),
    HANDOVER_SIGNATURES: _("Both teams must sign, and the date of the handover must be given."),
}

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
