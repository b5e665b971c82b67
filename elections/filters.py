"""List filters for village elections (django-filter); choices come from the user's own jurisdiction."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Region, Stage, VillageElection


class VillageElectionFilter(django_filters.FilterSet):
    township = django_filters.ChoiceFilter(
        label=_("Township"), choices=(), method="filter_township", empty_label=_("All")
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Village name"), field_name="village__name", lookup_expr="contains")

    class Meta:
        model = VillageElection
        fields = ["township", "stage", "q"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only townships inside the jurisdiction can be chosen; a code from outside fails validation.
        # Each township once, under its county (two counties may each have a 城东街道).
        self.filters["township"].extra["choices"] = township_choices(user)

    def filter_township(self, queryset, name, value):
        return queryset.filter(division_code__startswith=value[:9])


def township_choices(user) -> list:
    """The user's townships as drop-down choices grouped by county, in code order."""
    townships = (
        Region.objects.visible_to(user)
        .filter(level="township")
        .select_related("parent")
        .order_by("code")
        .only("code", "name", "parent__name")
    )
    groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for township in townships:
        county = groups.setdefault(township.code[:6], (township.parent.name, []))
        county[1].append((township.code, township.name))
    if len(groups) == 1:  # a county's or a township's own list needs no heading
        return next(iter(groups.values()))[1]
    return list(groups.values())
