"""The demo's incident statuses say what the responses say (they are bulk-created, not by the services)."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Exists, OuterRef

from incidents.models import Incident, IncidentStatus, Response
from sample_data.demo.incidents import statuses_from_responses
from tests.factories import IncidentFactory, ResponseFactory


def test_the_demos_incidents_with_a_response_are_responded_unless_closed(db):
    call_command("seed_demo", allow_without_debug=True, stdout=StringIO())
    answered = Exists(Response.objects.filter(incident=OuterRef("pk")))
    not_closed = Incident.objects.exclude(status=IncidentStatus.CLOSED)
    assert not_closed.filter(answered).exists()
    assert set(not_closed.filter(answered).values_list("status", flat=True)) == {IncidentStatus.RESPONDED}
    assert set(not_closed.exclude(answered).values_list("status", flat=True)) <= {IncidentStatus.OPEN}


def test_a_closed_incident_stays_closed(db):
    closed = IncidentFactory(status=IncidentStatus.CLOSED)
    ResponseFactory(incident=closed)
    answered = IncidentFactory(status=IncidentStatus.OPEN)
    ResponseFactory(incident=answered)
    unanswered = IncidentFactory(status=IncidentStatus.RESPONDED)
    statuses_from_responses()
    statuses = {i.pk: i.status for i in Incident.objects.all()}
    assert statuses == {closed.pk: "closed", answered.pk: "responded", unanswered.pk: "open"}
