from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from .importing import RegionResource
from .models import ElectionCycle, Region, VillageElection


@admin.register(Region)
class RegionAdmin(ImportExportModelAdmin):
    resource_classes = [RegionResource]
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


@admin.register(ElectionCycle)
class ElectionCycleAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "year", "reference_date", "starts_on", "ends_on", "is_current")
    raw_id_fields = ("region",)


@admin.register(VillageElection)
class VillageElectionAdmin(admin.ModelAdmin):
    list_display = ("village", "cycle", "stage", "election_day", "party_seats", "committee_seats")
    list_filter = ("cycle", "stage")
    search_fields = ("village__name", "division_code")
    raw_id_fields = ("village",)
    list_select_related = ("village", "cycle")
    # The stage moves only through lifecycle.workflow.advance_stage (gates, StageChange); the red flag is
    # the risk rating's.
    readonly_fields = ("stage", "risk_red_open")
