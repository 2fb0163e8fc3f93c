"""Every page that shows a client's details or notes writes an access-log row naming the client.

The tests walk the URL conf and the admin's registry, so a page added later that takes a client
(or one of a client's records) and forgets to log fails here without anyone editing this file.
"""

import re

import pytest
from django.contrib import admin
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from accounts.models import AccessLog
from accounts.targets import target_in_language
from incidents.models import Involvement
from outreach.models import Client, Contact, Goal, Referral
from tests.factories import (
    ConflictPartyFactory,
    ContactFactory,
    GoalFactory,
    GroupAssociationFactory,
    IncidentFactory,
    InvolvementFactory,
    MediationFactory,
    ReferralFactory,
)

# The record each route parameter names, by URL name (pk is the client in every /clients/<pk>/ route).
ITEM_MODELS = {"contact_": Contact, "goal_": Goal, "referral_": Referral}
# The admin pages of one record: each shows it (a delete page lists what goes with it).
ADMIN_OBJECT_PAGES = ("change", "history", "delete")


def _client_routes(patterns=None, namespace: str = ""):
    """(URL name, route) of every pattern whose route takes a client id."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace != "admin":
                yield from _client_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and re.search(r"clients?/<", str(pattern.pattern)):
            yield f"{namespace}{pattern.name}", str(pattern.pattern)


CLIENT_ROUTES = sorted(_client_routes())


def _shows_clients(model) -> bool:
    return any(isinstance(f, models.ForeignKey) and f.related_model is Client for f in model._meta.fields)


def _admin_models_showing_clients():
    """Models whose admin pages show a client: the client, records with a client, and records
    with an inline of such records (an incident's involvements)."""
    for model, model_admin in admin.site._registry.items():
        if model is Client or _shows_clients(model) or any(_shows_clients(i.model) for i in model_admin.inlines):
            yield model


ADMIN_MODELS = sorted(_admin_models_showing_clients(), key=lambda m: m._meta.label)


@pytest.fixture
def records(jamal, peacekeeper):
    incident = IncidentFactory()
    InvolvementFactory(incident=incident, client=jamal, role="victim")
    MediationFactory(neighborhood=jamal.neighborhood, peacekeepers=[peacekeeper], clients=[jamal])
    GroupAssociationFactory(client=jamal)
    ConflictPartyFactory(client=jamal)
    return {
        Contact: ContactFactory(client=jamal),
        Goal: GoalFactory(client=jamal),
        Referral: ReferralFactory(client=jamal),
    }


def _instance_for(model, jamal):
    """A record of this model that shows Jamal."""
    if model is Client:
        return jamal
    if _shows_clients(model):
        field = next(f.name for f in model._meta.fields if f.related_model is Client)
        return model.objects.filter(**{field: jamal}).first()
    for inline in admin.site._registry[model].inlines:
        if _shows_clients(inline.model):
            link = next(f.name for f in inline.model._meta.fields if f.related_model is model)
            row = inline.model.objects.filter(client=jamal).select_related(link).first()
            if row is not None:
                return getattr(row, link)
    return None


def _assert_logged(response, url, code, before):
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    rows = AccessLog.objects.filter(pk__gt=before, action=AccessLog.Action.VIEW_CLIENT, client_code=code)
    assert rows.exists(), f"{url} shows client {code} but wrote no access-log row"


def _last_log_pk() -> int:
    return AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_walk_finds_the_client_pages():
    names = {name for name, _ in CLIENT_ROUTES}
    assert {"outreach:client_detail", "outreach:client_edit", "outreach:contact_edit"} <= names
    assert {Client, Contact, Goal, Referral, Involvement} <= set(ADMIN_MODELS)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), CLIENT_ROUTES)
def test_every_page_taking_a_client_logs_the_view(client, manager, jamal, records, name, route):
    kwargs = {}
    for param in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if param == "pk":
            kwargs[param] = jamal.pk
        else:
            model = next((m for prefix, m in ITEM_MODELS.items() if name.split(":")[-1].startswith(prefix)), None)
            assert model is not None, f"{name}: say in ITEM_MODELS which record <{param}> names"
            kwargs[param] = records[model].pk
    url = reverse(name, kwargs=kwargs)
    client.force_login(manager)
    before = _last_log_pk()
    _assert_logged(client.get(url), url, jamal.code, before)
    # The audit log shows what was seen in the reader's language (the walk in Spanish found "client C-2026-0028
    # (edit form)"): every page's name is one accounts.targets knows.
    with translation.override("es"):
        for target in AccessLog.objects.filter(pk__gt=before).values_list("target", flat=True):
            assert target_in_language(target) != target, f"{url}: accounts.targets does not know {target!r}"


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
# Not named "page": that is Playwright's fixture, and the plugin would give this test a browser
# parameter, which groups every browser (transactional) test before the plain database tests.
@pytest.mark.parametrize("admin_view", ADMIN_OBJECT_PAGES)
def test_every_admin_page_of_a_record_showing_a_client_logs_the_view(
    client, admin_user, jamal, records, model, admin_view
):
    obj = _instance_for(model, jamal)
    assert obj is not None, f"make a {model._meta.label} showing Jamal in the records fixture"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{admin_view}", args=[obj.pk])
    client.force_login(admin_user)
    before = _last_log_pk()
    _assert_logged(client.get(url), url, jamal.code, before)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Client, Contact, Goal, Referral], ids=lambda m: m._meta.label)
def test_the_admins_audit_events_of_a_client_record_log_the_view(client, admin_user, jamal, records, model):
    obj = _instance_for(model, jamal)
    url = reverse("admin:pghistory_events_changelist") + f"?obj={model._meta.label}:{obj.pk}&method=references"
    client.force_login(admin_user)
    before = _last_log_pk()
    _assert_logged(client.get(url), url, jamal.code, before)


@pytest.mark.django_db
def test_an_incident_page_naming_a_client_logs_the_view(client, peacekeeper, jamal, andre, records):
    incident = Involvement.objects.get(client=jamal).incident
    InvolvementFactory(incident=incident, client=andre, role="witness")
    client.force_login(peacekeeper)
    before = _last_log_pk()
    url = reverse("incidents:incident_detail", args=[incident.pk])
    _assert_logged(client.get(url), url, jamal.code, before)
    # Andre's name is not on Grover's page, so Grover did not see him.
    assert not AccessLog.objects.filter(pk__gt=before, client_code=andre.code).exists()


@pytest.mark.django_db
def test_an_analyst_sees_an_incident_without_a_client_view_logged(client, analyst, jamal, records):
    incident = Involvement.objects.get(client=jamal).incident
    client.force_login(analyst)
    before = _last_log_pk()
    assert client.get(reverse("incidents:incident_detail", args=[incident.pk])).status_code == 200
    assert not AccessLog.objects.filter(pk__gt=before, client_code=jamal.code).exists()


@pytest.mark.django_db
def test_a_refused_page_logs_no_view(client, peacekeeper, andre):
    client.force_login(peacekeeper)
    assert client.get(reverse("outreach:client_edit", args=[andre.pk])).status_code == 404
    assert not AccessLog.objects.filter(client_code=andre.code).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("behind_proxy", "forwarded", "expected"),
    [
        (False, "203.0.113.9", "10.0.0.1"),
        (True, "203.0.113.9", "203.0.113.9"),
        (True, "198.51.100.66, 203.0.113.9", "203.0.113.9"),
        (True, "not-an-address", "10.0.0.1"),
        (True, "", "10.0.0.1"),
    ],
)
def test_behind_the_proxy_the_log_keeps_the_address_the_proxy_saw(
    client, settings, manager, jamal, behind_proxy, forwarded, expected
):
    settings.BEHIND_PROXY = behind_proxy
    client.force_login(manager)
    client.get(jamal.get_absolute_url(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert AccessLog.objects.get(client_code=jamal.code).ip_address == expected
