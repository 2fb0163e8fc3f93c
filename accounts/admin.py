from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.models import AccessLog as AxesAccessLog
from django.contrib import admin

from accounts.models import AccessLog, SignIn


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


# django-axes' log of sign-ins, under a name of its own (the product's access log is the one above).
if admin.site.is_registered(AxesAccessLog):
    admin.site.unregister(AxesAccessLog)
    admin.site.register(SignIn, AxesAccessLogAdmin)

# Second-factor devices: an administrator's changes are logged for their owner.
from accounts import two_factor_admin  # noqa: E402, F401
