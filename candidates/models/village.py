"""The village's people around the nominations: its election committee and its outgoing team."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet
from voters.models import Education, Sex

from ..choices import Position


class _OfElection(models.Model):
    division_code = models.CharField(_("division code"), max_length=12, editable=False)

    objects = ScopedQuerySet.as_manager()
    jurisdiction_field = "division_code"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.division_code = self.election.division_code
        super().save(*args, **kwargs)


class ElectionCommitteeMember(_OfElection):
    """村民选举委员会推选结果: one person of the vote that chose the villagers' election committee.

    Everyone who received votes is kept with their votes, seated or not, so that a member who withdraws
    (for instance on being nominated) is replaced by the next person of the original vote
    ("按照原推选结果依次递补"): `replaces` records whom a replacement took over from.
    """

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        MEMBER = "member", _("Member")

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="election_committee"
    )
    resident = models.ForeignKey(
        "voters.Resident", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    votes = models.PositiveIntegerField(_("votes"))
    seated = models.BooleanField(_("seated"), default=False)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    withdrawn_at = models.DateTimeField(_("withdrew at"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    replaces = models.ForeignKey(
        "self", verbose_name=_("replaces"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("election committee member")
        verbose_name_plural = _("election committee members")
        ordering = ["-seated", "-votes", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "resident"], name="election_committee_person_once"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(seated=False), name="withdrawn_member_not_seated"
            ),
        ]

    def __str__(self) -> str:
        return str(self.resident)


class PreviousTermMember(_OfElection):
    """上届班子成员: one member of the outgoing two committees, imported per village, for the comparison of
    the new team with the old one ("五升一降") and to tell new entrants from sitting cadres."""

    PARTY_POSITIONS = [("", "—")] + [
        (p.value, p.label) for p in (Position.SECRETARY, Position.DEPUTY_SECRETARY, Position.PARTY_MEMBER)
    ]
    COMMITTEE_POSITIONS = [("", "—")] + [
        (p.value, p.label) for p in (Position.CHAIR, Position.VICE_CHAIR, Position.COMMITTEE_MEMBER)
    ]

    election = models.ForeignKey(
        "elections.VillageElection", on_delete=models.CASCADE, related_name="previous_term"
    )
    resident = models.ForeignKey(
        "voters.Resident",
        verbose_name=_("resident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=30)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    party_member = models.BooleanField(_("Party member"), default=False)
    party_position = models.CharField(
        _("Party committee post"), max_length=30, choices=PARTY_POSITIONS, blank=True
    )
    committee_position = models.CharField(
        _("villagers' committee post"), max_length=30, choices=COMMITTEE_POSITIONS, blank=True
    )

    class Meta:
        verbose_name = _("previous term member")
        verbose_name_plural = _("previous term members")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(party_position="", committee_position=""), name="previous_member_holds_a_post"
            ),
        ]

    def __str__(self) -> str:
        return self.name
