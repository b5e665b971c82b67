from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotersConfig(AppConfig):
    name = "voters"
    verbose_name = _("Voter registration")

    def ready(self) -> None:
        from trail.registry import register as register_in_trail

        from .models import ConflictRequest

        # The voters models of the first issues are registered by trail.registry's defaults. A request's
        # entry belongs to the requesting village's trail, which must not say where the person is
        # registered: the holding village's code stays out (its answer, a leave-off, is in its own trail).
        register_in_trail(ConflictRequest, exclude_fields=["holding_code"])
