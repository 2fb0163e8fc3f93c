"""The outreach writes, called as any caller would (a view, a command, the offline sync): each
validates what it saves, writes nothing when it refuses, makes one row per one-time key and
leaves an audit trail that names who acted."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pghistory.models import Events

from core.history import last_change_by
from outreach import services
from outreach.models import Contact, Goal, PossibleDuplicate, Referral, local_today
from tests.factories import ClientFactory, ContactFactory, GoalFactory, PartnerFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = local_today()


def _contact_data(**overrides):
    return {"occurred_at": timezone.now() - datetime.timedelta(hours=1), "duration_minutes": 45, "kind": "phone"} | (
        overrides
    )


def _goal_data(**overrides):
    return {"domain": "employment", "description": "Get a job", "status": "open"} | overrides


def _referral_data(**overrides):
    return {"partner": PartnerFactory(), "service": "GED", "referred_on": TODAY, "status": "pending"} | overrides


# (service, model, good data, data the model refuses)
CREATES = [
    (services.contact_log, Contact, _contact_data, lambda: _contact_data(duration_minutes=0)),
    (
        services.goal_create,
        Goal,
        _goal_data,
        lambda: _goal_data(status="achieved"),  # achieved needs the date it was achieved
    ),
    (
        services.referral_create,
        Referral,
        _referral_data,
        lambda: _referral_data(referred_on=TODAY + datetime.timedelta(days=3)),
    ),
]
IDS = ["contact_log", "goal_create", "referral_create"]


@pytest.mark.parametrize(("create", "model", "good", "bad"), CREATES, ids=IDS)
def test_a_create_saves_the_record_for_the_client_and_the_trail_names_who(peacekeeper, jamal, create, model, good, bad):
    row = create(client=jamal, by=peacekeeper, data=good())
    assert model.objects.get() == row and row.client == jamal
    assert last_change_by(row) == peacekeeper


@pytest.mark.parametrize(("create", "model", "good", "bad"), CREATES, ids=IDS)
def test_a_create_refuses_what_the_model_refuses_and_writes_nothing(peacekeeper, jamal, create, model, good, bad):
    data = bad()
    events = Events.objects.count()
    with pytest.raises(ValidationError):
        create(client=jamal, by=peacekeeper, data=data)
    assert not model.objects.exists()
    assert Events.objects.count() == events


@pytest.mark.parametrize(("create", "model", "good", "bad"), CREATES, ids=IDS)
def test_a_create_called_twice_with_one_form_key_makes_one_row(peacekeeper, jamal, create, model, good, bad):
    key = uuid.uuid4()
    first = create(client=jamal, by=peacekeeper, data=good(), form_key=key)
    with pytest.raises(ValidationError) as refused:
        create(client=jamal, by=peacekeeper, data=good(), form_key=key)
    assert "form_key" in refused.value.message_dict
    assert list(model.objects.all()) == [first]
    assert first.form_key == key


def test_a_contact_is_the_peacekeeper_s_who_logs_it_and_moves_the_last_contact(peacekeeper, jamal):
    contact = services.contact_log(client=jamal, by=peacekeeper, data=_contact_data(topics=["education"]))
    assert contact.peacekeeper == peacekeeper and contact.topics == ["education"]
    jamal.refresh_from_db()
    assert jamal.last_contact_at == contact.occurred_at


def test_a_contact_cannot_be_set_on_another_client_or_author_through_its_data(peacekeeper, other_peacekeeper, jamal):
    """Only the fields a form may change are taken from the data: the client and author are the call's."""
    andre = ClientFactory(primary_peacekeeper=other_peacekeeper)
    contact = services.contact_log(
        client=jamal, by=peacekeeper, data=_contact_data(client=andre, peacekeeper=other_peacekeeper)
    )
    assert (contact.client, contact.peacekeeper) == (jamal, peacekeeper)


def test_a_contact_before_the_referral_is_refused_with_the_reason(peacekeeper, jamal):
    early = timezone.now() - datetime.timedelta(days=400)
    jamal.referred_on = TODAY - datetime.timedelta(days=10)
    with pytest.raises(ValidationError) as refused:
        services.contact_log(client=jamal, by=peacekeeper, data=_contact_data(occurred_at=early))
    assert "occurred_at" in refused.value.message_dict


@pytest.mark.parametrize(
    ("factory", "update", "noun", "change", "check"),
    [
        (ContactFactory, services.contact_update, "contact", {"duration_minutes": 50}, "duration_minutes"),
        (GoalFactory, services.goal_update, "goal", {"status": "achieved", "achieved_on": TODAY}, "status"),
        (ReferralFactory, services.referral_update, "referral", {"status": "connected"}, "status"),
    ],
    ids=["contact_update", "goal_update", "referral_update"],
)
def test_an_update_saves_the_change_and_the_trail_names_who(manager, jamal, factory, update, noun, change, check):
    row = factory(client=jamal)
    update(**{noun: row, "by": manager, "data": change})
    row.refresh_from_db()
    assert getattr(row, check) == change[check]
    assert last_change_by(row) == manager


def test_an_update_refused_leaves_the_record_as_it_was(manager, jamal):
    contact = ContactFactory(client=jamal, duration_minutes=30)
    events = contact.events.count()
    with pytest.raises(ValidationError):
        services.contact_update(contact=contact, by=manager, data={"duration_minutes": 900})
    contact.refresh_from_db()
    assert contact.duration_minutes == 30 and contact.events.count() == events


def test_saving_a_client_names_who_in_the_trail(manager, jamal):
    jamal.risk_level = "moderate"
    services.client_save(client=jamal, by=manager)
    assert last_change_by(jamal) == manager


def test_dismissing_a_possible_duplicate_names_who(manager, peacekeeper, jamal, andre):
    review = PossibleDuplicate.objects.create(client=jamal, client_code=jamal.code, created_by=peacekeeper)
    review.matches.set([andre])
    services.possible_duplicate_dismiss(review=review, by=manager)
    review.refresh_from_db()
    assert review.status == PossibleDuplicate.Status.DISMISSED and review.resolved_by == manager
    assert last_change_by(review) == manager
    with pytest.raises(ValidationError):
        services.possible_duplicate_dismiss(review=review, by=manager)
