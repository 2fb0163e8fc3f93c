"""Pages and exports carrying personal or report data tell browsers and proxies not to keep them
(`Cache-Control: no-store, private`): a shared computer's back button or disk cache must not show the
last user's client list."""

import pytest
from django.test import override_settings
from django.urls import reverse

from core.quarters import Quarter


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.fixture
def last_quarter():
    from django.utils import timezone

    return Quarter.containing(timezone.localdate()).previous()


@pytest.mark.parametrize(
    "url",
    [
        lambda jamal, q: reverse("outreach:client_list"),
        lambda jamal, q: jamal.get_absolute_url(),
        lambda jamal, q: reverse("outreach:client_list") + "?_export=csv",
        lambda jamal, q: reverse("outreach:client_list") + "?_export=xlsx",
        lambda jamal, q: reverse("incidents:incident_list") + "?_export=csv",
        lambda jamal, q: reverse("dashboard"),
        lambda jamal, q: reverse("reports:quarterly", args=[q.year, q.number]),
        lambda jamal, q: reverse("reports:quarterly_xlsx", args=[q.year, q.number]),
        lambda jamal, q: reverse("reports:violence_trend_csv"),
        lambda jamal, q: reverse("access_log"),
        lambda jamal, q: reverse("admin:index"),
    ],
)
def test_signed_in_pages_and_exports_are_not_stored(client, admin_user, jamal, last_quarter, url):
    client.force_login(admin_user)
    response = client.get(url(jamal, last_quarter))
    assert response.status_code == 200
    assert {"no-store", "private"} <= _directives(response)


def test_an_error_page_for_a_signed_in_user_is_not_stored_either(client, peacekeeper):
    client.force_login(peacekeeper)
    response = client.get(reverse("outreach:client_list"), {"_export": "csv"})
    assert response.status_code == 403
    assert "no-store" in _directives(response)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_whitenoise_caching_for_a_signed_in_user(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
