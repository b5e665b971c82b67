from django.contrib import admin

from trail.admin import ReadOnlyAdmin

from .models import AuditFinding, FinanceCleanup, OutgoingAudit, TermEvaluation

# The admin shows audits read-only: every change goes through audits.services, which asks who may act and
# whether the election's stage permits it (elections.permits), as the audit page does.


class FindingInline(admin.TabularInline):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    model = AuditFinding
    extra = 0
    fields = ("description", "severity", "amount", "rectification", "rectified_on", "note")


@admin.register(OutgoingAudit)
class OutgoingAuditAdmin(ReadOnlyAdmin):
    list_display = (
        "division_code",
        "election",
        "committees",
        "auditor_kind",
        "auditor_name",
        "status",
        "started_on",
        "completed_on",
        "published_to_villagers_on",
    )
    list_filter = ("status", "auditor_kind", "committees")
    search_fields = ("=division_code", "auditor_name", "election__village__name")
    raw_id_fields = ("election", "recorded_by")
    list_select_related = ("election__village", "election__cycle")
    inlines = [FindingInline]
    list_per_page = 50


@admin.register(AuditFinding)
class AuditFindingAdmin(ReadOnlyAdmin):
    list_display = ("division_code", "description", "severity", "amount", "rectification", "rectified_on")
    list_filter = ("severity", "rectification")
    search_fields = ("=division_code", "description")
    raw_id_fields = ("audit",)
    list_per_page = 50


@admin.register(FinanceCleanup)
class FinanceCleanupAdmin(ReadOnlyAdmin):
    list_display = ("division_code", "election", "completed_on", "funds_yuan", "assets_yuan", "resources_mu")
    search_fields = ("=division_code",)
    raw_id_fields = ("election", "recorded_by")
    list_select_related = ("election__village", "election__cycle")
    list_per_page = 50


@admin.register(TermEvaluation)
class TermEvaluationAdmin(ReadOnlyAdmin):
    list_display = ("division_code", "resident", "year", "position", "rating", "evaluated_on", "evaluated_by")
    list_filter = ("rating", "position", "year")
    search_fields = ("=division_code", "resident__name", "evaluated_by")
    raw_id_fields = ("resident", "recorded_by")
    list_select_related = ("resident",)
    list_per_page = 50
