from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    """The workflow of one village's election, on the top floor: it reads every app below it."""

    name = "lifecycle"
    verbose_name = _("Election workflow")

    def ready(self) -> None:
        from trail.registry import register as register_in_trail
        from voters.archive import roll_archive_part
        from voters.services import register_step_listener

        from .archive import register as register_in_archive
        from .models import (
            GateException,
            Handover,
            HandoverItem,
            HandoverProblem,
            StageChange,
            StepDefinition,
            StepDocument,
            StepRecord,
        )
        from .risk_feed import register as register_in_risk
        from .workflow import refresh_village_reminders

        register_in_trail(StepDefinition)
        register_in_trail(StepRecord, exclude_fields=["updated_at"])
        register_in_trail(StepDocument, exclude_fields=["uploaded_at"])
        register_in_trail(StageChange, exclude_fields=["at"])
        register_in_trail(GateException, exclude_fields=["requested_at"])
        register_in_trail(Handover)
        register_in_trail(HandoverItem)
        register_in_trail(HandoverProblem)
        register_in_archive(roll_archive_part)
        register_in_risk()
        # An objection recorded or answered moves the village's "objections handled" step: its to-do list
        # is brought up to date at once rather than by the next morning's recompute.
        register_step_listener(lambda election: refresh_village_reminders(election=election))
