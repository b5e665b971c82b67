from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Outgoing audits")

    def ready(self) -> None:
        from trail.registry import register

        from .models import AuditFinding, FinanceCleanup, OutgoingAudit, TermEvaluation

        register(OutgoingAudit, exclude_fields=["created_at"])
        register(AuditFinding, exclude_fields=["created_at"])
        register(FinanceCleanup)
        register(TermEvaluation)
