"""A new user's findings on the client pages: the pending follow-up, re-enrolment, the exit page, search."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach import caseloads, services
from outreach.models import Contact, local_today
from tests.factories import ClientFactory, ContactFactory, GoalFactory, ReferralFactory
from tests.forms import keyed

TODAY = local_today()
NOW = timezone.now()
LIST = reverse("outreach:client_list")


def _contact_data(**overrides):
    data = {"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 20, "kind": "phone"}
    return keyed({**data, **overrides})


# 4. The pending follow-up ----------------------------------------------------------------------


def test_the_new_contact_form_offers_the_pending_follow_up_and_says_it_stays(client, peacekeeper, jamal):
    pending = TODAY + datetime.timedelta(days=4)
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=2), follow_up_on=pending)
    client.force_login(peacekeeper)
    url = reverse("outreach:contact_create", args=[jamal.pk])
    response = client.get(url)
    assert response.context["form"].initial["follow_up_on"] == pending
    when = pending.strftime("%b ") + str(pending.day) + pending.strftime(", %Y")
    assert f"The follow-up set on {when} stays unless you change or clear it." in response.content.decode()
    # Submitted as offered: the follow-up is still pending.
    client.post(url, _contact_data(follow_up_on=pending.isoformat()))
    assert caseloads.pending_follow_up(jamal) == pending


@pytest.mark.parametrize("days", [0, -1])
def test_a_follow_up_from_today_is_offered_but_not_one_past(client, peacekeeper, jamal, days):
    pending = TODAY + datetime.timedelta(days=days)
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=3), follow_up_on=pending)
    client.force_login(peacekeeper)
    response = client.get(reverse("outreach:contact_create", args=[jamal.pk]))
    offered = response.context["form"].initial.get("follow_up_on")
    assert offered == (pending if days == 0 else None)
    assert ("stays unless you change or clear it" in response.content.decode()) is (days == 0)


def test_clearing_the_offered_follow_up_clears_it(client, peacekeeper, jamal):
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=2), follow_up_on=TODAY)
    client.force_login(peacekeeper)
    client.post(reverse("outreach:contact_create", args=[jamal.pk]), _contact_data(follow_up_on=""))
    assert caseloads.pending_follow_up(jamal) is None


def test_correcting_a_contact_does_not_offer_another_follow_up(client, peacekeeper, jamal):
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=2), follow_up_on=TODAY)
    latest = ContactFactory(client=jamal, peacekeeper=peacekeeper, occurred_at=NOW - datetime.timedelta(hours=1))
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=3), follow_up_on=TODAY)
    client.force_login(peacekeeper)
    form = client.get(reverse("outreach:contact_edit", args=[jamal.pk, latest.pk])).context["form"]
    assert form.initial.get("follow_up_on") is None


def test_the_pending_follow_up_of_another_caseload_answers_404(client, peacekeeper, andre):
    ContactFactory(client=andre, follow_up_on=TODAY)
    client.force_login(peacekeeper)
    assert client.get(reverse("outreach:contact_create", args=[andre.pk])).status_code == 404


# 6. Re-enrolment -------------------------------------------------------------------------------


def _exited(manager, record):
    services.client_exit(client=record, by=manager, on=TODAY - datetime.timedelta(days=5), reason="moved")
    return record


def test_the_re_enrol_form_offers_today(client, manager, jamal):
    _exited(manager, jamal)
    client.force_login(manager)
    form = client.get(reverse("outreach:client_reenrol", args=[jamal.pk])).context["form"]
    assert form.initial["enrolled_on"] == TODAY
    assert f'value="{TODAY.isoformat()}"' in str(form["enrolled_on"])


@pytest.mark.parametrize("value", ["", "2026-13-45", "=cmd", "<script>", "x" * 10_000, "\x00", "😀"])
def test_a_missing_or_bad_re_enrol_date_says_one_message(client, manager, jamal, value):
    _exited(manager, jamal)
    client.force_login(manager)
    response = client.post(reverse("outreach:client_reenrol", args=[jamal.pk]), keyed({"enrolled_on": value}))
    assert response.status_code == 200
    errors = response.context["form"].errors["enrolled_on"]
    assert len(errors) == 1, errors
    if value == "":
        assert errors == ["Give the date the client enrolled again."]
    assert "<script>" not in response.content.decode().split("<main", 1)[1].replace("&lt;script&gt;", "")


# 7. The exit page ------------------------------------------------------------------------------


def test_the_exit_page_says_what_happens_to_the_open_work(client, manager, jamal):
    GoalFactory(client=jamal, status="in_progress")
    GoalFactory(client=jamal, status="achieved", achieved_on=TODAY)
    ReferralFactory(client=jamal, status="pending")
    ReferralFactory(client=jamal, status="connected")
    pending = TODAY + datetime.timedelta(days=2)
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=1), follow_up_on=pending)
    client.force_login(manager)
    page = client.get(reverse("outreach:client_exit", args=[jamal.pk])).content.decode()
    assert "What happens to the open work" in page
    assert "1 open goal (open or in progress) keeps their status" in page
    assert "2 open referrals (pending or connected) keep their status" in page
    assert "stays on the record but leaves every worklist" in page


def test_the_exit_keeps_the_open_work_as_the_page_says(manager, jamal):
    goal = GoalFactory(client=jamal, status="in_progress")
    referral = ReferralFactory(client=jamal, status="pending")
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=1), follow_up_on=TODAY)
    services.client_exit(client=jamal, by=manager, on=TODAY, reason="moved")
    goal.refresh_from_db()
    referral.refresh_from_db()
    assert (goal.status, referral.status, caseloads.pending_follow_up(jamal)) == ("in_progress", "pending", TODAY)
    assert caseloads.peacekeeper_worklist(jamal.primary_peacekeeper).follow_ups_due == []


def test_the_exit_page_of_another_caseload_answers_404(client, peacekeeper, andre, manager):
    client.force_login(peacekeeper)
    assert client.get(reverse("outreach:client_exit", args=[andre.pk])).status_code == 404


# 8. Search -------------------------------------------------------------------------------------


def test_a_name_search_finds_exited_and_inactive_clients(client, manager, peacekeeper):
    services.client_exit(
        client=ClientFactory(first_name="Darnell", last_name="Price", primary_peacekeeper=peacekeeper),
        by=manager,
        on=TODAY,
        reason="moved",
    )
    ClientFactory(first_name="Darnell", last_name="Young", status="inactive", primary_peacekeeper=peacekeeper)
    ClientFactory(first_name="Darnell", last_name="Ward", primary_peacekeeper=peacekeeper)
    client.force_login(manager)
    page = client.get(LIST, {"q": "darnell"}).content.decode()
    assert "Darnell Price" in page and "Darnell Young" in page and "Darnell Ward" in page
    assert "Searching every status" in page
    assert "Searches every status" in page  # the search's help text
    # A status chosen still narrows the search; no search: open cases only.
    page = client.get(LIST, {"q": "darnell", "status": "active"}).content.decode()
    assert "Darnell Price" not in page and "Darnell Ward" in page
    page = client.get(LIST).content.decode()
    assert "Darnell Price" not in page and "Darnell Young" not in page


def test_a_name_search_stays_inside_a_peacekeepers_caseload(client, peacekeeper, andre, manager):
    services.client_exit(client=andre, by=manager, on=TODAY, reason="moved")
    client.force_login(peacekeeper)
    assert "Andre" not in client.get(LIST, {"q": "andre"}).content.decode()


@pytest.mark.parametrize("value", ["=cmd", "<script>", "x" * 10_000, "\x00", "😀", "   "])
def test_hostile_searches_answer_the_list(client, manager, jamal, value):
    client.force_login(manager)
    response = client.get(LIST, {"q": value})
    assert response.status_code in (200, 400)
    assert Contact.objects.count() == 0
