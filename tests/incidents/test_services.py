"""The incident writes, called as any caller would: each validates what it saves, writes nothing
when it refuses, makes one row per one-time key and leaves an audit trail that names who acted."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pghistory.models import Events

from core.history import last_change_by
from incidents import services
from incidents.models import ImportStatus, Incident, IncidentImport, Involvement, Mediation, Response
from outreach.models import local_today
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

CSV = (
    b"case_number,occurred_at,kind,neighborhood,address,latitude,longitude,killed,injured,weapon,description\n"
    b"SPD-1,2024-03-01T22:15,shots_fired,Downtown,,,,0,0,firearm,\n"
)


def _incident_data(**overrides):
    data = {"case_number": "SPD-900", "kind": "shots_fired", "occurred_at": timezone.now(), "killed": 0}
    return data | {"injured": 0, "weapon": "firearm", "source": "police", "retaliation_risk": "high"} | overrides


def _create_incident(by, data, form_key=None):
    return services.incident_create(by=by, data=data, form_key=form_key)


def _log_response(by, data, form_key=None):
    incident = Incident.objects.first() or IncidentFactory(occurred_at=timezone.now() - datetime.timedelta(hours=5))
    return services.response_log(incident=incident, by=by, data=data, form_key=form_key)


def _link_client(by, data, form_key=None):
    incident = Incident.objects.first() or IncidentFactory()
    return services.involvement_create(incident=incident, by=by, data=data, form_key=form_key)


def _create_mediation(by, data, form_key=None):
    return services.mediation_create(by=by, data=data, form_key=form_key)


def _response_data(**overrides):
    return {"kind": "hospital", "responded_at": timezone.now() - datetime.timedelta(hours=1)} | overrides


def _mediation_data(jamal, peacekeeper, **overrides):
    data = {"occurred_on": local_today(), "parties": "Two blocks", "outcome": "resolved"}
    return data | {"peacekeepers": [peacekeeper], "clients": [jamal]} | overrides


# (call, model, good data, data the model refuses), each given the client and the peacekeeper.
CREATES = [
    (
        _create_incident,
        Incident,
        lambda jamal, pk: _incident_data(),
        lambda jamal, pk: _incident_data(kind="homicide"),  # a homicide has someone killed
    ),
    (
        _log_response,
        Response,
        lambda jamal, pk: _response_data(),
        lambda jamal, pk: _response_data(responded_at=timezone.now() + datetime.timedelta(days=1)),
    ),
    (
        _link_client,
        Involvement,
        lambda jamal, pk: {"client": jamal, "role": "witness"},
        lambda jamal, pk: {"client": jamal, "role": "bystander"},
    ),
    (
        _create_mediation,
        Mediation,
        lambda jamal, pk: _mediation_data(jamal, pk),
        lambda jamal, pk: _mediation_data(jamal, pk, occurred_on=local_today() + datetime.timedelta(days=2)),
    ),
]
IDS = ["incident_create", "response_log", "involvement_create", "mediation_create"]


@pytest.mark.parametrize(("create", "model", "good", "bad"), CREATES, ids=IDS)
def test_a_create_saves_the_record_and_the_trail_names_who(peacekeeper, jamal, create, model, good, bad):
    row = create(peacekeeper, good(jamal, peacekeeper))
    assert model.objects.get() == row
    assert last_change_by(row) == peacekeeper


@pytest.mark.parametrize(("create", "model", "good", "bad"), CREATES, ids=IDS)
def test_a_create_refuses_what_the_model_refuses_and_writes_nothing(peacekeeper, jamal, create, model, good, bad):
    data = bad(jamal, peacekeeper)
    IncidentFactory(occurred_at=timezone.now() - datetime.timedelta(hours=5))  # for a response or a link
    before, events = model.objects.count(), Events.objects.count()
    with pytest.raises(ValidationError):
        create(peacekeeper, data)
    assert model.objects.count() == before
    assert Events.objects.count() == events


@pytest.mark.parametrize(("create", "model", "good", "bad"), CREATES, ids=IDS)
def test_a_create_called_twice_with_one_form_key_makes_one_row(peacekeeper, jamal, create, model, good, bad):
    key = uuid.uuid4()
    first = create(peacekeeper, good(jamal, peacekeeper), form_key=key)
    before = model.objects.count()
    with pytest.raises(ValidationError):
        create(peacekeeper, good(jamal, peacekeeper), form_key=key)
    assert model.objects.count() == before
    assert model.objects.get(form_key=key) == first


def test_an_incident_is_logged_by_who_logs_it(analyst):
    incident = services.incident_create(by=analyst, data=_incident_data(logged_by=None))
    assert incident.logged_by == analyst


def test_a_response_is_the_peacekeeper_s_who_records_it(peacekeeper):
    response = _log_response(peacekeeper, _response_data())
    assert response.peacekeeper == peacekeeper


def test_a_mediation_keeps_its_peacekeepers_clients_and_incident(peacekeeper, other_peacekeeper, jamal):
    incident = IncidentFactory()
    mediation = services.mediation_create(
        by=peacekeeper,
        data=_mediation_data(jamal, peacekeeper, peacekeepers=[peacekeeper, other_peacekeeper])
        | {"incident": incident},
    )
    assert set(mediation.peacekeepers.all()) == {peacekeeper, other_peacekeeper}
    assert list(mediation.clients.all()) == [jamal]
    assert mediation.incident == incident and mediation.logged_by == peacekeeper


def test_an_incident_update_names_who_and_keeps_who_logged_it(analyst, manager):
    incident = IncidentFactory(logged_by=analyst)
    services.incident_update(incident=incident, by=manager, data={"status": "closed"})
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.logged_by == analyst
    assert last_change_by(incident) == manager


def test_an_incident_update_refused_leaves_the_incident_as_it_was(manager):
    incident = IncidentFactory(kind="homicide", killed=1)
    with pytest.raises(ValidationError) as refused:
        services.incident_update(incident=incident, by=manager, data={"killed": 0})
    assert "killed" in refused.value.message_dict
    incident.refresh_from_db()
    assert incident.killed == 1 and incident.events.count() == 1


def test_a_second_incident_with_the_same_case_number_in_other_letters_is_refused(analyst):
    services.incident_create(by=analyst, data=_incident_data(case_number="SPD-77"))
    with pytest.raises(ValidationError):
        services.incident_create(by=analyst, data=_incident_data(case_number="spd-77"))
    assert Incident.objects.count() == 1


def test_an_upload_is_kept_and_queued_for_its_check(analyst, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = services.import_start(filename="march.csv", content=CSV, by=analyst)
    job.refresh_from_db()
    assert (job.status, job.uploaded_by, job.rows_total) == (ImportStatus.WAITING, analyst, 1)
    assert job.task_id


def test_an_import_is_confirmed_once_and_only_when_checked(analyst, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = services.import_start(filename="march.csv", content=CSV, by=analyst)
    assert not services.import_confirm(job=job)  # not checked yet
    IncidentImport.objects.filter(pk=job.pk).update(status=ImportStatus.READY)
    assert services.import_confirm(job=job)
    assert not services.import_confirm(job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORT_WAITING
