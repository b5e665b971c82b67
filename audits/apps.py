from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Outgoing audits")

    def ready(self) -> None:
        from candidates.evidence import register_evidence
        from trail.registry import register

        from . import evidence

        # The audits' records answer items of the candidates' negative list (issue 15, part 5).
        register_evidence("term_evaluation", evidence.term_evaluations)
        register_evidence("audit_finding", evidence.audit_findings)

        from .models import AuditFinding, FinanceCleanup, OutgoingAudit, TermEvaluation

        register(OutgoingAudit, exclude_fields=["created_at"])
        register(AuditFinding, exclude_fields=["created_at"])
        register(FinanceCleanup)
        register(TermEvaluation)
