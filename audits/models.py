"""Outgoing economic audits, findings, the finance clean-up and term evaluations (DOMAIN.md "Preparation").

The outgoing audit (离任经济责任审计) of the sitting committees is a hard gate of the workflow: no
election-stage work starts in a village whose audit is not completed (`audits.selectors.audit_completed`).
Term evaluations feed the candidate rules: rated incompetent in the last 3 years is on the negative list.
Every row carries the village's `division_code` for jurisdiction scoping (accounts.scoping).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet


class Committees(models.TextChoices):
    PARTY = "party", _("Party organization committee")
    VILLAGERS = "villagers", _("Villagers' committee")
    BOTH = "both", _("Both committees")


class AuditorKind(models.TextChoices):
    DEPARTMENT = "department", _("Government department")
    THIRD_PARTY = "third_party", _("Third-party firm")


class AuditStatus(models.TextChoices):
    """Moved only by audits.services (ALLOWED there): planned → in progress → completed."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class Rectification(models.TextChoices):
    OPEN = "open", _("Not rectified")
    IN_PROGRESS = "in_progress", _("Being rectified")
    RECTIFIED = "rectified", _("Rectified")


class Position(models.TextChoices):
    PARTY_SECRETARY = "party_secretary", _("Party secretary")
    PARTY_DEPUTY = "party_deputy", _("Deputy Party secretary")
    PARTY_MEMBER = "party_member", _("Party committee member")
    CHAIR = "chair", _("Villagers' committee chair")
    VICE_CHAIR = "vice_chair", _("Villagers' committee vice-chair")
    COMMITTEE_MEMBER = "committee_member", _("Villagers' committee member")
    SUPERVISION_CHAIR = "supervision_chair", _("Supervision committee chair")
    SUPERVISION_MEMBER = "supervision_member", _("Supervision committee member")


class Rating(models.TextChoices):
    COMPETENT = "competent", _("Competent (称职)")
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent (基本称职)")
    INCOMPETENT = "incompetent", _("Incompetent (不称职)")


class OutgoingAudit(models.Model):
    """离任经济责任审计: the outgoing economic audit of a village's sitting committees in one cycle."""

    election = models.OneToOneField(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="outgoing_audit",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    committees = models.CharField(
        _("committees audited"), max_length=10, choices=Committees.choices, default=Committees.BOTH
    )
    auditor_kind = models.CharField(_("auditor"), max_length=12, choices=AuditorKind.choices)
    auditor_name = models.CharField(_("auditing body"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    published_to_villagers_on = models.DateField(
        _("results published to villagers on"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("outgoing audit")
        verbose_name_plural = _("outgoing audits")
        ordering = ["division_code"]
        indexes = [
            models.Index(
                fields=["division_code"], name="audit_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned") | Q(started_on__isnull=False), name="audit_started_has_date"
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False)
                | ~Q(status="completed") & Q(completed_on__isnull=True),
                name="audit_completed_iff_date",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("started_on")),
                name="audit_completed_after_start",
            ),
            models.CheckConstraint(
                condition=Q(published_to_villagers_on__isnull=True)
                | Q(completed_on__isnull=False, published_to_villagers_on__gte=F("completed_on")),
                name="audit_published_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_committees_display()} · {self.auditor_name}"

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)


class AuditFinding(models.Model):
    """审计发现的问题: one problem an audit found, its amount, and how far it has been rectified.

    The severity may stay blank while the audit is in progress; an audit with an unassessed finding
    cannot be completed.
    """

    audit = models.ForeignKey(
        OutgoingAudit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="findings"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    description = models.CharField(_("description"), max_length=300)
    person = models.ForeignKey(
        "voters.Resident",
        verbose_name=_("person responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_findings",
        help_text=_("The cadre the finding is against, if it is against a person."),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, default=0)
    rectification = models.CharField(
        _("rectification"), max_length=12, choices=Rectification.choices, default=Rectification.OPEN
    )
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["audit", "id"]
        indexes = [
            # The risk recompute counts unresolved findings per village under a prefix.
            models.Index(
                fields=["division_code", "rectification"],
                name="finding_code_status_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="finding_amount_not_negative"),
            models.CheckConstraint(condition=~Q(description=""), name="finding_needs_description"),
            models.CheckConstraint(
                condition=Q(rectification="rectified", rectified_on__isnull=False)
                | ~Q(rectification="rectified") & Q(rectified_on__isnull=True),
                name="finding_rectified_iff_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs):
        self.division_code = self.audit.division_code
        super().save(*args, **kwargs)


class FinanceCleanup(models.Model):
    """财务清理: the clean-up of a village's "three assets" (funds, assets, resources) before the election."""

    election = models.OneToOneField(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="finance_cleanup",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    completed_on = models.DateField(_("completed on"))
    funds_yuan = models.DecimalField(_("funds counted (yuan)"), max_digits=14, decimal_places=2, default=0)
    assets_yuan = models.DecimalField(
        _("assets counted (book value, yuan)"), max_digits=14, decimal_places=2, default=0
    )
    resources_mu = models.DecimalField(
        _("resources counted (land, forest, water; mu)"), max_digits=12, decimal_places=2, default=0
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("finance clean-up")
        verbose_name_plural = _("finance clean-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(funds_yuan__gte=0, assets_yuan__gte=0, resources_mu__gte=0),
                name="cleanup_counts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.completed_on)

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)


class TermEvaluation(models.Model):
    """任期考核: the yearly evaluation of a sitting cadre (称职 / 基本称职 / 不称职).

    Rated incompetent in the 3 years before the reference date puts a person on the negative list
    (DOMAIN.md "Candidate vetting"); `audits.selectors.rated_incompetent_within` answers that.
    """

    resident = models.ForeignKey(
        "voters.Resident",
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        related_name="term_evaluations",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    year = models.PositiveSmallIntegerField(
        _("year evaluated"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    position = models.CharField(_("position held"), max_length=20, choices=Position.choices)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    evaluated_on = models.DateField(_("evaluated on"))
    evaluated_by = models.CharField(_("evaluated by"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("term evaluation")
        verbose_name_plural = _("term evaluations")
        ordering = ["division_code", "-year"]
        indexes = [
            models.Index(fields=["resident", "rating", "evaluated_on"], name="evaluation_rating_idx"),
            models.Index(
                fields=["division_code"], name="evaluation_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "year", "position"], name="one_evaluation_per_position_per_year"
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="evaluation_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_rating_display()}"

    def save(self, *args, **kwargs):
        self.division_code = self.resident.division_code
        super().save(*args, **kwargs)
