import datetime

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet

from .regions import PREFIX_LENGTH


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village / community")


class UrbanRural(models.TextChoices):
    """城乡分类代码: the statistics bureau's urban-rural classification of a village-level unit."""

    MAIN_URBAN = "111", _("Main urban area")
    URBAN_FRINGE = "112", _("Urban-rural fringe")
    TOWN_CENTRE = "121", _("Town centre")
    TOWN_FRINGE = "122", _("Town-rural fringe")
    SPECIAL = "123", _("Special area")
    TOWNSHIP_CENTRE = "210", _("Township centre")
    VILLAGE = "220", _("Village area")


class Region(models.Model):
    """行政区划: one unit of the province → city → county → township → village tree.

    Keyed by the 12-digit statistical division code, so everything under a unit is one prefix query on
    an indexed column (see accounts.scoping). Villages carry the attributes of DOMAIN.md "Geography".
    """

    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[RegexValidator(r"^\d{12}$")]
    )
    name = models.CharField(_("name"), max_length=60)
    official_name = models.CharField(
        _("official name"),
        max_length=100,
        blank=True,
        help_text=_(
            "As the statistics bureau lists it (傅山村民委员会); the name is its short form (傅山村). "
            "Blank: the same as the name."
        ),
    )
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_community = models.BooleanField(_("urban community"), default=False)
    urban_rural_code = models.CharField(
        _("urban-rural classification"), max_length=3, blank=True, choices=UrbanRural.choices
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    party_members = models.PositiveIntegerField(_("Party members"), default=0)
    village_groups = models.PositiveSmallIntegerField(_("village groups"), default=0)
    weak_party_organization = models.BooleanField(_("weak and lax Party organization"), default=False)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "code"

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            # LIKE 'prefix%' uses a B-tree only with the pattern operator class on PostgreSQL: Django makes
            # that one for the unique code by itself (…_code_…_like), so no second copy is declared here.
            # The level gets a plain B-tree (db_index on a CharField would add an unused _like twin): each
            # index is paid on every row of the national list's import.
            models.Index(fields=["level"], name="region_level_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{12}$"), name="region_code_12_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    def descendants(self) -> models.QuerySet["Region"]:
        return Region.objects.filter(code__startswith=self.prefix).exclude(pk=self.pk)

    def ancestors(self) -> list["Region"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors()[1:], self])


class ElectionCycle(models.Model):
    """换届周期: one five-yearly round of elections for a region, with the rule settings provinces vary.

    Defaults are those of DOMAIN.md; an administrator edits them per cycle. Later issues add the settings
    of their own rules here (or in a related settings model).
    """

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="cycles"
    )
    year = models.PositiveSmallIntegerField(_("election year"))
    reference_date = models.DateField(
        _("age reference date"), help_text=_("Ages of candidates are counted on this date (e.g. 1 January).")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_current = models.BooleanField(_("current"), default=True)

    roll_publication_days = models.PositiveSmallIntegerField(
        _("roll published at least N days before election day"), default=20
    )
    candidate_list_days = models.PositiveSmallIntegerField(
        _("formal candidates published at least N days before"), default=5
    )
    voting_notice_days = models.PositiveSmallIntegerField(
        _("voting arrangements announced at least N days before"), default=3
    )
    objection_answer_days = models.PositiveSmallIntegerField(
        _("objections answered within N days"), default=3
    )
    handover_days = models.PositiveSmallIntegerField(_("handover within N days of the result"), default=10)
    proxy_voting_allowed = models.BooleanField(
        _("written proxy voting allowed"),
        default=True,
        help_text=_("A registered voter away on election day may give one other voter a written proxy."),
    )
    proxies_per_voter = models.PositiveSmallIntegerField(
        _("proxies one voter may accept at most"), default=3, validators=[MinValueValidator(1)]
    )
    training_due_on = models.DateField(
        _("pre-service training completed by"),
        null=True,
        blank=True,
        help_text=_("Blank: the cycle's end date."),
    )
    reminder_days = models.PositiveSmallIntegerField(_("to-do lists show steps due within N days"), default=3)
    risk_red_max = models.DecimalField(_("red: score at most"), max_digits=5, decimal_places=2, default=60)
    risk_green_min = models.DecimalField(
        _("green: score at least"), max_digits=5, decimal_places=2, default=80
    )
    risk_middle_label = models.CharField(
        _("label of the middle band"),
        max_length=10,
        default="orange",
        choices=[("orange", _("Orange")), ("yellow", _("Yellow"))],
    )
    separate_confirm_and_approve = models.BooleanField(
        _("whoever confirmed a result may not approve it"),
        default=True,
        help_text=_(
            "Separation of duties: the township user who approves a result is not the one who confirmed it."
        ),
    )

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "region__code"
    jurisdiction_includes_ancestors = True

    class Meta:
        verbose_name = _("election cycle")
        verbose_name_plural = _("election cycles")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cycle_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(risk_red_max__lt=models.F("risk_green_min")), name="cycle_risk_bands_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    """The stages of DOMAIN.md "The lifecycle of one village's election"; moved only by the workflow."""

    PREPARATION = "preparation", _("Preparation")
    PARTY_ELECTION = "party_election", _("Party organization election")
    COMMITTEE_ELECTION = "committee_election", _("Villagers' committee election")
    SUPERVISION = "supervision", _("Supervision committee")
    HANDOVER = "handover", _("Handover")
    COMPLETED = "completed", _("Completed")
    POSTPONED = "postponed", _("Postponed")


# The stages in their order; POSTPONED stands aside (a postponed election is in none of them).
STAGE_ORDER = (
    Stage.PREPARATION,
    Stage.PARTY_ELECTION,
    Stage.COMMITTEE_ELECTION,
    Stage.SUPERVISION,
    Stage.HANDOVER,
    Stage.COMPLETED,
)


class VillageElection(models.Model):
    """村级换届: the election of one village in one cycle (its stage, election day and seats).

    `division_code` repeats the village's code (which never changes) so that jurisdiction filters on the
    busiest tables are a prefix match without a join.
    """

    cycle = models.ForeignKey(
        ElectionCycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="village_elections"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="elections"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PREPARATION)
    election_day = models.DateField(_("election day"), null=True, blank=True)
    party_seats = models.PositiveSmallIntegerField(
        _("Party committee seats"), default=5, validators=[MinValueValidator(3), MaxValueValidator(7)]
    )
    committee_seats = models.PositiveSmallIntegerField(
        _("villagers' committee seats"), default=5, validators=[MinValueValidator(3), MaxValueValidator(7)]
    )
    supervision_seats = models.PositiveSmallIntegerField(
        _("supervision committee seats"), default=3, validators=[MinValueValidator(3), MaxValueValidator(5)]
    )
    risk_red_open = models.BooleanField(
        _("red village not closed out"),
        default=False,
        help_text=_(
            "Set by the risk rating while the village is rated red and not closed out; the election "
            "does not start until it is cleared or the county approves the close-out."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("village election")
        verbose_name_plural = _("village elections")
        ordering = ["division_code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "village"], name="one_election_per_village_per_cycle"),
            models.CheckConstraint(
                condition=Q(party_seats__gte=3, party_seats__lte=7), name="party_seats_3_to_7"
            ),
            models.CheckConstraint(
                condition=Q(committee_seats__gte=3, committee_seats__lte=7), name="committee_seats_3_to_7"
            ),
            models.CheckConstraint(
                condition=Q(supervision_seats__gte=3, supervision_seats__lte=5),
                name="supervision_seats_3_to_5",
            ),
        ]
        indexes = [
            models.Index(
                fields=["division_code"], name="ve_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} · {self.cycle}"

    def save(self, *args, **kwargs):
        self.division_code = self.village.code
        super().save(*args, **kwargs)


class ExportJob(models.Model):
    """导出任务: one big Excel export written by a worker (`elections.exports`), kept for the person who
    asked. An export of more than EXPORT_BACKGROUND_ROWS rows comes here instead of holding a web worker;
    the file may hold full ID numbers, so it is served only to its requester inside their jurisdiction
    (MEDIA_ROOT itself is served by no URL)."""

    RUNNING_STATES = ("queued", "running")
    # Still waiting or writing this long after it was asked for: its worker is gone (a province's list
    # is written in well under a minute), and the page says so instead of polling for ever.
    STALE_AFTER = datetime.timedelta(minutes=30)

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Writing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    # The registered export (`elections.exports.register`) and its arguments, JSON.
    name = models.CharField(_("export"), max_length=60)
    params = models.JSONField(_("arguments"), default=dict, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    division_code = models.CharField(_("division code"), max_length=12, blank=True)
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    failure = models.CharField(_("failure"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_stale(self) -> bool:
        return (
            self.state in self.RUNNING_STATES
            and self.created_at is not None
            and timezone.now() - self.created_at > self.STALE_AFTER
        )

    @property
    def progress(self) -> int:
        """Per cent of the rows written (100 once done)."""
        if self.state == self.State.DONE:
            return 100
        return min(99, self.written * 100 // self.rows) if self.rows else 0
