"""Every page the URL conf defines needs a signed-in user, but login and the health check.

The test walks the URL conf, so a page added later is covered without editing this file.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The web app manifest: browsers fetch it without cookies (outreach/field_views.py); it holds no data.
PUBLIC = {"/accounts/login/", "/health/", "/manifest.webmanifest", "/jsi18n/"}
# The sign-in page's language selector (Django's set_language): it only sets a cookie, and sends back.
PUBLIC_REDIRECTS = {"/i18n/setlang/"}
# The admin sends to its own login page first, which sends on to /accounts/login/ (tested below).
LOGIN_URLS = ("/accounts/login/", "/admin/login/")

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<\w+>(?P<body>[^)]*)\)")


# Sample values for path converters; anything else numeric gets 1, text gets "x".
CONVERTER_SAMPLES = {"year": "2018", "quarter": "3", "str": "x", "slug": "x", "path": "x"}


def _sample_route(route: str) -> str:
    return _ROUTE_PARAM.sub(lambda m: CONVERTER_SAMPLES.get(m["converter"], "1"), route)


def _sample_regex(regex: str) -> str:
    def group(match: re.Match) -> str:
        body = match["body"]
        return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "1"

    return _REGEX_GROUP.sub(group, regex).lstrip("^").rstrip("$").replace("\\Z", "")


def _sample(pattern) -> str:
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "_route"):
        return _sample_route(text)
    return _sample_regex(text)


def walk(patterns=None, prefix: str = "/"):
    """Yield a sample URL for every pattern of the URL conf."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + _sample(pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + _sample(pattern)


ALL_URLS = sorted(set(walk()))


def test_the_walk_finds_the_project_pages():
    assert {"/", "/health/", "/accounts/login/", "/accounts/logout/", "/admin/"} <= set(ALL_URLS)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [u for u in ALL_URLS if u not in PUBLIC | PUBLIC_REDIRECTS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_users_to_the_login_page(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 302, f"{method.upper()} {url} answered {response.status_code}"
    assert response["Location"].startswith(LOGIN_URLS), response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(PUBLIC))
def test_public_pages_answer_without_login(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_language_selector_answers_without_login(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


@pytest.mark.django_db
def test_the_admin_login_is_no_password_only_door(client):
    """/admin/login/ sends to the two-factor sign-in (django-two-factor-auth patches the admin)."""
    for method in ("get", "post"):
        response = getattr(client, method)("/admin/login/?next=/admin/", {"username": "ada", "password": "x"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/admin/")
    assert "_auth_user_id" not in client.session


def test_signed_in_staff_without_admin_rights_get_a_refusal_not_a_redirect_loop(client, manager):
    """/admin/ -> /admin/login/ -> /accounts/login/ -> /admin/ went round for ever for a manager."""
    client.force_login(manager)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 1
