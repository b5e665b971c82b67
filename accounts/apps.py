from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from trail.registry import register as register_in_trail

        from . import permissions  # noqa: F401  (registers the table's rules and permissions)
        from .models import User

        # Who may do what is election data too: a role, a jurisdiction, a unit, an account switched off.
        # Left out: the password hash (a secret, not a fact) and the login bookkeeping that changes with
        # every sign-in. The phone is personal data, kept to its last 4 digits.
        register_in_trail(
            User,
            exclude_fields=["password", "last_login", "date_joined"],
            mask_fields=["phone"],
            mask_callable="trail.registry.mask_personal",
            division_code=lambda user: user.region.code if user.region_id else "",
        )
