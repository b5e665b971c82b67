from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import lockout
from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "region", "unit", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "display_name", "region__name", "unit")
    autocomplete_fields = ("region",)
    actions = ("unlock",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and jurisdiction"), {"fields": ("display_name", "role", "region", "unit", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and jurisdiction"), {"fields": ("display_name", "role", "region", "unit")}),
    )

    @admin.action(description=_("Unlock after failed logins"), permissions=["change"])
    def unlock(self, request, queryset):
        """Clear the selected accounts' failed logins, wherever they came from (a lock on an address is
        lifted in "Access attempts", by deleting that address's rows)."""
        users = list(queryset)
        for user in users:
            lockout.unlock(username=user.get_username())
        self.message_user(
            request,
            gettext("Accounts unlocked: %(count)s.") % {"count": len(users)},
            messages.SUCCESS,
        )
