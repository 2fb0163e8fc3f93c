"""Sign-in lockouts on top of django-axes: two limits, a plain-words page, the access log.

axes counts failures per account (AXES_LOCKOUT_PARAMETERS = ["username"]: CJIS locks the
account after 5 wrong passwords) and compares them with one limit. Spraying one password
across many accounts never reaches that limit, and axes cannot hold two limits for two
parameters (with ["username", "ip_address"] it compares the larger count with the same 5),
so LockoutHandler, configured as AXES_HANDLER, adds a higher limit per address across
accounts (LOGIN_ADDRESS_FAILURE_LIMIT) counted from axes' own AccessAttempt rows.
"""

import dataclasses
import datetime
import math
import re

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts import access
from accounts.models import AccessLog

ACCOUNT, ADDRESS = "account", "address"
RECENT_DAYS = 7
RECENT_LIMIT = 20
_LOCKED = re.compile(
    r"^(?P<username>.*): (?:account|address (?P<address>[0-9A-Fa-f:.]+)) locked after \d+ wrong passwords$"
)


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in comes from (AXES_CLIENT_IP_CALLABLE): the access log's own rule."""
    return access.client_address(request)


def address_limit() -> int:
    return settings.LOGIN_ADDRESS_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus the per-address limit; notes on the request why it refused."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        request.lockout_by = None
        if failures >= limit:
            request.lockout_by = ACCOUNT
        elif _address_failures(request) >= address_limit():
            # Report the account limit so that axes refuses, whatever this account's own count.
            request.lockout_by = ADDRESS
            failures = limit
        return failures

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        # Checked before the password: a lock found here is not a new lockout (see record_lockout).
        locked = super().is_locked(request, credentials)
        request.lockout_already = locked
        return locked


def _address_failures(request: HttpRequest) -> int:
    recent = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0


def _lock_ends(attempts: list[tuple[datetime.datetime, int]], limit: int) -> datetime.datetime | None:
    """When failures still in the window drop below the limit (each row ages out a cool-off after its last try)."""
    remaining = sum(n for _, n in attempts)
    if remaining < limit:
        return None
    for at, n in sorted(attempts):
        remaining -= n
        if remaining < limit:
            return at + get_cool_off()
    return None  # unreachable: the loop ends at zero remaining


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page a refused sign-in gets (AXES_LOCKOUT_CALLABLE): how long, until when, in words."""
    by_address = getattr(request, "lockout_by", None) == ADDRESS
    recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
    if by_address:
        recent, limit = recent.filter(ip_address=request.axes_ip_address), address_limit()
    else:
        username = get_client_username(request, credentials)
        recent, limit = recent.filter(username=username), get_failure_limit(request, credentials)
    until = _lock_ends(list(recent.values_list("attempt_time", "failures_since_start")), limit)
    cool_off = get_cool_off(request)
    left = (until - request.axes_attempt_time) if until else cool_off
    context = {
        "by_address": by_address,
        "minutes": max(1, math.ceil(left.total_seconds() / 60)),
        "until": until,
    }
    return render(request, "accounts/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


@receiver(user_locked_out)
def record_lockout(sender, request: HttpRequest | None = None, username: str | None = None, **kwargs) -> None:
    """One access-log row per lockout; a refused try during a lock is not a new one."""
    if request is None or getattr(request, "lockout_already", False):
        return
    username = username or ""
    ip = request.axes_ip_address
    if getattr(request, "lockout_by", None) == ADDRESS:
        target = f"{username}: address {ip} locked after {address_limit()} wrong passwords"
    else:
        target = f"{username}: account locked after {get_failure_limit(request, None)} wrong passwords"
    account = get_user_model().objects.filter(username=username).first() if username else None
    access.record(request, AccessLog.Action.LOCKOUT, target, user=account)


@dataclasses.dataclass(frozen=True)
class Lockout:
    """One lockout in the administrator's panel."""

    at: datetime.datetime
    username: str
    address: str | None  # set when the address, not the account, was locked
    ip_address: str | None
    locked_until: datetime.datetime | None  # None once over (or lifted)

    @property
    def by_address(self) -> bool:
        return self.address is not None


def recent_lockouts(*, days: int = RECENT_DAYS, limit: int = RECENT_LIMIT) -> list[Lockout]:
    """The latest lockouts, newest first, each with whether it still holds (two queries)."""
    now = timezone.now()
    entries = AccessLog.objects.filter(
        action=AccessLog.Action.LOCKOUT, at__gte=now - datetime.timedelta(days=days), target__contains=" locked after "
    ).only("at", "target", "ip_address")[:limit]
    parsed = [(entry, _LOCKED.match(entry.target)) for entry in entries]
    parsed = [(entry, match) for entry, match in parsed if match]
    usernames = {m["username"] for _, m in parsed if not m["address"]}
    addresses = {m["address"] for _, m in parsed if m["address"]}
    attempts = AccessAttempt.objects.filter(attempt_time__gte=now - get_cool_off()).filter(
        Q(username__in=usernames) | Q(ip_address__in=addresses)
    )
    by_username: dict[str, list] = {}
    by_address: dict[str, list] = {}
    for username, ip, at, n in attempts.values_list("username", "ip_address", "attempt_time", "failures_since_start"):
        by_username.setdefault(username, []).append((at, n))
        by_address.setdefault(ip, []).append((at, n))
    rows, seen = [], set()
    for entry, match in parsed:
        key = (ADDRESS, match["address"]) if match["address"] else (ACCOUNT, match["username"])
        until = None
        if key not in seen:  # only the newest lockout of an account or address can still hold
            seen.add(key)
            if match["address"]:
                until = _lock_ends(by_address.get(match["address"], []), address_limit())
            else:
                until = _lock_ends(by_username.get(match["username"], []), settings.AXES_FAILURE_LIMIT)
        if until is not None and until <= now:
            until = None
        rows.append(Lockout(entry.at, match["username"], match["address"], entry.ip_address, until))
    return rows


@transaction.atomic
def lockout_lift(*, request: HttpRequest, username: str = "", address: str = "") -> int:
    """An administrator lifts a lock on an account or an address; logged. Returns the rows cleared."""
    if address:
        cleared, target = reset(ip=address), f"address {address}: unlocked by an administrator"
    else:
        cleared, target = reset(username=username), f"{username}: unlocked by an administrator"
    access.record(request, AccessLog.Action.LOCKOUT, target)
    return cleared
