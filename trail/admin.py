from django.contrib import admin

from .models import ChainHead, TrailEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """The trail is append-only: the admin may read it, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrailEntry)
class TrailEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "seq",
        "at",
        "actor_name",
        "action",
        "model_label",
        "object_pk",
        "object_repr",
        "division_code",
    )
    list_filter = ("action", "model_label")
    search_fields = ("=division_code", "=object_pk", "actor_name", "object_repr")
    list_per_page = 50
    show_full_result_count = False


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("seq", "hash", "at")
