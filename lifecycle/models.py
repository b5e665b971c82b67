"""The models of the workflow of one village's election (DOMAIN.md "The lifecycle of one village's election").

- StepDefinition: the checklist of each stage as data (loaded with DOMAIN.md's defaults by a data
  migration; a province adds its own under its region).
- StepRecord and StepDocument: what a village has done of each step, when, by whom, with the papers.
- StageChange: every move of `VillageElection.stage`, made only by `lifecycle.workflow.advance_stage`.
- GateException: an exception a county approves (postponement, red-village close-out, over-age secretary).
- Handover, HandoverItem, HandoverProblem: the handover (交接) of seals, archives and the three assets.
- Reminder: the daily to-do items (steps due soon or overdue), recomputed by a Celery beat task.

Rows a user sees carry the village's `division_code` for jurisdiction scoping (accounts.scoping).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet
from elections.models import Stage


class DeadlineKind(models.TextChoices):
    """How a step's deadline is computed (lifecycle.deadlines); N comes from the cycle or the step."""

    NONE = "none", _("No deadline")
    BEFORE_ELECTION = "before_election", _("At least N days before election day")
    AFTER_RESULT = "after_result", _("Within N days of the election result")
    AFTER_OPENED = "after_opened", _("Within N days of the date it was opened")
    CYCLE_DATE = "cycle_date", _("By the cycle's training date")


class DeadlineSetting(models.TextChoices):
    """The cycle settings a deadline may read its N from (ElectionCycle fields)."""

    ROLL = "roll_publication_days", _("Roll publication days")
    CANDIDATES = "candidate_list_days", _("Candidate list days")
    VOTING_NOTICE = "voting_notice_days", _("Voting notice days")
    OBJECTIONS = "objection_answer_days", _("Objection answer days")
    HANDOVER = "handover_days", _("Handover days")


class StepSource(models.TextChoices):
    """Where a step's completion is read from: recorded by hand, or derived from another record."""

    MANUAL = "", _("Recorded on the step")
    RISK_RATED = "risk_rated", _("The weekly three-colour rating")
    RED_CLOSED_OUT = "red_closed_out", _("The county's close-out of the red village")
    ROLL_PUBLICATION = "roll_publication", _("The voter roll's publication")
    ROLL_OBJECTIONS = "roll_objections", _("The objections to the roll, each answered")
    OUTGOING_AUDIT = "outgoing_audit", _("The outgoing audit's completion")
    FINANCE_CLEANUP = "finance_cleanup", _("The finance clean-up")
    PRELIMINARY_NOTICE = "preliminary_notice", _("The notice of the preliminary candidates")
    PARTY_VOTE = "party_vote", _("The Party assembly's confirmed count")
    PARTY_APPROVED = "party_approved", _("The township's approval of the Party committee's result")
    FORMAL_LIST = "formal_list", _("The formal candidate list's publication")
    VOTING_NOTICE = "voting_notice", _("The voting notice's publication")
    VOTE_COUNTED = "vote_counted", _("The villagers' vote, counted and confirmed on the spot")
    RESULT_APPROVED = "result_approved", _("The township's approval of the villagers' committee result")
    CERTIFICATES_ISSUED = "certificates", _("The certificates of election issued")
    HANDOVER = "handover", _("The handover sign-off")


class StepDefinition(models.Model):
    """换届工作步骤: one step of a stage's checklist, with its guidance and deadline rule.

    Reference data rather than a village's record: the defaults (region blank) apply everywhere, a step
    with a region applies to the villages under it. Codes are stable; the gates name some of them.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    region = models.ForeignKey(
        "elections.Region",
        verbose_name=_("only under region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Blank: every region. A province adds its own steps under its region."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=100)
    guidance = models.TextField(_("guidance"), blank=True)
    deadline_kind = models.CharField(
        _("deadline"), max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.NONE
    )
    deadline_setting = models.CharField(
        _("N from the cycle setting"), max_length=30, choices=DeadlineSetting.choices, blank=True
    )
    deadline_days = models.PositiveSmallIntegerField(_("N (when no cycle setting)"), null=True, blank=True)
    source = models.CharField(_("completed by"), max_length=20, choices=StepSource.choices, blank=True)
    required = models.BooleanField(
        _("required"), default=True, help_text=_("A required step not done when its stage ends is missing.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "elections_stepdefinition"  # the table kept its name when the model moved here
        verbose_name = _("step definition")
        verbose_name_plural = _("step definitions")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_kind__in=["none", "cycle_date"])
                | ~Q(deadline_setting="")
                | Q(deadline_days__isnull=False),
                name="step_deadline_has_n",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def trail_division_code(self) -> str:
        return self.region.code if self.region_id else ""


class StepStatus(models.TextChoices):
    OPEN = "open", _("Under way")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class StepRecord(models.Model):
    """步骤记录: what one village did of one step: status, the date done, who, a note, documents.

    A row exists only once something was recorded; a step without a row is pending. `opened_on` is the
    start of a step whose deadline runs from it (the date an objection to the roll was received).
    """

    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="step_records",
    )
    step = models.ForeignKey(
        StepDefinition, verbose_name=_("step"), on_delete=models.PROTECT, related_name="+"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        db_table = "elections_steprecord"  # the table kept its name when the model moved here
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        ordering = ["election", "step__order"]
        constraints = [
            models.UniqueConstraint(fields=["election", "step"], name="one_record_per_step"),
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | ~Q(status="done") & Q(done_on__isnull=True),
                name="step_done_iff_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["division_code"], name="steprecord_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)


class StepDocument(models.Model):
    """步骤材料: a paper attached to a step record (a notice, minutes, a signed list), in default storage."""

    record = models.ForeignKey(
        StepRecord, verbose_name=_("step record"), on_delete=models.CASCADE, related_name="documents"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    file = models.FileField(_("file"), upload_to="step-documents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=5)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        db_table = "elections_stepdocument"  # the table kept its name when the model moved here
        verbose_name = _("step document")
        verbose_name_plural = _("step documents")
        ordering = ["record", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args, **kwargs):
        self.division_code = self.record.division_code
        super().save(*args, **kwargs)


class StageChange(models.Model):
    """阶段变更: one move of a village election's stage, who made it, when and on what grounds."""

    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    exception = models.ForeignKey(
        "lifecycle.GateException",
        verbose_name=_("approved exception"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        db_table = "elections_stagechange"  # the table kept its name when the model moved here
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["election", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_stage=models.F("to_stage")), name="stage_change_moves"),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)


class ExceptionKind(models.TextChoices):
    POSTPONEMENT = "postponement", _("Postponed election (暂缓换届)")
    RED_CLOSE_OUT = "red_close_out", _("Red village closed out (销号)")
    OVER_AGE_SECRETARY = "over_age_secretary", _("Over-age secretary or chair kept on")
    OTHER = "other", _("Other exception")


class ExceptionStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the county")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class GateException(models.Model):
    """例外审批: an exception to a rule of the workflow, asked with a reason and decided by the county.

    DOMAIN.md "Who uses the system": the county organization department approves postponed elections,
    over-age secretaries and red-village close-outs. The gates honour an approved exception of their kind.
    """

    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="gate_exceptions",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.REQUESTED
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        db_table = "elections_gateexception"  # the table kept its name when the model moved here
        verbose_name = _("gate exception")
        verbose_name_plural = _("gate exceptions")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "kind"], condition=Q(status="requested"), name="one_open_request_per_kind"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="exception_needs_reason"),
            models.CheckConstraint(
                condition=Q(status="requested", decided_at__isnull=True)
                | ~Q(status="requested") & Q(decided_at__isnull=False),
                name="exception_decided_iff_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["division_code", "status"],
                name="exception_code_status_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)


class Handover(models.Model):
    """交接: the outgoing committees hand seals, archives and the three assets to the new ones.

    DOMAIN.md "Handover": within `handover_days` (10) of the result; problems recorded and resolved;
    signed by a representative of both teams. Signed off, it completes the handover step.
    """

    election = models.OneToOneField(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="handover",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    result_on = models.DateField(_("election result on"))
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    outgoing_signatory = models.CharField(_("signed for the outgoing committees"), max_length=50, blank=True)
    incoming_signatory = models.CharField(_("signed for the new committees"), max_length=50, blank=True)
    witness = models.CharField(_("township official present"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        db_table = "elections_handover"  # the table kept its name when the model moved here
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True)
                | Q(handed_over_on__isnull=False) & ~Q(outgoing_signatory="") & ~Q(incoming_signatory=""),
                name="handover_signed_off_complete",
            ),
            models.CheckConstraint(
                condition=Q(handed_over_on__isnull=True) | Q(handed_over_on__gte=models.F("result_on")),
                name="handover_after_result",
            ),
        ]

    def __str__(self) -> str:
        return str(self.election)

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)

    @property
    def signed_off(self) -> bool:
        return self.signed_off_at is not None


class HandoverCategory(models.TextChoices):
    SEALS = "seals", _("Seals")
    ARCHIVES = "archives", _("Archives")
    FUNDS = "funds", _("Funds")
    ASSETS = "assets", _("Assets")
    RESOURCES = "resources", _("Resources")


class HandoverItem(models.Model):
    """移交清单: one line of the handover list, counted by the outgoing team and by the new one."""

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="items"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    category = models.CharField(_("category"), max_length=10, choices=HandoverCategory.choices)
    description = models.CharField(_("description"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity_listed = models.DecimalField(_("listed by the outgoing team"), max_digits=14, decimal_places=2)
    quantity_received = models.DecimalField(
        _("received by the new team"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        db_table = "elections_handoveritem"  # the table kept its name when the model moved here
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["handover", "category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_listed__gte=0)
                & (Q(quantity_received__isnull=True) | Q(quantity_received__gte=0)),
                name="handover_quantities_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs):
        self.division_code = self.handover.division_code
        super().save(*args, **kwargs)

    @property
    def matches(self) -> bool:
        return self.quantity_received is not None and self.quantity_received == self.quantity_listed


class HandoverProblem(models.Model):
    """交接问题: a problem found in the handover and how it was resolved."""

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="problems"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    description = models.CharField(_("problem"), max_length=300)
    resolution = models.CharField(_("how it was resolved"), max_length=300, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        db_table = "elections_handoverproblem"  # the table kept its name when the model moved here
        verbose_name = _("handover problem")
        verbose_name_plural = _("handover problems")
        ordering = ["handover", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | ~Q(resolution=""), name="handover_problem_resolution"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs):
        self.division_code = self.handover.division_code
        super().save(*args, **kwargs)


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class Reminder(models.Model):
    """待办提醒: a step of a village due within the reminder window or overdue, as of `computed_on`.

    Derived data: the daily task (lifecycle.tasks) replaces a county's reminders in one transaction;
    recording the step removes its reminder at once.
    """

    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    step = models.ForeignKey(
        StepDefinition, verbose_name=_("step"), on_delete=models.CASCADE, related_name="+"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    due_on = models.DateField(_("due on"))
    computed_on = models.DateField(_("computed on"))

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        db_table = "elections_reminder"  # the table kept its name when the model moved here
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_on", "division_code"]
        constraints = [
            models.UniqueConstraint(fields=["election", "step"], name="one_reminder_per_step"),
        ]
        indexes = [
            models.Index(
                fields=["division_code"], name="reminder_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} · {self.due_on}"
