"""Every filter bar's choices start with "Any …" (never Django's "---------")."""

import re

import pytest
from django.urls import reverse

from accounts.filters import AccessLogFilter
from incidents.filters import IncidentFilter, MediationFilter
from outreach.filters import ClientFilter

# The client list opens on open cases, on purpose (exited and inactive clients are not work): its
# status filter's empty choice says that, and "All clients" is one of its choices.
DELIBERATE_DEFAULTS = {"Open cases (referred or active)"}


def _says_any(option: str) -> bool:
    return option.strip().startswith("Any") or option.strip() in DELIBERATE_DEFAULTS


SELECT = re.compile(r"<select[^>]*>\s*<option[^>]*>([^<]*)</option>", re.S)


@pytest.mark.parametrize("filterset", [ClientFilter, IncidentFilter, MediationFilter, AccessLogFilter])
def test_every_choice_of_a_filter_starts_with_any(filterset, db):
    form = filterset(data={}, queryset=filterset._meta.model.objects.none()).form
    for name in form.fields:
        first = SELECT.findall(str(form[name]))
        assert all(_says_any(option) for option in first), f"{filterset.__name__}.{name}: {first}"


@pytest.mark.parametrize(
    ("url", "persona"),
    [
        (reverse("outreach:client_list"), "manager"),
        (reverse("incidents:incident_list"), "manager"),
        (reverse("incidents:mediation_list"), "manager"),
        (reverse("access_log"), "admin_user"),
    ],
)
def test_the_filter_bars_say_any_not_dashes(client, request, url, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(url).content.decode()
    assert "---------" not in page
    first_options = SELECT.findall(page)
    assert first_options and all(_says_any(option) for option in first_options), first_options


def test_the_client_filter_names_the_filter_in_words(client, manager):
    client.force_login(manager)
    page = client.get(reverse("outreach:client_list")).content.decode()
    for label in (
        "Open cases (referred or active)",
        "All clients",
        "Any risk level",
        "Any peacekeeper",
        "Any neighborhood",
    ):
        assert label in page
