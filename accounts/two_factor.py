"""Two-factor sign-in with TOTP (django-otp): any user may turn it on; TWO_FACTOR_REQUIRED makes
it mandatory for managers and administrators. Recovery codes are one-time static tokens."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles

RECOVERY_CODES = 10
AUTHENTICATOR = "Authenticator app"
RECOVERY = "Recovery codes"


def required_for(user: User) -> bool:
    """Must this user sign in with a second factor?"""
    return settings.TWO_FACTOR_REQUIRED and (roles.is_admin(user) or roles.is_manager(user))


def has_two_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def confirm_setup(request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Turn two-factor on when the code is right; return the new recovery codes (shown once)."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    codes = _new_recovery_codes(device.user)
    otp_login(request, device)
    request.session["two_factor_on"] = True  # accounts.middleware.TWO_FACTOR_KEY
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def verify(request: HttpRequest, token: str) -> bool:
    """Check a code from the authenticator app, or a recovery code (used up), and mark the session."""
    token = token.strip().replace(" ", "")
    for device in devices_for_user(request.user, confirmed=True, for_verify=True):
        if device.verify_token(token):
            otp_login(request, device)
            return True
    return False
