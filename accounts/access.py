"""The access log: every view of a client record and every export or report download."""

from django.http import HttpRequest

from accounts.models import AccessLog

Action = AccessLog.Action


def record(request: HttpRequest | None, action: str, target: str, *, user=None, client_code: str = "") -> AccessLog:
    """Write one access-log row (a command passes request=None and, if known, the user)."""
    who = user or (request.user if request is not None and request.user.is_authenticated else None)
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    return AccessLog.objects.create(
        user=who, action=action, target=target[:300], client_code=client_code, ip_address=ip
    )
