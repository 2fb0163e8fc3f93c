"""One-time keys on create forms: the same form posted twice makes one row (SPEC section 7)."""

import datetime
import threading
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone

from core import form_keys
from incidents.models import (
    Conflict,
    ConflictIncident,
    ConflictParty,
    ConflictStatusChange,
    Group,
    GroupAssociation,
    Incident,
    Involvement,
    Mediation,
    Response,
)
from outreach.models import Client, Contact, Goal, Referral, local_today
from tests.factories import (
    ConflictFactory,
    ConflictPartyFactory,
    ContactFactory,
    GroupAssociationFactory,
    GroupFactory,
    IncidentFactory,
    InvolvementFactory,
    PartnerFactory,
)
from tests.forms import keyed

NOW = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
TODAY = local_today().isoformat()


def contact_landing(contact: Contact) -> str:
    """Where saving a contact lands: the client page, scrolled to the contact."""
    return f"{contact.client.get_absolute_url()}#contact-{contact.pk}"


def _contact(jamal):
    data = {"occurred_at": NOW, "duration_minutes": 45, "kind": "phone", "notes": "Talked about school."}
    return reverse("outreach:contact_create", args=[jamal.pk]), data, Contact, contact_landing


def _client(jamal):
    data = {"first_name": "Marcus", "last_name": "Reed", "date_of_birth": "2005-04-02", "phone": "(209) 555-0101"}
    data |= {"risk_level": "high", "referral_source": "hospital", "referred_on": TODAY}
    return reverse("outreach:client_create"), data, Client, None


def _goal(jamal):
    data = {"domain": "employment", "description": "Get a job", "status": "open"}
    return reverse("outreach:goal_create", args=[jamal.pk]), data, Goal, jamal.get_absolute_url()


def _referral(jamal):
    data = {"partner": PartnerFactory().pk, "service": "GED", "referred_on": TODAY, "status": "pending"}
    return reverse("outreach:referral_create", args=[jamal.pk]), data, Referral, jamal.get_absolute_url()


def _incident(jamal):
    data = {"case_number": "SPD-900", "kind": "shots_fired", "occurred_at": NOW, "killed": 0, "injured": 0}
    data |= {"weapon": "firearm", "source": "police", "retaliation_risk": "high", "status": "open"}
    return reverse("incidents:incident_create"), data, Incident, None


def _mediation(jamal):
    data = {"occurred_on": TODAY, "peacekeepers": [jamal.primary_peacekeeper.pk], "clients": [jamal.pk]}
    data |= {"parties": "Two groups from rival blocks", "outcome": "resolved"}
    return reverse("incidents:mediation_create"), data, Mediation, reverse("incidents:mediation_list")


def _response(jamal):
    incident = IncidentFactory(occurred_at=timezone.now() - datetime.timedelta(hours=5))
    data = {"kind": "hospital", "responded_at": NOW}
    return reverse("incidents:response_create", args=[incident.pk]), data, Response, incident.get_absolute_url()


def _involvement(jamal):
    incident = IncidentFactory()
    data = {"client": jamal.pk, "role": "witness"}
    return reverse("incidents:involvement_create", args=[incident.pk]), data, Involvement, incident.get_absolute_url()


def _group(jamal):
    return reverse("incidents:group_create"), {"name": "Eastside", "status": "active"}, Group, None


def _conflict(jamal):
    return reverse("incidents:conflict_create"), {"kind": "dispute", "description": "A debt"}, Conflict, None


def _association(jamal):
    first, second = GroupFactory(), GroupFactory()
    data = {"group": first.pk, "second_group": second.pk, "role": "member", "basis": "self_identified"}
    data["evidence_note"] = "He said so himself, today"
    return reverse("incidents:association_create", args=[jamal.pk]), data, GroupAssociation, jamal.get_absolute_url()


def _their_conflict(jamal) -> Conflict:
    conflict = ConflictFactory()
    ConflictPartyFactory(conflict=conflict, client=jamal)
    return conflict


def _conflict_status(jamal):
    conflict = _their_conflict(jamal)
    data = {"status": "mediated", "note": "replay-A"}
    url = reverse("incidents:conflict_status", args=[conflict.pk])
    return url, data, ConflictStatusChange, conflict.get_absolute_url()


def _conflict_party(jamal):
    conflict = _their_conflict(jamal)
    first, second = GroupFactory(), GroupFactory()
    for group in (first, second):  # groups the peacekeeper may see: one of their clients is in each
        GroupAssociationFactory(client=jamal, group=group)
    data = {"side": "b", "group": first.pk, "second_group": second.pk}
    url = reverse("incidents:conflict_party_add", args=[conflict.pk])
    return url, data, ConflictParty, conflict.get_absolute_url()


def _conflict_incident(jamal):
    conflict = _their_conflict(jamal)
    first, second = IncidentFactory(), IncidentFactory()
    data = {"case_number": first.case_number, "second_case": second.case_number}
    url = reverse("incidents:conflict_incident_link", args=[conflict.pk])
    return url, data, ConflictIncident, conflict.get_absolute_url()


CREATE_FORMS = [
    _client,
    _contact,
    _goal,
    _referral,
    _incident,
    _mediation,
    _response,
    _involvement,
    _group,
    _conflict,
    _association,
    _conflict_status,
    _conflict_party,
    _conflict_incident,
]


@pytest.mark.parametrize("form", CREATE_FORMS, ids=lambda f: f.__name__.strip("_"))
def test_the_same_form_posted_twice_makes_one_row(client, peacekeeper, jamal, form):
    url, data, model, expected_url = form(jamal)
    client.force_login(peacekeeper)
    before = model.objects.count()
    key = uuid.uuid4()
    first = client.post(url, keyed(data, key))
    assert first.status_code == 302, first.content.decode()[:3000]
    second = client.post(url, keyed(data, key))
    assert model.objects.count() == before + 1
    row = model.objects.get(form_key=key)
    assert second.status_code == 302
    expected = expected_url(row) if callable(expected_url) else expected_url or row.get_absolute_url()
    assert second["Location"] == first["Location"] == expected
    assert form_keys.ALREADY_SAVED in [str(m) for m in get_messages(second.wsgi_request)]


@pytest.mark.parametrize("form", CREATE_FORMS, ids=lambda f: f.__name__.strip("_"))
def test_two_keys_make_two_rows(client, peacekeeper, jamal, form):
    url, data, model, _ = form(jamal)
    client.force_login(peacekeeper)
    before = model.objects.count()
    client.post(url, keyed(data))
    if model is Client:
        data["not_a_duplicate"] = "on"  # the intake check asks once the first is saved
    if model is Incident:
        data["case_number"] = "SPD-901"
    if model is Involvement:
        data["role"], data["outcome"] = "victim", "unharmed"
    if model is Group:
        data["name"] = "Westside"  # group names are unique
    if model is GroupAssociation or model is ConflictParty:
        data["group"] = data["second_group"]  # one current association per client and group, one party per group
    if model is ConflictStatusChange:
        data["status"] = "cooling"  # the status it already has is refused
    if model is ConflictIncident:
        data["case_number"] = data["second_case"]  # an incident is linked once
    assert client.post(url, keyed(data)).status_code == 302
    assert model.objects.count() == before + 2


def test_the_rendered_form_carries_a_fresh_key_each_time(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    url = reverse("outreach:contact_create", args=[jamal.pk])
    keys = {client.get(url).context["form"]["form_key"].value() for _ in range(2)}
    assert len(keys) == 2 and all(uuid.UUID(k).version == 4 for k in keys)
    assert 'type="hidden" name="form_key"' in client.get(url).content.decode()


def test_the_incident_page_forms_carry_keys(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    context = client.get(IncidentFactory().get_absolute_url()).context
    for name in ("response_form", "involvement_form"):
        assert uuid.UUID(context[name]["form_key"].value())


def test_an_edit_form_has_no_key_and_keeps_the_rows_key(client, peacekeeper, jamal):
    key = uuid.uuid4()
    contact = ContactFactory(client=jamal, peacekeeper=peacekeeper, form_key=key)
    client.force_login(peacekeeper)
    url = reverse("outreach:contact_edit", args=[jamal.pk, contact.pk])
    form = client.get(url).context["form"]
    assert "form_key" not in form.fields
    data = {"occurred_at": NOW, "duration_minutes": 20, "kind": "phone"}
    data["loaded_version"] = form["loaded_version"].value()
    assert client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.duration_minutes == 20 and contact.form_key == key


@pytest.mark.parametrize("key", [None, "", "not-a-uuid", "1234"])
def test_a_missing_or_broken_key_is_a_form_error_and_saves_nothing(client, peacekeeper, jamal, key):
    url, data, _, _ = _contact(jamal)
    client.force_login(peacekeeper)
    response = client.post(url, data if key is None else {**data, "form_key": key})
    assert response.status_code == 200
    assert form_keys.MISSING_KEY in response.content.decode()
    assert not Contact.objects.exists()
    # The form comes back with the entries and a key of its own: saving again works.
    form = response.context["form"]
    assert form["notes"].value() == "Talked about school."
    fresh = form["form_key"].value()
    assert client.post(url, keyed(data, fresh)).status_code == 302
    assert Contact.objects.get().form_key == uuid.UUID(fresh)


def test_a_form_with_errors_keeps_its_key_so_the_corrected_resubmit_dedupes(client, peacekeeper, jamal):
    url, data, _, _ = _contact(jamal)
    client.force_login(peacekeeper)
    key = str(uuid.uuid4())
    refused = client.post(url, keyed({**data, "duration_minutes": 900}, key))
    assert refused.status_code == 200 and refused.context["form"]["form_key"].value() == key
    assert client.post(url, keyed(data, key)).status_code == 302
    assert client.post(url, keyed(data, key)).status_code == 302
    assert Contact.objects.filter(form_key=key).count() == Contact.objects.count() == 1


def test_a_key_of_a_row_i_may_not_see_reveals_nothing_and_saves_nothing(client, peacekeeper, jamal, andre):
    key = uuid.uuid4()
    ContactFactory(client=andre, form_key=key, notes="Andre's private notes")
    url, data, _, _ = _contact(jamal)
    client.force_login(peacekeeper)
    response = client.post(url, keyed(data, key))
    page = response.content.decode()
    assert response.status_code == 200 and form_keys.MISSING_KEY in page
    assert andre.code not in page and "Andre" not in page and "private notes" not in page
    assert not jamal.contacts.exists()
    assert uuid.UUID(response.context["form"]["form_key"].value()) != key


def test_a_replayed_offline_record_with_its_own_key_is_saved_once(client, peacekeeper, jamal):
    """Field mode's replay: the browser made the key (any valid UUID) and may post it again."""
    url, data, _, _ = _contact(jamal)
    client.force_login(peacekeeper)
    key = "6f1c1a2e-8d0b-4c53-9f55-3b2f1e7a9c10"
    for _ in range(3):
        location = client.post(url, keyed(data, key))["Location"]
        assert location == contact_landing(Contact.objects.get())
    assert Contact.objects.get().form_key == uuid.UUID(key)


def test_a_save_that_loses_the_race_answers_with_the_winners_row(client, peacekeeper, jamal, monkeypatch):
    """The unique constraint is the last guard: an insert it refuses is answered like a second submit."""
    key = uuid.uuid4()
    winner = ContactFactory(client=jamal, peacekeeper=peacekeeper, form_key=key)
    lookups = iter([None])  # the first look finds nothing, as if the winner had not committed yet
    real = form_keys._saved_with
    monkeypatch.setattr(form_keys, "_saved_with", lambda model, k: next(lookups, None) or real(model, k))
    url, data, _, _ = _contact(jamal)
    client.force_login(peacekeeper)
    response = client.post(url, keyed(data, key))
    assert response.status_code == 302 and response["Location"] == contact_landing(winner)
    assert list(Contact.objects.all()) == [winner]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_of_one_key_make_one_contact(peacekeeper, jamal):
    url, data, _, _ = _contact(jamal)
    posted, barrier = keyed(data), threading.Barrier(2)
    answers = []

    def submit():
        try:
            web = WebClient()
            web.force_login(peacekeeper)
            barrier.wait()
            answers.append(web.post(url, posted))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [302, 302]
    assert Contact.objects.count() == 1
    assert jamal.contacts.get().form_key == uuid.UUID(posted["form_key"])


def test_a_key_of_a_link_to_a_client_i_may_not_see_saves_nothing(client, peacekeeper, jamal, andre):
    key = uuid.uuid4()
    incident = IncidentFactory()
    InvolvementFactory(incident=incident, client=andre, role="suspect", form_key=key)
    client.force_login(peacekeeper)
    url = reverse("incidents:involvement_create", args=[incident.pk])
    response = client.post(url, keyed({"client": jamal.pk, "role": "witness"}, key))
    assert response.status_code == 200 and form_keys.MISSING_KEY in response.content.decode()
    assert "Andre" not in response.content.decode()
    assert list(incident.involvements.values_list("client", flat=True)) == [andre.pk]
