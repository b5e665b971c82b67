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
