"""The validation rules of the outreach issue, each with a clear message."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from outreach import services
from outreach.forms import ContactForm
from outreach.models import (
    CONTACT_MAX_MINUTES,
    Client,
    ClientStatus,
    Contact,
    ContactKind,
    Goal,
    GoalStatus,
    ReferralStatus,
    local_today,
)
from tests.factories import ContactFactory, GoalFactory, ReferralFactory
from tests.forms import keyed

TODAY = local_today()


def _errors(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_an_exit_date_needs_a_reason(jamal):
    jamal.status, jamal.exited_on = ClientStatus.EXITED, TODAY
    assert _errors(jamal)["exit_reason"] == ["Give the reason the client exited."]


def test_an_exit_is_not_before_enrolment(jamal):
    jamal.status, jamal.exit_reason = ClientStatus.EXITED, "moved"
    jamal.exited_on = jamal.enrolled_on - datetime.timedelta(days=1)
    assert "cannot be before the enrolment" in _errors(jamal)["exited_on"][0]


def test_the_database_refuses_an_exit_without_reason_too(jamal):
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=jamal.pk).update(status=ClientStatus.EXITED, exited_on=TODAY, exit_reason="")


def test_an_exited_client_keeps_all_history(jamal):
    ContactFactory(client=jamal)
    GoalFactory(client=jamal)
    jamal = services.client_exit(client=jamal, by=None, on=TODAY, reason="completed")
    assert jamal.status == ClientStatus.EXITED
    assert jamal.contacts.count() == 1 and jamal.goals.count() == 1


def test_an_active_client_needs_an_enrolment_date(jamal):
    jamal.enrolled_on = None
    assert "enrolled_on" in _errors(jamal)


def test_a_contact_is_not_in_the_future(jamal, peacekeeper):
    contact = Contact(client=jamal, peacekeeper=peacekeeper, duration_minutes=30)
    contact.occurred_at = timezone.now() + datetime.timedelta(hours=2)
    assert _errors(contact)["occurred_at"] == ["A contact cannot be in the future."]


def test_a_contact_is_not_before_the_referral(jamal, peacekeeper):
    contact = Contact(client=jamal, peacekeeper=peacekeeper, duration_minutes=30)
    contact.occurred_at = timezone.now() - datetime.timedelta(days=400)
    assert "a contact cannot be earlier" in _errors(contact)["occurred_at"][0]


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (1, True), (720, True), (721, False)])
def test_a_contact_lasts_1_to_720_minutes(jamal, peacekeeper, minutes, ok):
    contact = Contact(client=jamal, peacekeeper=peacekeeper, duration_minutes=minutes)
    if ok:
        contact.full_clean()
    else:
        assert "between 1 and 720 minutes (12 hours)" in _errors(contact)["duration_minutes"][0]


def _contact_form(jamal, peacekeeper, minutes: int) -> ContactForm:
    data = keyed({"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": minutes})
    data["kind"] = ContactKind.IN_PERSON
    return ContactForm(data=data, instance=Contact(client=jamal, peacekeeper=peacekeeper))


def test_the_form_the_model_and_the_database_share_one_contact_limit(jamal, peacekeeper):
    """12 hours is the limit everywhere: the phone's number field, the form, the model and the
    database each accept 720 minutes and refuse 721."""
    limit = 12 * 60
    assert Contact.MAX_MINUTES == limit
    assert f'max="{limit}"' in str(ContactForm()["duration_minutes"])
    assert _contact_form(jamal, peacekeeper, limit).is_valid()
    refused = _contact_form(jamal, peacekeeper, limit + 1)
    assert not refused.is_valid()
    assert "between 1 and 720 minutes" in refused.errors["duration_minutes"][0]
    contact = ContactFactory(client=jamal, duration_minutes=limit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(duration_minutes=limit + 1)
    contact.refresh_from_db()
    assert contact.duration_minutes == limit


@pytest.mark.parametrize("minutes", [-5, 0, 721, 32_768])
def test_every_duration_out_of_range_gets_the_one_message(client, jamal, peacekeeper, minutes):
    """One rule, one message: the form, the model and the page say the same words (not Django's
    "Ensure this value is greater than or equal to 0"), built from CONTACT_MAX_MINUTES."""
    message = f"Enter a duration between 1 and {CONTACT_MAX_MINUTES} minutes (12 hours)."
    assert _contact_form(jamal, peacekeeper, minutes).errors["duration_minutes"] == [message]
    if minutes >= 0:
        assert _errors(Contact(client=jamal, peacekeeper=peacekeeper, duration_minutes=minutes))[
            "duration_minutes"
        ] == [message]
    client.force_login(peacekeeper)
    response = client.post(
        reverse("outreach:contact_create", args=[jamal.pk]),
        keyed({"occurred_at": f"{timezone.localtime():%Y-%m-%dT%H:%M}", "duration_minutes": minutes, "kind": "phone"}),
    )
    assert response.content.decode().count(message) == 2  # the summary at the top, and under the field


def test_the_browser_is_told_the_same_range(jamal, peacekeeper):
    field = str(ContactForm()["duration_minutes"])
    assert 'min="1"' in field and f'max="{CONTACT_MAX_MINUTES}"' in field
    assert ContactForm()["duration_minutes"].help_text == f"Between 1 and {CONTACT_MAX_MINUTES} minutes (12 hours)."


def test_an_achieved_goal_has_an_achieved_date(jamal):
    goal = Goal(client=jamal, domain="education", description="GED", status=GoalStatus.ACHIEVED)
    assert _errors(goal)["achieved_on"] == ["Give the date the goal was achieved."]


def test_a_completed_referral_has_a_completion_date(jamal):
    referral = ReferralFactory.build(client=jamal, status=ReferralStatus.COMPLETED)
    referral.partner.save()
    assert "completed_on" in _errors(referral)


def test_the_primary_cannot_also_be_secondary(jamal, peacekeeper):
    with pytest.raises(ValidationError, match="cannot also be a secondary"):
        services.client_save(client=jamal, secondary_peacekeepers=[peacekeeper])


def test_only_peacekeepers_can_be_assigned(jamal, manager):
    jamal.primary_peacekeeper = manager
    with pytest.raises(ValidationError, match="Only members of the Peacekeeper group"):
        services.client_save(client=jamal)
    jamal.refresh_from_db()
    with pytest.raises(ValidationError, match="Only members of the Peacekeeper group"):
        services.client_save(client=jamal, secondary_peacekeepers=[manager])


def test_codes_follow_the_enrolment_year_and_never_change(peacekeeper):
    client = Client(
        first_name="A",
        last_name="B",
        referral_source="police",
        status=ClientStatus.ACTIVE,
        referred_on=datetime.date(2018, 3, 1),
        enrolled_on=datetime.date(2018, 3, 5),
        primary_peacekeeper=peacekeeper,
    )
    services.client_save(client=client)
    assert client.code == "C-2018-0001"
    client.nickname = "Changed"
    services.client_save(client=client)
    client.refresh_from_db()
    assert client.code == "C-2018-0001"
    second = Client(first_name="C", last_name="D", referral_source="police", referred_on=datetime.date(2018, 6, 1))
    assert services.client_save(client=second).code == "C-2018-0002"


@pytest.mark.django_db(transaction=True)
def test_codes_are_unique_under_concurrent_creation():
    codes, barrier = [], threading.Barrier(8)

    def create():
        try:
            barrier.wait()
            with transaction.atomic():
                codes.append(services.client_code_next(year=2031))
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [f"C-2031-{n:04d}" for n in range(1, 9)]
