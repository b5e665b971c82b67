from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotersConfig(AppConfig):
    name = "voters"
    verbose_name = _("Voter registration")

    def ready(self) -> None:
        from elections.archive import register

        from .archive import roll_archive_part

        register(roll_archive_part)
