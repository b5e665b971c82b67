"""Catalogue of stable rule codes for the ballots app.

Every finding raised by :mod:`ballots.counting` (and by other ballots code that reuses this
catalogue) carries one of these codes.  The codes are part of the app's contract: tests, audit
records and the UI key on the code, never on the wording.  Messages are English msgids marked
with ``gettext_lazy``; the Chinese wording lives in the translation catalogue, so nothing here
is rendered at import time and no Django settings are needed to import the module.

Naming:

* codes are dotted, lower case: ``<area>.<rule>``; ``tally.*`` for the statutory validity
  conditions of a vote (DOMAIN.md "Counting and results"), ``count.*`` for notes produced while
  allocating seats, ``reconcile.*`` for the ballot-account reconciliation, ``notice.*`` for the voting
  notice (:mod:`ballots.notices`);
* warning codes end in the W-class suffix ``.W`` (e.g. ``reconcile.invalid_share_high.W``);
  error codes carry no suffix.  ``RuleCode.__post_init__`` enforces the pairing.

The shape of an entry (``RuleCode``, ``Severity``, ``Catalogue``) is the house's one shape, in
:mod:`elections.codes`; it is re-exported here for the ballots code that names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from elections.codes import Catalogue, RuleCode, Severity

CATALOGUE = Catalogue("ballots")
"""All codes of the ballots app, keyed by code string (read-only)."""
_register = CATALOGUE.register


def rule(code: str) -> RuleCode:
    """Return the catalogue entry for ``code`` (``KeyError`` if unknown)."""
    return CATALOGUE[code]


@dataclass(frozen=True)
class Finding:
    """One observation about a count or a ballot account.

    ``box`` is the ballot box the finding is about (``None``: the totals / the whole vote);
    ``position`` the position concerned, if any; ``params`` the figures behind the finding, as
    ``(name, value)`` pairs so that the finding stays hashable and comparable.
    """

    code: str
    severity: Severity
    box: str | None = None
    position: str | None = None
    params: tuple[tuple[str, int | str], ...] = ()

    @classmethod
    def of(
        cls, entry: RuleCode, *, box: str | None = None, position: str | None = None, **params: int | str
    ) -> Finding:
        return cls(
            code=entry.code,
            severity=entry.severity,
            box=box,
            position=position,
            params=tuple(sorted(params.items())),
        )

    @property
    def message(self) -> Promise:
        """The lazy, translatable message for this finding's code."""
        return CATALOGUE[self.code].message

    @property
    def data(self) -> dict[str, int | str]:
        return dict(self.params)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


E = Severity.ERROR
W = Severity.WARNING

# --- Validity of the vote (DOMAIN.md "Counting and results") -------------------------------------

TALLY_RETURNED_EXCEEDS_ISSUED = _register(
    "tally.returned_exceeds_issued", E, _("Ballots returned exceed ballots issued")
)
TALLY_RETURNED_EXCEEDS_PRESENT = _register(
    "tally.returned_exceeds_present", E, _("Ballots returned exceed the number of voting members present")
)
TALLY_TURNOUT_NOT_OVER_HALF = _register(
    "tally.turnout_not_over_half", E, _("Not more than half of the registered voters cast a ballot")
)
TALLY_ATTENDANCE_NOT_OVER_FOUR_FIFTHS = _register(
    "tally.attendance_not_over_four_fifths",
    E,
    _("Voting members present do not exceed four fifths of the members due to attend"),
)

# --- Seat allocation notes ---------------------------------------------------------------------------

COUNT_TIE_AT_CUT = _register(
    "count.tie_at_cut.W", W, _("Tie at the cut for the last seat: the tied persons must be voted on again")
)
COUNT_SEATS_UNFILLED = _register(
    "count.seats_unfilled.W", W, _("Seats left unfilled: a further round of voting is required")
)
COUNT_WOMEN_SEAT_LAST_SEAT = _register(
    "count.women_seat_last_seat.W",
    W,
    _("No woman was elected outright: the woman with the most votes above the threshold takes the last seat"),
)
COUNT_WOMEN_SEAT_RESERVED = _register(
    "count.women_seat_reserved.W",
    W,
    _("No woman reached the threshold: one member seat is kept for a further round restricted to women"),
)
COUNT_WOMEN_SEAT_TIE = _register(
    "count.women_seat_tie.W",
    W,
    _("Women tied for the reserved seat: the tied women must be voted on again"),
)
COUNT_FURTHER_ROUND_SHORT_LIST = _register(
    "count.further_round_short_list.W",
    W,
    _("Too few unelected persons received votes to stand more candidates than seats in the further round"),
)

# --- Reconciliation of the ballot account ------------------------------------------------------------

RECONCILE_ISSUED_MISMATCH = _register(
    "reconcile.issued_not_returned_plus_unreturned",
    E,
    _("Ballots issued do not equal ballots returned plus ballots not returned"),
)
RECONCILE_RETURNED_MISMATCH = _register(
    "reconcile.returned_not_valid_plus_invalid",
    E,
    _("Ballots returned do not equal valid plus invalid ballots"),
)
RECONCILE_POSITION_VOTES_EXCEED_CAPACITY = _register(
    "reconcile.position_votes_exceed_capacity",
    E,
    _("Votes for a position exceed the valid ballots multiplied by the position's seats"),
)
RECONCILE_RETURNED_EXCEEDS_REGISTERED = _register(
    "reconcile.returned_exceeds_registered", E, _("Ballots returned exceed the number of registered voters")
)
RECONCILE_RETURNED_EXCEEDS_SIGNED_FOR = _register(
    "reconcile.returned_exceeds_signed_for",
    E,
    _("Ballots returned exceed the number of voters who signed for a ballot"),
)
RECONCILE_INVALID_SHARE_HIGH = _register(
    "reconcile.invalid_share_high.W", W, _("The share of invalid ballots is unusually high")
)
RECONCILE_BOX_OUTLIER = _register(
    "reconcile.box_outlier.W",
    W,
    _("This box returned far more ballots than the median of the other boxes"),
)
RECONCILE_WRITE_IN_NOT_ON_ROLL = _register(
    "reconcile.write_in_not_on_roll.W",
    W,
    _("Votes were written in for a person who is not on the voter roll"),
)

# --- Double entry, reconciliation gate and results (ballots.services) --------------------------------

TALLY_ALREADY_ENTERED = _register(
    "tally.already_entered",
    E,
    _("You have already entered this tally sheet: the second entry must be made by another person"),
)
TALLY_SHEET_FULL = _register(
    "tally.sheet_full", E, _("This tally sheet already has two entries: correct one of them instead")
)
TALLY_STALE_VERSION = _register(
    "tally.stale_version",
    E,
    _(
        "This entry was changed by someone else since you opened it: reload it and enter your correction again"
    ),
)
TALLY_NOT_YOUR_ENTRY = _register(
    "tally.not_your_entry", E, _("Only the person who made an entry may correct it")
)
TALLY_SHEET_LOCKED = _register(
    "tally.sheet_locked",
    E,
    _("The results of this vote are confirmed: its tally sheets can no longer change"),
)
TALLY_UNKNOWN_POSITION = _register(
    "tally.unknown_position", E, _("Votes were entered for a position this body does not elect")
)
TALLY_BAD_VOTES = _register("tally.bad_votes", E, _("Votes must be whole numbers of zero or more"))
TALLY_NO_FIRST_ROUND = _register(
    "tally.no_first_round",
    E,
    _(
        "A further round is held only after the first round's results are confirmed on the spot and seats "
        "remain to be filled"
    ),
)
TALLY_BOX_OF_OTHER_ROUND = _register(
    "tally.box_of_other_round",
    E,
    _("This ballot box belongs to the other round: a further round counts the ballots of its own boxes"),
)
TALLY_BOX_OF_OTHER_MEETING = _register(
    "tally.box_of_other_meeting",
    E,
    _(
        "This ballot box belongs to the other meeting: the Party members' meeting and the villagers' meeting "
        "each count the ballots of their own boxes"
    ),
)
TALLY_NO_BOXES = _register("tally.no_boxes", E, _("No ballot boxes are set up for this election"))
TALLY_SHEETS_NOT_AGREED = _register(
    "tally.sheets_not_agreed", E, _("Not every ballot box has a tally sheet whose two entries agree")
)
TALLY_NO_ATTENDANCE = _register(
    "tally.no_attendance", E, _("The attendance of the Party members' meeting has not been recorded")
)
TALLY_SUPERVISION_BEFORE_COMMITTEE = _register(
    "tally.supervision_before_committee",
    E,
    _(
        "The supervision committee is counted once the villagers' committee's result is approved: its members "
        "and their close relatives cannot sit on the supervision committee"
    ),
)
SUPERVISION_WRITE_IN_COMMITTEE_MEMBER = _register(
    "count.supervision_committee_member",
    E,
    _("Elected to the villagers' committee: its members cannot sit on the supervision committee"),
)
TALLY_ISSUED_DIFFERS_FROM_BOX = _register(
    "tally.issued_differs_from_box.W",
    W,
    _("Ballots issued on the tally sheet differ from the ballots issued into the box at set-up"),
)
TALLY_RECONCILIATION_ERRORS = _register(
    "tally.reconciliation_errors",
    E,
    _("The ballot account does not reconcile: correct the tally sheets first"),
)
TALLY_WARNINGS_UNACKNOWLEDGED = _register(
    "tally.warnings_unacknowledged",
    E,
    _("Every warning must be acknowledged by a named person before confirming"),
)
TALLY_NOT_A_WARNING = _register(
    "tally.not_a_warning", E, _("Only a current warning of the reconciliation can be acknowledged")
)
TALLY_WRONG_STATE = _register(
    "tally.wrong_state", E, _("The results are not in a state that allows this step")
)
TALLY_NOT_COUNTED = _register("tally.not_counted", E, _("The votes have not been counted yet"))
TALLY_ROLE_REFUSED = _register("tally.role_refused", E, _("Your role may not take this step"))

SAME_PERSON_APPROVES = _register(
    "tally.same_person_approves",
    E,
    _(
        "You confirmed this result yourself: another member of the township office approves it (separation of duties)"
    ),
)

# The certificates of election (当选证书), handed over once the result is approved.
CERTIFICATES_NOT_APPROVED = _register(
    "certificates.not_approved", E, _("Certificates are issued only for a result the township approved")
)
CERTIFICATES_FURTHER_ROUND_PENDING = _register(
    "certificates.further_round_pending",
    E,
    _(
        "Seats are still to be filled by the further round: the certificates of both rounds are handed over "
        "together once its result is approved"
    ),
)
CERTIFICATES_ALREADY_ISSUED = _register(
    "certificates.already_issued",
    E,
    _("The certificates of this vote were already recorded as issued on %(day)s; print them again if needed"),
)
CERTIFICATES_DAY_BEFORE_APPROVAL = _register(
    "certificates.before_approval",
    E,
    _("The certificates cannot be issued before the result was approved (%(day)s)"),
)
CERTIFICATES_DAY_IN_FUTURE = _register(
    "certificates.in_future", E, _("The day the certificates were issued cannot be in the future")
)

# Set-up of stations and boxes: a name or label once per election (a concurrent twin is told the same).
STATION_NAME_TAKEN = _register(
    "tally.station_name_taken", E, _("This election already has a polling station named “%(name)s”.")
)
BOX_LABEL_TAKEN = _register(
    "tally.box_label_taken", E, _("This election already has a ballot box labelled “%(label)s”.")
)
TALLY_OUTSIDE_JURISDICTION = _register(
    "tally.outside_jurisdiction", E, _("This village lies outside your jurisdiction")
)

# --- The voting notice (ballots.notices; DOMAIN.md "voting": announced at least 3 days before) ----------

NOTICE_NOT_ALLOWED = _register(
    "notice.not_allowed",
    E,
    _("Only the township election office of this village may publish its voting notice"),
)
NOTICE_NO_ELECTION_DAY = _register(
    "notice.no_election_day", E, _("The election day is not set: set it before publishing the voting notice")
)
NOTICE_WRONG_DAY = _register("notice.wrong_day", E, _("The voting day must be the election day (%(day)s)"))
NOTICE_IN_FUTURE = _register("notice.in_future", E, _("The publication date cannot be later than today"))
NOTICE_TOO_LATE = _register(
    "notice.too_late",
    E,
    _(
        "The voting notice must be published at least %(days)s days before election day, that is on "
        "%(due)s at the latest: move the election day before publishing"
    ),
)
NOTICE_ENDS_BEFORE_START = _register("notice.ends_before_start", E, _("Voting must end after it starts"))
NOTICE_PLACE_REQUIRED = _register(
    "notice.place_required", E, _("Enter the place of the central voting meeting")
)
NOTICE_NO_STATIONS = _register(
    "notice.no_stations", E, _("Voting at polling stations needs its polling stations set up first")
)
NOTICE_REASON_REQUIRED = _register(
    "notice.reason_required",
    E,
    _("The voting notice is already published: give the reason for the correction"),
)
NOTICE_CORRECTION_CLOSED = _register(
    "notice.correction_closed",
    E,
    _("The voting notice can no longer be corrected on or after election day"),
)

# --- Counting rule settings (``CountingRuleSettings``) -----------------------------------------------

SHARE_BAD = _register("share.bad", E, _("Enter a share such as 1/2 or 2/3."))
SHARE_NEGATIVE = _register("share.negative", E, _("A share cannot be negative."))
SHARE_ABOVE_ONE = _register("share.above_one", E, _("A share cannot exceed 1 (the whole)."))


# --- The Party committee's plenary (``counting.plenary_count``, ``services.record_plenary``) -------------

PLENARY_PRESENT_EXCEEDS_MEMBERS = _register(
    "plenary.present_exceeds_members",
    E,
    _("More members present (%(present)s) than the committee has (%(members)s)"),
)
PLENARY_NOT_A_MEMBER = _register(
    "plenary.not_a_member",
    E,
    _("Only the members the Party members' assembly elected to the committee can be elected by its plenary"),
)
PLENARY_UNKNOWN_POST = _register(
    "plenary.unknown_post", E, _("This post is not elected by the committee's plenary")
)
PLENARY_TOO_MANY_MARKS = _register(
    "plenary.too_many_marks",
    E,
    _("More votes on this post (%(marks)s) than the members present could give (%(present)s each per seat)"),
)
PLENARY_SEAT_UNFILLED = _register(
    "plenary.seat_unfilled.W",
    W,
    _("Nobody won more than half of the committee's members' votes: this post is voted on again"),
)
PLENARY_ASSEMBLY_NOT_CONFIRMED = _register(
    "plenary.assembly_not_confirmed",
    E,
    _(
        "The committee's plenary is held once the Party members' assembly has elected every member of the "
        "committee and its result is confirmed"
    ),
)
PLENARY_LOCKED = _register(
    "plenary.locked", E, _("The Party result is approved: the plenary's vote can no longer be changed")
)
PLENARY_MISSING = _register(
    "plenary.missing",
    E,
    _(
        "The committee's plenary has not elected the secretary yet: the Party result is approved with the "
        "posts the plenary elected"
    ),
)


# --- Mobile ballot boxes (``ballots.mobile``) ------------------------------------------------------------

MOBILE_NOT_A_VOTER = _register(
    "mobile.not_a_voter", E, _("Only a registered voter of this village can vote at a mobile ballot box")
)
MOBILE_ALREADY_APPROVED = _register(
    "mobile.already_approved", E, _("This voter is already approved to vote at a mobile ballot box")
)
MOBILE_ON_THE_DAY = _register(
    "mobile.on_the_day",
    E,
    _("The voters of the mobile ballot boxes are approved by the election committee before election day"),
)
MOBILE_NO_REASON = _register("mobile.no_reason", E, _("Choose why the voter cannot come to vote"))
MOBILE_NOT_MOBILE = _register("mobile.not_mobile", E, _("This ballot box is not a mobile ballot box"))
MOBILE_TWO_STAFF = _register(
    "mobile.two_staff", E, _("A mobile ballot box is carried by at least two staff: enter their names")
)
MOBILE_NO_ROUTE = _register("mobile.no_route", E, _("Enter where the mobile ballot box went"))
MOBILE_NOT_APPROVED = _register(
    "mobile.not_approved",
    E,
    _("%(name)s is not among the voters the election committee approved for a mobile ballot box"),
)
MOBILE_ALREADY_SERVED = _register(
    "mobile.already_served", E, _("%(name)s has already voted at a mobile ballot box (%(box)s)")
)
MOBILE_MORE_THAN_ISSUED = _register(
    "mobile.more_than_issued",
    E,
    _("The box carried %(issued)s ballots: it cannot serve more voters than that"),
)
MOBILE_VISITED = _register(
    "mobile.visited", E, _("This voter has voted at a mobile ballot box: the approval stands")
)
RECONCILE_MOBILE_RETURNED_EXCEEDS_SERVED = _register(
    "reconcile.mobile_returned_exceeds_served",
    E,
    _("The mobile ballot box returned %(returned)s ballots but served %(served)s approved voters"),
)
RECONCILE_MOBILE_UNRECORDED = _register(
    "reconcile.mobile_unrecorded.W",
    W,
    _("The mobile ballot box's route and staff are not recorded"),
)


del E, W
