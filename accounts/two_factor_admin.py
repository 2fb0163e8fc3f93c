"""The admin pages of second-factor devices (django-otp's and the passkey plugin's), with every
change an administrator makes logged for the device's owner (accounts.two_factor)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.webauthn.models import WebauthnDevice

from accounts import two_factor


def _logged(base: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    class LoggedDeviceAdmin(base):
        def save_model(self, request, obj, form, change) -> None:
            super().save_model(request, obj, form, change)
            what = "was changed" if change else "was added"
            two_factor.record_change(request=request, user=obj.user, what=f"{_name(obj)} {what}")

        def delete_model(self, request, obj) -> None:
            super().delete_model(request, obj)
            two_factor.admin_deleted(request=request, device=obj)

        def delete_queryset(self, request, queryset) -> None:
            devices = list(queryset.select_related("user"))
            super().delete_queryset(request, queryset)
            for device in devices:
                two_factor.admin_deleted(request=request, device=device)

    LoggedDeviceAdmin.__name__ = f"Logged{base.__name__}"
    return LoggedDeviceAdmin


def _name(device) -> str:
    if isinstance(device, StaticDevice):
        return "Your recovery codes"
    return "A passkey" if isinstance(device, WebauthnDevice) else "An authenticator app"


for model in (TOTPDevice, StaticDevice, WebauthnDevice):
    if admin.site.is_registered(model):
        base = type(admin.site._registry[model])
        admin.site.unregister(model)
        admin.site.register(model, _logged(base))
