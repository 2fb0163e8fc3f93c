"""Killed, wounded or unharmed: what an involvement says, and what follows for the client."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.forms import InvolvementForm
from incidents.models import Involvement
from outreach import caseloads
from outreach import services as outreach_services
from outreach.models import ClientStatus, SecondaryPeacekeeper, local_today
from tests.factories import ClientFactory, ContactFactory, IncidentFactory, InvolvementFactory, UserFactory
from tests.forms import keyed

NOW = timezone.now()
TODAY = local_today()


def _link(incident, client, by, role="victim", outcome="killed"):
    return services.involvement_create(
        incident=incident, by=by, data={"client": client, "role": role, "outcome": outcome}
    )


def _errors(involvement) -> dict:
    with pytest.raises(ValidationError) as error:
        involvement.full_clean()
    return error.value.message_dict


# The rules ------------------------------------------------------------------------------------


def test_the_form_asks_a_victims_outcome(peacekeeper, jamal):
    incident = IncidentFactory()
    form = InvolvementForm(keyed({"client": jamal.pk, "role": "victim"}), user=peacekeeper)
    assert not form.is_valid() and "killed, wounded or unharmed" in form.errors["outcome"][0]
    form = InvolvementForm(
        keyed({"client": jamal.pk, "role": "witness"}), user=peacekeeper, instance=Involvement(incident=incident)
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["outcome"] == "unharmed"


def test_nobody_is_killed_in_an_incident_with_no_one_killed(jamal):
    shots = IncidentFactory(kind="shots_fired", killed=0, injured=0)
    assert (
        "records 0 killed"
        in _errors(Involvement(incident=shots, client=jamal, role="victim", outcome="killed"))["outcome"][0]
    )
    assert (
        "records 0 injured"
        in _errors(Involvement(incident=shots, client=jamal, role="victim", outcome="wounded"))["outcome"][0]
    )


def test_no_more_clients_killed_than_the_incident_counts(jamal, andre):
    homicide = IncidentFactory(killed=1)
    InvolvementFactory(incident=homicide, client=andre, role="victim", outcome="killed")
    errors = _errors(Involvement(incident=homicide, client=jamal, role="victim", outcome="killed"))
    assert "no more clients can be recorded as killed" in errors["outcome"][0]
    # Not how many: the other client may be on a caseload this user cannot see.
    assert "1 client" not in errors["outcome"][0]


def test_a_client_cannot_be_killed_in_an_incident_before_they_were_referred(manager):
    """An attacker linked a client referred in February as killed in December before: the exit was
    re-dated to the enrolment and the link could not be undone."""
    client = ClientFactory(referred_on=TODAY - datetime.timedelta(days=30))
    earlier = IncidentFactory(killed=1, occurred_at=NOW - datetime.timedelta(days=60))
    errors = _errors(Involvement(incident=earlier, client=client, role="victim", outcome="killed"))
    assert "before the client was referred" in errors["outcome"][0]
    with pytest.raises(ValidationError):
        _link(earlier, client, manager)
    client.refresh_from_db()
    assert client.status != ClientStatus.EXITED


def test_a_witness_is_not_killed_or_wounded(jamal):
    homicide = IncidentFactory(killed=1, injured=1)
    assert (
        "Only a victim or a suspect"
        in _errors(Involvement(incident=homicide, client=jamal, role="witness", outcome="wounded"))["outcome"][0]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Involvement.objects.create(incident=homicide, client=jamal, role="witness", outcome="killed")


def test_a_person_is_killed_once(jamal):
    InvolvementFactory(incident=IncidentFactory(), client=jamal, outcome="killed")
    later = IncidentFactory()
    assert (
        "already recorded as killed"
        in _errors(Involvement(incident=later, client=jamal, role="victim", outcome="killed"))["outcome"][0]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Involvement.objects.create(incident=later, client=jamal, role="victim", outcome="killed")


# What follows ---------------------------------------------------------------------------------


def test_a_client_recorded_as_killed_is_exited_as_deceased_on_the_incidents_date(peacekeeper, jamal):
    homicide = IncidentFactory(occurred_at=NOW - datetime.timedelta(days=3))
    _link(homicide, jamal, peacekeeper)
    jamal.refresh_from_db()
    assert (jamal.status, jamal.exit_reason) == (ClientStatus.EXITED, "deceased")
    assert jamal.exited_on == timezone.localdate(homicide.occurred_at)
    assert homicide.case_number in jamal.periods.get().closing_note


def test_the_exit_date_is_the_local_date(peacekeeper, jamal, settings):
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    late = datetime.datetime.combine(TODAY - datetime.timedelta(days=5), datetime.time(23, 30), tzinfo=local)
    _link(IncidentFactory(occurred_at=late), jamal, peacekeeper)  # already the next day in UTC
    jamal.refresh_from_db()
    assert jamal.exited_on == TODAY - datetime.timedelta(days=5)


def test_a_client_already_exited_is_left_as_they_are(peacekeeper, jamal):
    outreach_services.client_exit(client=jamal, by=None, on=TODAY - datetime.timedelta(days=1), reason="moved")
    _link(IncidentFactory(), jamal, peacekeeper)
    jamal.refresh_from_db()
    assert (jamal.exit_reason, jamal.exited_on) == ("moved", TODAY - datetime.timedelta(days=1))


def test_a_death_before_the_enrolment_date_exits_at_enrolment_and_says_so(peacekeeper, jamal):
    # Referred, then killed before the enrolment date on record (a late-recorded enrolment).
    jamal.referred_on = jamal.enrolled_on - datetime.timedelta(days=30)
    jamal.save()
    old = IncidentFactory(
        occurred_at=timezone.make_aware(datetime.datetime.combine(jamal.enrolled_on, datetime.time(12)))
        - datetime.timedelta(days=20)
    )
    _link(old, jamal, peacekeeper)
    jamal.refresh_from_db()
    assert jamal.exit_reason == "deceased" and jamal.exited_on == jamal.enrolled_on
    assert "check the dates" in jamal.periods.get().closing_note


def test_the_link_and_the_exit_are_one_transaction(peacekeeper, jamal, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("No.")

    monkeypatch.setattr(outreach_services, "client_exit", refuse)
    with pytest.raises(ValidationError):
        _link(IncidentFactory(), jamal, peacekeeper)
    assert not Involvement.objects.exists()


def test_a_wounded_or_unharmed_client_stays_on_the_caseload(peacekeeper, jamal):
    _link(IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1), jamal, peacekeeper, outcome="wounded")
    jamal.refresh_from_db()
    assert jamal.status == ClientStatus.ACTIVE


def test_a_killed_client_leaves_every_worklist(peacekeeper, jamal):
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=20), follow_up_on=TODAY, conflict_risk=True)
    assert caseloads.peacekeeper_worklist(peacekeeper).overdue == [jamal]
    _link(IncidentFactory(), jamal, peacekeeper)
    worklist = caseloads.peacekeeper_worklist(peacekeeper)
    assert worklist.overdue == [] and worklist.follow_ups_due == []
    row = next(r for r in caseloads.caseload_summary() if r.pk == peacekeeper.pk)
    assert (row.active_clients, row.overdue_clients) == (0, 0)


def test_linking_through_the_page_asks_the_outcome_and_exits(client, peacekeeper, jamal):
    homicide = IncidentFactory()
    client.force_login(peacekeeper)
    url = reverse("incidents:involvement_create", args=[homicide.pk])
    assert "Killed, wounded or unharmed?" in client.get(homicide.get_absolute_url()).content.decode()
    response = client.post(url, keyed({"client": jamal.pk, "role": "victim", "outcome": "killed"}))
    assert response.status_code == 302
    jamal.refresh_from_db()
    assert jamal.exit_reason == "deceased"


@pytest.mark.parametrize("bad", ["=cmd", "<script>", "x" * 10_000, "kil\x00led", "💀"])
def test_a_hostile_outcome_is_refused(client, peacekeeper, jamal, bad):
    homicide = IncidentFactory()
    client.force_login(peacekeeper)
    url = reverse("incidents:involvement_create", args=[homicide.pk])
    response = client.post(url, keyed({"client": jamal.pk, "role": "victim", "outcome": bad}))
    assert response.status_code == 200 and not Involvement.objects.exists()


# The dashboards' notices ----------------------------------------------------------------------


def test_the_clients_peacekeepers_and_managers_are_told_and_others_are_not(
    client, peacekeeper, other_peacekeeper, manager, jamal
):
    helper = UserFactory(username="helper", roles=["Peacekeeper"])
    SecondaryPeacekeeper.objects.create(client=jamal, user=helper)
    homicide = IncidentFactory()
    _link(homicide, jamal, peacekeeper)
    notice = f'was recorded as killed in incident <a href="{homicide.get_absolute_url()}">{homicide.case_number}</a>'
    for user in (peacekeeper, helper, manager):
        client.force_login(user)
        for _ in range(2):  # it stays across page loads
            page = client.get("/").content.decode()
            assert notice in page and "exited as deceased" in page and jamal.code in page
    client.force_login(other_peacekeeper)
    assert notice not in client.get("/").content.decode()


def test_the_notice_goes_after_thirty_days_or_when_the_exit_is_undone(client, peacekeeper, manager, jamal):
    involvement = _link(IncidentFactory(), jamal, peacekeeper)
    client.force_login(peacekeeper)
    assert "recorded as killed" in client.get("/").content.decode()
    Involvement.objects.filter(pk=involvement.pk).update(created_at=NOW - datetime.timedelta(days=31))
    assert "recorded as killed" not in client.get("/").content.decode()
    Involvement.objects.filter(pk=involvement.pk).update(created_at=NOW)
    outreach_services.client_exit_undo(client=jamal, by=manager)
    assert "recorded as killed" not in client.get("/").content.decode()


def test_a_referred_client_killed_before_enrolling_is_exited_too(peacekeeper):
    kim = ClientFactory(primary_peacekeeper=peacekeeper, status="referred", enrolled_on=None)
    _link(IncidentFactory(), kim, peacekeeper)
    kim.refresh_from_db()
    assert kim.status == ClientStatus.EXITED and kim.periods.get().enrolled_on is None


def test_recording_a_death_in_the_admin_exits_the_client_too(client, admin_user, jamal):
    homicide = IncidentFactory()
    client.force_login(admin_user)
    url = reverse("admin:incidents_involvement_add")
    response = client.post(url, {"incident": homicide.pk, "client": jamal.pk, "role": "victim", "outcome": "killed"})
    assert response.status_code == 302, response.content.decode()[:2000]
    jamal.refresh_from_db()
    assert jamal.exit_reason == "deceased"


def test_an_edit_cannot_leave_fewer_killed_or_wounded_than_the_clients_recorded(manager, jamal):
    homicide = IncidentFactory(kind="homicide", killed=1, injured=1, weapon="firearm")
    _link(homicide, jamal, manager)
    wounded = ClientFactory()
    _link(homicide, wounded, manager, outcome="wounded")
    homicide.refresh_from_db()
    homicide.kind, homicide.killed = "shots_fired", 0
    with pytest.raises(ValidationError) as error:
        homicide.full_clean()
    assert "1 client(s) are recorded as killed" in error.value.message_dict["killed"][0]
    homicide.refresh_from_db()
    homicide.injured = 0
    with pytest.raises(ValidationError) as error:
        homicide.full_clean()
    assert "recorded as wounded" in error.value.message_dict["injured"][0]
    homicide.refresh_from_db()
    homicide.killed, homicide.injured = 2, 3  # more is fine: not every victim is a client
    homicide.full_clean()
