"""Rules as data: a cycle's vetting thresholds, the negative list and the reviewing departments."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet

from .. import defaults
from ..choices import DepartmentKind, NoticeOrder, RecordSource, Rounding
from ..rules import PaidPostBand, Thresholds


def _party_initial_minimums():
    return dict(defaults.PARTY_INITIAL_MINIMUMS)


def _paid_post_bands():
    return [dict(band) for band in defaults.PAID_POST_BANDS]


class CandidateRuleSettings(models.Model):
    """人选把关规则设置: the thresholds of candidate vetting for one cycle, created with DOMAIN.md's defaults
    the first time the cycle's candidates are vetted (services.rule_settings), then edited by an
    administrator."""

    cycle = models.OneToOneField(
        "elections.ElectionCycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="candidate_rules",
    )
    party_initial_ratio = models.DecimalField(
        _("initial Party candidates: times the seats"),
        max_digits=4,
        decimal_places=2,
        default=defaults.PARTY_INITIAL_RATIO,
        validators=[MinValueValidator(1)],
    )
    party_initial_rounding = models.CharField(
        _("rounding of the initial candidates"),
        max_length=10,
        choices=Rounding.choices,
        default=defaults.PARTY_INITIAL_ROUNDING,
    )
    party_initial_minimums = models.JSONField(
        _("initial candidates for given seats"),
        default=_party_initial_minimums,
        blank=True,
        help_text=_(
            'Minimums that take precedence over the ratio, as {"seats": minimum}; the township plan\'s '
            "examples are 3 seats → 5 and 5 seats → 7."
        ),
    )
    preliminary_extra = models.PositiveSmallIntegerField(
        _("preliminary candidates: seats plus"), default=defaults.PRELIMINARY_EXTRA
    )
    head_max_age_male = models.PositiveSmallIntegerField(
        _("secretary and chair: oldest age, men"), default=defaults.HEAD_MAX_AGE_MALE
    )
    head_max_age_female = models.PositiveSmallIntegerField(
        _("secretary and chair: oldest age, women"), default=defaults.HEAD_MAX_AGE_FEMALE
    )
    new_head_max_age = models.PositiveSmallIntegerField(
        _("newly nominated secretary or chair: oldest age"), default=defaults.NEW_HEAD_MAX_AGE
    )
    deputy_max_age_male = models.PositiveSmallIntegerField(
        _("deputies: oldest age, men"), default=defaults.DEPUTY_MAX_AGE_MALE
    )
    deputy_max_age_female = models.PositiveSmallIntegerField(
        _("deputies: oldest age, women"), default=defaults.DEPUTY_MAX_AGE_FEMALE
    )
    age_limits_hard = models.BooleanField(
        _("age limits are hard limits"),
        default=False,
        help_text=_('Off: the limits hold "in principle" and a breach passes with the county\'s approval.'),
    )
    new_entrant_max_age = models.PositiveSmallIntegerField(
        _("new entrants: preferred oldest age"), default=defaults.NEW_ENTRANT_MAX_AGE
    )
    new_entrant_min_education = models.CharField(
        _("new entrants: preferred education"), max_length=20, default=defaults.NEW_ENTRANT_MIN_EDUCATION
    )
    young_max_age = models.PositiveSmallIntegerField(
        _("young member: oldest age"), default=defaults.YOUNG_MAX_AGE
    )
    young_min_education = models.CharField(
        _("young member: education"), max_length=20, default=defaults.YOUNG_MIN_EDUCATION
    )
    women_share_target = models.DecimalField(
        _("women on the villagers' committee: target %"),
        max_digits=5,
        decimal_places=2,
        default=defaults.WOMEN_SHARE_TARGET,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    team_min_size = models.PositiveSmallIntegerField(
        _("team: fewest members"), default=defaults.TEAM_MIN_SIZE
    )
    team_max_size = models.PositiveSmallIntegerField(_("team: most members"), default=defaults.TEAM_MAX_SIZE)
    paid_post_bands = models.JSONField(
        _("paid posts by population"),
        default=_paid_post_bands,
        help_text=_(
            'A list of bands {"population": up to (null: no limit), "min": fewest (or null), "max": most}.'
        ),
    )
    notice_order = models.CharField(
        _("order of names on notices"),
        max_length=10,
        choices=NoticeOrder.choices,
        default=defaults.NOTICE_ORDER,
    )
    negative_list_limit = models.PositiveSmallIntegerField(
        _("negative list: most items"), default=defaults.NEGATIVE_LIST_LIMIT
    )
    evaluation_window_years = models.PositiveSmallIntegerField(
        _("negative list: years a rating of incompetent counts"),
        default=defaults.EVALUATION_WINDOW_YEARS,
        validators=[MinValueValidator(1)],
        help_text=_("An evaluation of 不称职 made within this many years before vetting blocks the nominee."),
    )
    discipline_window_years = models.PositiveSmallIntegerField(
        _("negative list: years a substantiated report counts"),
        default=defaults.DISCIPLINE_WINDOW_YEARS,
        validators=[MinValueValidator(1)],
        help_text=_("A vote-buying or discipline report substantiated within this many years blocks."),
    )
    review_days = models.PositiveSmallIntegerField(
        _("joint review: days to answer"),
        default=defaults.REVIEW_DAYS,
        validators=[MinValueValidator(1)],
        help_text=_("A department's review request is due this many days after it was sent."),
    )

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "cycle__region__code"
    jurisdiction_includes_ancestors = True

    class Meta:
        verbose_name = _("candidate rule settings")
        verbose_name_plural = _("candidate rule settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(team_min_size__lte=models.F("team_max_size")), name="candidate_team_sizes_ordered"
            ),
        ]

    def __str__(self) -> str:
        return str(self.cycle)

    def thresholds(self) -> Thresholds:
        """The settings as the pure rules read them."""
        return Thresholds(
            reference_date=self.cycle.reference_date,
            party_initial_ratio=self.party_initial_ratio,
            party_initial_rounding=self.party_initial_rounding,
            party_initial_minimums={str(k): int(v) for k, v in (self.party_initial_minimums or {}).items()},
            preliminary_extra=self.preliminary_extra,
            head_max_age_male=self.head_max_age_male,
            head_max_age_female=self.head_max_age_female,
            new_head_max_age=self.new_head_max_age,
            deputy_max_age_male=self.deputy_max_age_male,
            deputy_max_age_female=self.deputy_max_age_female,
            age_limits_hard=self.age_limits_hard,
            new_entrant_max_age=self.new_entrant_max_age,
            new_entrant_min_education=self.new_entrant_min_education,
            young_max_age=self.young_max_age,
            young_min_education=self.young_min_education,
            women_share_target=self.women_share_target,
            team_min_size=self.team_min_size,
            team_max_size=self.team_max_size,
            paid_post_bands=tuple(
                PaidPostBand(band.get("population"), band.get("min"), band["max"])
                for band in sorted(
                    self.paid_post_bands,
                    key=lambda b: float("inf") if b.get("population") is None else b["population"],
                )
            ),
            notice_order=self.notice_order,
        )


class NegativeListItem(models.Model):
    """负面清单（“十不选”）: one disqualification. The cycle's region carries the ten defaults; a county
    may add its own, up to the cycle's limit (15) in all for its villages."""

    cycle = models.ForeignKey(
        "elections.ElectionCycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "elections.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("text"), max_length=300)
    record_source = models.CharField(
        _("answered from the records of"),
        max_length=20,
        choices=RecordSource.choices,
        blank=True,
        help_text=_("The system's records that answer this item for every nominee, if any."),
    )

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "region__code"
    jurisdiction_includes_ancestors = True

    class Meta:
        verbose_name = _("negative list item")
        verbose_name_plural = _("negative list items")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "region", "number"], name="negative_item_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class ReviewUnit(models.Model):
    """联审部门: a department of a county that reviews candidates. `name` is the unit exactly as its users'
    `User.unit` spells it, which is how a department user finds the requests addressed to it."""

    region = models.ForeignKey(
        "elections.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DepartmentKind.choices)
    name = models.CharField(_("unit"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "region__code"
    jurisdiction_includes_ancestors = True
    department_field = "name"

    class Meta:
        verbose_name = _("reviewing department")
        verbose_name_plural = _("reviewing departments")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="review_unit_once_per_county")]

    def __str__(self) -> str:
        return self.name
