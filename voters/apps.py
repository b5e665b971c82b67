from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotersConfig(AppConfig):
    name = "voters"
    verbose_name = _("Voter registration")

    def ready(self) -> None:
        from trail.registry import register as register_in_trail

        from .models import (
            ConflictRequest,
            Household,
            Kinship,
            ProxyAuthorisation,
            Resident,
            RollChange,
            RollObjection,
            RollPublication,
            VoterRegistration,
        )

        # Import jobs are not registered: a job's state and progress are the worker's bookkeeping, and
        # what an import wrote is recorded by the import itself (record_bulk, with the file's SHA-256).
        register_in_trail(Household)
        # ID numbers and phones are personal data the trail must not spread (DOMAIN.md): last 4 only.
        register_in_trail(
            Resident, mask_fields=["id_number", "phone"], mask_callable="trail.registry.mask_personal"
        )
        register_in_trail(Kinship)
        register_in_trail(VoterRegistration, exclude_fields=["created_at", "updated_at"])
        register_in_trail(ProxyAuthorisation, exclude_fields=["recorded_at"])
        register_in_trail(RollPublication, exclude_fields=["recorded_at"])
        register_in_trail(RollChange, exclude_fields=["at"])
        register_in_trail(RollObjection, exclude_fields=["recorded_at"])
        # A request's entry belongs to the requesting village's trail, which must not say where the person is
        # registered: the holding village's code stays out (its answer, a leave-off, is in its own trail).
        register_in_trail(ConflictRequest, exclude_fields=["holding_code"])
