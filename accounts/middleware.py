import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import languages, two_factor

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


class UserLanguageMiddleware:
    """A signed-in user's own language, when they chose one, over what LocaleMiddleware took from
    the browser (accounts.languages). After AuthenticationMiddleware; never a redirect."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and (language := languages.remembered(request)):
            languages.activate_for(request, language)
        return self.get_response(request)


class TwoFactorMiddleware:
    """The second factor is kept, not just asked for once.

    * A signed-in session of a user who has a device but never passed it (a session from before
      the device was added, elsewhere) is signed out, within a minute (the check is cached).
      django-two-factor-auth's login signs users with a device in only after the second step.
    * With TWO_FACTOR_REQUIRED, managers and administrators without a device can reach only the
      set-up pages until they have one.
    * The owner is told of every change of their factors (accounts.two_factor.show_new_notices).

    It sits after MessageMiddleware, for the notices.
    """

    ALWAYS_ALLOWED = ("/accounts/logout/", "/health/", "/static/")
    SETUP_ALLOWED = (
        "/accounts/two-factor/setup/",
        "/accounts/two-factor/confirm-password/",
        "/accounts/two-factor/qrcode/",
        # The language, so the set-up pages can be read in it.
        "/accounts/preferences/",
        "/jsi18n/",
    )

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        # Read (and cached) on every path, so that the first page of a session pays for it.
        unverified_with_device = not user.is_verified() and two_factor.has_two_factor_cached(request)
        two_factor.show_new_notices(request)
        if request.path.startswith(self.ALWAYS_ALLOWED) or user.is_verified():
            return self.get_response(request)
        if unverified_with_device:
            logout(request)
            return redirect_to("login", request)
        if two_factor.required_for(user) and not request.path.startswith(self.SETUP_ALLOWED):
            return redirect_to("two_factor:setup", request)
        return self.get_response(request)


def redirect_to(url_name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")


def touch(session) -> None:
    """Mark the session used now: it is saved with a fresh expiry."""
    session[LAST_SEEN_KEY] = int(time.time())
    session.modified = True
