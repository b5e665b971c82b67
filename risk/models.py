"""The three-colour risk rating's records (DOMAIN.md "Three-colour risk rating", "Discipline and supervision").

Inputs: a cycle's indicator weights, the township's weekly assessment of each village, petitions and
discipline (vote-buying) reports. Output: one snapshot per village per week, written by the weekly
recompute (risk.services.recompute_county) and read by the dashboards. Red villages get a rectification
plan with three linked leaders and tasks, closed out (销号) by the county; interviews (约谈) are recorded.
Every row carries the village's `division_code` for jurisdiction scoping (accounts.scoping).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet

from .indicators import DEFAULT_INDICATORS, LEVEL_MAX, Kind
from .scoring import Colour

INDICATOR_CHOICES = [(ind.code, ind.label) for ind in DEFAULT_INDICATORS]
#: The indicators the township enters every week, in catalogue order; WeeklyAssessment has one field each.
MANUAL_CODES = tuple(ind.code for ind in DEFAULT_INDICATORS if ind.kind is Kind.MANUAL)
COUNT_MAX = 99  # a count the township types in by hand; more than 99 disputes is a typing error


class VillageRecord(models.Model):
    """What every per-village risk record shares: the election, its division code, scoping."""

    election = models.ForeignKey(
        "elections.VillageElection", verbose_name=_("village election"), on_delete=models.CASCADE
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)


def prefix_index(model: str) -> models.Index:
    # LIKE 'prefix%' uses a B-tree on PostgreSQL only with the pattern operator class.
    return models.Index(fields=["division_code"], name=f"{model}_code_idx", opclasses=["varchar_pattern_ops"])


class IndicatorWeight(models.Model):
    """指标权重: one indicator's weight (points per unit) and cap in one cycle; defaults in risk.indicators."""

    cycle = models.ForeignKey(
        "elections.ElectionCycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="indicator_weights",
    )
    code = models.CharField(_("indicator"), max_length=40, choices=INDICATOR_CHOICES)
    weight = models.DecimalField(_("points per unit"), max_digits=5, decimal_places=2)
    cap = models.DecimalField(_("at most (points)"), max_digits=5, decimal_places=2)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "cycle__region__code"
    jurisdiction_includes_ancestors = True

    class Meta:
        verbose_name = _("indicator weight")
        verbose_name_plural = _("indicator weights")
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="one_weight_per_indicator_per_cycle"),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100, cap__gte=0, cap__lte=100),
                name="weight_and_cap_within_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.weight} / {self.cap}"

    def trail_division_code(self) -> str:
        return self.cycle.region.code


def level_field(label):
    return models.PositiveSmallIntegerField(label, default=0, validators=[MaxValueValidator(LEVEL_MAX)])


class WeeklyAssessment(VillageRecord):
    """乡镇每周研判: the township's weekly assessment of one village: the manual indicators and a note.

    `week` is the Monday of the week assessed. The recompute of week W reads, for each village, the latest
    assessment of a week up to W: a situation stays as assessed until the township revises it.
    Levels are 0 none, 1 slight, 2 serious, 3 severe.
    """

    week = models.DateField(_("week (Monday)"))
    team_disunity = level_field(_("Disunity in the village team"))
    township_assessment = level_field(_("Township overall assessment"))
    key_persons_disputes = models.PositiveSmallIntegerField(
        _("Key persons and disputes"), default=0, validators=[MaxValueValidator(COUNT_MAX)]
    )
    negative_public_opinion = level_field(_("Negative public opinion"))
    clan_gang_interference = level_field(_("Clan or gang interference"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("weekly assessment")
        verbose_name_plural = _("weekly assessments")
        ordering = ["division_code", "-week"]
        indexes = [
            prefix_index("assessment"),
            models.Index(fields=["election", "week"], name="assessment_week_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["election", "week"], name="one_assessment_per_village_per_week"),
            models.CheckConstraint(
                condition=Q(
                    team_disunity__lte=LEVEL_MAX,
                    township_assessment__lte=LEVEL_MAX,
                    negative_public_opinion__lte=LEVEL_MAX,
                    clan_gang_interference__lte=LEVEL_MAX,
                    key_persons_disputes__lte=COUNT_MAX,
                ),
                name="assessment_levels_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week:%Y-%m-%d}"

    def values(self) -> dict[str, int]:
        return {code: getattr(self, code) for code in MANUAL_CODES}


class Channel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    MAILBOX = "mailbox", _("Reporting mailbox")
    LETTER = "letter", _("Letter")
    ONLINE = "online", _("Online platform")
    VISIT = "visit", _("In person")


class Petition(VillageRecord):
    """信访件: a petition concerning the village; open from the day received until the day resolved."""

    subject = models.CharField(_("subject"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.VISIT)
    received_on = models.DateField(_("received on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.CharField(_("how it was resolved"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["division_code", "-received_on"]
        indexes = [prefix_index("petition")]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("received_on")),
                name="petition_resolved_after_received",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class ReportKind(models.TextChoices):
    VOTE_BUYING = "vote_buying", _("Vote buying (拉票贿选)")
    OBSTRUCTION = "obstruction", _("Obstructing the election")
    DISCIPLINE = "discipline", _("Other breach of election discipline")


class ReportOutcome(models.TextChoices):
    OPEN = "open", _("Being looked into")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    UNFOUNDED = "unfounded", _("Unfounded")


class DisciplineReport(VillageRecord):
    """违纪举报: a report of vote buying or another breach of election discipline (zero tolerance).

    It counts in the score from the day received; once resolved it keeps counting if substantiated and
    stops if found unfounded (DOMAIN.md "Discipline and supervision": every report recorded and resolved).
    """

    kind = models.CharField(
        _("kind"), max_length=12, choices=ReportKind.choices, default=ReportKind.VOTE_BUYING
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    summary = models.CharField(_("summary"), max_length=300)
    accused = models.ForeignKey(
        "voters.Resident",
        verbose_name=_("person reported"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discipline_reports",
        help_text=_("The nominee the report is about, if it names one: substantiated, it disqualifies."),
    )
    received_on = models.DateField(_("received on"))
    outcome = models.CharField(
        _("outcome"), max_length=14, choices=ReportOutcome.choices, default=ReportOutcome.OPEN
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.CharField(_("how it was handled"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("discipline report")
        verbose_name_plural = _("discipline reports")
        ordering = ["division_code", "-received_on"]
        indexes = [prefix_index("report")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="open", resolved_on__isnull=True)
                | ~Q(outcome="open") & Q(resolved_on__gte=models.F("received_on")),
                name="report_resolved_iff_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.summary


class RiskSnapshot(VillageRecord):
    """选情指数周快照: a village's score, colour and breakdown on one Monday; written only by the recompute.

    `breakdown` is risk.scoring's JSON (indicators, five dimensions, total deduction). `stuck` marks red or
    orange unchanged for the cycle's number of weeks; `suspect` a red → green jump in this week with no
    rectification task closed (虚假整转); `tasks_closed` counts the tasks closed in the week ending here.
    """

    cycle = models.ForeignKey("elections.ElectionCycle", verbose_name=_("cycle"), on_delete=models.CASCADE)
    week = models.DateField(_("week (Monday)"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    colour = models.CharField(_("colour"), max_length=6, choices=[(c.value, c.value) for c in Colour])
    breakdown = models.JSONField(_("breakdown"), default=dict)
    tasks_closed = models.PositiveIntegerField(_("rectification tasks closed this week"), default=0)
    stuck = models.BooleanField(_("unchanged for weeks"), default=False)
    suspect = models.BooleanField(_("suspected false rectification"), default=False)

    class Meta:
        verbose_name = _("risk snapshot")
        verbose_name_plural = _("risk snapshots")
        ordering = ["division_code", "-week"]
        indexes = [
            models.Index(
                fields=["cycle", "week", "division_code"],
                name="snapshot_week_code_idx",
                opclasses=["int8_ops", "date_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["election", "week"], name="snapshot_election_week_idx"),
            # The dashboard lists the few suspected false rectifications of the last weeks.
            models.Index(fields=["cycle", "week"], condition=Q(suspect=True), name="snapshot_suspect_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["election", "week"], name="one_snapshot_per_village_per_week"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="snapshot_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.week:%Y-%m-%d} {self.score}"


class RecomputeRun(models.Model):
    """One county's weekly recompute: when it ran and what it found (the dashboards' cache key)."""

    cycle = models.ForeignKey("elections.ElectionCycle", verbose_name=_("cycle"), on_delete=models.CASCADE)
    county_code = models.CharField(_("county"), max_length=12)
    week = models.DateField(_("week (Monday)"))
    computed_at = models.DateTimeField(_("computed at"))
    villages = models.PositiveIntegerField(_("villages"), default=0)
    red = models.PositiveIntegerField(_("red"), default=0)
    orange = models.PositiveIntegerField(_("orange"), default=0)
    green = models.PositiveIntegerField(_("green"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    # {township prefix (9 digits): {"red": n, "orange": n, "green": n, "score_sum": "1234.50"}}: the trend and
    # the ranking read these few rows instead of grouping every snapshot of every week again.
    townships = models.JSONField(_("by township"), default=dict)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "county_code"

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-week", "county_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "county_code", "week"], name="one_run_per_county_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.county_code} {self.week:%Y-%m-%d}"


class PlanStatus(models.TextChoices):
    OPEN = "open", _("Being rectified")
    CLOSED_OUT = "closed_out", _("Closed out (销号)")


class RectificationPlan(VillageRecord):
    """整转方案: the plan for a red village: three linked leaders (三级领导包联), a stationed work team, tasks.

    "不销号、不撤组、不启动换届": the election does not start until a county user closes the plan out.
    At most one plan per village is open at a time.
    """

    city_leader = models.CharField(_("linked city leader"), max_length=100)
    county_leader = models.CharField(_("linked county leader"), max_length=100)
    township_leader = models.CharField(_("linked township leader"), max_length=100)
    work_team = models.CharField(_("stationed work team"), max_length=300)
    stationed_on = models.DateField(_("team stationed on"))
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    closed_out_on = models.DateField(_("closed out on"), null=True, blank=True)
    closed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed out by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    close_out_note = models.CharField(_("close-out note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        ordering = ["division_code", "-created_at"]
        indexes = [prefix_index("plan")]
        constraints = [
            models.UniqueConstraint(
                fields=["election"], condition=Q(status="open"), name="one_open_plan_per_village"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_out_on__isnull=True)
                | Q(status="closed_out", closed_out_on__isnull=False),
                name="plan_closed_out_iff_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} · {self.work_team}"


class RectificationTask(models.Model):
    """包联任务: one listed task of a plan, its owner and due date; closed when done."""

    plan = models.ForeignKey(
        RectificationPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    description = models.CharField(_("task"), max_length=300)
    owner = models.CharField(_("owner"), max_length=100)
    due_on = models.DateField(_("due on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        ordering = ["plan", "due_on", "id"]
        indexes = [prefix_index("task")]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs):
        self.division_code = self.plan.division_code
        super().save(*args, **kwargs)


class InterviewReason(models.TextChoices):
    STUCK = "stuck", _("Rating unchanged for weeks")
    FALSE_RECTIFICATION = "false_rectification", _("Suspected false rectification")
    OTHER = "other", _("Other")


class Interview(VillageRecord):
    """约谈: an interview of an official over a village that does not improve (who, when, outcome)."""

    interviewee = models.CharField(_("interviewee"), max_length=50)
    post = models.CharField(_("post"), max_length=100)
    held_on = models.DateField(_("held on"))
    reason = models.CharField(_("reason"), max_length=20, choices=InterviewReason.choices)
    outcome = models.CharField(_("outcome"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["division_code", "-held_on"]
        indexes = [prefix_index("interview")]

    def __str__(self) -> str:
        return f"{self.interviewee} · {self.held_on:%Y-%m-%d}"
