"""The language the product speaks to each person (README, "Languages").

Before sign-in, Django's LocaleMiddleware chooses it: the language cookie that the selector's
`set_language` sets, else the browser's Accept-Language. After sign-in, the user's preference
(`accounts.Preferences.language`) wins when they chose one. It is read once, at sign-in, into the
session, so no page pays a query for it; a change made on the preferences page applies at once,
one made by an administrator in the admin at the user's next sign-in.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from accounts.models import Preferences

SESSION_KEY = "_preferred_language"


def preferred_language(user) -> str:
    """The user's chosen language code, or "" (the browser's)."""
    return Preferences.objects.filter(user=user).values_list("language", flat=True).first() or ""


def remember(request: HttpRequest, language: str) -> None:
    """Keep the preference in the session (see the module's docstring)."""
    request.session[SESSION_KEY] = language


def remembered(request: HttpRequest) -> str:
    """The signed-in user's preference for this request: from the session, read once when missing
    (a session from before preferences existed)."""
    language = request.session.get(SESSION_KEY)
    if language is None:
        language = preferred_language(request.user)
        remember(request, language)
    return language


def browser_language(request: HttpRequest) -> str:
    """The language the browser's Accept-Language asks for (the language cookie is being replaced,
    so, unlike LocaleMiddleware, this does not read it)."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


def activate_for(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


def set_cookie(response: HttpResponse, language: str) -> None:
    """The same language on the sign-in page after signing out (Django's set_language cookie)."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)


def on_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: the preference into the new session."""
    if request is not None and hasattr(request, "session"):
        remember(request, preferred_language(user))
