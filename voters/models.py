"""Households, residents, kinship and the voter roll (DOMAIN.md "Voter registration").

Rows that a jurisdiction filter reads carry the village's 12-digit `division_code`, so scoping a roll of
millions is an indexed prefix match without a join (see accounts.scoping).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet, scope


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Relation(models.TextChoices):
    """与户主关系: a member's relationship to the head of household, as household registers record it."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    PARENT = "parent", _("Parent")
    PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Brother or sister")
    OTHER = "other", _("Other")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school or less")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary / vocational")
    COLLEGE = "college", _("College (dazhuan)")
    BACHELOR = "bachelor", _("Bachelor")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class Household(models.Model):
    """户: a household of a village, with its village group (村民小组)."""

    # Not indexed alone: the (village, number) constraint's index serves lookups by village.
    village = models.ForeignKey(
        "elections.Region", verbose_name=_("village"), on_delete=models.PROTECT, db_index=False
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    number = models.CharField(_("household number"), max_length=30)
    group = models.CharField(_("village group"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="household_number_per_village")
        ]

    def __str__(self) -> str:
        return self.number


class Resident(models.Model):
    """村民: a person known to a village (household register, roll, nominee), identified by the ID number.

    Indexes are few on purpose — every one is paid by each row of a 100,000-row roll import: a village's
    residents are found by `division_code` (the village's code), so `village` has no index of its own, and
    the ID number's uniqueness is a constraint without the extra LIKE index Django adds to `unique=True`
    (ID numbers are searched whole or by their last digits, which no index serves).
    """

    village = models.ForeignKey(
        "elections.Region", verbose_name=_("village"), on_delete=models.PROTECT, db_index=False
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    name = models.CharField(_("name"), max_length=30)
    id_number = models.CharField(_("ID number"), max_length=18)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    relation_to_head = models.CharField(
        _("relationship to head"), max_length=20, choices=Relation.choices, blank=True
    )
    has_hukou = models.BooleanField(_("household registration in the village"), default=True)
    party_member = models.BooleanField(_("Party member"), default=False)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [models.UniqueConstraint(fields=["id_number"], name="resident_id_number_unique")]
        indexes = [
            models.Index(
                fields=["division_code"], name="resident_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            # Pattern ops: "find a person" matches a name whole or by its beginning (LIKE '王%'), which a
            # default-collation index cannot serve under a zh_CN or en_US database locale.
            models.Index(fields=["name"], name="resident_name_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name


class KinshipQuerySet(ScopedQuerySet):
    """A link across villages is stored with the person's village: it is seen from that village's
    jurisdiction (the one scope, on `division_code`) and from the relative's (the one scope, on them)."""

    def visible_to(self, user):
        relatives = scope(Resident.objects.all(), user).values("pk")
        return scope(self, user) | self.filter(relative__in=relatives)


class Kinship(models.Model):
    """亲属关系: one close-relative link between two residents, for the avoidance rules (近亲属回避).

    Links are stored once per pair in a canonical direction: `relation` says what `person` is to
    `relative` (PARENT: person is the relative's parent). Derived from households (HOUSEHOLD), or recorded
    by a township across households and villages, one at a time (MANUAL) or from Excel (IMPORT), with its
    basis (`services.record_kinship`).
    """

    class Kind(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        GRANDPARENT = "grandparent", _("Grandparent")

    class Source(models.TextChoices):
        HOUSEHOLD = "household", _("Household register")
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Imported from Excel")

    class Basis(models.TextChoices):
        """依据: what a link recorded by a township rests on (a derived link rests on its household)."""

        HUKOU_RECORD = "hukou_record", _("Household registration file or police records")
        COMMITTEE_CERTIFICATE = "committee_certificate", _("Certificate of the villagers' committee")
        SELF_DECLARED = "self_declared", _("Declared by the person")
        VISIT = "visit", _("Checked by a home visit")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="kinship_out")
    relative = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="kinship_in")
    relation = models.CharField(_("relation"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.HOUSEHOLD)
    # The person's village: a link across villages is listed in both (selectors.village_kinship).
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    basis = models.CharField(_("basis"), max_length=30, choices=Basis.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    objects = KinshipQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("kinship")
        verbose_name_plural = _("kinships")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative", "relation"], name="kinship_once"),
            models.CheckConstraint(condition=~Q(person=models.F("relative")), name="kinship_not_self"),
            # A link a person recorded says what it rests on; one derived from a household needs none.
            models.CheckConstraint(
                condition=Q(source="household") | ~Q(basis=""), name="kinship_recorded_has_basis"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.relative}: {self.get_relation_display()}"


class Category(models.TextChoices):
    """The three ways to be on a village's roll (Organic Law art. 13)."""

    HUKOU_RESIDENT = "hukou_resident", _("Household registration here, living here")
    HUKOU_AWAY = "hukou_away", _("Household registration here, living elsewhere, takes part")
    NON_HUKOU_RESIDENT = "non_hukou", _("Living here 1 year or more, approved by the assembly")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    LEFT_OFF = "left_off", _("Left off")


class LeftOffReason(models.TextChoices):
    DECLINED = "declined", _("Declined in writing")
    NO_ANSWER = "no_answer", _("No answer within the set period")
    DEPRIVED = "deprived", _("Deprived of political rights")
    DECEASED = "deceased", _("Deceased")
    MOVED = "moved", _("Moved away")


class VoterRegistration(models.Model):
    """选民登记: one resident on one village's roll in one cycle.

    The conditional unique constraint is the law's "no duplicates" (不重登): a person is registered in at
    most one village per cycle; a left-off record elsewhere does not count.
    """

    # Neither foreign key is indexed alone: (election, resident) and (cycle, division_code) lead with them.
    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="registrations",
        db_index=False,
    )
    cycle = models.ForeignKey(
        "elections.ElectionCycle", on_delete=models.PROTECT, editable=False, db_index=False
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="registrations"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    group = models.CharField(_("village group"), max_length=30, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.HUKOU_RESIDENT
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    left_off_reason = models.CharField(
        _("reason left off"), max_length=20, choices=LeftOffReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("voter registration")
        verbose_name_plural = _("voter registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "resident"],
                condition=Q(status="registered"),
                name="registered_once_per_cycle",
            ),
            models.UniqueConstraint(fields=["election", "resident"], name="one_registration_per_roll"),
            models.CheckConstraint(
                condition=Q(status="registered", left_off_reason="")
                | Q(status="left_off") & ~Q(left_off_reason=""),
                name="left_off_needs_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "division_code"], name="reg_cycle_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.election}"


class ProxyAuthorisation(models.Model):
    """委托投票: a written proxy from one registered voter to another of the same roll, for the villagers'
    vote (DOMAIN.md "voting": written proxies only as the rules allow, no on-the-spot proxies).

    Recorded and revoked only through `services.record_proxy` / `services.revoke_proxy`, which check the
    cycle's settings (`proxy_voting_allowed`, at most `proxies_per_voter` held by one voter) and that
    polling day has not come. A revoked proxy is kept with who revoked it, when and why; a voter gives at
    most one proxy in force (a database constraint).
    """

    # Not indexed alone: the (election, proxy) index leads with it.
    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="proxies",
        db_index=False,
    )
    grantor = models.ForeignKey(
        VoterRegistration,
        verbose_name=_("voter giving the proxy"),
        on_delete=models.CASCADE,
        related_name="proxies_given",
    )
    proxy = models.ForeignKey(
        VoterRegistration,
        verbose_name=_("proxy"),
        on_delete=models.CASCADE,
        related_name="proxies_held",
        db_index=False,
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    signed_on = models.DateField(_("signed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("proxy authorisation")
        verbose_name_plural = _("proxy authorisations")
        constraints = [
            models.CheckConstraint(condition=~Q(grantor=models.F("proxy")), name="proxy_not_self"),
            models.UniqueConstraint(
                fields=["grantor"], condition=Q(revoked_at__isnull=True), name="one_proxy_in_force_per_voter"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoke_reason="")
                | Q(revoked_at__isnull=False) & ~Q(revoke_reason=""),
                name="proxy_revoked_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["election", "proxy"], name="proxy_election_holder_idx")]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.proxy}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None


class RollPublication(models.Model):
    """选民名单公布: the date a village's roll was published; the workflow checks it against election day.

    One publication per roll and date: publishing again on the same day is the same publication
    (`services.publish_roll` returns it), and the constraint keeps it so when two requests race.
    """

    # Not indexed alone: the (election, published_on) constraint's index leads with it.
    election = models.ForeignKey(
        "elections.VillageElection",
        on_delete=models.CASCADE,
        related_name="roll_publications",
        db_index=False,
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    published_on = models.DateField(_("published on"))
    voters = models.PositiveIntegerField(_("voters on the roll"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("roll publication")
        verbose_name_plural = _("roll publications")
        get_latest_by = "recorded_at"
        constraints = [
            models.UniqueConstraint(fields=["election", "published_on"], name="one_publication_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self.published_on}"


class RollChange(models.Model):
    """名单变更: every change to a published roll, with its reason (补登 / 更正 / 除名)."""

    class Kind(models.TextChoices):
        ADD = "add", _("Added (补登)")
        CORRECT = "correct", _("Corrected (更正)")
        REMOVE = "remove", _("Removed (除名)")

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="roll_changes"
    )
    registration = models.ForeignKey(
        VoterRegistration, on_delete=models.SET_NULL, null=True, related_name="changes"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    # Null when the change came from a command-line import rather than a signed-in user.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("roll change")
        verbose_name_plural = _("roll changes")
        ordering = ["-at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="roll_change_needs_reason")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason}"


class RollObjection(models.Model):
    """选民名单异议: an objection to the published roll, received by the village election committee, which
    answers it within the cycle's `objection_answer_days` (3) of receipt (DOMAIN.md "Voter registration").

    About a voter on the roll (`registration`) or a person who is not on it (`person_name`): one who should
    be added (补登), one who should be taken off (除名), or particulars that are wrong (更正). Upheld, the
    answer makes the change through the roll's own services, with the answer as its reason, so it appears
    in the roll's change log (`roll_change`). Dates are days as the committee counts them: received on,
    answered on; an answer after the deadline is recorded and flagged late, never refused.
    """

    class Kind(models.TextChoices):
        ADD = "add", _("Should be added to the roll")
        REMOVE = "remove", _("Should be taken off the roll")
        CORRECT = "correct", _("Particulars are wrong")

    class Answer(models.TextChoices):
        UPHELD = "upheld", _("Objection upheld")
        REJECTED = "rejected", _("Objection not upheld")

    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("village election"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    objector_name = models.CharField(_("objector"), max_length=30)
    objector = models.ForeignKey(
        VoterRegistration,
        verbose_name=_("objector on the roll"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    registration = models.ForeignKey(
        VoterRegistration,
        verbose_name=_("voter concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objections",
    )
    person_name = models.CharField(_("person concerned (not on the roll)"), max_length=30, blank=True)
    ground = models.CharField(_("ground"), max_length=500)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    answer_text = models.CharField(_("answer given"), max_length=500, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    roll_change = models.ForeignKey(
        RollChange,
        verbose_name=_("roll change made"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("objection to the roll")
        verbose_name_plural = _("objections to the roll")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration__isnull=False) | ~Q(person_name=""), name="objection_names_whom"
            ),
            models.CheckConstraint(
                condition=Q(answer="", answered_on__isnull=True, answer_text="")
                | ~Q(answer="") & Q(answered_on__isnull=False) & ~Q(answer_text=""),
                name="objection_answer_complete",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=models.F("received_on")),
                name="objection_answered_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objector_name} · {self.get_kind_display()}"

    @property
    def whom(self) -> str:
        return self.registration.resident.name if self.registration_id else self.person_name

    @property
    def is_open(self) -> bool:
        return not self.answer


class ImportJob(models.Model):
    """One uploaded roll file: its preview, then (once confirmed) its import; runs as a Celery task.

    The file holds full ID numbers: it is deleted when the job is done, and a failed or abandoned job's
    after ROLL_UPLOAD_KEEP_FAILED_DAYS (`services.purge_roll_uploads`). MEDIA_ROOT is served by no URL.
    `attempts` counts the deliveries of the running step's task: a second one means the first died
    mid-run, and the job fails instead of running again (`services.check_import_job`).
    """

    RUNNING_STATES = ("uploaded", "checking", "importing")
    # A step still running this long after it started has lost its worker (a whole 200,000-row import
    # takes well under a minute): it is shown, then recorded, as failed.
    STALE_AFTER = datetime.timedelta(minutes=30)

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Checking")
        PREVIEWED = "previewed", _("Checked, awaiting confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        ROLL = "roll", _("Voter roll")
        KINSHIP = "kinship", _("Close relatives")

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="imports"
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    # What the file holds: the roll (`services.import_roll`) or close relatives (`services.import_kinship`);
    # both go through the same job, preview, confirmation and error file.
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ROLL)
    file = models.FileField(_("file"), upload_to="roll-imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the current step (check, then import) was queued or taken by a worker, and how many
    # deliveries of its task have started.
    step_started_at = models.DateTimeField(_("step started at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("task deliveries"), default=0)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("roll import")
        verbose_name_plural = _("roll imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress_key(self) -> str:
        """Cache key of the running task's latest progress: an import writes in one transaction, so a
        figure stored in this row would only be seen at its end."""
        return f"voters:import-progress:{self.pk}"

    @property
    def is_stale(self) -> bool:
        """Still marked as running long after its step started: its worker died without a redelivery."""
        started = self.step_started_at or self.created_at
        return (
            self.state in self.RUNNING_STATES
            and started is not None
            and timezone.now() - started > self.STALE_AFTER
        )


class ConflictRequestQuerySet(ScopedQuerySet):
    """A request concerns two villages: it is seen from the requesting village's jurisdiction (the one
    scope on `division_code`) and from the holding village's (the one scope, on the regions)."""

    def visible_to(self, user):
        from elections.models import Region

        held = Region.objects.visible_to(user).values("code")
        return scope(self, user) | self.filter(holding_code__in=held)


class ConflictRequest(models.Model):
    """登记冲突协调: a township asks the township holding another registration of a person in the cycle to
    settle it (DOMAIN.md 不重登).

    The requesting township may not learn where the person is registered unless its jurisdiction covers
    that village; the holding township learns who asks (the requesting village), name and masked ID. It
    answers by keeping the person (with a note) or by taking the person off its roll with the legal
    reason (`services.leave_off`), after which the requesting village can register them.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting an answer")
        KEPT = "kept", _("Kept on the other roll")
        RELEASED = "released", _("Taken off the other roll")

    cycle = models.ForeignKey("elections.ElectionCycle", on_delete=models.PROTECT, db_index=False)
    election = models.ForeignKey(
        "elections.VillageElection",
        verbose_name=_("requesting village election"),
        on_delete=models.CASCADE,
        related_name="conflict_requests",
    )
    division_code = models.CharField(_("division code"), max_length=12, editable=False)
    resident = models.ForeignKey(Resident, verbose_name=_("resident"), on_delete=models.PROTECT)
    registration = models.ForeignKey(
        VoterRegistration,
        verbose_name=_("registration in the other village"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="conflict_requests",
    )
    holding_code = models.CharField(_("division code of the other village"), max_length=12, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    note = models.CharField(_("note"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_requests_sent"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answer_note = models.CharField(_("reply"), max_length=300, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conflict_requests_answered",
    )
    answered_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    objects = ConflictRequestQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        verbose_name = _("conflict request")
        verbose_name_plural = _("conflict requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "resident"],
                condition=Q(state="open"),
                name="one_open_conflict_request",
            ),
            models.CheckConstraint(
                condition=Q(state="open", answered_at__isnull=True)
                | ~Q(state="open") & Q(answered_at__isnull=False),
                name="conflict_request_answer_recorded",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "division_code"], name="conflict_request_code_idx"),
            models.Index(fields=["cycle", "holding_code"], name="conflict_request_holding_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_state_display()}"
