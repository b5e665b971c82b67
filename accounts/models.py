from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import REGION_LEVEL_FOR_ROLE, Role


class User(AbstractUser):
    """用户: a person with one role and one jurisdiction (a region and everything under it)."""

    display_name = models.CharField(_("name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLERK)
    region = models.ForeignKey(
        "elections.Region",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    unit = models.CharField(
        _("unit"),
        max_length=100,
        blank=True,
        help_text=_(
            "For joint-review departments: the reviewing unit, e.g. the county public security bureau."
        ),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        level = REGION_LEVEL_FOR_ROLE.get(self.role)
        if self.role != Role.ADMIN and self.region is None:
            raise ValidationError({"region": _("Every role except administrator needs a jurisdiction.")})
        if level and self.region is not None and self.region.level != level:
            raise ValidationError(
                {
                    "region": _("This role's jurisdiction must be a region of level %(level)s.")
                    % {"level": level}
                }
            )
        if self.role == Role.DEPARTMENT and not self.unit:
            raise ValidationError({"unit": _("A joint-review department user needs a unit.")})

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def scope_prefix(self) -> str | None:
        """The division-code prefix of the jurisdiction; None means no region restriction."""
        if self.sees_everything:
            return None
        return self.region.prefix if self.region_id else ""
