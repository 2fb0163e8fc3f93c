import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Mediation, Response
from tests.factories import IncidentFactory, InvolvementFactory, MediationFactory, ResponseFactory
from tests.forms import keyed

NOW = timezone.now()


def _incident_data(**overrides):
    data = {
        "case_number": "SPD-900",
        "kind": "nonfatal_shooting",
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "killed": 0,
        "injured": 1,
        "weapon": "firearm",
        "source": "police",
        "retaliation_risk": "high",
        "status": "open",
    }
    data.update(overrides)
    return keyed(data)


@pytest.mark.parametrize("persona", ["peacekeeper", "manager", "analyst"])
def test_every_role_logs_an_incident(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.post(reverse("incidents:incident_create"), _incident_data())
    assert response.status_code == 302
    assert Incident.objects.get().logged_by == user


def test_a_user_without_a_role_gets_404(client, no_role_user):
    client.force_login(no_role_user)
    incident = IncidentFactory()
    for url in (reverse("incidents:incident_list"), incident.get_absolute_url(), reverse("incidents:mediation_list")):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": "homicide", "killed": 0}, "killed", "A homicide has at least one person killed."),
        ({"killed": 1}, "killed", "Someone was killed: record the incident as a homicide, not as non-fatal shooting."),
        ({"injured": 0}, "injured", "A non-fatal shooting has at least one person injured."),
        ({"weapon": "knife"}, "weapon", "A non-fatal shooting is with a firearm."),
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at", "The incident cannot be in the future."),
        ({"latitude": "95", "longitude": "10"}, "latitude", "Latitude is between -90 and 90."),
        ({"latitude": "37.9"}, "longitude", "Give both latitude and longitude, or neither."),
    ],
)
def test_the_incident_rules_answer_with_clear_messages(client, analyst, overrides, field, message):
    client.force_login(analyst)
    response = client.post(reverse("incidents:incident_create"), _incident_data(**overrides))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Incident.objects.exists()


def test_a_case_number_is_unique(client, analyst):
    IncidentFactory(case_number="SPD-900")
    client.force_login(analyst)
    response = client.post(reverse("incidents:incident_create"), _incident_data())
    assert "already exists" in response.content.decode()


def test_names_of_involved_clients_show_only_to_those_who_may_see_them(
    client, peacekeeper, other_peacekeeper, analyst, manager, jamal, andre
):
    incident = IncidentFactory()
    InvolvementFactory(incident=incident, client=jamal, role="victim")
    InvolvementFactory(incident=incident, client=andre, role="suspect")
    client.force_login(peacekeeper)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Jamal Johnson" in page and "Andre" not in page and andre.code not in page
    # Not even a count: "1 more program client" tells a peacekeeper that someone they may know from
    # the street is on another caseload (the intake duplicate check keeps the same secret).
    assert "other caseload" not in page and "program client involved" not in page
    client.force_login(analyst)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Jamal" not in page and "Andre" not in page and "2 program clients involved" in page
    client.force_login(manager)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Jamal Johnson" in page and "Andre Lewis" in page
    client.force_login(other_peacekeeper)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Andre Lewis" in page and "Jamal" not in page and "program client involved" not in page
    andre.involvements.all().delete()
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "None of your clients are linked to this incident." in page


def test_a_peacekeeper_links_only_their_own_clients(client, peacekeeper, jamal, andre):
    incident = IncidentFactory()
    client.force_login(peacekeeper)
    url = reverse("incidents:involvement_create", args=[incident.pk])
    response = client.post(url, keyed({"client": andre.pk, "role": "victim", "outcome": "unharmed"}))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert client.post(url, keyed({"client": jamal.pk, "role": "victim", "outcome": "unharmed"})).status_code == 302
    assert incident.involvements.get().client == jamal


def test_linking_a_client_twice_in_one_role_says_so_on_the_form(client, peacekeeper, jamal):
    incident = IncidentFactory()
    client.force_login(peacekeeper)
    url = reverse("incidents:involvement_create", args=[incident.pk])
    assert client.post(url, keyed({"client": jamal.pk, "role": "victim", "outcome": "unharmed"})).status_code == 302
    again = client.post(url, keyed({"client": jamal.pk, "role": "victim", "outcome": "unharmed"}))
    assert again.status_code == 200 and "already exists" in again.content.decode()
    assert incident.involvements.count() == 1


def test_an_analyst_cannot_link_clients(client, analyst, jamal):
    incident = IncidentFactory()
    client.force_login(analyst)
    response = client.post(reverse("incidents:involvement_create", args=[incident.pk]), {"client": jamal.pk})
    assert response.status_code == 403


def test_a_peacekeeper_records_a_response_and_closes_the_gap(client, peacekeeper):
    incident = IncidentFactory(occurred_at=NOW - datetime.timedelta(hours=5))
    assert Incident.objects.response_gaps().filter(pk=incident.pk).exists()
    client.force_login(peacekeeper)
    response = client.post(
        reverse("incidents:response_create", args=[incident.pk]),
        keyed({"kind": "hospital", "responded_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
    )
    assert response.status_code == 302
    assert Response.objects.get().peacekeeper == peacekeeper
    assert not Incident.objects.response_gaps().filter(pk=incident.pk).exists()


def test_a_response_after_24_hours_still_leaves_a_gap(peacekeeper):
    incident = IncidentFactory(occurred_at=NOW - datetime.timedelta(days=3))
    ResponseFactory(
        incident=incident, peacekeeper=peacekeeper, kind="follow_up", responded_at=NOW - datetime.timedelta(days=1)
    )
    assert Incident.objects.response_gaps().filter(pk=incident.pk).exists()
    shots = IncidentFactory(kind="shots_fired", killed=0, injured=0, occurred_at=NOW - datetime.timedelta(days=3))
    assert not Incident.objects.response_gaps().filter(pk=shots.pk).exists()  # nobody hurt: not a gap


def test_only_peacekeepers_record_responses(client, analyst):
    incident = IncidentFactory()
    client.force_login(analyst)
    assert client.post(reverse("incidents:response_create", args=[incident.pk]), {"kind": "scene"}).status_code == 403


def test_the_manager_dashboard_flags_response_gaps(client, manager):
    IncidentFactory(case_number="GAP-1", occurred_at=NOW - datetime.timedelta(days=2))
    client.force_login(manager)
    assert "GAP-1" in client.get("/").content.decode()


def test_a_mediation_is_recorded_with_only_visible_clients(client, peacekeeper, jamal, andre):
    incident = IncidentFactory(case_number="SPD-77")
    client.force_login(peacekeeper)
    url = reverse("incidents:mediation_create")
    data = keyed(
        {
            "occurred_on": timezone.localdate().isoformat(),
            "peacekeepers": [peacekeeper.pk],
            "clients": [andre.pk],
            "parties": "Two groups from rival blocks",
            "outcome": "resolved",
            "incident_case_number": "SPD-77",
        }
    )
    assert "Select a valid choice" in client.post(url, data).content.decode()
    data["clients"] = [jamal.pk]
    assert client.post(url, data).status_code == 302
    mediation = Mediation.objects.get()
    assert mediation.incident == incident and list(mediation.clients.all()) == [jamal]
    data["incident_case_number"] = "NOPE"
    # A new form (a new key): the same key would answer with the mediation just saved.
    assert "No incident has case number NOPE." in client.post(url, keyed(data)).content.decode()


def test_the_client_page_shows_incidents_and_mediations(client, peacekeeper, jamal):
    incident = IncidentFactory(case_number="SPD-55")
    InvolvementFactory(incident=incident, client=jamal, role="witness")
    client.force_login(peacekeeper)
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert "SPD-55" in page and "Witness" in page


class TestTheList:
    def test_it_filters_by_kind_dates_and_response(self, client, analyst, peacekeeper):
        IncidentFactory(case_number="OLD-1", occurred_at=NOW - datetime.timedelta(days=400))
        new = IncidentFactory(case_number="NEW-1", kind="shots_fired", killed=0)
        ResponseFactory(incident=new, peacekeeper=peacekeeper, kind="scene")
        client.force_login(analyst)
        url = reverse("incidents:incident_list")
        page = client.get(url, {"kind": "homicide"}).content.decode()
        assert "OLD-1" in page and "NEW-1" not in page
        since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
        page = client.get(url, {"occurred_after": since}).content.decode()
        assert "NEW-1" in page and "OLD-1" not in page
        page = client.get(url, {"has_response": "true"}).content.decode()
        assert "NEW-1" in page and "OLD-1" not in page

    @pytest.mark.parametrize("size", [3, 40])
    def test_its_query_count_stays_flat(self, client, analyst, django_assert_max_num_queries, size):
        IncidentFactory.create_batch(size)
        client.force_login(analyst)
        client.get("/health/")  # steady state: the session was touched on sign-in
        with django_assert_max_num_queries(8):
            assert client.get(reverse("incidents:incident_list")).status_code == 200
        dates = {"occurred_after": "2000-01-01", "occurred_before": timezone.localdate().isoformat()}
        with django_assert_max_num_queries(8):  # filtered by a date range, as the benchmark does
            response = client.get(reverse("incidents:incident_list"), dates)
        assert response.status_code == 200 and len(response.context["table"].page.object_list) == min(size, 25)

    def test_mediation_list_query_count_stays_flat(self, client, analyst, peacekeeper, django_assert_max_num_queries):
        for _ in range(30):
            MediationFactory(incident=IncidentFactory(), peacekeepers=[peacekeeper])
        client.force_login(analyst)
        client.get("/health/")  # steady state: the session was touched on sign-in
        with django_assert_max_num_queries(8):
            assert client.get(reverse("incidents:mediation_list")).status_code == 200


def test_analysts_see_no_response_notes_or_mediation_parties(client, analyst, peacekeeper):
    incident = IncidentFactory()
    ResponseFactory(incident=incident, peacekeeper=peacekeeper, kind="scene", notes="Talked to DeShawn's mother")
    MediationFactory(parties="The Carter brothers and the 8th Street group", outcome="resolved", incident=incident)
    client.force_login(analyst)
    assert "DeShawn" not in client.get(incident.get_absolute_url()).content.decode()
    assert "Carter" not in client.get(reverse("incidents:mediation_list")).content.decode()
    client.force_login(peacekeeper)
    assert "DeShawn" in client.get(incident.get_absolute_url()).content.decode()


def test_a_response_dated_before_the_incident_is_not_in_time(peacekeeper):
    incident = IncidentFactory(occurred_at=NOW - datetime.timedelta(hours=5))
    ResponseFactory(
        incident=incident, peacekeeper=peacekeeper, kind="scene", responded_at=NOW - datetime.timedelta(hours=6)
    )
    assert Incident.objects.response_gaps().filter(pk=incident.pk).exists()


def test_the_mediation_filter_bar_stays_open_when_filtering(client, analyst):
    client.force_login(analyst)
    assert (
        '<details class="filter-bar mb-3" open>'
        in client.get(reverse("incidents:mediation_list"), {"outcome": "resolved"}).content.decode()
    )
