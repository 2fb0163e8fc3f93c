import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

LAST_SEEN_KEY = "last_seen"


class SessionIdleMiddleware:
    """Keep a signed-in session alive while it is used, ending it after SESSION_COOKIE_AGE idle.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs a database write per
    page; touching it at most once per SESSION_TOUCH_SECONDS gives the same idle timeout to
    within that margin, for a fraction of the writes.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            if time.time() - request.session.get(LAST_SEEN_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
                touch(request.session)
        return self.get_response(request)


def touch(session) -> None:
    """Mark the session used now: it is saved with a fresh expiry."""
    session[LAST_SEEN_KEY] = int(time.time())
    session.modified = True
