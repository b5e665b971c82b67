from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrailConfig(AppConfig):
    name = "trail"
    verbose_name = _("Activity trail")

    def ready(self) -> None:
        from auditlog.signals import post_log

        from . import receivers

        post_log.connect(receivers.chain_log_entry, dispatch_uid="trail.chain_log_entry")
