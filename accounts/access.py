"""The access log: every view of a client record and every export or report download."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from accounts.models import AccessLog
from core.exports import ListExportMixin

Action = AccessLog.Action


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from.

    Behind the proxy (DJANGO_BEHIND_PROXY), REMOTE_ADDR is the proxy's own address; the client's is
    the last entry of X-Forwarded-For, the one the proxy appended itself. Entries left of it came
    from the client and could be anything, so they are never believed.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not settings.BEHIND_PROXY:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return remote


def record(request: HttpRequest | None, action: str, target: str, *, user=None, client_code: str = "") -> AccessLog:
    """Write one access-log row (a command passes request=None and, if known, the user)."""
    who = user or (request.user if request is not None and request.user.is_authenticated else None)
    ip = client_address(request) if request is not None else None
    return AccessLog.objects.create(
        user=who, action=action, target=target[:300], client_code=client_code, ip_address=ip
    )


def client_viewed(request: HttpRequest, code: str, where: str) -> AccessLog:
    """Log that a page showed this client's details or notes (``where`` names the page)."""
    return record(request, Action.VIEW_CLIENT, f"client {code} ({where})", client_code=code)


def clients_viewed(request: HttpRequest, codes: list[str], where: str) -> None:
    """client_viewed for every client a page names, in one statement (a network view names hundreds)."""
    ip = client_address(request)
    who = request.user if request.user.is_authenticated else None
    AccessLog.objects.bulk_create(
        AccessLog(
            user=who,
            action=Action.VIEW_CLIENT,
            target=f"client {code} ({where})"[:300],
            client_code=code,
            ip_address=ip,
        )
        for code in dict.fromkeys(codes)
    )


class LoggedExportMixin(ListExportMixin):
    """A list's `?_export=` (core.exports.ListExportMixin), every export in the access log."""

    def record_export(self, description: str) -> None:
        record(self.request, Action.EXPORT, description)
