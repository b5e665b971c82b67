"""The enumerations of candidate vetting, shared by the models, the pure rules and the views.

Plain `TextChoices` (no database access), so that `candidates.rules` can use them and stay pure.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Body(models.TextChoices):
    """The body a nominee stands for (DOMAIN.md: the "two committees" and the supervision committee)."""

    PARTY = "party", _("Party organization committee")
    COMMITTEE = "committee", _("Villagers' committee")
    SUPERVISION = "supervision", _("Village affairs supervision committee")


class Position(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    PARTY_MEMBER = "party_member", _("Party committee member")
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    COMMITTEE_MEMBER = "committee_member", _("Villagers' committee member")
    SUPERVISION_CHAIR = "supervision_chair", _("Supervision committee chair")
    SUPERVISION_MEMBER = "supervision_member", _("Supervision committee member")


POSITIONS_OF_BODY = {
    Body.PARTY: (Position.SECRETARY, Position.DEPUTY_SECRETARY, Position.PARTY_MEMBER),
    Body.COMMITTEE: (Position.CHAIR, Position.VICE_CHAIR, Position.COMMITTEE_MEMBER),
    Body.SUPERVISION: (Position.SUPERVISION_CHAIR, Position.SUPERVISION_MEMBER),
}
BODY_OF_POSITION = {position: body for body, positions in POSITIONS_OF_BODY.items() for position in positions}
# Secretary and chair: the "heads" (正职) whose age limits are the strictest.
HEAD_POSITIONS = frozenset({Position.SECRETARY, Position.CHAIR})
DEPUTY_POSITIONS = frozenset({Position.DEPUTY_SECRETARY, Position.VICE_CHAIR})
# The two committees ("两委") make up the team whose structure is checked.
TEAM_BODIES = (Body.PARTY, Body.COMMITTEE)


class Source(models.TextChoices):
    """How a nominee was put forward (两推一选 for the Party committee, 海选 for the villagers' committee)."""

    PARTY_MEMBERS = "party_members", _("Recommended by Party members")
    VILLAGERS = "villagers", _("Recommended by villagers")
    TOWNSHIP = "township", _("Nominated by the township Party committee")
    DIRECT = "direct", _("Direct nomination by voters (haixuan)")
    JOINT = "joint", _("Joint nomination by 10 or more voters")
    SELF = "self", _("Self-nomination")


SOURCES_OF_BODY = {
    Body.PARTY: (Source.PARTY_MEMBERS, Source.VILLAGERS, Source.TOWNSHIP),
    Body.COMMITTEE: (Source.DIRECT, Source.JOINT, Source.SELF),
    Body.SUPERVISION: (Source.VILLAGERS, Source.PARTY_MEMBERS, Source.JOINT, Source.SELF),
}
# Sources that count nominating voters; a joint nomination needs at least JOINT_MINIMUM of them.
COUNTED_SOURCES = frozenset({Source.DIRECT, Source.JOINT})
JOINT_MINIMUM = 10


class VillagePost(models.TextChoices):
    """Village posts that exclude their holder from the supervision committee."""

    ACCOUNTANT = "accountant", _("village accountant or bookkeeper")
    CLERK = "clerk", _("village clerk")
    COLLECTIVE_HEAD = "collective_head", _("head of the collective economic organization")


class NominationState(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    LISTED = "listed", _("On the list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VettingStatus(models.TextChoices):
    """The outcome of vetting one nominee, derived from the findings (never stored)."""

    QUALIFIED = "qualified", _("Qualified")
    BLOCKED = "blocked", _("Blocked")
    NEEDS_APPROVAL = "needs_approval", _("Needs approval")
    AWAITING = "awaiting", _("Awaiting reviews")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewKind(models.TextChoices):
    TOWNSHIP = "township", _("Township first review")
    DEPARTMENT = "department", _("Department review")


class Verdict(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Did not pass")


class ApprovalState(models.TextChoices):
    PENDING = "pending", _("Awaiting county approval")
    APPROVED = "approved", _("Approved by the county")
    REFUSED = "refused", _("Refused by the county")


class RecordSource(models.TextChoices):
    """Records of other apps that answer a negative-list item (issue 15, part 5): the item says which."""

    TERM_EVALUATION = "term_evaluation", _("Term evaluations (rated incompetent)")
    DISCIPLINE_REPORT = "discipline_report", _("Substantiated vote-buying and discipline reports")
    AUDIT_FINDING = "audit_finding", _("Audit findings against the person")


class AnswerSource(models.TextChoices):
    """Where the answer to a negative-list item comes from (every item answered with its source)."""

    RECORD = "record", _("The system's records")
    DEPARTMENT = "department", _("A department's joint-review answer")
    CERTIFICATE = "certificate", _("A certificate or document checked")
    VISIT = "visit", _("Visits and interviews")
    PLEDGE = "pledge", _("The nominee's signed declaration")


class VoidState(models.TextChoices):
    """A county decision on voiding an elected person's election (DOMAIN.md "Discipline")."""

    OPEN = "open", _("Awaiting the county's decision")
    VOIDED = "voided", _("Election declared void")
    UPHELD = "upheld", _("Election upheld")


class InspectionConclusion(models.TextChoices):
    SUITABLE = "suitable", _("Suitable")
    BASICALLY_SUITABLE = "basically_suitable", _("Basically suitable")
    UNSUITABLE = "unsuitable", _("Unsuitable")


class Commitment(models.TextChoices):
    """The discipline pledge (换届纪律承诺书) and the three commitments (三项承诺)."""

    PLEDGE = "pledge", _("discipline pledge")
    CAMPAIGN = "campaign", _("campaign commitment")
    WORK = "work", _("work commitment")
    RESIGNATION = "resignation", _("resignation commitment")


class Relation(models.TextChoices):
    """Close relatives (近亲属) for avoidance: what one person is to another."""

    SPOUSE = "spouse", _("spouse")
    PARENT = "parent", _("father or mother")
    CHILD = "child", _("son or daughter")
    SIBLING = "sibling", _("brother or sister")
    GRANDPARENT = "grandparent", _("grandparent")
    GRANDCHILD = "grandchild", _("grandchild")


class NoticeKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary candidates (public notice)")
    FORMAL = "formal", _("Formal candidate list")


# Which body each notice lists.
BODY_OF_NOTICE = {NoticeKind.PRELIMINARY: Body.PARTY, NoticeKind.FORMAL: Body.COMMITTEE}


class NoticeOrder(models.TextChoices):
    STROKES = "strokes", _("Surname stroke order")
    VOTES = "votes", _("Nomination votes")


class Rounding(models.TextChoices):
    UP = "up", _("Round up")
    HALF_UP = "half_up", _("Round half up")
    DOWN = "down", _("Round down")


class DepartmentKind(models.TextChoices):
    DISCIPLINE = "discipline", _("Discipline inspection and supervision")
    POLICE = "police", _("Public security")
    COURT = "court", _("People's court")
    PROCURATORATE = "procuratorate", _("People's procuratorate")
    PETITIONS = "petitions", _("Petitions office")
    JUSTICE = "justice", _("Justice")
    NATURAL_RESOURCES = "natural_resources", _("Natural resources")
    ENVIRONMENT = "environment", _("Ecology and environment")
    AGRICULTURE = "agriculture", _("Agriculture and rural affairs")
    HEALTH = "health", _("Health")
    URBAN_MANAGEMENT = "urban_management", _("Urban management")
    OTHER = "other", _("Other")
