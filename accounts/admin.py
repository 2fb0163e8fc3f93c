from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.models import AccessLog as AxesAccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from accounts.models import AccessLog, Preferences, SignIn


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, nobody edits it."""

    list_display = ["at", "user", "action", "target", "client_code", "ip_address"]
    list_filter = ["action", "at"]
    search_fields = ["user__username", "client_code", "target"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PreferencesInline(admin.StackedInline):
    """An administrator sets a user's language on the user's page (it applies at their next sign-in)."""

    model = Preferences
    fields = ["language"]
    can_delete = False
    max_num = 1


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PeacekeeperUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, PreferencesInline]


# django-axes' log of sign-ins, under a name of its own (the product's access log is the one above).
if admin.site.is_registered(AxesAccessLog):
    admin.site.unregister(AxesAccessLog)
    admin.site.register(SignIn, AxesAccessLogAdmin)

# Second-factor devices: an administrator's changes are logged for their owner.
from accounts import two_factor_admin  # noqa: E402, F401
