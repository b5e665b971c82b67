from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = _("Ballots and results")

    def ready(self) -> None:
        from trail.registry import register

        from . import models

        register(models.PollingStation)
        register(models.BallotBox)
        register(models.TallySheet, exclude_fields=["updated_at"])
        register(models.TallyEntry, exclude_fields=["updated_at"])
        register(models.PartyAttendance)
        register(models.WarningAcknowledgement)
        register(models.ElectionResult, exclude_fields=["counted_at"])
        register(models.VotingNotice, exclude_fields=["created_at"])
        register(models.PlenaryVote, exclude_fields=["recorded_at"])
        register(models.MobileBoxApproval)
        register(models.MobileBoxVisit)
        register(models.CountingRuleSettings, division_code=lambda s: s.cycle.region.code)
