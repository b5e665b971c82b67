"""The ground floor in the admin: regions and elections are read here, written by their services.

- Regions come from the statistics bureau's list through `manage.py import_regions` (one import, with its
  checks and its trail): read-only here, with no second import beside it.
- A cycle is opened by `elections.services.open_cycle`, which creates its village elections: the add form
  calls it. Its name, region and year are then fixed; its rule settings (DOMAIN.md "configurable") are
  edited here, each change trailed.
- A village election changes through the lifecycle (stage: `advance_stage`; election day:
  `set_election_day`, on the steps page) and the risk rating (the red flag): read-only here.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from trail.admin import ReadOnlyAdmin

from . import services
from .models import ElectionCycle, Region, VillageElection


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name",
        "level",
        "population",
        "households",
        "party_members",
        "weak_party_organization",
    )
    list_filter = ("level", "is_community", "weak_party_organization")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    list_per_page = 50


# What identifies a cycle and what its opening created from: fixed once it is open.
CYCLE_IDENTITY = ("name", "region", "year", "reference_date", "starts_on", "ends_on")


@admin.register(ElectionCycle)
class ElectionCycleAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "year", "reference_date", "starts_on", "ends_on", "is_current")
    raw_id_fields = ("region",)

    def get_readonly_fields(self, request, obj=None):
        return CYCLE_IDENTITY if obj is not None else ()

    def get_fields(self, request, obj=None):
        if obj is None:  # the add form is open_cycle's form
            return CYCLE_IDENTITY
        return super().get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:  # the rule settings only (the identity is read-only); auditlog trails the change
            super().save_model(request, obj, form, change)
            return
        cycle = services.open_cycle(**{field: form.cleaned_data[field] for field in CYCLE_IDENTITY})
        obj.pk = cycle.pk
        messages.info(
            request,
            _("The cycle is open with %(n)s village elections.") % {"n": cycle.village_elections.count()},
        )


@admin.register(VillageElection)
class VillageElectionAdmin(ReadOnlyAdmin):
    list_display = ("village", "cycle", "stage", "election_day", "party_seats", "committee_seats")
    list_filter = ("cycle", "stage")
    search_fields = ("village__name", "division_code")
    raw_id_fields = ("village",)
    list_select_related = ("village", "cycle")
