from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = _("Candidates")

    def ready(self) -> None:
        from elections.services import register_cycle_preparer
        from trail.registry import register as register_in_trail

        from . import models, services

        register_cycle_preparer(services.prepare_cycle)

        # The records of one village election carry its division code; the cycle-level settings belong
        # to the region that set them. Bulk writes of the services record themselves (record_bulk).
        # The "who" fields attribute a change made outside a request (a command, a task) to its person.
        register_in_trail(
            models.Nomination, exclude_fields=["created_at", "updated_at"], actor_fields=["created_by"]
        )
        register_in_trail(models.QualificationReview, actor_fields=["reviewer", "requested_by"])
        register_in_trail(models.ReviewReminder, exclude_fields=["sent_at"], actor_fields=["sent_by"])
        register_in_trail(models.NegativeListAnswer, actor_fields=["answered_by"])
        register_in_trail(models.Approval, actor_fields=["decided_by", "requested_by"])
        register_in_trail(models.Inspection, actor_fields=["inspected_by"])
        register_in_trail(models.VoidDecision, actor_fields=["opened_by", "decided_by"])
        register_in_trail(models.Commitments, actor_fields=["recorded_by"])
        register_in_trail(
            models.NoticePublication, exclude_fields=["recorded_at"], actor_fields=["published_by"]
        )
        register_in_trail(models.ElectionCommitteeMember, actor_fields=["recorded_by"])
        register_in_trail(models.PreviousTermMember)
        register_in_trail(models.CandidateRuleSettings, division_code=lambda s: s.cycle.region.code)
        register_in_trail(models.NegativeListItem, division_code=lambda item: item.region.code)
        register_in_trail(models.ReviewUnit, division_code=lambda unit: unit.region.code)
