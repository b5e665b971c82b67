from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo on the roof: builds every app's data on the real places of shared/data (seed_demo)."""

    name = "demo"
    verbose_name = _("Demo")
