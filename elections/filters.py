"""List filters for village elections (django-filter); choices come from the user's own jurisdiction."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Region, Stage, VillageElection


class VillageElectionFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        label=_("Township"),
        queryset=Region.objects.none(),
        method="filter_township",
        to_field_name="code",
        empty_label=_("All"),
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Village name"), field_name="village__name", lookup_expr="contains")

    class Meta:
        model = VillageElection
        fields = ["township", "stage", "q"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only townships inside the jurisdiction can be chosen; a code from outside fails validation.
        self.filters["township"].queryset = Region.objects.visible_to(user).filter(level="township")

    def filter_township(self, queryset, name, value):
        return queryset.filter(division_code__startswith=value.prefix)
