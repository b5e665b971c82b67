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
- ``warning``: shown to the township, which decides; it never holds a nominee up. Its codes end in
  ``.W`` (elections.codes: one catalogue shape for every app).
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from elections.codes import Catalogue


class Severity(StrEnum):
    BLOCK = "block"
    APPROVAL = "approval"
    PENDING = "pending"
    WARNING = "warning"  # the value elections.codes knows as a warning's: its codes end in ".W"


CATALOGUE = Catalogue("candidates")
_code = CATALOGUE.code
B, A, P, W = Severity.BLOCK, Severity.APPROVAL, Severity.PENDING, Severity.WARNING


# Age and education at the cycle's reference date ("in principle" unless the cycle makes them hard).
HEAD_OVER_AGE = _code(
    "candidate.head_over_age",
    A,
    _(
        "Born %(born)s, over %(limit)s on the reference date %(date)s: secretary and chair nominees are in "
        "principle not over %(limit)s"
    ),
)
NEW_HEAD_OVER_AGE = _code(
    "candidate.new_head_over_age",
    A,
    _(
        "Born %(born)s, over %(limit)s on the reference date %(date)s: a newly nominated secretary or chair is "
        "in principle not over %(limit)s"
    ),
)
DEPUTY_OVER_AGE = _code(
    "candidate.deputy_over_age",
    A,
    _(
        "Born %(born)s, over %(limit)s on the reference date %(date)s: deputies are in principle not over "
        "%(limit)s"
    ),
)
NEW_ENTRANT_OVER_AGE = _code(
    "candidate.new_entrant_over_age.W",
    W,
    _(
        "New to the team and over %(limit)s on the reference date: new entrants are preferably %(limit)s or younger"
    ),
)
NEW_ENTRANT_EDUCATION = _code(
    "candidate.new_entrant_education.W",
    W,
    _("New to the team without senior secondary education: new entrants preferably have it"),
)

# Membership, avoidance and exclusions.
PARTY_MEMBERSHIP_REQUIRED = _code(
    "candidate.party_membership_required",
    B,
    _("Not a Party member: the Party committee's positions need one"),
)
SUPERVISION_CHAIR_NOT_PARTY_MEMBER = _code(
    "candidate.supervision_chair_not_party_member.W",
    W,
    _("Not a Party member: the supervision chair is normally the Party discipline member"),
)
CLOSE_RELATIVE = _code(
    "candidate.close_relative",
    B,
    _("Close relative of nominee %(other)s (%(relation)s): one of the two must step back"),
)
ELECTION_COMMITTEE_MEMBER = _code(
    "candidate.election_committee_member",
    B,
    _("Member of the villagers' election committee: must withdraw from it before standing"),
)
SUPERVISION_COMMITTEE_MEMBER = _code(
    "candidate.supervision_committee_member",
    B,
    _("Stands for the villagers' committee: its members cannot sit on the supervision committee"),
)
SUPERVISION_COMMITTEE_RELATIVE = _code(
    "candidate.supervision_committee_relative",
    B,
    _(
        "Close relative of villagers' committee nominee %(other)s (%(relation)s): excluded from the "
        "supervision committee"
    ),
)
SUPERVISION_VILLAGE_POST = _code(
    "candidate.supervision_village_post",
    B,
    _("Holds the village post of %(post)s: excluded from the supervision committee"),
)
NOT_ON_ROLL = _code("candidate.not_on_roll.W", W, _("Not on this village's voter roll"))

# The negative list "十不选" and the joint qualification review (资格联审).
NEGATIVE_LIST_HIT = _code(
    "candidate.negative_list_hit", B, _("Negative list item %(number)s applies: %(item)s")
)
NEGATIVE_RECORD_HIT = _code(
    "candidate.negative_record_hit",
    B,
    _("Negative list item %(number)s applies, by the records: %(evidence)s"),
)
NEGATIVE_RECORD_STANDS = _code(
    "candidate.negative_record_stands",
    B,
    _(
        "Item %(number)s cannot be answered “does not apply”: %(evidence)s. If the record is wrong, have it "
        "corrected where it was made."
    ),
)
ANSWER_SOURCE_REQUIRED = _code(
    "candidate.answer_source_required", B, _("Say where the answer to item %(number)s comes from")
)
VOID_ALREADY_DECIDED = _code("candidate.void_already_decided", B, _("This decision has already been taken"))
VOID_NOT_ELECTED = _code(
    "candidate.void_not_elected", B, _("Only an elected person's election can be declared void")
)
VOID_NOT_ALLOWED = _code(
    "candidate.void_not_allowed", B, _("Only the county decides whether an election is void")
)
VOID_NOTE_REQUIRED = _code("candidate.void_note_required", B, _("Write down the grounds of the decision"))
NEGATIVE_LIST_INCOMPLETE = _code(
    "candidate.negative_list_incomplete",
    P,
    _("%(missing)s of %(total)s negative-list items not yet answered"),
)
FIRST_REVIEW_PENDING = _code("candidate.first_review_pending", P, _("Awaiting the township's first review"))
FIRST_REVIEW_FAILED = _code(
    "candidate.first_review_failed", B, _("Failed the township's first review: %(note)s")
)
REVIEWS_NOT_REQUESTED = _code(
    "candidate.reviews_not_requested", P, _("Not yet sent to the joint-review departments")
)
REVIEW_PENDING = _code("candidate.review_pending", P, _("Awaiting the review of %(unit)s"))
REVIEW_FAILED = _code("candidate.review_failed", B, _("Failed the review of %(unit)s: %(note)s"))

# Inspection (考察) and commitments (承诺).
INSPECTION_UNSUITABLE = _code(
    "candidate.inspection_unsuitable", B, _("The inspection found the nominee unsuitable")
)
INSPECTION_MISSING = _code("candidate.inspection_missing.W", W, _("Not yet inspected"))
COMMITMENTS_UNSIGNED = _code("candidate.commitments_unsigned.W", W, _("Not yet signed: %(kinds)s"))

# Counts per body.
PARTY_INITIAL_TOO_FEW = _code(
    "candidate.party_initial_too_few",
    B,
    _(
        "%(count)s initial candidates for %(seats)s seats: at least %(minimum)s are needed (1.5 times the seats)"
    ),
)
PRELIMINARY_COUNT = _code(
    "candidate.preliminary_count",
    B,
    _("The preliminary list has %(count)s names: it must have the seats plus one, %(expected)s"),
)
COMMITTEE_TOO_FEW_NOMINEES = _code(
    "candidate.committee_too_few_nominees",
    B,
    _("%(count)s nominees for %(seats)s seats: there must be more candidates than seats"),
)
COMMITTEE_NOT_COMPETITIVE = _code(
    "candidate.committee_not_competitive",
    B,
    _("%(count)s formal candidates for %(seats)s seats: there must be more candidates than seats"),
)
CHAIR_NOT_COMPETITIVE = _code(
    "candidate.chair_not_competitive",
    B,
    _("%(count)s formal candidates for chair: there must be at least two for the one seat"),
)
SUPERVISION_TOO_FEW = _code(
    "candidate.supervision_too_few.W", W, _("%(count)s nominees for %(seats)s supervision seats")
)
NO_WOMAN_NOMINEE = _code(
    "candidate.no_woman_nominee", B, _("No woman has been nominated for the villagers' committee")
)
NO_WOMAN_CANDIDATE = _code(
    "candidate.no_woman_candidate",
    B,
    _("No woman is among the formal candidates of the villagers' committee"),
)
WOMEN_RULE_APPLIED = _code(
    "candidate.women_rule_applied.W",
    W,
    _(
        "%(name)s was added as the woman with the most nomination votes (%(votes)s), as no woman was "
        "among the candidates"
    ),
)
PREVIOUS_TERM_MISSING = _code(
    "candidate.previous_term_missing.W",
    W,
    _("The previous term's members are not imported: new entrants cannot be told from sitting cadres"),
)

# The villagers' election committee (村民选举委员会).
ELECTION_COMMITTEE_RELATIVES = _code(
    "candidate.election_committee_relatives",
    B,
    _("Election committee members %(first)s and %(second)s are close relatives (%(relation)s)"),
)
ELECTION_COMMITTEE_SIZE = _code(
    "candidate.election_committee_size.W",
    W,
    _("The election committee has %(count)s members: usually at least 5, an odd number"),
)

# Structure of the team (slate, then result).
TEAM_SIZE = _code(
    "candidate.team_size.W", W, _("The team has %(count)s members: it should have %(minimum)s to %(maximum)s")
)
TEAM_NO_WOMAN_ON_COMMITTEE = _code(
    "candidate.team_no_woman_on_committee",
    B,
    _("No woman on the villagers' committee: at least one is required"),
)
TEAM_WOMEN_BELOW_TARGET = _code(
    "candidate.team_women_below_target.W",
    W,
    _("Women are %(share)s%% of the villagers' committee: the target is %(target)s%%"),
)
TEAM_NO_YOUNG_GRADUATE = _code(
    "candidate.team_no_young_graduate.W", W, _("No member aged %(age)s or under with a college degree")
)
TEAM_PAID_POSTS = _code(
    "candidate.team_paid_posts.W",
    W,
    _("%(count)s paid posts for a population of %(population)s: the range is %(range)s"),
)
TEAM_NO_ONE_SHOULDER = _code(
    "candidate.team_no_one_shoulder.W",
    W,
    _("The Party secretary does not also stand as chair (one shoulder)"),
)
TEAM_NO_CROSS_HOLDING = _code(
    "candidate.team_no_cross_holding.W", W, _("No member holds posts on both committees (cross-holding)")
)
TEAM_FIGURE_NOT_IMPROVED = _code(
    "candidate.team_figure_not_improved.W",
    W,
    _("%(figure)s: %(now)s against %(before)s last term, not improved"),
)

# Public notices (公示 / 张榜公布).
FORMAL_LIST_LATE = _code(
    "candidate.formal_list_late",
    B,
    _(
        "The formal candidate list must be published by %(deadline)s (%(days)s days before election day); "
        "%(when)s is %(late)s days late"
    ),
)
ELECTION_DAY_MISSING = _code(
    "candidate.election_day_missing.W",
    W,
    _("The election day is not set: the publication deadline cannot be computed"),
)
UNKNOWN_CHARACTERS = _code(
    "candidate.unknown_characters.W",
    W,
    _("%(name)s: characters %(characters)s are not in the stroke data; check the order"),
)

# Errors of the services (raised as ValidationError(message, code=...)).
POSITION_NOT_IN_BODY = _code(
    "candidate.position_not_in_body", B, _("This position does not belong to this body")
)
SOURCE_NOT_ALLOWED = _code(
    "candidate.source_not_allowed", B, _("This way of nominating is not used for this body")
)
JOINT_NEEDS_TEN = _code("candidate.joint_needs_ten", B, _("A joint nomination needs at least 10 voters"))
NOMINATORS_REQUIRED = _code(
    "candidate.nominators_required", B, _("Give the number of voters who nominated this person")
)
ALREADY_NOMINATED = _code(
    "candidate.already_nominated", B, _("This person is already nominated for this body")
)
RESIDENT_OUTSIDE_VILLAGE = _code(
    "candidate.resident_outside_village", B, _("This person is not a resident of the village")
)
NOT_A_REGISTERED_VOTER = _code(
    "candidate.not_a_registered_voter",
    B,
    _(
        "%(name)s is not a registered voter of this village: only voters on the roll can stand for this committee"
    ),
)
NOMINEE_UNDER_AGE = _code(
    "candidate.nominee_under_age", B, _("%(name)s is under 18 on the election day and cannot stand")
)
NOT_A_PARTY_MEMBER = _code(
    "candidate.not_a_party_member",
    B,
    _("%(name)s is not a Party member of the village: only Party members stand for the Party committee"),
)
# The department's inbox: a bulk "no finding" with nothing chosen.
NO_REVIEWS_CHOSEN = _code(
    "candidate.no_reviews_chosen", B, _("Choose the requests to which you give “no finding”")
)
REVIEWS_UNREADABLE = _code("candidate.reviews_unreadable", B, _("Choose the requests again."))
TOO_MANY_REVIEWS = _code("candidate.too_many_reviews", B, _("Choose at most %(most)s requests at a time."))
REMIND_NOT_ALLOWED = _code(
    "candidate.remind_not_allowed", B, _("Only the township office of this village reminds its departments")
)
NOTHING_TO_REMIND = _code(
    "candidate.nothing_to_remind", B, _("%(unit)s has answered every request of this village")
)
REMINDED_TODAY = _code(
    "candidate.reminded_today", B, _("%(unit)s was already reminded today about this village")
)
FIRST_REVIEW_REQUIRED = _code(
    "candidate.first_review_required",
    B,
    _("The township's first review must be passed before the departments review"),
)
REVIEW_ALREADY_DECIDED = _code(
    "candidate.review_already_decided", B, _("This review has already been decided")
)
NOTE_REQUIRED = _code("candidate.note_required", B, _("A note is required for this decision"))
NOT_YOUR_UNIT = _code("candidate.not_your_unit", B, _("This review is addressed to another unit"))
NO_UNITS = _code("candidate.no_units", B, _("Choose at least one department"))
EVIDENCE_REQUIRED = _code("candidate.evidence_required", B, _("Every answer needs its evidence"))
JUSTIFICATION_REQUIRED = _code("candidate.justification_required", B, _("A justification is required"))
NO_SUCH_BREACH = _code(
    "candidate.no_such_breach", B, _("The nominee has no breach of this rule that needs approval")
)
APPROVAL_EXISTS = _code(
    "candidate.approval_exists", B, _("An approval for this rule is already requested or granted")
)
APPROVAL_ALREADY_DECIDED = _code(
    "candidate.approval_already_decided", B, _("This approval has already been decided")
)
NOT_QUALIFIED = _code("candidate.not_qualified", B, _("%(name)s is not qualified and cannot be listed"))
TRANSITION_NOT_ALLOWED = _code(
    "candidate.transition_not_allowed", B, _("This change of state is not allowed")
)
NEGATIVE_LIST_FULL = _code(
    "candidate.negative_list_full", B, _("The negative list may have at most %(limit)s items")
)
NOT_SEATED = _code("candidate.not_seated", B, _("This person does not sit on the election committee"))
PREVIOUS_TERM_ROW_INVALID = _code(
    "candidate.previous_term_row_invalid", B, _("Line %(line)s cannot be read: %(reason)s")
)
WRONG_ELECTION = _code("candidate.wrong_election", B, _("This record belongs to another village election"))
NOTICE_EMPTY = _code(
    "candidate.notice_empty",
    B,
    _(
        "Nobody is on this list yet: choose the candidates on the vetting page (determine the formal "
        "candidates) before the list is published."
    ),
)
NOTICE_AFTER_VOTE = _code(
    "candidate.notice_after_vote",
    B,
    _(
        "A list published on %(published)s, after the election day %(day)s, cannot have stood before the vote."
    ),
)
NOTICE_IN_FUTURE = _code(
    "candidate.notice_in_future",
    B,
    _("The publication day %(published)s has not come yet: record it on the day it is put up."),
)

MESSAGES = CATALOGUE.messages
SEVERITY = CATALOGUE.severities

del B, A, P, W


# Codes an "in principle" breach can carry: the township may ask the county to approve them.
APPROVABLE = frozenset({HEAD_OVER_AGE, NEW_HEAD_OVER_AGE, DEPUTY_OVER_AGE})


def message(code: str, params: dict | None = None) -> str:
    """The translated message of ``code`` with its parameters filled in."""
    text = str(MESSAGES[code])
    return text % params if params else text
