"""Second factors on top of django-two-factor-auth: an authenticator app (TOTP) or passkeys
(WebAuthn), and one-time recovery codes.

The library's LoginView asks for the device named "default" after the password; the others are
offered as alternatives, and recovery codes live in a StaticDevice. The rules kept here:

* adding, replacing or removing a factor needs a session that passed the second factor or, for
  a first device, the password entered within TWO_FACTOR_PASSWORD_FRESH_SECONDS;
* every change writes an access-log row (action SIGN_IN_FACTOR, `user` the account whose
  factors changed, `target` what happened and who did it when someone else did), and the
  account's owner is shown it on their next pages and at their next sign-in.
"""

import datetime
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.webauthn.models import WebauthnDevice

from accounts import access, roles
from accounts.models import AccessLog

RECOVERY_CODES = 10
DEFAULT = "default"  # the device django-two-factor-auth asks for first
BACKUP = "backup"  # the StaticDevice holding recovery codes
AUTHENTICATOR = "Authenticator app"
PASSKEY = "Passkey"

PASSWORD_AT_KEY = "two_factor_password_at"  # noqa: S105 (a session key, not a password)
NOTICES_CHECKED_KEY = "two_factor_notices_checked"
NOTICES_SEEN_KEY = "two_factor_notices_seen"
NOTICE_CHECK_SECONDS = 60
HAS_DEVICE_KEY = "two_factor_has_device"  # [when checked, whether the user had a device]
RECENT_CHANGES = 10


class FactorError(Exception):
    """A change of factors that the rules refuse; the message is for the user."""


def required_for(user: User) -> bool:
    """Must this user sign in with a second factor?"""
    return settings.TWO_FACTOR_REQUIRED and (roles.is_admin(user) or roles.is_manager(user))


def has_two_factor(user: User) -> bool:
    """Does the user have an authenticator app or a passkey (recovery codes alone do not count)?"""
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).values("user")
    return totp.union(WebauthnDevice.objects.filter(user=user, confirmed=True).values("user")).exists()


def has_two_factor_cached(request: HttpRequest) -> bool:
    """has_two_factor, read at most once a minute per session (TwoFactorMiddleware asks on every
    page of an unverified user): a session from before a device was added ends within a minute."""
    checked_at, has_device = request.session.get(HAS_DEVICE_KEY, (0, False))
    if time.time() - checked_at >= NOTICE_CHECK_SECONDS:
        has_device = has_two_factor(request.user)
        request.session[HAS_DEVICE_KEY] = (int(time.time()), has_device)
    return has_device


def kind_of(device: Device) -> str:
    return "passkey" if isinstance(device, WebauthnDevice) else "authenticator"


def label_of(device: Device) -> str:
    return PASSKEY if isinstance(device, WebauthnDevice) else AUTHENTICATOR


# --- The password step, and who may change factors -------------------------------------------


def password_entered(request: HttpRequest) -> None:
    """The user just typed their password (sign-in, or the re-entry before a first device)."""
    request.session[PASSWORD_AT_KEY] = int(time.time())


def password_is_fresh(request: HttpRequest) -> bool:
    entered = request.session.get(PASSWORD_AT_KEY, 0)
    return time.time() - entered <= settings.TWO_FACTOR_PASSWORD_FRESH_SECONDS


def may_change_factors(request: HttpRequest) -> bool:
    """Verified with a second factor; or, with none yet, the password entered just now."""
    if has_two_factor(request.user):
        return request.user.is_verified()
    return password_is_fresh(request)


# --- Changes (each one logged) ----------------------------------------------------------------


def record_change(*, request: HttpRequest | None, user: User, what: str) -> AccessLog:
    """Log a change of the user's factors; its owner sees it on their next page."""
    actor = request.user if request is not None and request.user.is_authenticated else None
    if actor is not None and actor.pk != user.pk:
        what = f"{what} by {'administrator ' if roles.is_admin(actor) else ''}{actor.get_username()}"
    row = access.record(request, access.Action.SIGN_IN_FACTOR, what, user=user)
    if actor is not None and actor.pk == user.pk:
        request.session[NOTICES_CHECKED_KEY] = 0  # show it on the very next page
        request.session.pop(HAS_DEVICE_KEY, None)
    return row


@transaction.atomic
def device_add(*, request: HttpRequest, device: Device) -> list[str]:
    """Save a confirmed new device for request.user; the first becomes the default and comes with
    recovery codes (returned, to be shown once)."""
    user = request.user
    if not may_change_factors(request):
        raise FactorError(_("Sign in again before you change how you sign in."))
    first = not has_two_factor(user)
    if isinstance(device, TOTPDevice) and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise FactorError(_("You already have an authenticator app. Remove it first to use another one."))
    device.user = user
    device.confirmed = True
    device.name = DEFAULT if first else label_of(device)
    device.save()
    record_change(
        request=request,
        user=user,
        what="A new authenticator app was added" if kind_of(device) == "authenticator" else "A new passkey was added",
    )
    codes = _new_recovery_codes(user) if first else []
    otp_login(request, device)
    return codes


@transaction.atomic
def device_remove(*, request: HttpRequest, device: Device) -> None:
    """Remove one of request.user's devices; another one becomes the default."""
    user = request.user
    if not request.user.is_verified():
        raise FactorError(_("Sign in with your second factor before you change it."))
    others = [d for d in _devices(user) if not (type(d) is type(device) and d.pk == device.pk)]
    if not others and required_for(user):
        raise FactorError(_("Managers and administrators must keep a second factor: add another one first."))
    was_default = device.name == DEFAULT
    device.delete()
    if was_default and others:
        others[0].name = DEFAULT
        others[0].save(update_fields=["name"])
    if not others:
        StaticDevice.objects.filter(user=user).delete()
    what = "Your authenticator app was removed" if kind_of(device) == "authenticator" else "A passkey was removed"
    record_change(request=request, user=user, what=what)


@transaction.atomic
def turn_off(*, request: HttpRequest) -> None:
    """Remove every second factor and the recovery codes of request.user."""
    user = request.user
    if not user.is_verified():
        raise FactorError(_("Sign in with your second factor before you turn it off."))
    if required_for(user):
        raise FactorError(_("Managers and administrators must sign in with a second factor."))
    for device in _devices(user):
        device.delete()
    StaticDevice.objects.filter(user=user).delete()
    record_change(request=request, user=user, what="Two-factor sign-in was turned off")


@transaction.atomic
def recovery_codes_regenerate(*, request: HttpRequest) -> list[str]:
    """New recovery codes for request.user; the old ones stop working."""
    if not request.user.is_verified():
        raise FactorError(_("Sign in with your second factor before you make new recovery codes."))
    codes = _new_recovery_codes(request.user)
    record_change(request=request, user=request.user, what="New recovery codes were made")
    return codes


def admin_deleted(*, request: HttpRequest, device: Device) -> None:
    """An administrator deleted someone's device in the admin: log it for its owner."""
    names = {"authenticator": "An authenticator app", "passkey": "A passkey"}
    if isinstance(device, StaticDevice):
        what = "Your recovery codes were removed"
    else:
        what = f"{names[kind_of(device)]} was removed"
    record_change(request=request, user=device.user, what=what)


def _devices(user: User) -> list[Device]:
    """The user's authenticator app and passkeys, default first."""
    devices = [*TOTPDevice.objects.filter(user=user, confirmed=True), *WebauthnDevice.objects.filter(user=user)]
    return sorted(devices, key=lambda d: d.name != DEFAULT)


def devices_of(user: User) -> dict:
    """What the account security page lists."""
    static = StaticDevice.objects.filter(user=user).first()
    return {
        "authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
        "passkeys": list(WebauthnDevice.objects.filter(user=user).order_by("created_at")),
        "recovery_codes_left": static.token_set.count() if static else 0,
    }


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=BACKUP, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


# --- Telling the owner ------------------------------------------------------------------------


def factor_changes(user: User):
    return AccessLog.objects.filter(user=user, action=access.Action.SIGN_IN_FACTOR)


def recent_changes(user: User):
    return factor_changes(user)[:RECENT_CHANGES]


def notice_text(row: AccessLog) -> str:
    at = timezone.localtime(row.at)
    return _("%(what)s on %(day)s at %(time)s. If this was not you, tell your administrator now.") % {
        "what": row.target,
        "day": formats.date_format(at, "j F Y"),
        "time": formats.time_format(at, "H:i"),
    }


def signed_in(request: HttpRequest, *, previous_login: datetime.datetime | None) -> None:
    """After the sign-in: the password is fresh, and changes since the last sign-in are shown."""
    password_entered(request)
    since = previous_login or timezone.now() - datetime.timedelta(days=30)
    request.session[NOTICES_SEEN_KEY] = since.timestamp()
    request.session[NOTICES_CHECKED_KEY] = 0


def show_new_notices(request: HttpRequest) -> None:
    """At most once a minute: a warning for each change of the user's factors not yet shown."""
    now = time.time()
    if now - request.session.get(NOTICES_CHECKED_KEY, 0) < NOTICE_CHECK_SECONDS:
        return
    request.session[NOTICES_CHECKED_KEY] = now
    seen = request.session.get(NOTICES_SEEN_KEY)
    if seen is None:  # a session from before this feature: start from now
        request.session[NOTICES_SEEN_KEY] = now
        return
    since = datetime.datetime.fromtimestamp(seen, tz=datetime.UTC)
    rows = list(factor_changes(request.user).filter(at__gt=since)[:RECENT_CHANGES])
    for row in reversed(rows):
        messages.warning(request, notice_text(row))
    if rows:
        request.session[NOTICES_SEEN_KEY] = rows[0].at.timestamp()
