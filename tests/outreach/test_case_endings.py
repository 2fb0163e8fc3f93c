"""Ending a case: exit, undo, re-enrolment in a new period, transfer; off the lists and worklists."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from outreach import caseloads, services
from outreach.forms import ClientForm
from outreach.models import Client, ClientStatus, ClientTransfer, EnrolmentPeriod, SecondaryPeacekeeper, local_today
from tests.factories import ClientFactory, ContactFactory, GoalFactory, ReferralFactory, UserFactory
from tests.forms import keyed

TODAY = local_today()
NOW = timezone.now()
LIST = reverse("outreach:client_list")


def _exit(client, on=TODAY, reason="completed", note=""):
    return services.client_exit(client=client, by=None, on=on, reason=reason, note=note)


def _fresh(record) -> dict:
    """The version stamp an action form carries when opened now (the stale-action check)."""
    record.refresh_from_db()
    return {"loaded_version": record.updated_at.isoformat()}


def _url(name, client):
    return reverse(f"outreach:{name}", args=[client.pk])


# The services ---------------------------------------------------------------------------------


def test_an_exit_closes_the_period_and_the_client_mirrors_it(jamal):
    jamal = _exit(jamal, reason="moved", note="Moved to Fresno with family.")
    period = jamal.periods.get()
    assert (period.enrolled_on, period.exited_on, period.exit_reason) == (jamal.enrolled_on, TODAY, "moved")
    assert period.closing_note == "Moved to Fresno with family."
    assert (jamal.status, jamal.exited_on, jamal.exit_reason) == (ClientStatus.EXITED, TODAY, "moved")


def test_a_referred_client_can_leave_without_having_enrolled(peacekeeper):
    kim = ClientFactory(primary_peacekeeper=peacekeeper, status="referred", enrolled_on=None)
    kim = _exit(kim, reason="declined", note="Did not want services.")
    period = kim.periods.get()
    assert period.enrolled_on is None and period.exit_reason == "declined"
    assert kim.status == ClientStatus.EXITED and kim.enrolled_on is None


def test_an_exit_before_the_enrolment_is_refused_on_the_date(jamal):
    with pytest.raises(ValidationError) as error:
        _exit(jamal, on=jamal.enrolled_on - datetime.timedelta(days=1))
    assert "before the enrolment date" in str(error.value.message_dict["exited_on"])
    jamal.refresh_from_db()
    assert jamal.status == ClientStatus.ACTIVE and not jamal.periods.filter(exited_on__isnull=False).exists()


@pytest.mark.parametrize("on", [datetime.date(1, 1, 1), TODAY - datetime.timedelta(days=400)])
def test_a_never_enrolled_clients_exit_is_not_before_the_referral(peacekeeper, on):
    """An attacker exited a client referred this year on 1 January of year 1."""
    kim = ClientFactory(
        primary_peacekeeper=peacekeeper,
        status="referred",
        enrolled_on=None,
        referred_on=TODAY - datetime.timedelta(days=30),
    )
    with pytest.raises(ValidationError) as error:
        _exit(kim, on=on, reason="declined")
    assert "before the referral date" in str(error.value.message_dict["exited_on"])
    kim.refresh_from_db()
    assert kim.status == ClientStatus.REFERRED


def test_an_exit_in_the_future_is_refused(jamal):
    with pytest.raises(ValidationError) as error:
        _exit(jamal, on=TODAY + datetime.timedelta(days=1))
    assert "future" in str(error.value.message_dict["exited_on"])


def test_exiting_an_exited_client_corrects_the_exit(jamal):
    _exit(jamal, reason="moved")
    jamal = _exit(jamal, on=TODAY - datetime.timedelta(days=2), reason="incarcerated", note="Corrected.")
    assert jamal.periods.count() == 1
    assert (jamal.exited_on, jamal.exit_reason) == (TODAY - datetime.timedelta(days=2), "incarcerated")


def test_undoing_an_exit_reopens_the_same_period(jamal):
    _exit(jamal)
    jamal = services.client_exit_undo(client=jamal, by=None)
    period = jamal.periods.get()
    assert period.is_open and jamal.status == ClientStatus.ACTIVE
    assert jamal.exited_on is None and jamal.exit_reason == ""


def test_undoing_the_exit_of_a_never_enrolled_client_makes_them_referred_again(peacekeeper):
    kim = _exit(ClientFactory(primary_peacekeeper=peacekeeper, status="referred", enrolled_on=None), reason="declined")
    kim = services.client_exit_undo(client=kim, by=None)
    assert kim.status == ClientStatus.REFERRED and not kim.periods.exists()


def test_undo_needs_an_exit(jamal):
    with pytest.raises(ValidationError, match="no exit to undo"):
        services.client_exit_undo(client=jamal, by=None)


def test_re_enrolment_starts_a_new_period_and_keeps_the_old_one(jamal, manager):
    first_enrolled = jamal.enrolled_on
    _exit(jamal, on=TODAY - datetime.timedelta(days=30), reason="incarcerated")
    period = services.client_reenrol(client=jamal, by=manager, on=TODAY)
    jamal.refresh_from_db()
    periods = list(jamal.periods.order_by("enrolled_on"))
    assert [(p.enrolled_on, p.exit_reason) for p in periods] == [(first_enrolled, "incarcerated"), (TODAY, "")]
    assert periods[1] == period
    assert (jamal.status, jamal.enrolled_on, jamal.exited_on, jamal.exit_reason) == ("active", TODAY, None, "")


def test_re_enrolment_cannot_start_before_the_last_exit(jamal, manager):
    _exit(jamal, on=TODAY - datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as error:
        services.client_reenrol(client=jamal, by=manager, on=TODAY - datetime.timedelta(days=4))
    assert "re-enrol on or after it" in str(error.value.message_dict["enrolled_on"])


def test_only_an_exited_client_is_re_enrolled(jamal, manager):
    with pytest.raises(ValidationError, match="Only a client who has exited"):
        services.client_reenrol(client=jamal, by=manager, on=TODAY)


def test_a_deceased_client_is_not_re_enrolled(jamal, manager):
    _exit(jamal, reason="deceased")
    with pytest.raises(ValidationError, match="deceased"):
        services.client_reenrol(client=jamal, by=manager, on=TODAY)


def test_a_transfer_moves_the_case_and_records_it(jamal, peacekeeper, other_peacekeeper, manager):
    SecondaryPeacekeeper.objects.create(client=jamal, user=other_peacekeeper)
    goal = GoalFactory(client=jamal)
    transfer = services.client_transfer(client=jamal, by=manager, to=other_peacekeeper, note="Grover on leave.")
    jamal.refresh_from_db()
    assert jamal.primary_peacekeeper == other_peacekeeper
    assert not jamal.secondary_peacekeepers.exists()  # the new primary is no longer a secondary
    assert (transfer.from_peacekeeper, transfer.transferred_by, transfer.note) == (
        peacekeeper,
        manager,
        "Grover on leave.",
    )
    assert goal.client_id == jamal.pk and Client.objects.on_caseload_of(other_peacekeeper).get() == jamal
    assert not Client.objects.on_caseload_of(peacekeeper).exists()


def test_a_transfer_to_the_same_peacekeeper_or_a_non_peacekeeper_is_refused(jamal, peacekeeper, manager):
    with pytest.raises(ValidationError, match="already the primary"):
        services.client_transfer(client=jamal, by=manager, to=peacekeeper)
    with pytest.raises(ValidationError, match="Peacekeeper group"):
        services.client_transfer(client=jamal, by=manager, to=manager)
    assert not ClientTransfer.objects.exists()


def test_an_exited_client_is_not_transferred(jamal, other_peacekeeper, manager):
    _exit(jamal)
    with pytest.raises(ValidationError, match="re-enrol them"):
        services.client_transfer(client=jamal, by=manager, to=other_peacekeeper)


def test_saving_a_record_cannot_exit_or_unexit(jamal):
    jamal.status, jamal.exited_on, jamal.exit_reason = ClientStatus.EXITED, TODAY, "moved"
    with pytest.raises(ValidationError, match="actions on the client's page"):
        services.client_save(client=jamal)
    exited = _exit(ClientFactory(primary_peacekeeper=jamal.primary_peacekeeper))
    exited.status, exited.exited_on, exited.exit_reason = ClientStatus.ACTIVE, None, ""
    with pytest.raises(ValidationError, match="actions on the client's page"):
        services.client_save(client=exited)


def test_enrolling_through_the_record_opens_the_first_period(peacekeeper):
    kim = Client(first_name="Kim", last_name="Lee", referral_source="police", primary_peacekeeper=peacekeeper)
    kim.referred_on = TODAY - datetime.timedelta(days=3)
    kim = services.client_save(client=kim)
    assert not kim.periods.exists()
    kim.status, kim.enrolled_on = ClientStatus.ACTIVE, TODAY
    services.client_save(client=kim)
    assert kim.periods.get().enrolled_on == TODAY
    kim.enrolled_on = TODAY - datetime.timedelta(days=1)
    kim.referred_on = kim.enrolled_on
    services.client_save(client=kim)
    assert kim.periods.get().enrolled_on == TODAY - datetime.timedelta(days=1)  # the period follows
    kim.status = ClientStatus.REFERRED
    with pytest.raises(ValidationError, match="cannot go back to Referred"):
        services.client_save(client=kim)


def test_the_database_keeps_one_open_period_and_consistent_exits(jamal):
    assert jamal.periods.get().is_open  # the factory's, as the services keep it
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentPeriod.objects.create(client=jamal, enrolled_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentPeriod.objects.create(client=jamal, enrolled_on=TODAY, exited_on=TODAY)  # no reason
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentPeriod.objects.create(
            client=jamal, enrolled_on=TODAY, exited_on=TODAY - datetime.timedelta(days=1), exit_reason="moved"
        )


def test_the_edit_form_offers_no_exit(jamal, manager):
    form = ClientForm(instance=jamal, manages=True)
    assert "exited" not in dict(form.fields["status"].choices)
    assert "exited_on" not in form.fields and "exit_reason" not in form.fields
    exited = _exit(jamal)
    assert "status" not in ClientForm(instance=exited, manages=True).fields


# The pages ------------------------------------------------------------------------------------

ACTIONS = ["client_exit", "client_reenrol", "client_transfer"]


@pytest.mark.parametrize("name", [*ACTIONS, "client_exit_undo"])
def test_case_actions_answer_404_to_everyone_but_managers(client, name, peacekeeper, other_peacekeeper, analyst, jamal):
    if name in ("client_reenrol", "client_exit_undo"):
        _exit(jamal)
    url = _url(name, jamal)
    for user in (peacekeeper, other_peacekeeper, analyst):  # even the client's own peacekeeper
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert (
            client.post(url, keyed({"exited_on": TODAY, "exit_reason": "moved", "enrolled_on": TODAY})).status_code
            == 404
        )
    jamal.refresh_from_db()
    assert jamal.periods.count() <= 1 and not ClientTransfer.objects.exists()


@pytest.mark.parametrize("name", [*ACTIONS, "client_exit_undo"])
def test_case_actions_answer_404_for_a_missing_client(client, manager, name):
    client.force_login(manager)
    url = reverse(f"outreach:{name}", args=[999999])
    assert client.get(url).status_code == 404 and client.post(url, {}).status_code == 404


def test_a_manager_exits_a_client_from_the_page(client, manager, jamal):
    client.force_login(manager)
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert _url("client_exit", jamal) in page
    response = client.post(
        _url("client_exit", jamal),
        _fresh(jamal) | {"exited_on": TODAY.isoformat(), "exit_reason": "completed", "closing_note": "GED."},
    )
    assert response.status_code == 302 and response["Location"] == jamal.get_absolute_url()
    jamal.refresh_from_db()
    assert jamal.status == ClientStatus.EXITED and jamal.periods.get().closing_note == "GED."


def test_the_exit_form_says_what_is_missing(client, manager, jamal):
    client.force_login(manager)
    response = client.post(_url("client_exit", jamal), _fresh(jamal) | {"exited_on": "", "exit_reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    early = (jamal.enrolled_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(_url("client_exit", jamal), _fresh(jamal) | {"exited_on": early, "exit_reason": "moved"})
    assert "before the enrolment date" in response.content.decode()
    jamal.refresh_from_db()
    assert jamal.status == ClientStatus.ACTIVE


@pytest.mark.parametrize(
    ("note", "saved"),
    [
        ("=cmd|' /C calc'!A0", True),
        ("<script>alert(1)</script>", True),
        ("Moved 🏠 to Fresno", True),
        ("x" * 10_000, False),
        ("bad\x00note", False),
    ],
)
def test_the_closing_note_takes_hostile_input_safely(client, manager, jamal, note, saved):
    client.force_login(manager)
    response = client.post(
        _url("client_exit", jamal),
        _fresh(jamal) | {"exited_on": TODAY.isoformat(), "exit_reason": "moved", "closing_note": note},
    )
    jamal.refresh_from_db()
    assert (jamal.status == ClientStatus.EXITED) is saved
    if saved:
        assert jamal.periods.get().closing_note == note
        page = client.get(jamal.get_absolute_url()).content.decode()
        assert "<script>alert(1)</script>" not in page
    else:
        assert response.status_code == 200


def test_the_transfer_note_takes_hostile_input_safely(client, manager, jamal, other_peacekeeper):
    client.force_login(manager)
    url = _url("client_transfer", jamal)
    for bad in ("x" * 10_000, "a\x00b"):
        assert (
            client.post(url, _fresh(jamal) | {"to_peacekeeper": other_peacekeeper.pk, "note": bad}).status_code == 200
        )
    assert client.post(url, _fresh(jamal) | {"to_peacekeeper": "<script>", "note": ""}).status_code == 200
    assert not ClientTransfer.objects.exists()
    client.post(
        url, _fresh(jamal) | {"to_peacekeeper": other_peacekeeper.pk, "note": "<script>alert(1)</script> 🚸 =1+1"}
    )
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 🚸 =1+1" in page


def test_the_re_enrol_date_takes_hostile_input_safely(client, manager, jamal):
    _exit(jamal, on=TODAY - datetime.timedelta(days=5))
    client.force_login(manager)
    for bad in ("=cmd", "<script>", "9" * 10_000, "2026\x00-01-01", "🎉"):
        assert client.post(_url("client_reenrol", jamal), keyed({"enrolled_on": bad})).status_code == 200
    assert jamal.periods.count() == 1


def test_a_manager_re_enrols_once_however_often_the_form_is_sent(client, manager, jamal):
    _exit(jamal, on=TODAY - datetime.timedelta(days=5))
    client.force_login(manager)
    data = keyed({"enrolled_on": TODAY.isoformat()})
    assert client.post(_url("client_reenrol", jamal), data).status_code == 302
    assert client.post(_url("client_reenrol", jamal), data).status_code == 302
    assert jamal.periods.count() == 2
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert page.count("Enrolled ") >= 2 and "· current" in page


def test_undo_asks_first_and_undoes_on_post(client, manager, jamal):
    _exit(jamal)
    client.force_login(manager)
    assert "Undoing the exit puts them back" in client.get(_url("client_exit_undo", jamal)).content.decode()
    jamal.refresh_from_db()
    assert jamal.status == ClientStatus.EXITED
    assert client.post(_url("client_exit_undo", jamal)).status_code == 302
    jamal.refresh_from_db()
    assert jamal.status == ClientStatus.ACTIVE


def test_the_transfer_page_says_what_goes_with_the_case(client, manager, jamal, other_peacekeeper):
    GoalFactory.create_batch(2, client=jamal)
    GoalFactory(client=jamal, status="achieved", achieved_on=TODAY)
    ReferralFactory(client=jamal, status="pending")
    ReferralFactory(client=jamal, status="completed", completed_on=TODAY)
    ContactFactory(client=jamal, follow_up_on=TODAY + datetime.timedelta(days=2))
    client.force_login(manager)
    page = client.get(_url("client_transfer", jamal)).content.decode()
    assert "2 open goals" in page and "1 open referral " in page and "The follow-up due" in page
    assert "moves to the new peacekeeper" in page
    response = client.post(
        _url("client_transfer", jamal), _fresh(jamal) | {"to_peacekeeper": other_peacekeeper.pk, "note": "Leave."}
    )
    assert response.status_code == 302
    jamal.refresh_from_db()
    assert jamal.primary_peacekeeper == other_peacekeeper


# Off the lists and the worklists ---------------------------------------------------------------


@pytest.fixture
def left(peacekeeper):
    """An exited and an inactive client on Grover's caseload, both with work that would be due."""
    gone = ClientFactory(first_name="Gone", primary_peacekeeper=peacekeeper)
    idle = ClientFactory(first_name="Idle", primary_peacekeeper=peacekeeper, status="inactive")
    for c in (gone, idle):
        ContactFactory(client=c, occurred_at=NOW - datetime.timedelta(days=20), follow_up_on=TODAY, conflict_risk=True)
    ContactFactory(client=gone, occurred_at=NOW - datetime.timedelta(days=1), conflict_risk=True)
    return _exit(gone), idle


def test_exited_and_inactive_clients_are_off_the_default_list(client, peacekeeper, jamal, left):
    client.force_login(peacekeeper)
    names = lambda url: {c.first_name for c in client.get(url).context["table"].data}  # noqa: E731
    assert names(LIST) == {"Jamal"}
    assert names(LIST + "?status=all") == {"Jamal", "Gone", "Idle"}
    assert names(LIST + "?status=exited") == {"Gone"}
    assert names(LIST + "?status=inactive") == {"Idle"}
    assert "Open cases (referred or active)" in client.get(LIST).content.decode()


def test_exited_and_inactive_clients_are_off_every_worklist(peacekeeper, jamal, left):
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=20), follow_up_on=TODAY, conflict_risk=True)
    worklist = caseloads.peacekeeper_worklist(peacekeeper)
    assert worklist.follow_ups_due == [jamal] and worklist.overdue == [jamal]
    assert [c.client for c in worklist.flagged_contacts] == []  # jamal's flag is 20 days old
    row = next(r for r in caseloads.caseload_summary() if r.pk == peacekeeper.pk)
    assert (row.active_clients, row.overdue_clients) == (1, 1)


def test_an_exited_clients_page_says_they_left_and_shows_no_work(client, manager, jamal):
    ContactFactory(client=jamal, follow_up_on=TODAY + datetime.timedelta(days=3))
    _exit(jamal, reason="moved", note="Moved to Fresno.")
    client.force_login(manager)
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert "Exited from the program on" in page and "Moved away" in page and "Moved to Fresno." in page
    assert "next due" not in page and "Next follow-up" not in page
    assert 'class="btn btn-primary" href="' + _url("contact_create", jamal) not in page
    assert "Log a late contact" in page
    assert _url("client_reenrol", jamal) in page and _url("client_exit_undo", jamal) in page


def test_a_peacekeeper_sees_no_case_actions(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert _url("client_exit", jamal) not in page and "A manager exits, re-enrols or transfers" in page


# One overdue rule -----------------------------------------------------------------------------


def test_both_dashboards_count_the_same_overdue_clients_by_the_same_rule(
    client, peacekeeper, other_peacekeeper, manager
):
    ClientFactory(primary_peacekeeper=peacekeeper)  # overdue: no contact since enrolment 190 days ago
    shared = ClientFactory(primary_peacekeeper=other_peacekeeper)  # overdue, Grover is secondary
    SecondaryPeacekeeper.objects.create(client=shared, user=peacekeeper)
    _exit(ClientFactory(primary_peacekeeper=peacekeeper))  # exited: not counted
    client.force_login(peacekeeper)
    mine = client.get("/")
    assert mine.context["worklist"].overdue_count == 2
    rule = "primary or secondary peacekeeper for"
    assert rule in mine.content.decode()
    client.force_login(manager)
    theirs = client.get("/")
    row = next(r for r in theirs.context["caseloads"] if r.pk == peacekeeper.pk)
    assert row.overdue_clients == 2 and row.active_clients == 2
    assert rule in theirs.content.decode()


# Wounded --------------------------------------------------------------------------------------


def test_a_wounded_client_shows_a_hospital_visit_due_until_one_is_logged(client, peacekeeper, jamal):
    from tests.factories import IncidentFactory, InvolvementFactory

    shooting = IncidentFactory(
        kind="nonfatal_shooting", killed=0, injured=1, occurred_at=NOW - datetime.timedelta(days=2)
    )
    InvolvementFactory(incident=shooting, client=jamal, role="victim", outcome="wounded")
    ContactFactory(client=jamal, kind="hospital_visit", occurred_at=NOW - datetime.timedelta(days=3))  # before it
    client.force_login(peacekeeper)
    badge = "Wounded — hospital visit due"
    assert badge in client.get(LIST).content.decode()
    assert badge in client.get(jamal.get_absolute_url()).content.decode()
    ContactFactory(client=jamal, kind="hospital_visit", occurred_at=NOW - datetime.timedelta(days=1))
    assert badge not in client.get(LIST).content.decode()
    assert badge not in client.get(jamal.get_absolute_url()).content.decode()


def test_other_users_are_not_peacekeepers_for_transfer(jamal, manager):
    outsider = UserFactory(username="outsider")
    with pytest.raises(ValidationError):
        services.client_transfer(client=jamal, by=manager, to=outsider)


# The audit trail ------------------------------------------------------------------------------


def test_an_exit_and_a_transfer_through_the_web_are_audited_with_who(client, manager, jamal, other_peacekeeper):
    client.force_login(manager)
    client.post(_url("client_transfer", jamal), _fresh(jamal) | {"to_peacekeeper": other_peacekeeper.pk, "note": ""})
    client.post(_url("client_exit", jamal), _fresh(jamal) | {"exited_on": TODAY.isoformat(), "exit_reason": "moved"})
    period_events = EnrolmentPeriod.pgh_event_model.objects.filter(pgh_obj_id__in=jamal.periods.values("pk"))
    assert period_events.filter(pgh_label="update", exited_on=TODAY).get().pgh_context.metadata["user"] == manager.pk
    transfer = ClientTransfer.pgh_event_model.objects.get(client=jamal, pgh_label="insert")
    assert transfer.pgh_context.metadata["user"] == manager.pk
    client_events = Client.pgh_event_model.objects.filter(pgh_obj_id=jamal.pk, pgh_label="update").order_by("pgh_id")
    assert [e.status for e in client_events][-1] == "exited"


def test_a_client_who_left_before_enrolling_and_came_back_lists_the_periods_in_order(client, manager, peacekeeper):
    kim = ClientFactory(primary_peacekeeper=peacekeeper, status="referred", enrolled_on=None)
    kim.referred_on = TODAY - datetime.timedelta(days=30)
    kim.save()
    _exit(kim, on=TODAY - datetime.timedelta(days=20), reason="declined")
    services.client_reenrol(client=kim, by=manager, on=TODAY)
    client.force_login(manager)
    page = client.get(kim.get_absolute_url()).content.decode()
    assert page.index("· current") < page.index("Never enrolled")


@pytest.mark.parametrize("action", ["client_exit", "client_transfer"])
def test_an_exit_or_transfer_from_a_stale_page_is_refused(
    client, manager, admin_user, jamal, other_peacekeeper, action
):
    """An attacker's finding: a manager's exit page opened before an admin exited the client
    silently overwrote the admin's reason and note; a transfer page, the admin's transfer."""
    opened = _fresh(jamal)
    _exit(jamal, reason="incarcerated", note="Arrested, see PO.")
    client.force_login(manager)
    data = {"exited_on": TODAY.isoformat(), "exit_reason": "completed", "closing_note": "Graduated."}
    if action == "client_transfer":
        data = {"to_peacekeeper": other_peacekeeper.pk, "note": ""}
    response = client.post(_url(action, jamal), opened | data)
    assert response.status_code == 200 and "after you opened this form" in response.content.decode()
    jamal.refresh_from_db()
    assert (jamal.exit_reason, jamal.primary_peacekeeper) == ("incarcerated", jamal.primary_peacekeeper)
    assert jamal.periods.get(exited_on=TODAY).closing_note == "Arrested, see PO."
    assert not ClientTransfer.objects.exists()
