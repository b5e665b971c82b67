"""The catalogue of rule codes of candidate vetting (人选把关), DOMAIN.md "Candidate vetting".

Every finding the candidates app reports has a stable dotted code, a message and a default severity
(STYLE.md, "Errors and messages"). Messages are English msgids translated by the Simplified Chinese
catalogue, with ``%(name)s`` placeholders filled from the finding's parameters; tests assert codes,
never wording.

Severities:
- ``block``: the nominee cannot stand (a negative-list hit, a failed review, a close relative…);
- ``approval``: an "in principle" limit is breached; it passes once the county approves a recorded
  justification (原则上… 报县委组织部研究);
- ``pending``: a step of the vetting is not done yet (a department has not answered);
- ``warning``: shown to the township, which decides; it never holds a nominee up.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Severity(StrEnum):
    BLOCK = "block"
    APPROVAL = "approval"
    PENDING = "pending"
    WARNING = "warning"


# Age and education at the cycle's reference date ("in principle" unless the cycle makes them hard).
HEAD_OVER_AGE = "candidate.head_over_age"
NEW_HEAD_OVER_AGE = "candidate.new_head_over_age"
DEPUTY_OVER_AGE = "candidate.deputy_over_age"
NEW_ENTRANT_OVER_AGE = "candidate.new_entrant_over_age"
NEW_ENTRANT_EDUCATION = "candidate.new_entrant_education"

# Membership, avoidance and exclusions.
PARTY_MEMBERSHIP_REQUIRED = "candidate.party_membership_required"
SUPERVISION_CHAIR_NOT_PARTY_MEMBER = "candidate.supervision_chair_not_party_member"
CLOSE_RELATIVE = "candidate.close_relative"
ELECTION_COMMITTEE_MEMBER = "candidate.election_committee_member"
SUPERVISION_COMMITTEE_MEMBER = "candidate.supervision_committee_member"
SUPERVISION_COMMITTEE_RELATIVE = "candidate.supervision_committee_relative"
SUPERVISION_VILLAGE_POST = "candidate.supervision_village_post"
NOT_ON_ROLL = "candidate.not_on_roll"

# The negative list "十不选" and the joint qualification review (资格联审).
NEGATIVE_LIST_HIT = "candidate.negative_list_hit"
NEGATIVE_LIST_INCOMPLETE = "candidate.negative_list_incomplete"
FIRST_REVIEW_PENDING = "candidate.first_review_pending"
FIRST_REVIEW_FAILED = "candidate.first_review_failed"
REVIEWS_NOT_REQUESTED = "candidate.reviews_not_requested"
REVIEW_PENDING = "candidate.review_pending"
REVIEW_FAILED = "candidate.review_failed"

# Inspection (考察) and commitments (承诺).
INSPECTION_UNSUITABLE = "candidate.inspection_unsuitable"
INSPECTION_MISSING = "candidate.inspection_missing"
COMMITMENTS_UNSIGNED = "candidate.commitments_unsigned"

# Counts per body.
PARTY_INITIAL_TOO_FEW = "candidate.party_initial_too_few"
PRELIMINARY_COUNT = "candidate.preliminary_count"
COMMITTEE_TOO_FEW_NOMINEES = "candidate.committee_too_few_nominees"
COMMITTEE_NOT_COMPETITIVE = "candidate.committee_not_competitive"
CHAIR_NOT_COMPETITIVE = "candidate.chair_not_competitive"
SUPERVISION_TOO_FEW = "candidate.supervision_too_few"
NO_WOMAN_NOMINEE = "candidate.no_woman_nominee"
NO_WOMAN_CANDIDATE = "candidate.no_woman_candidate"
WOMEN_RULE_APPLIED = "candidate.women_rule_applied"
PREVIOUS_TERM_MISSING = "candidate.previous_term_missing"

# The villagers' election committee (村民选举委员会).
ELECTION_COMMITTEE_RELATIVES = "candidate.election_committee_relatives"
ELECTION_COMMITTEE_SIZE = "candidate.election_committee_size"

# Structure of the team (slate, then result).
TEAM_SIZE = "candidate.team_size"
TEAM_NO_WOMAN_ON_COMMITTEE = "candidate.team_no_woman_on_committee"
TEAM_WOMEN_BELOW_TARGET = "candidate.team_women_below_target"
TEAM_NO_YOUNG_GRADUATE = "candidate.team_no_young_graduate"
TEAM_PAID_POSTS = "candidate.team_paid_posts"
TEAM_NO_ONE_SHOULDER = "candidate.team_no_one_shoulder"
TEAM_NO_CROSS_HOLDING = "candidate.team_no_cross_holding"
TEAM_FIGURE_NOT_IMPROVED = "candidate.team_figure_not_improved"

# Public notices (公示 / 张榜公布).
FORMAL_LIST_LATE = "candidate.formal_list_late"
ELECTION_DAY_MISSING = "candidate.election_day_missing"
UNKNOWN_CHARACTERS = "candidate.unknown_characters"

# Errors of the services (raised as ValidationError(message, code=...)).
POSITION_NOT_IN_BODY = "candidate.position_not_in_body"
SOURCE_NOT_ALLOWED = "candidate.source_not_allowed"
JOINT_NEEDS_TEN = "candidate.joint_needs_ten"
NOMINATORS_REQUIRED = "candidate.nominators_required"
ALREADY_NOMINATED = "candidate.already_nominated"
RESIDENT_OUTSIDE_VILLAGE = "candidate.resident_outside_village"
FIRST_REVIEW_REQUIRED = "candidate.first_review_required"
REVIEW_ALREADY_DECIDED = "candidate.review_already_decided"
NOTE_REQUIRED = "candidate.note_required"
NOT_YOUR_UNIT = "candidate.not_your_unit"
NO_UNITS = "candidate.no_units"
EVIDENCE_REQUIRED = "candidate.evidence_required"
JUSTIFICATION_REQUIRED = "candidate.justification_required"
NO_SUCH_BREACH = "candidate.no_such_breach"
APPROVAL_EXISTS = "candidate.approval_exists"
APPROVAL_ALREADY_DECIDED = "candidate.approval_already_decided"
NOT_QUALIFIED = "candidate.not_qualified"
TRANSITION_NOT_ALLOWED = "candidate.transition_not_allowed"
NEGATIVE_LIST_FULL = "candidate.negative_list_full"
NOT_SEATED = "candidate.not_seated"
PREVIOUS_TERM_ROW_INVALID = "candidate.previous_term_row_invalid"
WRONG_ELECTION = "candidate.wrong_election"
NOTICE_EMPTY = "candidate.notice_empty"
NOTICE_AFTER_VOTE = "candidate.notice_after_vote"
NOTICE_IN_FUTURE = "candidate.notice_in_future"

MESSAGES = {
    NOTICE_AFTER_VOTE: _(
        "A list published on %(published)s, after the election day %(day)s, cannot have stood before the vote."
    ),
    NOTICE_IN_FUTURE: _(
        "The publication day %(published)s has not come yet: record it on the day it is put up."
    ),
    NOTICE_EMPTY: _(
        "Nobody is on this list yet: choose the candidates on the vetting page (determine the formal "
        "candidates) before the list is published."
    ),
    HEAD_OVER_AGE: _(
        "Born %(born)s, over %(limit)s on the reference date %(date)s: secretary and chair nominees are in "
        "principle not over %(limit)s"
    ),
    NEW_HEAD_OVER_AGE: _(
        "Born %(born)s, over %(limit)s on the reference date %(date)s: a newly nominated secretary or chair is "
        "in principle not over %(limit)s"
    ),
    DEPUTY_OVER_AGE: _(
        "Born %(born)s, over %(limit)s on the reference date %(date)s: deputies are in principle not over "
        "%(limit)s"
    ),
    NEW_ENTRANT_OVER_AGE: _(
        "New to the team and over %(limit)s on the reference date: new entrants are preferably %(limit)s or younger"
    ),
    NEW_ENTRANT_EDUCATION: _(
        "New to the team without senior secondary education: new entrants preferably have it"
    ),
    PARTY_MEMBERSHIP_REQUIRED: _("Not a Party member: the Party committee's positions need one"),
    SUPERVISION_CHAIR_NOT_PARTY_MEMBER: _(
        "Not a Party member: the supervision chair is normally the Party discipline member"
    ),
    CLOSE_RELATIVE: _("Close relative of nominee %(other)s (%(relation)s): one of the two must step back"),
    ELECTION_COMMITTEE_MEMBER: _(
        "Member of the villagers' election committee: must withdraw from it before standing"
    ),
    SUPERVISION_COMMITTEE_MEMBER: _(
        "Stands for the villagers' committee: its members cannot sit on the supervision committee"
    ),
    SUPERVISION_COMMITTEE_RELATIVE: _(
        "Close relative of villagers' committee nominee %(other)s (%(relation)s): excluded from the "
        "supervision committee"
    ),
    SUPERVISION_VILLAGE_POST: _(
        "Holds the village post of %(post)s: excluded from the supervision committee"
    ),
    NOT_ON_ROLL: _("Not on this village's voter roll"),
    NEGATIVE_LIST_HIT: _("Negative list item %(number)s applies: %(item)s"),
    NEGATIVE_LIST_INCOMPLETE: _("%(missing)s of %(total)s negative-list items not yet answered"),
    FIRST_REVIEW_PENDING: _("Awaiting the township's first review"),
    FIRST_REVIEW_FAILED: _("Failed the township's first review: %(note)s"),
    REVIEWS_NOT_REQUESTED: _("Not yet sent to the joint-review departments"),
    REVIEW_PENDING: _("Awaiting the review of %(unit)s"),
    REVIEW_FAILED: _("Failed the review of %(unit)s: %(note)s"),
    INSPECTION_UNSUITABLE: _("The inspection found the nominee unsuitable"),
    INSPECTION_MISSING: _("Not yet inspected"),
    COMMITMENTS_UNSIGNED: _("Not yet signed: %(kinds)s"),
    PARTY_INITIAL_TOO_FEW: _(
        "%(count)s initial candidates for %(seats)s seats: at least %(minimum)s are needed (1.5 times the seats)"
    ),
    PRELIMINARY_COUNT: _(
        "The preliminary list has %(count)s names: it must have the seats plus one, %(expected)s"
    ),
    COMMITTEE_TOO_FEW_NOMINEES: _(
        "%(count)s nominees for %(seats)s seats: there must be more candidates than seats"
    ),
    COMMITTEE_NOT_COMPETITIVE: _(
        "%(count)s formal candidates for %(seats)s seats: there must be more candidates than seats"
    ),
    CHAIR_NOT_COMPETITIVE: _(
        "%(count)s formal candidates for chair: there must be at least two for the one seat"
    ),
    SUPERVISION_TOO_FEW: _("%(count)s nominees for %(seats)s supervision seats"),
    NO_WOMAN_NOMINEE: _("No woman has been nominated for the villagers' committee"),
    NO_WOMAN_CANDIDATE: _("No woman is among the formal candidates of the villagers' committee"),
    WOMEN_RULE_APPLIED: _(
        "%(name)s was added as the woman with the most nomination votes (%(votes)s), as no woman was "
        "among the candidates"
    ),
    PREVIOUS_TERM_MISSING: _(
        "The previous term's members are not imported: new entrants cannot be told from sitting cadres"
    ),
    ELECTION_COMMITTEE_RELATIVES: _(
        "Election committee members %(first)s and %(second)s are close relatives (%(relation)s)"
    ),
    ELECTION_COMMITTEE_SIZE: _(
        "The election committee has %(count)s members: usually at least 5, an odd number"
    ),
    TEAM_SIZE: _("The team has %(count)s members: it should have %(minimum)s to %(maximum)s"),
    TEAM_NO_WOMAN_ON_COMMITTEE: _("No woman on the villagers' committee: at least one is required"),
    TEAM_WOMEN_BELOW_TARGET: _(
        "Women are %(share)s%% of the villagers' committee: the target is %(target)s%%"
    ),
    TEAM_NO_YOUNG_GRADUATE: _("No member aged %(age)s or under with a college degree"),
    TEAM_PAID_POSTS: _("%(count)s paid posts for a population of %(population)s: the range is %(range)s"),
    TEAM_NO_ONE_SHOULDER: _("The Party secretary does not also stand as chair (one shoulder)"),
    TEAM_NO_CROSS_HOLDING: _("No member holds posts on both committees (cross-holding)"),
    TEAM_FIGURE_NOT_IMPROVED: _("%(figure)s: %(now)s against %(before)s last term, not improved"),
    FORMAL_LIST_LATE: _(
        "The formal candidate list must be published by %(deadline)s (%(days)s days before election day); "
        "%(when)s is %(late)s days late"
    ),
    ELECTION_DAY_MISSING: _("The election day is not set: the publication deadline cannot be computed"),
    UNKNOWN_CHARACTERS: _("%(name)s: characters %(characters)s are not in the stroke data; check the order"),
    POSITION_NOT_IN_BODY: _("This position does not belong to this body"),
    SOURCE_NOT_ALLOWED: _("This way of nominating is not used for this body"),
    JOINT_NEEDS_TEN: _("A joint nomination needs at least 10 voters"),
    NOMINATORS_REQUIRED: _("Give the number of voters who nominated this person"),
    ALREADY_NOMINATED: _("This person is already nominated for this body"),
    RESIDENT_OUTSIDE_VILLAGE: _("This person is not a resident of the village"),
    FIRST_REVIEW_REQUIRED: _("The township's first review must be passed before the departments review"),
    REVIEW_ALREADY_DECIDED: _("This review has already been decided"),
    NOTE_REQUIRED: _("A note is required for this decision"),
    NOT_YOUR_UNIT: _("This review is addressed to another unit"),
    NO_UNITS: _("Choose at least one department"),
    EVIDENCE_REQUIRED: _("Every answer needs its evidence"),
    JUSTIFICATION_REQUIRED: _("A justification is required"),
    NO_SUCH_BREACH: _("The nominee has no breach of this rule that needs approval"),
    APPROVAL_EXISTS: _("An approval for this rule is already requested or granted"),
    APPROVAL_ALREADY_DECIDED: _("This approval has already been decided"),
    NOT_QUALIFIED: _("%(name)s is not qualified and cannot be listed"),
    TRANSITION_NOT_ALLOWED: _("This change of state is not allowed"),
    NEGATIVE_LIST_FULL: _("The negative list may have at most %(limit)s items"),
    NOT_SEATED: _("This person does not sit on the election committee"),
    PREVIOUS_TERM_ROW_INVALID: _("Line %(line)s cannot be read: %(reason)s"),
    WRONG_ELECTION: _("This record belongs to another village election"),
}

SEVERITY = dict.fromkeys(MESSAGES, Severity.BLOCK) | {
    HEAD_OVER_AGE: Severity.APPROVAL,
    NEW_HEAD_OVER_AGE: Severity.APPROVAL,
    DEPUTY_OVER_AGE: Severity.APPROVAL,
    NEW_ENTRANT_OVER_AGE: Severity.WARNING,
    NEW_ENTRANT_EDUCATION: Severity.WARNING,
    SUPERVISION_CHAIR_NOT_PARTY_MEMBER: Severity.WARNING,
    NOT_ON_ROLL: Severity.WARNING,
    NEGATIVE_LIST_INCOMPLETE: Severity.PENDING,
    FIRST_REVIEW_PENDING: Severity.PENDING,
    REVIEWS_NOT_REQUESTED: Severity.PENDING,
    REVIEW_PENDING: Severity.PENDING,
    INSPECTION_MISSING: Severity.WARNING,
    COMMITMENTS_UNSIGNED: Severity.WARNING,
    SUPERVISION_TOO_FEW: Severity.WARNING,
    WOMEN_RULE_APPLIED: Severity.WARNING,
    PREVIOUS_TERM_MISSING: Severity.WARNING,
    ELECTION_COMMITTEE_SIZE: Severity.WARNING,
    TEAM_SIZE: Severity.WARNING,
    TEAM_WOMEN_BELOW_TARGET: Severity.WARNING,
    TEAM_NO_YOUNG_GRADUATE: Severity.WARNING,
    TEAM_PAID_POSTS: Severity.WARNING,
    TEAM_NO_ONE_SHOULDER: Severity.WARNING,
    TEAM_NO_CROSS_HOLDING: Severity.WARNING,
    TEAM_FIGURE_NOT_IMPROVED: Severity.WARNING,
    ELECTION_DAY_MISSING: Severity.WARNING,
    UNKNOWN_CHARACTERS: Severity.WARNING,
}

# Codes an "in principle" breach can carry: the township may ask the county to approve them.
APPROVABLE = frozenset({HEAD_OVER_AGE, NEW_HEAD_OVER_AGE, DEPUTY_OVER_AGE})


def message(code: str, params: dict | None = None) -> str:
    """The translated message of ``code`` with its parameters filled in."""
    text = str(MESSAGES[code])
    return text % params if params else text


# The department's inbox: a bulk "no finding" with nothing chosen.
NO_REVIEWS_CHOSEN = "candidate.no_reviews_chosen"
MESSAGES[NO_REVIEWS_CHOSEN] = _("Choose the requests to which you give “no finding”")
SEVERITY[NO_REVIEWS_CHOSEN] = Severity.BLOCK
