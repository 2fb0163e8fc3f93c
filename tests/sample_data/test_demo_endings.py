"""The demo's clients in incidents: a homicide victim comes out exited as deceased, not overdue."""

from io import StringIO

from django.core.management import call_command

from incidents.models import Involvement, InvolvementOutcome
from outreach import caseloads
from outreach.models import Client, EnrolmentPeriod


def _seed() -> None:
    call_command("seed_demo", allow_without_debug=True, stdout=StringIO())


def test_the_demos_homicide_victims_are_exited_as_deceased_and_off_the_worklists(db):
    _seed()
    killed = Involvement.objects.filter(outcome=InvolvementOutcome.KILLED).select_related("client", "incident")
    assert killed.exists()
    for involvement in killed:
        client = involvement.client
        assert involvement.role == "victim" and involvement.incident.killed >= 1
        assert (client.status, client.exit_reason) == ("exited", "deceased")
        assert client.periods.filter(exit_reason="deceased").exists()
        assert not client.contacts.filter(occurred_at__gt=involvement.incident.occurred_at).exists()
        peacekeeper = client.primary_peacekeeper
        worklist = caseloads.peacekeeper_worklist(peacekeeper)
        assert client not in worklist.follow_ups_due and client not in worklist.overdue
    # Every victim of an incident with someone killed was killed or is one of several victims.
    assert not Involvement.objects.filter(role="victim", incident__killed__gte=1, outcome="unharmed").exists()
    # Every enrolled client has an enrolment period in step with their record.
    for client in Client.objects.exclude(enrolled_on=None):
        assert EnrolmentPeriod.objects.filter(client=client, enrolled_on=client.enrolled_on).exists()


def _counts() -> tuple[int, int, int]:
    return Involvement.objects.count(), EnrolmentPeriod.objects.count(), Client.objects.filter(status="exited").count()


def test_the_demo_stays_idempotent(db):
    _seed()
    counts = _counts()
    _seed()
    assert _counts() == counts


def test_the_demo_has_groups_and_conflicts_with_an_expiring_and_an_expired_association(db):
    from incidents.models import Conflict, GroupAssociation

    _seed()
    assert GroupAssociation.objects.expiring_within(30).count() == 1
    assert GroupAssociation.objects.count() - GroupAssociation.objects.current().count() == 1
    conflicts = Conflict.objects.with_status().order_by("pk")
    assert [c.current_status for c in conflicts] == ["cooling", "reignited"]
    assert all(c.status_changes.count() >= 3 for c in conflicts)
    assert conflicts[0].mediations.exists() and conflicts[0].incidents.exists()
    counts = (GroupAssociation.objects.count(), Conflict.objects.count())
    _seed()
    assert (GroupAssociation.objects.count(), Conflict.objects.count()) == counts
