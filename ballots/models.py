"""Polling stations, ballot boxes, double-entered tally sheets, attendance, acknowledgements, results.

Every row carries the village's 12-digit `division_code` (copied on save) so that `.visible_to(user)` is
one prefix match. Counts are entered as written on the paper tally sheet: the arithmetic between them
(issued = returned + unreturned, returned = valid + invalid) is checked by the reconciliation, which
reports it with a stable code, not refused by the database; the database refuses only what can never be
true (negative counts, a third entry, one user entering a sheet twice).
"""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet
from ballots import codes
from candidates.choices import Body

COUNT_FIELDS = ("issued", "returned", "valid", "invalid", "unreturned")
ENTRY_SLOTS = (1, 2)
ROUNDS = (1, 2)


def parse_share(text: str) -> Fraction:
    """A share as an administrator types it: "1/2", "2/3", "0.5" or "3"; exact (no floats)."""
    try:
        value = Fraction(str(text).strip().replace("／", "/"))
    except (ValueError, ZeroDivisionError) as exc:
        raise ValidationError(codes.SHARE_BAD.message, code=codes.SHARE_BAD.code) from exc
    if value < 0:
        raise ValidationError(codes.SHARE_NEGATIVE.message, code=codes.SHARE_NEGATIVE.code)
    return value


def validate_share(text: str) -> None:
    if parse_share(text) > 1:
        raise ValidationError(codes.SHARE_ABOVE_ONE.message, code=codes.SHARE_ABOVE_ONE.code)


def validate_factor(text: str) -> None:
    parse_share(text)


def _share(label, default: str, validator=validate_share) -> models.CharField:
    """A share (or factor) setting, kept as the text of an exact fraction, checked by `validator`."""
    return models.CharField(label, max_length=12, default=default, validators=[validator])


class CountingRuleSettings(models.Model):
    """计票规则设置: the counting thresholds and options of one cycle (DOMAIN.md "Counting and results",
    marked configurable because provinces differ), created with the defaults the first time a vote of the
    cycle is counted (`services.counting_rules`), then edited by an administrator. A result keeps the rules it
    was counted with (`ElectionResult.rules`), so a later change of a setting never changes a counted result.

    Shares are kept as the text of an exact fraction ("1/2"), which is how the provincial rules write them.
    """

    cycle = models.OneToOneField(
        "elections.ElectionCycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="counting_rules",
    )
    turnout_share = _share(
        _("villagers: the vote is valid when more than this share of registered voters cast a ballot"), "1/2"
    )
    elected_share = _share(
        _("first round: elected with more than this share of the ballots cast (the Party: of those present)"),
        "1/2",
    )
    further_round_share = _share(
        _("villagers' further round: elected with at least this share of the ballots cast"), "1/3"
    )
    party_attendance_share = _share(
        _("Party meeting: valid when more than this share of the members due attend"), "4/5"
    )
    reserved_women_seat = models.BooleanField(
        _("keep one member seat for a woman when no woman is elected"), default=True
    )
    skip_elected_for_lower_positions = models.BooleanField(
        _("a person elected to a higher post is not counted for a lower one"), default=True
    )
    further_round_extra_candidates = models.PositiveSmallIntegerField(
        _("further round: candidates are the seats left plus"),
        default=1,
        validators=[MaxValueValidator(5)],
    )
    invalid_share_warning = _share(
        _("warn when invalid ballots exceed this share of the ballots returned"), "1/10"
    )
    box_outlier_factor = _share(
        _("warn when a box returned more than this many times the median of the other boxes"),
        "3",
        validate_factor,
    )
    committee_deputy_seats = models.PositiveSmallIntegerField(
        _("villagers' committee: vice-chairs"), default=1, validators=[MaxValueValidator(3)]
    )
    party_deputy_seats = models.PositiveSmallIntegerField(
        _("Party committee: deputy secretaries"), default=1, validators=[MaxValueValidator(3)]
    )
    party_discipline_member = models.BooleanField(
        _("Party committee: a discipline inspection member is elected by its plenary"), default=True
    )
    plenary_elected_share = _share(
        _("Party committee's plenary: elected with more than this share of the committee's members"), "1/2"
    )

    class Meta:
        verbose_name = _("counting rules")
        verbose_name_plural = _("counting rules")

    def __str__(self) -> str:
        return str(self.cycle)


class _OfElection(models.Model):
    """A record of one village election, scoped by its village."""

    division_code = models.CharField(_("division code"), max_length=12, editable=False)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)


class PollingStation(_OfElection):
    """投票站: a place where villagers vote (the central meeting's hall or a station in a village group)."""

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="polling_stations"
    )
    name = models.CharField(_("name"), max_length=60)
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("polling station")
        verbose_name_plural = _("polling stations")
        ordering = ["election", "name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "name"], name="station_name_unique_per_election")
        ]

    def __str__(self) -> str:
        return self.name


class BoxKind(models.TextChoices):
    CENTRAL = "central", _("Central voting meeting")
    STATION = "station", _("Polling station")
    MOBILE = "mobile", _("Mobile ballot box")


class BallotBox(_OfElection):
    """投票箱: one ballot box; `ballots_issued` is the number of ballots handed out into it (per body)."""

    election = models.ForeignKey("elections.VillageElection", on_delete=models.CASCADE, related_name="boxes")
    station = models.ForeignKey(
        PollingStation,
        verbose_name=_("polling station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="boxes",
    )
    label = models.CharField(_("label"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=BoxKind.choices)
    ballots_issued = models.PositiveIntegerField(_("ballots issued"), default=0)
    # 另行选举: a further round has its own boxes, its own ballots issued and its own signing for ballots.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    # The meeting the box serves: the Party members' meeting's boxes take the Party vote only; a villagers'
    # box (blank) takes the villagers' committee's and the supervision committee's ballots.
    body = models.CharField(_("vote"), max_length=20, choices=Body.choices, blank=True)
    # 流动票箱: where a mobile box went and who carried it (`mobile.record_route`); blank for other boxes.
    route = models.TextField(_("route"), blank=True)
    staff = models.CharField(_("staff carrying the box"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ballot box")
        verbose_name_plural = _("ballot boxes")
        ordering = ["election", "round", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "round", "label"], name="box_label_unique_per_election_round"
            ),
            models.CheckConstraint(condition=Q(ballots_issued__gte=0), name="box_issued_not_negative"),
            models.CheckConstraint(condition=Q(round__in=ROUNDS), name="box_round_1_or_2"),
        ]
        indexes = [
            models.Index(
                fields=["division_code"], name="box_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return self.label


class SheetState(models.TextChoices):
    ENTERING = "entering", _("Awaiting the second entry")
    MISMATCH = "mismatch", _("Entries differ")
    AGREED = "agreed", _("Entries agree")


class TallySheet(_OfElection):
    """计票单: the count of one box for one body in one round, entered twice by two different users.

    It counts only when the two entries agree field by field (`state` AGREED); `differences` lists the
    fields that differ while they do not. A further round's sheet is the sheet of one of that round's own
    boxes (`BallotBox.round`, set by the service).
    """

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="tally_sheets"
    )
    box = models.ForeignKey(
        BallotBox, verbose_name=_("ballot box"), on_delete=models.PROTECT, related_name="sheets"
    )
    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    state = models.CharField(
        _("state"), max_length=10, choices=SheetState.choices, default=SheetState.ENTERING
    )
    differences = models.JSONField(_("fields that differ"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tally sheet")
        verbose_name_plural = _("tally sheets")
        ordering = ["election", "body", "round", "box__label"]
        constraints = [
            models.UniqueConstraint(fields=["box", "body", "round"], name="one_sheet_per_box_body_round"),
            models.CheckConstraint(condition=Q(round__in=[1, 2]), name="sheet_round_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"{self.box} · {self.get_body_display()} · {self.round}"

    @property
    def is_agreed(self) -> bool:
        return self.state == SheetState.AGREED


class TallyEntry(_OfElection):
    """One user's entry of a tally sheet (双人录入). `version` grows with each correction.

    `votes`: position key -> person key -> votes, write-ins (另选他人) included ("w:<name>").
    """

    sheet = models.ForeignKey(TallySheet, on_delete=models.CASCADE, related_name="entries")
    slot = models.PositiveSmallIntegerField(
        _("entry"), choices=[(1, _("first entry")), (2, _("second entry"))]
    )
    issued = models.PositiveIntegerField(_("ballots issued"))
    returned = models.PositiveIntegerField(_("ballots returned"))
    valid = models.PositiveIntegerField(_("valid ballots"))
    invalid = models.PositiveIntegerField(_("invalid ballots"))
    unreturned = models.PositiveIntegerField(_("ballots not returned"))
    # 领票人数: voters who signed the roll for a ballot at this box; the reconciliation checks returned ≤ it.
    # Blank on entries made before it was asked (and by callers that do not know it): then not checked.
    signed_for = models.PositiveIntegerField(_("voters who signed for a ballot"), null=True, blank=True)
    votes = models.JSONField(_("votes"), default=dict, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tally entry")
        verbose_name_plural = _("tally entries")
        ordering = ["sheet", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "slot"], name="at_most_two_entries_per_sheet"),
            models.UniqueConstraint(fields=["sheet", "entered_by"], name="entries_by_different_users"),
            models.CheckConstraint(condition=Q(slot__in=ENTRY_SLOTS), name="entry_slot_1_or_2"),
            models.CheckConstraint(condition=Q(version__gte=1), name="entry_version_positive"),
            *[
                models.CheckConstraint(condition=Q(**{f"{name}__gte": 0}), name=f"entry_{name}_not_negative")
                for name in COUNT_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.sheet} #{self.slot}"

    @property
    def election(self):
        return self.sheet.election

    def values(self) -> dict:
        """The entered fields, as compared between the two entries."""
        figures = {name: getattr(self, name) for name in COUNT_FIELDS}
        return {**figures, "signed_for": self.signed_for, "votes": self.votes}


class PartyAttendance(_OfElection):
    """党员大会出席: members with the right to vote, those excused by category, those present."""

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="party_attendance"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    members = models.PositiveIntegerField(_("members with the right to vote"))
    seriously_ill = models.PositiveIntegerField(_("seriously ill"), default=0)
    abroad_over_six_months = models.PositiveIntegerField(_("abroad over six months"), default=0)
    detained = models.PositiveIntegerField(_("detained"), default=0)
    bedridden = models.PositiveIntegerField(_("bedridden"), default=0)
    away_over_six_months_without_transfer = models.PositiveIntegerField(
        _("away over six months without transferring membership"), default=0
    )
    present = models.PositiveIntegerField(_("voting members present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    EXCUSE_FIELDS = (
        "seriously_ill",
        "abroad_over_six_months",
        "detained",
        "bedridden",
        "away_over_six_months_without_transfer",
    )

    class Meta:
        verbose_name = _("Party meeting attendance")
        verbose_name_plural = _("Party meeting attendance")
        constraints = [
            models.UniqueConstraint(fields=["election", "round"], name="one_attendance_per_round"),
            models.CheckConstraint(condition=Q(present__lte=F("members")), name="present_at_most_members"),
            models.CheckConstraint(
                condition=Q(
                    members__gte=F("seriously_ill")
                    + F("abroad_over_six_months")
                    + F("detained")
                    + F("bedridden")
                    + F("away_over_six_months_without_transfer")
                ),
                name="excused_at_most_members",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self.present}/{self.members}"

    @property
    def excused(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.EXCUSE_FIELDS}


class ResultState(models.TextChoices):
    COUNTED = "counted", _("Counted")
    CONFIRMED = "confirmed", _("Confirmed by the election committee")
    APPROVED = "approved", _("Approved by the township")


class WarningAcknowledgement(_OfElection):
    """A reconciliation warning looked at and accepted by a named user; `key` identifies the finding.

    The key includes the finding's figures: if the figures change, the warning must be acknowledged again.
    """

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="tally_acknowledgements"
    )
    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    key = models.CharField(_("finding"), max_length=300)
    code = models.CharField(_("rule"), max_length=60)
    note = models.CharField(_("note"), max_length=300, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledged warning")
        verbose_name_plural = _("acknowledged warnings")
        constraints = [
            models.UniqueConstraint(fields=["election", "body", "round", "key"], name="acknowledged_once"),
            models.CheckConstraint(condition=Q(code__endswith=".W"), name="only_warnings_acknowledged"),
        ]

    def __str__(self) -> str:
        return self.key


class ElectionResult(_OfElection):
    """选举结果: the count of one body in one round, confirmed on the spot and approved by the township.

    `data` keeps the outcome as computed by `ballots.counting.count` (validity, reasons, per position the
    votes table, write-in totals and the elected persons) so the announcement and the certificates print
    what was confirmed, even if a sheet were later touched (it cannot be after confirmation).
    """

    ALLOWED = {
        ResultState.COUNTED: {ResultState.COUNTED, ResultState.CONFIRMED},
        ResultState.CONFIRMED: {ResultState.APPROVED},
        ResultState.APPROVED: set(),
    }

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="results"
    )
    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    state = models.CharField(
        _("state"), max_length=10, choices=ResultState.choices, default=ResultState.COUNTED
    )
    valid = models.BooleanField(_("valid vote"))
    data = models.JSONField(_("outcome"), default=dict)
    # The counting rules the outcome was counted with (`services.rules_data`): a later change of the cycle's
    # settings does not change this result; a recount before confirmation uses these same rules.
    rules = models.JSONField(_("counting rules applied"), default=dict, blank=True)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counted_at = models.DateTimeField(_("counted at"), auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # 当选证书: the day the certificates of election were handed to the persons elected (issue_certificates).
    certificates_issued_on = models.DateField(_("certificates issued on"), null=True, blank=True)
    certificates_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("election result")
        verbose_name_plural = _("election results")
        ordering = ["election", "body", "round"]
        constraints = [
            models.UniqueConstraint(fields=["election", "body", "round"], name="one_result_per_body_round"),
            models.CheckConstraint(
                condition=~Q(state=ResultState.CONFIRMED) | Q(confirmed_by__isnull=False),
                name="confirmed_result_names_who",
            ),
            models.CheckConstraint(
                condition=~Q(state=ResultState.APPROVED)
                | Q(approved_by__isnull=False, confirmed_by__isnull=False),
                name="approved_result_names_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self.get_body_display()} · {self.round}"


class VotingMethod(models.TextChoices):
    """How the villagers vote (DOMAIN.md "voting"): a central meeting, polling stations, or both."""

    CENTRAL = "central", _("At the central election meeting")
    STATIONS = "stations", _("At polling stations")
    CENTRAL_AND_STATIONS = "central_and_stations", _("At the central election meeting and polling stations")


METHODS_WITH_MEETING = frozenset({VotingMethod.CENTRAL, VotingMethod.CENTRAL_AND_STATIONS})
METHODS_WITH_STATIONS = frozenset({VotingMethod.STATIONS, VotingMethod.CENTRAL_AND_STATIONS})


class VotingNotice(_OfElection):
    """投票公告: the time, place and method of the vote, announced at least N days before election day.

    One per village election. The polling stations and the mobile ballot boxes it announces are read from
    their own records (PollingStation, BallotBox of kind MOBILE), never typed a second time. A correction
    before election day keeps who made it, when and why; the trail keeps every version.
    """

    election = models.OneToOneField(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="voting_notice",
    )
    term = models.PositiveSmallIntegerField(_("term number"), null=True, blank=True)
    voting_on = models.DateField(_("voting day"))
    starts_at = models.TimeField(_("voting starts at"))
    ends_at = models.TimeField(_("voting ends at"), null=True, blank=True)
    method = models.CharField(_("voting method"), max_length=30, choices=VotingMethod.choices)
    place = models.CharField(_("place of the central voting meeting"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("voting notice")
        verbose_name_plural = _("voting notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="notice_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(method=VotingMethod.STATIONS) | ~Q(place=""),
                name="notice_meeting_has_place",
            ),
            models.CheckConstraint(
                condition=Q(corrected_at__isnull=True)
                | (Q(corrected_by__isnull=False) & ~Q(correction_reason="")),
                name="notice_correction_names_who_and_why",
            ),
        ]
        indexes = [
            models.Index(
                fields=["division_code"], name="notice_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self.published_on}"

    @property
    def has_meeting(self) -> bool:
        return self.method in METHODS_WITH_MEETING

    @property
    def has_stations(self) -> bool:
        return self.method in METHODS_WITH_STATIONS


class PlenaryVote(_OfElection):
    """委员会全体会议: the new Party committee's plenary, which elects its secretary, deputies and discipline
    member among the members the Party members' assembly elected (`services.record_plenary`).

    ``votes``: post → person key → votes, as the plenary's tellers counted them; ``data``: the outcome
    (`counting.plenary_count`), with the members' names; ``share``: the threshold it was counted with.
    """

    election = models.OneToOneField(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="plenary"
    )
    members = models.PositiveSmallIntegerField(_("committee members"))
    present = models.PositiveSmallIntegerField(_("members present"))
    votes = models.JSONField(_("votes"), default=dict)
    data = models.JSONField(_("outcome"), default=dict)
    valid = models.BooleanField(_("valid"), default=False)
    share = models.CharField(_("counted with"), max_length=12, default="1/2")
    held_on = models.DateField(_("day of the plenary"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("Party committee plenary")
        verbose_name_plural = _("Party committee plenaries")
        constraints = [
            models.CheckConstraint(condition=Q(present__lte=F("members")), name="plenary_present_le_members")
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self._meta.verbose_name}"

    @property
    def elected(self) -> dict[str, str]:
        """Person key → the post the plenary elected them to."""
        return {key: post["post"] for post in self.data.get("posts", []) for key in post["elected"]}


class MobileReason(models.TextChoices):
    ELDERLY = "elderly", _("Elderly or frail")
    ILL = "ill", _("Ill")
    DISABLED = "disabled", _("Disabled")
    OTHER = "other", _("Other reason")


class MobileBoxApproval(_OfElection):
    """流动票箱投票对象: a voter the election committee approved, before the day, to vote at a mobile box
    because they cannot come to the meeting or a station (`mobile.approve_voter`)."""

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="mobile_approvals"
    )
    registration = models.ForeignKey(
        "voters.VoterRegistration", verbose_name=_("voter"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=MobileReason.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mobile ballot box voter")
        verbose_name_plural = _("mobile ballot box voters")
        constraints = [
            models.UniqueConstraint(fields=["election", "registration"], name="mobile_approval_once")
        ]

    def __str__(self) -> str:
        return str(self.registration)


class MobileBoxVisit(_OfElection):
    """A voter a mobile box served: one of the approved, once per round (`mobile.record_visit`)."""

    election = models.ForeignKey("elections.VillageElection", on_delete=models.CASCADE, related_name="+")
    box = models.ForeignKey(
        BallotBox, verbose_name=_("ballot box"), on_delete=models.CASCADE, related_name="visits"
    )
    approval = models.ForeignKey(MobileBoxApproval, on_delete=models.PROTECT, related_name="visits")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mobile ballot box visit")
        verbose_name_plural = _("mobile ballot box visits")
        constraints = [
            models.UniqueConstraint(fields=["approval", "round"], name="mobile_visit_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.box} · {self.approval}"
