"""Every filter bar's choices start with "Any …" (never Django's "---------")."""

import re

import pytest
from django.urls import reverse

from accounts.filters import AccessLogFilter
from incidents.filters import IncidentFilter, MediationFilter
from outreach.filters import ClientFilter

SELECT = re.compile(r"<select[^>]*>\s*<option[^>]*>([^<]*)</option>", re.S)


@pytest.mark.parametrize("filterset", [ClientFilter, IncidentFilter, MediationFilter, AccessLogFilter])
def test_every_choice_of_a_filter_starts_with_any(filterset, db):
    form = filterset(data={}, queryset=filterset._meta.model.objects.none()).form
    for name in form.fields:
        first = SELECT.findall(str(form[name]))
        assert all(option.startswith("Any") for option in first), f"{filterset.__name__}.{name}: {first}"


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
    assert first_options and all(option.strip().startswith("Any") for option in first_options), first_options


def test_the_client_filter_names_the_filter_in_words(client, manager):
    client.force_login(manager)
    page = client.get(reverse("outreach:client_list")).content.decode()
    for label in ("Any status", "Any risk level", "Any peacekeeper", "Any neighborhood"):
        assert label in page
