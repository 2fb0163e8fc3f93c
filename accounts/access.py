"""The access log hook: every view of a client record and every export passes through here.

For now it writes to the "peacekeeper.access" logger; the trust issue stores it in a table
that managers can review. Call sites stay the same.
"""

import logging

from django.http import HttpRequest

logger = logging.getLogger("peacekeeper.access")


def record(request: HttpRequest | None, action: str, target: str, *, user=None) -> None:
    """Record that someone did `action` (e.g. "export") on `target` (e.g. "quarterly Q3 2018 csv")."""
    who = user or (request.user if request is not None else None)
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    logger.info("%s %s %s from %s", getattr(who, "username", "system"), action, target, ip or "command line")
