"""The administrator's side of the risk rating: the cycle's weights (rules as data), and read views.

Weights are edited here per cycle (DOMAIN.md: weights configurable); the admin action creates a cycle's
rows from the default catalogue. Snapshots and runs are written only by the recompute, so they are
read-only here; plans, petitions and reports are kept on the risk pages, where the services check the rules.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from trail.admin import ReadOnlyAdmin

from . import services
from .models import IndicatorWeight, RecomputeRun, RiskSnapshot
from .services import ensure_default_weights


class WeightForm(forms.ModelForm):
    """The weight and cap of one indicator, checked by the service's own rule."""

    class Meta:
        model = IndicatorWeight
        fields = ("weight", "cap")

    def clean(self):
        data = super().clean()
        if "weight" in data and "cap" in data:
            services.validate_weight(data["weight"], data["cap"])
        return data


@admin.register(IndicatorWeight)
class IndicatorWeightAdmin(admin.ModelAdmin):
    """A weight changes only through risk.services.set_weight (its rule and its trail); rows are made by
    the action from the default catalogue, never added or deleted by hand."""

    form = WeightForm
    list_display = ("code", "cycle", "weight", "cap")
    list_filter = ("cycle",)
    list_select_related = ("cycle",)
    readonly_fields = ("code", "cycle")
    actions = ["create_defaults"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.set_weight(
            cycle=obj.cycle, code=obj.code, weight=obj.weight, cap=obj.cap, by=request.user
        )
        obj.pk = saved.pk
        messages.info(request, _("The weight was changed through the risk rating's rules and recorded."))

    @admin.action(description=_("Add the default weights missing from these cycles"))
    def create_defaults(self, request, queryset):
        cycles = {weight.cycle for weight in queryset.select_related("cycle")}
        created = sum(ensure_default_weights(cycle=cycle) for cycle in cycles)
        self.message_user(request, _("%(n)s weights added.") % {"n": created})


@admin.register(RiskSnapshot)
class RiskSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("division_code", "week", "score", "colour", "stuck", "suspect")
    list_filter = ("week", "colour", "stuck", "suspect")
    search_fields = ("=division_code",)
    list_per_page = 50


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    list_display = ("county_code", "week", "villages", "red", "orange", "green", "seconds", "computed_at")
    list_filter = ("week",)
    exclude = ("townships",)
