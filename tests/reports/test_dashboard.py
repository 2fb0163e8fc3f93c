import datetime

import pytest
from django.utils import timezone

from incidents import response_cases
from incidents.models import Incident
from outreach.caseloads import caseload_summary, peacekeeper_worklist
from outreach.models import PossibleDuplicate, local_today
from tests.factories import ClientFactory, ContactFactory, GoalFactory, IncidentFactory, InvolvementFactory

TODAY = local_today()
NOW = timezone.now()


def test_the_worklist_lists_due_follow_ups_overdue_clients_and_recent_flags(peacekeeper, jamal, andre):
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=8), follow_up_on=TODAY)
    kim = ClientFactory(primary_peacekeeper=peacekeeper)
    ContactFactory(client=kim, occurred_at=NOW - datetime.timedelta(days=6), conflict_risk=True)
    ContactFactory(client=andre, occurred_at=NOW - datetime.timedelta(days=20), follow_up_on=TODAY, conflict_risk=True)
    worklist = peacekeeper_worklist(peacekeeper)
    assert worklist.follow_ups_due == [jamal]
    assert worklist.overdue == [jamal]  # high risk, 8 days > 7
    assert [c.client for c in worklist.flagged_contacts] == [kim]


def test_a_later_contact_clears_a_due_follow_up(peacekeeper, jamal):
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=5), follow_up_on=TODAY)
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(hours=1))
    assert peacekeeper_worklist(peacekeeper).follow_ups_due == []


def test_flags_older_than_seven_days_drop_off(peacekeeper, jamal):
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=8), conflict_risk=True)
    assert peacekeeper_worklist(peacekeeper).flagged_contacts == []


def test_the_caseload_summary_counts_each_peacekeeper(peacekeeper, other_peacekeeper, jamal, settings):
    settings.CASELOAD_CAP = 1
    ClientFactory(primary_peacekeeper=peacekeeper)
    ClientFactory(primary_peacekeeper=peacekeeper, status="exited", exited_on=TODAY, exit_reason="moved")
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=2), duration_minutes=90)
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=40), duration_minutes=60)
    GoalFactory(client=jamal, status="achieved", achieved_on=TODAY)
    rows = {row.username: row for row in caseload_summary()}
    grover = rows["grover"]
    assert (grover.active_clients, grover.contacts_30d, grover.minutes_30d) == (2, 1, 90)
    assert grover.hours_30d == 1.5 and grover.goals_achieved_quarter == 1 and grover.over_cap
    assert grover.overdue_clients == 1  # the client with no contact since enrolment 190 days ago
    assert rows["maria"].active_clients == 0 and not rows["maria"].over_cap


def test_the_caseload_summary_leaves_out_deactivated_peacekeepers(peacekeeper, other_peacekeeper):
    other_peacekeeper.is_active = False
    other_peacekeeper.save()
    assert [row.username for row in caseload_summary()] == ["grover"]


def test_the_caseload_summary_counts_goals_achieved_since_the_quarter_began(peacekeeper, jamal):
    GoalFactory(client=jamal, status="achieved", achieved_on=datetime.date(2018, 9, 30))
    GoalFactory(client=jamal, status="achieved", achieved_on=datetime.date(2018, 10, 1))
    rows = {row.username: row for row in caseload_summary(today=datetime.date(2018, 11, 15))}
    assert rows["grover"].goals_achieved_quarter == 1


def _response_case_for(record) -> None:
    """A shooting this client was wounded in, with its response case and tasks."""
    incident = IncidentFactory(
        kind="nonfatal_shooting", killed=0, injured=1, weapon="firearm", occurred_at=NOW - datetime.timedelta(hours=5)
    )
    InvolvementFactory(incident=incident, client=record, role="victim", outcome="wounded")
    response_cases.default_standard()
    response_cases.response_cases_open(incidents=Incident.objects.filter(pk=incident.pk))


@pytest.mark.parametrize("size", [2, 20])
def test_the_peacekeeper_dashboard_query_count_stays_flat(client, peacekeeper, django_assert_max_num_queries, size):
    for record in ClientFactory.create_batch(size, primary_peacekeeper=peacekeeper):
        ContactFactory(client=record, occurred_at=NOW - datetime.timedelta(days=10), follow_up_on=TODAY)
        ContactFactory(client=record, conflict_risk=True)
        _response_case_for(record)
    client.force_login(peacekeeper)
    client.get("/health/")  # steady state: the session was touched on sign-in
    # session, user, roles, due, overdue, flagged, hospital visits due, active clients
    # (+ a COUNT each past 20 rows), death notices, response tasks due, their count, the people named
    with django_assert_max_num_queries(14):
        page = client.get("/").content.decode()
    assert "Follow-ups due" in page


@pytest.mark.parametrize("size", [2, 20])
def test_the_manager_dashboard_query_count_stays_flat(
    client, manager, peacekeeper, other_peacekeeper, django_assert_max_num_queries, size
):
    for record in ClientFactory.create_batch(size, primary_peacekeeper=peacekeeper):
        ContactFactory(client=record)
        GoalFactory(client=record, status="achieved", achieved_on=TODAY)
        review = PossibleDuplicate.objects.create(client=record, client_code=record.code, created_by=peacekeeper)
        review.matches.add(ClientFactory(primary_peacekeeper=other_peacekeeper))
        _response_case_for(record)
    client.force_login(manager)
    client.get("/health/")  # steady state: the session was touched on sign-in
    # session, user, roles, the summary query, response gaps, first year on record, trend, quarter,
    # possible duplicates to review and their matches, death notices, hospital visits due, open response
    # cases and their count
    with django_assert_max_num_queries(16):
        page = client.get("/").content.decode()
    assert "Grover Crump" in page and "Maria Lopez" in page


def test_a_reassigned_clients_flag_leaves_the_old_peacekeepers_dashboard(peacekeeper, other_peacekeeper, jamal):
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=1), conflict_risk=True)
    jamal.primary_peacekeeper = other_peacekeeper
    jamal.save()
    assert peacekeeper_worklist(peacekeeper).flagged_contacts == []


def test_a_knife_is_never_a_shooting_response_gap_on_the_manager_dashboard(client, manager):
    two_days_ago = NOW - datetime.timedelta(days=2)
    IncidentFactory(
        case_number="KNIFE-1", kind="aggravated_assault", killed=0, injured=2, weapon="knife", occurred_at=two_days_ago
    )
    IncidentFactory(case_number="KNIFE-2", kind="homicide", killed=1, weapon="knife", occurred_at=two_days_ago)
    IncidentFactory(
        case_number="GUN-1", kind="nonfatal_shooting", killed=0, injured=1, weapon="firearm", occurred_at=two_days_ago
    )
    client.force_login(manager)
    page = client.get("/").content.decode()
    gaps = page[page.index("Shooting response gaps") :]
    assert "GUN-1" in gaps
    assert "KNIFE-1" not in page and "KNIFE-2" not in page
