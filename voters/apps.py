from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotersConfig(AppConfig):
    name = "voters"
    verbose_name = _("Voter registration")
