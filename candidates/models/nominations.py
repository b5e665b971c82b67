"""Nominations and what the vetting records about each nominee."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet

from .. import codes
from ..choices import (
    JOINT_MINIMUM,
    POSITIONS_OF_BODY,
    AnswerSource,
    ApprovalState,
    Body,
    Commitment,
    InspectionConclusion,
    NominationState,
    NoticeKind,
    Position,
    ReviewKind,
    Source,
    Verdict,
    VillagePost,
    VoidState,
)


class Nomination(models.Model):
    """提名: one person put forward for one position of one body in one village election.

    `state` moves only through services (ALLOWED): a nominee is nominated, then put on the body's list
    (the Party's preliminary candidates 预备人选, the villagers' committee's formal candidates 正式候选人),
    or withdrawn. Whether the nominee is qualified is derived from the findings, never stored.
    """

    ALLOWED = {
        NominationState.NOMINATED: {NominationState.LISTED, NominationState.WITHDRAWN},
        NominationState.LISTED: {NominationState.NOMINATED, NominationState.WITHDRAWN},
        NominationState.WITHDRAWN: set(),
    }

    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    resident = models.ForeignKey(
        "voters.Resident", verbose_name=_("nominee"), on_delete=models.PROTECT, related_name="nominations"
    )
    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    position = models.CharField(_("position"), max_length=30, choices=Position.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    nominators = models.PositiveIntegerField(_("nominating voters"), null=True, blank=True)
    votes = models.PositiveIntegerField(_("nomination votes"), default=0)
    village_post = models.CharField(
        _("village post held"), max_length=20, choices=VillagePost.choices, blank=True
    )
    state = models.CharField(
        _("state"), max_length=20, choices=NominationState.choices, default=NominationState.NOMINATED
    )
    listed_by_rule = models.BooleanField(
        _("listed by the women's candidate rule"),
        default=False,
        help_text=_("Put on the list as the woman with the most nomination votes, no woman being chosen."),
    )
    proposed = models.BooleanField(_("proposed for the team"), default=False)
    elected = models.BooleanField(_("elected"), default=False)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["election", "body", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "body", "resident"],
                condition=~Q(state="withdrawn"),
                name="one_nomination_per_body",
            ),
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(body=body, position__in=list(positions))
                        for body, positions in POSITIONS_OF_BODY.items()
                    ],
                    _connector=Q.OR,
                ),
                name="nomination_position_in_body",
            ),
            models.CheckConstraint(
                condition=~Q(source=Source.JOINT) | Q(nominators__gte=JOINT_MINIMUM),
                name="joint_nomination_needs_ten",
            ),
        ]
        indexes = [
            models.Index(
                fields=["division_code"], name="nomination_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_position_display()}"

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)


class _OfNomination(models.Model):
    """A record about one nominee, scoped by the nominee's village."""

    division_code = models.CharField(_("division code"), max_length=12, editable=False)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.division_code = self.nomination.division_code
        super().save(*args, **kwargs)


class QualificationReview(_OfNomination):
    """资格联审: the township's first review of a nominee, or one department's review of them.

    "谁审核、谁负责": the verdict keeps who gave it, for which unit and when, and is final once given.
    Department users see only the reviews addressed to their unit (`department_field`), inside their
    region.
    """

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)
    unit = models.CharField(_("unit"), max_length=100)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewer_unit = models.CharField(_("reviewer's unit"), max_length=100, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    department_field = "unit"

    class Meta:
        verbose_name = _("qualification review")
        verbose_name_plural = _("qualification reviews")
        ordering = ["kind", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "kind", "unit"], name="one_review_per_unit"),
            models.CheckConstraint(
                condition=Q(verdict="pending", decided_at__isnull=True)
                | ~Q(verdict="pending") & Q(decided_at__isnull=False),
                name="review_decided_when_not_pending",
            ),
        ]
        indexes = [
            # The department's inbox: its open requests soonest due first, its answers latest first.
            models.Index(fields=["unit", "verdict", "requested_at", "id"], name="review_inbox_due_idx"),
            models.Index(fields=["unit", "decided_at", "id"], name="review_inbox_decided_idx"),
            models.Index(
                fields=["division_code"], name="review_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.unit}"


class ReviewReminder(models.Model):
    """催办: the township reminds a department of the requests of one village it has not answered yet; the
    department's home page shows it (issue 15, part 2)."""

    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    unit = models.CharField(_("unit"), max_length=100)
    open_requests = models.PositiveIntegerField(_("open requests"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reminded by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("reminded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"
    department_field = "unit"

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["unit", "sent_at"], name="review_reminder_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.division_code}"


class NegativeListAnswer(_OfNomination):
    """One negative-list item answered for one nominee, with its evidence (e.g. a police certificate)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="negative_answers")
    item = models.ForeignKey("candidates.NegativeListItem", on_delete=models.PROTECT, related_name="+")
    hit = models.BooleanField(_("applies"))
    source = models.CharField(_("source of the answer"), max_length=12, choices=AnswerSource.choices)
    evidence = models.CharField(_("evidence"), max_length=300)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("negative list answer")
        verbose_name_plural = _("negative list answers")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "item"], name="one_answer_per_item"),
            models.CheckConstraint(condition=~Q(evidence=""), name="answer_needs_evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.item_id}"


class VoidDecision(_OfNomination):
    """当选无效决定: the county's decision on an elected person found to have bought votes (DOMAIN.md
    "Discipline": an elected one's election declared void). Opened by a substantiated report after the
    vote (candidates.services.open_void_decision), decided once by the county."""

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="void_decisions")
    reason = models.CharField(_("grounds for voiding"), max_length=300)
    source_label = models.CharField(_("record that opened it"), max_length=300)
    source_url = models.CharField(_("link to the record"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=VoidState.choices, default=VoidState.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decision made at"), null=True, blank=True)
    decision_note = models.CharField(_("grounds of the decision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("decision on voiding an election")
        verbose_name_plural = _("decisions on voiding elections")
        ordering = ["-opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination"], condition=Q(state="open"), name="one_open_void_decision"
            ),
            models.CheckConstraint(
                condition=Q(state="open", decided_at__isnull=True)
                | ~Q(state="open") & Q(decided_at__isnull=False),
                name="void_decided_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.get_state_display()}"


class Approval(_OfNomination):
    """例外审批: the county's answer to an "in principle" breach (an over-age secretary…), asked for by the
    township with a justification. Approved, the breach passes; refused, it blocks."""

    ALLOWED = {
        ApprovalState.PENDING: {ApprovalState.APPROVED, ApprovalState.REFUSED},
        ApprovalState.APPROVED: set(),
        ApprovalState.REFUSED: set(),
    }

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="approvals")
    code = models.CharField(_("rule"), max_length=60)
    params = models.JSONField(_("facts of the breach"), default=dict, blank=True)
    justification = models.TextField(_("justification"))
    state = models.CharField(
        _("state"), max_length=10, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(
                fields=["division_code"], name="approval_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "code"],
                condition=~Q(state="refused"),
                name="one_open_approval_per_rule",
            ),
            models.CheckConstraint(condition=~Q(justification=""), name="approval_needs_justification"),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.code}"

    @property
    def message(self) -> str:
        """The breach as the vetting reported it when the approval was asked for."""
        return codes.message(self.code, self.params) if self.code in codes.MESSAGES else self.code


class Inspection(_OfNomination):
    """考察: democratic evaluation, individual interviews and a site visit, with the conclusion."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="inspection")
    evaluation_score = models.DecimalField(
        _("democratic evaluation: favourable %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    interviews = models.PositiveSmallIntegerField(_("people interviewed"))
    site_visit = models.BooleanField(_("site visit made"), default=False)
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=InspectionConclusion.choices)
    remarks = models.TextField(_("remarks"), blank=True)
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    inspected_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return str(self.nomination)


class Commitments(_OfNomination):
    """换届纪律承诺书 and 三项承诺: the discipline pledge and the campaign, work and resignation commitments,
    each with the day it was signed (empty: not signed)."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="commitments")
    pledge_signed_on = models.DateField(_("discipline pledge signed on"), null=True, blank=True)
    campaign_signed_on = models.DateField(_("campaign commitment signed on"), null=True, blank=True)
    work_signed_on = models.DateField(_("work commitment signed on"), null=True, blank=True)
    resignation_signed_on = models.DateField(_("resignation commitment signed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    FIELDS = {
        Commitment.PLEDGE: "pledge_signed_on",
        Commitment.CAMPAIGN: "campaign_signed_on",
        Commitment.WORK: "work_signed_on",
        Commitment.RESIGNATION: "resignation_signed_on",
    }

    class Meta:
        verbose_name = _("commitments")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return str(self.nomination)

    def signed(self) -> frozenset[str]:
        return frozenset(kind for kind, name in self.FIELDS.items() if getattr(self, name))


class NoticePublication(models.Model):
    """张榜公布: the day a notice of a village's candidates was published; checked against the deadline."""

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="candidate_notices"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    kind = models.CharField(_("notice"), max_length=20, choices=NoticeKind.choices)
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("notice publication")
        verbose_name_plural = _("notice publications")
        ordering = ["-recorded_at"]
        get_latest_by = "recorded_at"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.published_on}"

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)
