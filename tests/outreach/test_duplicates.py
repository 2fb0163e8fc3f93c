"""The intake duplicate check: a peacekeeper learns nothing of other caseloads; a manager reviews."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from incidents.models import Involvement
from outreach import services
from outreach.models import Client, Contact, PossibleDuplicate, local_today
from tests.factories import (
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    InvolvementFactory,
    MediationFactory,
    ReferralFactory,
)
from tests.forms import keyed

pytestmark = pytest.mark.django_db

TODAY = local_today()
ANDRES_PHONE = "209-555-0101"


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


@pytest.fixture
def andre_with_phone(andre):
    andre.phone = ANDRES_PHONE
    andre.save()
    return andre


@pytest.fixture
def review(client, peacekeeper, andre_with_phone):
    """Grover took in someone whose phone is Andre's: a review waits for a manager."""
    client.force_login(peacekeeper)
    client.post(reverse("outreach:client_create"), keyed(_client_data()))
    client.logout()
    return PossibleDuplicate.objects.get()


def _create(client, **data):
    return client.post(reverse("outreach:client_create"), keyed(_client_data(**data)), follow=True)


def test_a_peacekeeper_is_told_nothing_of_a_match_on_another_caseload(client, peacekeeper, andre_with_phone):
    client.force_login(peacekeeper)
    matched = _create(client)
    unmatched = _create(client, first_name="Tyrell", last_name="Banks", phone="", date_of_birth="2004-01-01")
    for response in (matched, unmatched):
        page = response.content.decode()
        assert response.redirect_chain[0][1] == 302
        assert "another caseload" not in page and "ossible" not in page and andre_with_phone.code not in page
        assert "created." in page
    assert Client.objects.count() == 3


def test_a_match_on_another_caseload_waits_for_a_managers_review(client, peacekeeper, andre_with_phone):
    client.force_login(peacekeeper)
    _create(client)
    new = Client.objects.get(last_name="Reed")
    review = PossibleDuplicate.objects.get()
    assert review.client == new and review.client_code == new.code and review.status == "open"
    assert list(review.matches.all()) == [andre_with_phone] and review.created_by == peacekeeper


def test_matches_on_my_own_caseload_are_still_shown(client, peacekeeper, jamal):
    jamal.phone = ANDRES_PHONE
    jamal.save()
    client.force_login(peacekeeper)
    page = _create(client).content.decode()
    assert "Possible duplicate" in page and jamal.code in page
    assert Client.objects.count() == 1


def test_a_match_i_can_see_and_call_different_is_not_sent_for_review(client, peacekeeper, jamal):
    jamal.phone = ANDRES_PHONE
    jamal.save()
    client.force_login(peacekeeper)
    _create(client, not_a_duplicate="on")
    assert Client.objects.count() == 2 and not PossibleDuplicate.objects.exists()


def test_a_manager_sees_every_match_at_intake_and_no_review_follows(client, manager, andre_with_phone):
    client.force_login(manager)
    page = _create(client).content.decode()
    assert "Possible duplicate" in page and andre_with_phone.code in page
    _create(client, not_a_duplicate="on")
    assert Client.objects.count() == 2 and not PossibleDuplicate.objects.exists()


def test_every_duplicate_check_is_in_the_access_log_by_codes_only(client, peacekeeper, andre_with_phone):
    client.force_login(peacekeeper)
    _create(client)
    _create(client, first_name="Tyrell", last_name="Banks", phone="", date_of_birth="")
    checks = list(AccessLog.objects.filter(action=AccessLog.Action.DUPLICATE_CHECK).order_by("pk"))
    assert len(checks) == 2 and all(c.user == peacekeeper for c in checks)
    assert andre_with_phone.code in checks[0].target and "phone" in checks[0].target
    assert "no match" in checks[1].target
    for check in checks:
        assert not any(word in check.target for word in ("Marcus", "Reed", "Tyrell", "555", "2005"))


def test_the_managers_dashboard_lists_open_reviews(client, manager, peacekeeper, review):
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert review.client_code in page and review.matches.get().code in page
    assert reverse("outreach:duplicate_merge", args=[review.pk]) in page
    assert reverse("outreach:duplicate_dismiss", args=[review.pk]) in page
    client.force_login(peacekeeper)
    assert review.client_code not in client.get("/").content.decode()


def test_dismissing_says_they_are_different_people(client, manager, review):
    client.force_login(manager)
    response = client.post(reverse("outreach:duplicate_dismiss", args=[review.pk]))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "dismissed" and review.resolved_by == manager and review.resolved_at
    assert Client.objects.filter(pk=review.client_id).exists()
    assert "kept as a different person" in client.get("/").content.decode()
    assert review.client_code not in client.get("/").content.decode()


def test_a_merge_moves_everything_to_the_kept_record(client, manager, peacekeeper, other_peacekeeper, review):
    new, andre = review.client, review.matches.get()
    contact = ContactFactory(client=new, occurred_at=timezone.now() - datetime.timedelta(hours=1))
    goal, referral = GoalFactory(client=new), ReferralFactory(client=new)
    incident = IncidentFactory()
    InvolvementFactory(incident=incident, client=new, role="victim")
    InvolvementFactory(incident=incident, client=andre, role="victim")  # the same row once merged
    mediation = MediationFactory(clients=[new, andre])
    client.force_login(manager)
    response = client.post(reverse("outreach:duplicate_merge", args=[review.pk]), {"into": andre.pk})
    assert response.status_code == 302
    assert not Client.objects.filter(pk=new.pk).exists()
    andre.refresh_from_db()
    assert {contact, goal, referral} == {Contact.objects.get(pk=contact.pk), *andre.goals.all(), *andre.referrals.all()}
    assert Contact.objects.get(pk=contact.pk).client == andre
    assert andre.last_contact_at == Contact.objects.get(pk=contact.pk).occurred_at
    assert Involvement.objects.filter(incident=incident, client=andre).count() == 1
    assert list(mediation.clients.all()) == [andre]
    # Grover works with this person now: he joins the kept record's team.
    assert andre.primary_peacekeeper == other_peacekeeper and peacekeeper in andre.secondary_peacekeepers.all()
    # A blank on the kept record is filled from the duplicate (its other values stay in the audit trail).
    assert andre.date_of_birth == datetime.date(2005, 4, 2)
    review.refresh_from_db()
    assert review.status == "merged" and review.merged_into == andre and review.resolved_by == manager
    assert review.client is None and review.client_code == new.code


def test_a_merge_is_in_the_audit_trail(manager, review):
    new, andre = review.client, review.matches.get()
    services.client_merge(review=review, into=andre, by=manager)
    assert new.events.filter(pgh_label="delete").exists()
    assert review.events.filter(pgh_label="update").exists()


def test_a_merge_into_a_record_not_among_the_matches_is_refused(client, manager, review, jamal):
    client.force_login(manager)
    response = client.post(reverse("outreach:duplicate_merge", args=[review.pk]), {"into": jamal.pk}, follow=True)
    assert "not one of the possible matches" in response.content.decode()
    review.refresh_from_db()
    assert review.status == "open" and Client.objects.filter(pk=review.client_id).exists()


def test_a_review_already_settled_cannot_be_settled_again(client, manager, review):
    client.force_login(manager)
    client.post(reverse("outreach:duplicate_dismiss", args=[review.pk]))
    response = client.post(reverse("outreach:duplicate_merge", args=[review.pk]), {"into": review.matches.get().pk})
    assert response.status_code == 404
    assert Client.objects.filter(pk=review.client_id).exists()


@pytest.mark.parametrize("name", ["duplicate_merge", "duplicate_dismiss"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_review_actions_are_404_for_peacekeepers_and_analysts(client, peacekeeper, analyst, review, name, method):
    url = reverse(f"outreach:{name}", args=[review.pk])
    for user in (peacekeeper, analyst):
        client.force_login(user)
        assert getattr(client, method)(url, {"into": review.matches.get().pk}).status_code == 404
    review.refresh_from_db()
    assert review.status == "open"


@pytest.mark.parametrize("name", ["duplicate_merge", "duplicate_dismiss"])
def test_review_actions_answer_405_to_a_managers_get(client, manager, review, name):
    client.force_login(manager)
    assert client.get(reverse(f"outreach:{name}", args=[review.pk])).status_code == 405
