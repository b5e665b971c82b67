from django.contrib import admin

from .models import StepDefinition


@admin.register(StepDefinition)
class StepDefinitionAdmin(admin.ModelAdmin):
    """The checklist: a province adds its own steps under its region; the defaults come by migration."""

    list_display = (
        "order",
        "code",
        "title",
        "stage",
        "deadline_kind",
        "deadline_setting",
        "region",
        "is_active",
    )
    list_filter = ("stage", "deadline_kind", "is_active")
    search_fields = ("code", "title")
    raw_id_fields = ("region",)

    def get_readonly_fields(self, request, obj=None):
        # Where a step's completion is read from is the code's (lifecycle.records), not a choice: a step a
        # province adds is recorded by hand; a step's code, which gates and links name, stays fixed.
        return ("source", "code") if obj is not None else ("source",)

    def has_delete_permission(self, request, obj=None):
        # A default step (from the migrations) is retired with "active" off, never deleted: its records
        # and the gates refer to it.
        return obj is not None and obj.region_id is not None
