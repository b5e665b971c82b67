from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = _("Elections")

    def ready(self) -> None:
        from trail.registry import register

        from .workflow_models import (
            GateException,
            Handover,
            HandoverItem,
            HandoverProblem,
            StageChange,
            StepDefinition,
            StepDocument,
            StepRecord,
        )

        register(StepDefinition)
        register(StepRecord, exclude_fields=["updated_at"])
        register(StepDocument, exclude_fields=["uploaded_at"])
        register(StageChange, exclude_fields=["at"])
        register(GateException, exclude_fields=["requested_at"])
        register(Handover)
        register(HandoverItem)
        register(HandoverProblem)
