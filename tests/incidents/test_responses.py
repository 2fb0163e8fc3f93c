"""Responses by any program role, and an incident's status following its responses (issue #14).

Peacekeepers record their own responses; managers and admins record the response of the
peacekeeper who went (themself by default when they are one). Analysts log incidents but do not
respond to them. The first response moves an open incident to responded; a closed incident is
never moved back automatically; closing and reopening are deliberate, audited actions.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.history import last_change_by
from incidents import services
from incidents.models import Incident, Response
from tests.factories import IncidentFactory, ResponseFactory, UserFactory
from tests.forms import keyed

pytestmark = pytest.mark.django_db


def _when(hours_ago: float = 1) -> str:
    return (timezone.localtime() - datetime.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def _incident(**kwargs) -> Incident:
    return IncidentFactory(occurred_at=timezone.now() - datetime.timedelta(hours=5), **kwargs)


def _post(client, incident, **data):
    return client.post(reverse("incidents:response_create", args=[incident.pk]), keyed({"kind": "scene", **data}))


def test_a_manager_records_the_response_of_the_peacekeeper_who_went(client, manager, peacekeeper):
    incident = _incident()
    client.force_login(manager)
    assert _post(client, incident, peacekeeper=peacekeeper.pk, responded_at=_when()).status_code == 302
    response = Response.objects.get()
    assert response.peacekeeper == peacekeeper
    assert last_change_by(response) == manager  # the trail says who typed it in
    assert not Incident.objects.response_gaps().filter(pk=incident.pk).exists()


def test_a_manager_must_name_the_peacekeeper(client, manager):
    incident = _incident()
    client.force_login(manager)
    page = _post(client, incident, responded_at=_when())
    assert page.status_code == 200 and "This field is required." in page.content.decode()
    assert not Response.objects.exists()


def test_the_manager_picks_only_active_peacekeepers(client, manager, analyst):
    gone = UserFactory(username="gone", roles=[Role.PEACEKEEPER], is_active=False)
    incident = _incident()
    client.force_login(manager)
    for outsider in (analyst, gone, manager):
        page = _post(client, incident, peacekeeper=outsider.pk, responded_at=_when())
        assert "Select a valid choice" in page.content.decode()
    assert not Response.objects.exists()


def test_a_manager_who_is_a_peacekeeper_is_the_default(client):
    both = UserFactory(username="both", roles=[Role.MANAGER, Role.PEACEKEEPER])
    incident = _incident()
    client.force_login(both)
    form = client.get(incident.get_absolute_url()).context["response_form"]
    assert form["peacekeeper"].initial == both.pk


def test_a_plain_manager_has_no_default(client, manager, peacekeeper):
    client.force_login(manager)
    form = client.get(_incident().get_absolute_url()).context["response_form"]
    assert form["peacekeeper"].initial is None
    assert [pk for pk, _ in form.fields["peacekeeper"].choices if pk] == [peacekeeper.pk]


def test_an_admin_records_a_response(client, admin_user, peacekeeper):
    incident = _incident()
    client.force_login(admin_user)
    assert _post(client, incident, peacekeeper=peacekeeper.pk, responded_at=_when()).status_code == 302
    assert Response.objects.get().peacekeeper == peacekeeper


def test_a_peacekeeper_records_only_their_own(client, peacekeeper, other_peacekeeper):
    incident = _incident()
    client.force_login(peacekeeper)
    assert "peacekeeper" not in client.get(incident.get_absolute_url()).context["response_form"].fields
    _post(client, incident, peacekeeper=other_peacekeeper.pk, responded_at=_when())
    assert Response.objects.get().peacekeeper == peacekeeper  # the posted name is ignored


def test_analysts_do_not_record_responses(client, analyst, peacekeeper):
    incident = _incident()
    client.force_login(analyst)
    assert client.get(incident.get_absolute_url()).context["response_form"] is None
    assert _post(client, incident, peacekeeper=peacekeeper.pk, responded_at=_when()).status_code == 403
    assert not Response.objects.exists()


def test_a_response_to_an_unknown_incident_answers_404(client, manager, peacekeeper):
    client.force_login(manager)
    url = reverse("incidents:response_create", args=[999_999])
    assert client.post(url, keyed({"kind": "scene", "peacekeeper": peacekeeper.pk})).status_code == 404


@pytest.mark.parametrize("notes", ["=cmd|' /C calc'!A0", "<script>alert(1)</script>", "n" * 10_000, "🙂 ok"])
def test_hostile_notes_are_kept_as_text_and_escaped(client, manager, peacekeeper, notes):
    incident = _incident()
    client.force_login(manager)
    _post(client, incident, peacekeeper=peacekeeper.pk, responded_at=_when(), notes=notes)
    assert Response.objects.get().notes == notes
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_a_nul_in_the_notes_is_refused(client, manager, peacekeeper):
    client.force_login(manager)
    page = _post(client, _incident(), peacekeeper=peacekeeper.pk, responded_at=_when(), notes="a\x00b")
    assert page.status_code == 200 and not Response.objects.exists()


class TestTheStatusFollowsTheResponses:
    def test_the_first_response_moves_an_open_incident_to_responded(self, client, peacekeeper):
        incident = _incident()
        assert incident.status == "open"
        client.force_login(peacekeeper)
        _post(client, incident, responded_at=_when())
        incident.refresh_from_db()
        assert incident.status == "responded"
        assert last_change_by(incident) == peacekeeper

    def test_the_service_moves_it_in_the_same_transaction(self, peacekeeper):
        incident = _incident()
        data = {"kind": "hospital", "responded_at": timezone.now()}
        services.response_log(incident=incident, by=peacekeeper, data=data)
        assert incident.status == "responded"
        assert Incident.objects.get(pk=incident.pk).status == "responded"

    def test_a_refused_response_leaves_the_incident_open(self, peacekeeper):
        incident = _incident()
        data = {"kind": "hospital", "responded_at": timezone.now() + datetime.timedelta(days=1)}
        with pytest.raises(ValidationError):
            services.response_log(incident=incident, by=peacekeeper, data=data)
        assert Incident.objects.get(pk=incident.pk).status == "open"

    def test_a_response_never_reopens_a_closed_incident(self, client, peacekeeper):
        incident = _incident(status="closed")
        client.force_login(peacekeeper)
        _post(client, incident, responded_at=_when())
        incident.refresh_from_db()
        assert incident.status == "closed" and incident.responses.count() == 1

    def test_the_service_refuses_a_recorder_without_the_role(self, analyst, peacekeeper, other_peacekeeper):
        incident = _incident()
        data = {"kind": "hospital", "responded_at": timezone.now()}
        with pytest.raises(ValidationError):
            services.response_log(incident=incident, by=analyst, data=data | {"peacekeeper": peacekeeper})
        with pytest.raises(ValidationError):  # a peacekeeper records their own, not a colleague's
            services.response_log(incident=incident, by=peacekeeper, data=data | {"peacekeeper": other_peacekeeper})
        assert not Response.objects.exists()

    def test_the_service_refuses_someone_who_is_not_a_peacekeeper(self, analyst, manager):
        incident = _incident()
        data = {"kind": "hospital", "responded_at": timezone.now()}
        with pytest.raises(ValidationError):
            services.response_log(incident=incident, by=manager, data=data)
        with pytest.raises(ValidationError):
            services.response_log(incident=incident, by=manager, data=data | {"peacekeeper": analyst})
        assert not Response.objects.exists()


class TestClosingAndReopening:
    def _set(self, client, incident, status):
        return client.post(reverse("incidents:incident_status", args=[incident.pk]), {"status": status})

    @pytest.mark.parametrize("persona", ["peacekeeper", "manager", "analyst", "admin_user"])
    def test_every_incident_role_closes_an_incident_and_it_is_audited(self, client, request, persona):
        user = request.getfixturevalue(persona)
        incident = _incident()
        client.force_login(user)
        assert self._set(client, incident, "closed").status_code == 302
        incident.refresh_from_db()
        assert incident.status == "closed" and last_change_by(incident) == user

    def test_reopening_goes_back_to_responded_when_there_are_responses(self, client, manager):
        with_response = _incident(status="closed")
        ResponseFactory(incident=with_response)
        without = _incident(status="closed")
        client.force_login(manager)
        self._set(client, with_response, "reopen")
        self._set(client, without, "reopen")
        assert Incident.objects.get(pk=with_response.pk).status == "responded"
        assert Incident.objects.get(pk=without.pk).status == "open"

    def test_the_page_offers_close_or_reopen(self, client, manager):
        incident = _incident()
        client.force_login(manager)
        assert "Close incident" in client.get(incident.get_absolute_url()).content.decode()
        self._set(client, incident, "closed")
        page = client.get(incident.get_absolute_url()).content.decode()
        assert "Reopen" in page and "Close incident" not in page

    @pytest.mark.parametrize("status", ["bogus", "", "=1+1", "<script>", "x" * 10_000, "\x00"])
    def test_a_bad_status_changes_nothing(self, client, manager, status):
        incident = _incident()
        client.force_login(manager)
        assert self._set(client, incident, status).status_code == 302
        assert Incident.objects.get(pk=incident.pk).status == "open"

    def test_an_unknown_incident_or_a_get_answers_404_or_405(self, client, manager, no_role_user):
        incident = _incident()
        client.force_login(manager)
        assert self._set(client, Incident(pk=999_999), "closed").status_code == 404
        assert client.get(reverse("incidents:incident_status", args=[incident.pk])).status_code == 405
        client.force_login(no_role_user)
        assert self._set(client, incident, "closed").status_code == 404
        assert Incident.objects.get(pk=incident.pk).status == "open"

    def test_the_edit_form_sets_the_status_too(self, client, analyst):
        incident = _incident(status="responded")
        client.force_login(analyst)
        form = client.get(reverse("incidents:incident_edit", args=[incident.pk])).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None} | {"status": "closed"}
        data["occurred_at"] = timezone.localtime(incident.occurred_at).strftime("%Y-%m-%dT%H:%M")
        data["neighborhood"] = incident.neighborhood_id
        data["loaded_version"] = form["loaded_version"].initial
        assert client.post(reverse("incidents:incident_edit", args=[incident.pk]), data).status_code == 302
        assert Incident.objects.get(pk=incident.pk).status == "closed"


def test_the_status_action_cannot_mark_responded_without_a_response(client, analyst, manager):
    """Only Close and Reopen: "responded" comes from a response (an attacker set it with a POST)."""
    incident = _incident()
    for user in (analyst, manager):
        client.force_login(user)
        client.post(reverse("incidents:incident_status", args=[incident.pk]), {"status": "responded"})
        client.post(reverse("incidents:incident_status", args=[incident.pk]), {"status": "open"})
        assert Incident.objects.get(pk=incident.pk).status == "open"
