"""The audits list filters: the village-election filters plus the audit's status."""

import django_filters
from django.utils.translation import gettext_lazy as _

from elections.filters import VillageElectionFilter

from .models import AuditStatus

NO_AUDIT = "none"


class AuditOverviewFilter(VillageElectionFilter):
    audit = django_filters.ChoiceFilter(
        label=_("Audit"),
        choices=[(NO_AUDIT, _("Not recorded")), *AuditStatus.choices],
        empty_label=_("All"),
        method="filter_audit",
    )

    class Meta(VillageElectionFilter.Meta):
        fields = ["township", "stage", "q", "audit"]

    def filter_audit(self, queryset, name, value):
        if value == NO_AUDIT:
            return queryset.filter(outgoing_audit__isnull=True)
        return queryset.filter(outgoing_audit__status=value)
