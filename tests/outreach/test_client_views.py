import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import Client, ClientStatus, Contact, local_today
from tests.factories import ClientFactory, ContactFactory, GoalFactory, ReferralFactory
from tests.forms import keyed

TODAY = local_today()
LIST = reverse("outreach:client_list")


def post_edit(client, url, data):
    """POST an edit form as a browser would: with the version stamp of the form as opened."""
    stamp = client.get(url).context["form"]["loaded_version"].value()
    return client.post(url, {**data, "loaded_version": stamp})


def _client_data(**overrides):
    data = {
        "first_name": "Marcus",
        "last_name": "Reed",
        "date_of_birth": "2005-04-02",
        "phone": "(209) 555-0101",
        "risk_level": "high",
        "referral_source": "hospital",
        "referred_on": TODAY.isoformat(),
        "status": "referred",
    }
    data.update(overrides)
    return data


def test_a_peacekeeper_logs_a_contact_with_topics_and_a_follow_up(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    url = reverse("outreach:contact_create", args=[jamal.pk])
    form = client.get(url).context["form"]
    assert form.initial["duration_minutes"] == 30
    follow_up = TODAY + datetime.timedelta(days=3)
    response = client.post(
        url,
        keyed(
            {
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": 45,
                "kind": "home_visit",
                "topics": ["education", "family"],
                "notes": "Talked about school.",
                "conflict_risk": "on",
                "follow_up_on": follow_up.isoformat(),
            }
        ),
    )
    contact = Contact.objects.get(client=jamal)
    # The peacekeeper lands on the new contact (the client page scrolled to it).
    assert response.status_code == 302 and response["Location"] == f"{jamal.get_absolute_url()}#contact-{contact.pk}"
    assert contact.peacekeeper == peacekeeper
    assert contact.topics == ["education", "family"] and contact.conflict_risk
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert "Home visit" in page and "Education, Family" in page and "Conflict or retaliation risk" in page


def test_a_contact_with_bad_values_is_refused_with_messages(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("outreach:contact_create", args=[jamal.pk]),
        {"occurred_at": future, "duration_minutes": 900, "kind": "phone"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A contact cannot be in the future." in page
    assert "Please correct the" in page
    assert not Contact.objects.exists()


def test_a_manager_creates_a_client_and_gets_a_code(client, manager, peacekeeper):
    client.force_login(manager)
    response = client.post(reverse("outreach:client_create"), keyed(_client_data(primary_peacekeeper=peacekeeper.pk)))
    assert response.status_code == 302
    created = Client.objects.get(last_name="Reed")
    assert created.code == f"C-{TODAY.year}-0001"
    assert created.primary_peacekeeper == peacekeeper


def test_a_peacekeeper_records_a_referral_onto_their_own_caseload(client, peacekeeper, manager):
    client.force_login(peacekeeper)
    response = client.post(reverse("outreach:client_create"), keyed(_client_data(primary_peacekeeper=manager.pk)))
    assert response.status_code == 302
    created = Client.objects.get(last_name="Reed")
    assert created.primary_peacekeeper == peacekeeper  # the posted assignment is ignored
    assert created.status == ClientStatus.REFERRED


def test_a_peacekeeper_cannot_reassign_or_exit_through_the_edit_form(client, peacekeeper, other_peacekeeper, jamal):
    client.force_login(peacekeeper)
    data = _client_data(
        first_name="Jamal", last_name="Johnson", primary_peacekeeper=other_peacekeeper.pk, status="exited"
    )
    data["referred_on"] = jamal.referred_on.isoformat()
    response = post_edit(client, reverse("outreach:client_edit", args=[jamal.pk]), data)
    assert response.status_code == 302
    jamal.refresh_from_db()
    assert jamal.primary_peacekeeper == peacekeeper and jamal.status == ClientStatus.ACTIVE


def test_the_edit_form_cannot_exit_a_client(client, manager, jamal):
    """One way to exit: the action. The edit form offers no Exited status and no exit fields."""
    client.force_login(manager)
    data = _client_data(first_name="Jamal", last_name="Johnson", status="exited", exited_on=TODAY.isoformat())
    data.update(referred_on=jamal.referred_on.isoformat(), enrolled_on=jamal.enrolled_on.isoformat())
    data["exit_reason"] = "completed"
    response = post_edit(client, reverse("outreach:client_edit", args=[jamal.pk]), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    jamal.refresh_from_db()
    assert jamal.status == ClientStatus.ACTIVE and jamal.exited_on is None


def test_possible_duplicates_are_shown_before_saving(client, manager, jamal):
    jamal.date_of_birth = datetime.date(2005, 4, 2)
    jamal.save()
    client.force_login(manager)
    data = keyed(_client_data(last_name="Johnson", first_name="J."))
    response = client.post(reverse("outreach:client_create"), data)
    assert response.status_code == 200
    assert "Possible duplicate" in response.content.decode()
    assert jamal.code in response.content.decode()
    assert Client.objects.count() == 1
    data["not_a_duplicate"] = "on"
    assert client.post(reverse("outreach:client_create"), data).status_code == 302
    assert Client.objects.count() == 2


def test_goals_are_added_and_updated(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    url = reverse("outreach:goal_create", args=[jamal.pk])
    client.post(url, keyed({"domain": "employment", "description": "Get a job", "status": "open"}))
    goal = jamal.goals.get()
    edit = reverse("outreach:goal_edit", args=[jamal.pk, goal.pk])
    data = {"domain": "employment", "description": "Get a job", "status": "achieved"}
    response = post_edit(client, edit, data)
    assert "Give the date the goal was achieved." in response.content.decode()
    post_edit(client, edit, {**data, "achieved_on": TODAY})
    goal.refresh_from_db()
    assert goal.status == "achieved"


def test_a_goal_of_another_client_is_404_even_through_my_clients_url(client, peacekeeper, jamal, andre):
    goal = GoalFactory(client=andre)
    client.force_login(peacekeeper)
    assert client.get(reverse("outreach:goal_edit", args=[jamal.pk, goal.pk])).status_code == 404


def test_a_referral_is_added(client, peacekeeper, jamal):
    partner = ReferralFactory(client=jamal).partner
    client.force_login(peacekeeper)
    response = client.post(
        reverse("outreach:referral_create", args=[jamal.pk]),
        keyed({"partner": partner.pk, "service": "GED", "referred_on": TODAY.isoformat(), "status": "pending"}),
    )
    assert response.status_code == 302
    assert jamal.referrals.count() == 2


class TestTheList:
    def test_it_filters_overdue_clients(self, client, manager, peacekeeper):
        fresh = ClientFactory(last_name="Fresh", primary_peacekeeper=peacekeeper)
        ContactFactory(client=fresh, occurred_at=timezone.now() - datetime.timedelta(days=2))
        stale = ClientFactory(last_name="Stale", primary_peacekeeper=peacekeeper)
        ContactFactory(client=stale, occurred_at=timezone.now() - datetime.timedelta(days=9))
        client.force_login(manager)
        page = client.get(LIST, {"overdue": "true"}).content.decode()
        assert "Stale" in page and "Fresh" not in page
        assert "Overdue" in page

    def test_moderate_risk_clients_have_fourteen_days(self, client, manager, peacekeeper):
        moderate = ClientFactory(last_name="Calmwater", risk_level="moderate", primary_peacekeeper=peacekeeper)
        ContactFactory(client=moderate, occurred_at=timezone.now() - datetime.timedelta(days=9))
        client.force_login(manager)
        assert "Calmwater" not in client.get(LIST, {"overdue": "true"}).content.decode()

    def test_it_filters_by_peacekeeper_including_secondaries(self, client, manager, peacekeeper, jamal, andre):
        andre.secondary_peacekeepers.add(peacekeeper)
        other = ClientFactory(last_name="Elsewhere", primary_peacekeeper=andre.primary_peacekeeper)
        client.force_login(manager)
        page = client.get(LIST, {"peacekeeper": peacekeeper.pk}).content.decode()
        assert "Johnson" in page and "Lewis" in page and other.last_name not in page

    def test_it_filters_by_enrolment_dates_and_searches(self, client, manager, jamal, andre):
        andre.enrolled_on = datetime.date(2020, 1, 10)
        andre.referred_on = datetime.date(2020, 1, 1)
        andre.save()
        client.force_login(manager)
        page = client.get(LIST, {"enrolled_after": "2020-01-01", "enrolled_before": "2020-12-31"}).content.decode()
        assert "Lewis" in page and "Johnson" not in page
        page = client.get(LIST, {"q": jamal.code}).content.decode()
        assert "Johnson" in page and "Lewis" not in page

    def test_it_paginates_at_25_and_caps_per_page_at_500(self, client, manager, peacekeeper):
        ClientFactory.create_batch(30, primary_peacekeeper=peacekeeper)
        client.force_login(manager)
        assert len(client.get(LIST).context["table"].page.object_list) == 25
        assert client.get(LIST, {"per_page": 100000}).context["table"].paginator.per_page == 500
        assert client.get(LIST, {"per_page": "lots"}).context["table"].paginator.per_page == 25

    def test_it_says_what_to_do_when_empty(self, client, peacekeeper):
        client.force_login(peacekeeper)
        assert "No clients are on your caseload yet" in client.get(LIST).content.decode()

    def test_it_sorts_by_days_since_contact(self, client, manager, peacekeeper):
        for days, name in ((3, "Recent"), (30, "Longago")):
            record = ClientFactory(last_name=name, primary_peacekeeper=peacekeeper)
            ContactFactory(client=record, occurred_at=timezone.now() - datetime.timedelta(days=days))
        client.force_login(manager)
        page = client.get(LIST, {"sort": "days_since"}).content.decode()
        assert page.index("Recent") < page.index("Longago")
        page = client.get(LIST, {"sort": "-days_since"}).content.decode()
        assert page.index("Longago") < page.index("Recent")


@pytest.mark.parametrize("size", [3, 30])
def test_the_caseload_list_query_count_stays_flat(client, peacekeeper, django_assert_max_num_queries, size):
    for record in ClientFactory.create_batch(size, primary_peacekeeper=peacekeeper):
        ContactFactory.create_batch(2, client=record)
        GoalFactory(client=record)
    client.force_login(peacekeeper)
    client.get("/health/")  # steady state: the session was touched on sign-in
    # session, user, savepoint, roles, count, page of clients, their peacekeepers and
    # neighborhoods, neighborhood choices, release
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("contacts", [5, 200])
def test_a_client_page_query_count_stays_flat(client, manager, jamal, django_assert_max_num_queries, contacts):
    ContactFactory.create_batch(contacts, client=jamal)
    GoalFactory.create_batch(3, client=jamal)
    ReferralFactory.create_batch(2, client=jamal)
    client.force_login(manager)
    client.get("/health/")  # steady state: the session was touched on sign-in
    # session, user, roles, client, secondaries, contact count, goals, referrals, involvements,
    # mediations, current group associations, conflicts (with their status), contacts, enrolment
    # periods, transfers, the access-log row (+ savepoint and release of the request transaction)
    with django_assert_max_num_queries(18):
        assert client.get(jamal.get_absolute_url()).status_code == 200


def test_a_stale_edit_is_refused_and_the_input_kept(client, manager, jamal):
    client.force_login(manager)
    url = reverse("outreach:client_edit", args=[jamal.pk])
    opened = client.get(url).context["form"]["loaded_version"].value()
    Client.objects.filter(pk=jamal.pk).update(nickname="Set by someone else", updated_at=timezone.now())
    data = {
        "first_name": "Jamal",
        "last_name": "Johnson",
        "nickname": "Mine",
        "risk_level": "high",
        "referral_source": jamal.referral_source,
        "referred_on": jamal.referred_on.isoformat(),
        "status": "active",
        "enrolled_on": jamal.enrolled_on.isoformat(),
        "primary_peacekeeper": jamal.primary_peacekeeper_id,
        "loaded_version": opened,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("saved this record at") == 1  # once, in the summary at the top of the form
    assert 'value="Mine"' in page
    jamal.refresh_from_db()
    assert jamal.nickname == "Set by someone else"
    # Saving again after the warning is a deliberate choice, and goes through.
    data["loaded_version"] = response.context["form"]["loaded_version"].value()
    assert client.post(url, data).status_code == 302
    jamal.refresh_from_db()
    assert jamal.nickname == "Mine"


def test_a_stale_goal_edit_is_refused(client, peacekeeper, jamal):
    goal = GoalFactory(client=jamal)
    client.force_login(peacekeeper)
    url = reverse("outreach:goal_edit", args=[jamal.pk, goal.pk])
    opened = client.get(url).context["form"]["loaded_version"].value()
    goal.description = "Changed meanwhile"
    goal.save()
    response = client.post(
        url, {"domain": "education", "description": "Mine", "status": "open", "loaded_version": opened}
    )
    assert "saved this record at" in response.content.decode()
    goal.refresh_from_db()
    assert goal.description == "Changed meanwhile"


def test_a_stale_edit_names_who_saved_in_between(client, peacekeeper, manager, jamal):
    from django.test import Client

    goal = GoalFactory(client=jamal)
    url = reverse("outreach:goal_edit", args=[jamal.pk, goal.pk])
    client.force_login(peacekeeper)
    opened = client.get(url).context["form"]["loaded_version"].value()
    other = Client()
    other.force_login(manager)
    assert post_edit(other, url, {"domain": "education", "description": "Hers", "status": "open"}).status_code == 302
    response = client.post(
        url, {"domain": "education", "description": "Mine", "status": "open", "loaded_version": opened}
    )
    assert "Lindsay Brown saved this record at" in response.content.decode()


class TestContactCorrections:
    def _data(self, contact, **overrides):
        return {
            "occurred_at": timezone.localtime(contact.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 50,
            "kind": "phone",
            **overrides,
        }

    def test_the_author_corrects_a_recent_contact(self, client, peacekeeper, jamal):
        contact = ContactFactory(client=jamal)
        client.force_login(peacekeeper)
        url = reverse("outreach:contact_edit", args=[jamal.pk, contact.pk])
        assert post_edit(client, url, self._data(contact)).status_code == 302
        contact.refresh_from_db()
        assert contact.duration_minutes == 50
        assert contact.events.filter(pgh_label="update", duration_minutes=50).exists()

    def test_after_seven_days_only_a_manager_may(self, client, peacekeeper, manager, jamal):
        contact = ContactFactory(client=jamal)
        Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
        url = reverse("outreach:contact_edit", args=[jamal.pk, contact.pk])
        client.force_login(peacekeeper)
        assert client.get(url).status_code == 403
        assert "Correct" not in client.get(jamal.get_absolute_url()).content.decode().split("Contacts (")[1]
        client.force_login(manager)
        assert post_edit(client, url, self._data(contact)).status_code == 302

    def test_another_peacekeeper_cannot_correct_it(self, client, other_peacekeeper, jamal):
        jamal.secondary_peacekeepers.add(other_peacekeeper)
        contact = ContactFactory(client=jamal)
        client.force_login(other_peacekeeper)
        assert client.get(reverse("outreach:contact_edit", args=[jamal.pk, contact.pk])).status_code == 403


@pytest.mark.parametrize("size", [3, 30])
def test_the_managers_list_query_count_is_the_same_at_two_sizes(
    client, manager, peacekeeper, django_assert_num_queries, size
):
    for record in ClientFactory.create_batch(size, primary_peacekeeper=peacekeeper):
        ContactFactory.create_batch(2, client=record)
    client.force_login(manager)
    client.get("/health/")
    with django_assert_num_queries(11):
        assert client.get(LIST, {"risk_level": "high", "sort": "-days_since"}).status_code == 200
