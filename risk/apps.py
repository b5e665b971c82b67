from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = _("Three-colour risk rating")

    def ready(self) -> None:
        from elections.services import register_cycle_preparer
        from trail.registry import register

        from . import services

        register_cycle_preparer(services.ensure_default_weights)  # the default weights

        from candidates.evidence import register_evidence

        from .evidence import substantiated_reports

        # A substantiated report answers item 10 of the candidates' negative list (issue 15, part 5).
        register_evidence("discipline_report", substantiated_reports)

        from .models import (
            DisciplineReport,
            IndicatorWeight,
            Interview,
            Petition,
            RectificationPlan,
            RectificationTask,
            WeeklyAssessment,
        )

        # Snapshots and runs are written in bulk by the recompute, which records itself (record_bulk).
        register(IndicatorWeight)
        register(WeeklyAssessment, exclude_fields=["recorded_at"])
        register(Petition)
        register(DisciplineReport)
        register(RectificationPlan, exclude_fields=["created_at"])
        register(RectificationTask)
        register(Interview)
