"""A new user's findings on the dashboards: what the sentences say and what the lists hold."""

import datetime

import pytest
from django.utils import timezone

from outreach.caseloads import peacekeeper_worklist
from outreach.models import Client
from tests.factories import ClientFactory, ContactFactory, IncidentFactory, InvolvementFactory

NOW = timezone.now()


def _wound(record, *, days_ago: int = 2):
    shooting = IncidentFactory(
        kind="nonfatal_shooting", killed=0, injured=1, occurred_at=NOW - datetime.timedelta(days=days_ago)
    )
    InvolvementFactory(incident=shooting, client=record, role="victim", outcome="wounded")
    return shooting


def test_the_response_gaps_sentence_says_shootings_as_the_list_holds(client, manager):
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert "Shootings (firearm incidents) with someone killed or injured and no peacekeeper response" in page
    assert "Incidents with someone killed or injured" not in page


def test_a_wounded_client_is_on_the_peacekeepers_worklist_until_a_hospital_visit(peacekeeper, jamal, andre):
    _wound(jamal)
    _wound(andre)  # Maria's client
    worklist = peacekeeper_worklist(peacekeeper)
    assert worklist.hospital_visits_due == [jamal] and worklist.hospital_visits_due_count == 1
    ContactFactory(client=jamal, kind="hospital_visit", occurred_at=NOW - datetime.timedelta(days=1))
    assert peacekeeper_worklist(peacekeeper).hospital_visits_due == []


def test_the_worklist_uses_the_caseload_badges_rule(peacekeeper, jamal):
    wounded = ClientFactory(primary_peacekeeper=peacekeeper)
    _wound(wounded)
    exited = ClientFactory(primary_peacekeeper=peacekeeper, status="exited", exited_on=NOW.date(), exit_reason="moved")
    _wound(exited)
    badge = {c.pk for c in Client.objects.with_wounded() if c.hospital_visit_due}
    assert set(Client.objects.hospital_visit_due().values_list("pk", flat=True)) == badge == {wounded.pk}
    assert peacekeeper_worklist(peacekeeper).hospital_visits_due == [wounded]


def test_the_dashboards_list_hospital_visits_due(client, peacekeeper, manager, jamal):
    _wound(jamal)
    client.force_login(peacekeeper)
    page = client.get("/").content.decode()
    assert "Hospital visit due (1)" in page and "Jamal Johnson" in page
    client.force_login(manager)
    page = client.get("/").content.decode()
    section = page[page.index("Hospital visit due (1)") :]
    assert "Jamal Johnson" in section[: section.index("</section>")]


def test_the_peacekeeper_dashboard_shows_the_number_its_caseload_sentence_explains(client, peacekeeper, jamal):
    ClientFactory(primary_peacekeeper=peacekeeper, status="referred")
    client.force_login(peacekeeper)
    page = client.get("/").content.decode()
    assert "<strong>1</strong> active client<" in page
    assert "Counts the active clients you are primary or secondary peacekeeper for" in page


def test_the_dashboards_say_referred_clients_are_never_overdue(client, peacekeeper, manager):
    for user in (peacekeeper, manager):
        client.force_login(user)
        assert "referred clients are never overdue" in client.get("/").content.decode()


def test_the_caseload_legend_says_referred_clients_are_never_overdue(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    assert "Referred clients are never overdue" in client.get("/clients/").content.decode()


@pytest.mark.parametrize("size", [2, 20])
def test_the_peacekeeper_dashboard_query_count_stays_flat_with_wounded_clients(
    client, peacekeeper, django_assert_max_num_queries, size
):
    for record in ClientFactory.create_batch(size, primary_peacekeeper=peacekeeper):
        _wound(record)
        ContactFactory(client=record, occurred_at=NOW - datetime.timedelta(days=10), follow_up_on=NOW.date())
    client.force_login(peacekeeper)
    client.get("/health/")
    # session, user, roles, due, overdue, flagged, hospital visits due, active count
    # (+ a COUNT each past 20 rows), death notices, response tasks due and their count
    with django_assert_max_num_queries(13):
        page = client.get("/").content.decode()
    assert f"Hospital visit due ({size})" in page


@pytest.mark.parametrize("size", [2, 25])
def test_the_manager_dashboard_query_count_stays_flat_with_wounded_clients(
    client, manager, peacekeeper, django_assert_max_num_queries, size
):
    for record in ClientFactory.create_batch(size, primary_peacekeeper=peacekeeper):
        _wound(record)
    client.force_login(manager)
    client.get("/health/")
    # session, user, roles, summary, response gaps, hospital visits due (+ a COUNT past 20), first
    # year on record, trend, quarter, duplicates and their matches, death notices, open response cases and
    # their count
    with django_assert_max_num_queries(17):
        page = client.get("/").content.decode()
    assert f"Hospital visit due ({size})" in page


def test_the_death_notice_says_when_it_was_recorded_and_when_the_incident_was(client, peacekeeper, jamal):
    from incidents import services as incident_services
    from outreach.models import local_today

    homicide = IncidentFactory(
        kind="homicide", killed=1, weapon="firearm", occurred_at=NOW - datetime.timedelta(days=90)
    )
    incident_services.involvement_create(
        incident=homicide, by=peacekeeper, data={"client": jamal, "role": "victim", "outcome": "killed"}
    )
    client.force_login(peacekeeper)
    page = client.get("/").content.decode()
    assert "Clients recorded as killed: recorded in the last 30 days" in page
    recorded, occurred = local_today(), timezone.localtime(homicide.occurred_at).date()
    assert (
        f"on {recorded:%b} {recorded.day}, {recorded.year} (the incident was on {occurred:%b} {occurred.day}," in page
    )


def test_the_dashboard_trend_footnotes_the_running_year_as_year_to_date(client, manager):
    client.force_login(manager)
    page = client.get("/").content.decode()
    today = timezone.localdate()
    assert f'{today.year}<sup class="trend-mark">*</sup>' in page
    assert f"{today.year} is the year so far: its whole-year figures are year to date" in page
