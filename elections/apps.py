from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = _("Elections")

    def ready(self) -> None:
        from trail.registry import register as register_in_trail

        from .models import ElectionCycle, ExportJob, Region, VillageElection

        # Regions are reference data: the region import writes them in bulk (and records itself); a
        # change by hand (a name, a population figure) is a change to what the papers print.
        register_in_trail(Region, division_code=lambda region: region.code)
        register_in_trail(ElectionCycle, division_code=lambda cycle: cycle.region.code)
        register_in_trail(VillageElection, exclude_fields=["updated_at"])
        # Who asked for which big export, and when (its progress is the worker's bookkeeping: not traced).
        register_in_trail(
            ExportJob, exclude_fields=["written", "created_at", "finished_at"], actor_fields=["requested_by"]
        )
