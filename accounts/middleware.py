import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

LAST_SEEN_KEY = "last_seen"
TWO_FACTOR_KEY = "two_factor_on"


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


class TwoFactorMiddleware:
    """Users with two-factor on must enter a code after their password; managers and admins
    must turn it on first when TWO_FACTOR_REQUIRED is set."""

    ALWAYS_ALLOWED = ("/accounts/logout/", "/accounts/two-factor/", "/health/", "/static/")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from accounts import two_factor

        user = request.user
        if user.is_authenticated and TWO_FACTOR_KEY not in request.session:
            # Whether the user has a device is read once per session, not on every page.
            request.session[TWO_FACTOR_KEY] = two_factor.has_two_factor(user)
        if user.is_authenticated and not request.path.startswith(self.ALWAYS_ALLOWED) and not user.is_verified():
            if request.session[TWO_FACTOR_KEY]:
                return redirect_to("two_factor_verify", request)
            if two_factor.required_for(user):
                return redirect_to("two_factor_setup", request)
        return self.get_response(request)


def redirect_to(url_name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")


def touch(session) -> None:
    """Mark the session used now: it is saved with a fresh expiry."""
    session[LAST_SEEN_KEY] = int(time.time())
    session.modified = True
