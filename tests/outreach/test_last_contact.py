"""Client.last_contact_at, kept by the database from the client's contacts."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from outreach.models import Client, Contact
from tests.factories import ClientFactory, ContactFactory

NOW = timezone.now()


def _last(client: Client) -> datetime.datetime | None:
    return Client.objects.values_list("last_contact_at", flat=True).get(pk=client.pk)


def test_it_follows_every_insert_update_and_delete(peacekeeper):
    first, second = ClientFactory.create_batch(2, primary_peacekeeper=peacekeeper)
    assert _last(first) is None
    early = ContactFactory(client=first, occurred_at=NOW - datetime.timedelta(days=10))
    late = ContactFactory(client=first, occurred_at=NOW - datetime.timedelta(days=2))
    assert _last(first) == late.occurred_at
    Contact.objects.filter(pk=late.pk).update(client=second)  # recorded on the wrong client, moved
    assert (_last(first), _last(second)) == (early.occurred_at, late.occurred_at)
    Contact.objects.filter(pk=early.pk).update(occurred_at=NOW - datetime.timedelta(days=20))
    assert _last(first) == NOW - datetime.timedelta(days=20)
    Contact.objects.filter(client__in=[first, second]).delete()
    assert (_last(first), _last(second)) == (None, None)


def test_bulk_inserts_set_it_for_each_client(peacekeeper):
    clients = ClientFactory.create_batch(3, primary_peacekeeper=peacekeeper)
    Contact.objects.bulk_create(
        Contact(
            client=c,
            peacekeeper=c.primary_peacekeeper,
            occurred_at=NOW - datetime.timedelta(days=i),
            duration_minutes=5,
        )
        for i, c in enumerate(clients, start=1)
    )
    assert [_last(c) for c in clients] == [NOW - datetime.timedelta(days=i) for i in (1, 2, 3)]


def test_the_list_sorts_by_days_since_contact_from_it(client, manager, peacekeeper):
    fresh, stale = ClientFactory.create_batch(2, status="active", primary_peacekeeper=peacekeeper)
    ContactFactory(client=stale, occurred_at=NOW - datetime.timedelta(days=40))
    ContactFactory(client=fresh, occurred_at=NOW - datetime.timedelta(days=1))
    client.force_login(manager)
    rows = client.get("/clients/", {"sort": "-days_since"}).context["table"].page.object_list
    codes = [row.record.code for row in rows]
    assert codes.index(stale.code) < codes.index(fresh.code)


def test_keeping_it_writes_no_audit_history(jamal):
    before = jamal.events.count()
    ContactFactory(client=jamal)
    assert jamal.events.count() == before


def test_saving_a_client_read_earlier_keeps_a_contact_logged_since(peacekeeper):
    record = ClientFactory(primary_peacekeeper=peacekeeper)
    opened = Client.objects.get(pk=record.pk)  # a form opened before the contact was logged
    contact = ContactFactory(client=record)
    opened.nickname = "Edited"
    opened.save()
    assert _last(record) == contact.occurred_at
    assert Client.objects.get(pk=record.pk).nickname == "Edited"


@pytest.mark.django_db(transaction=True)
def test_two_transactions_logging_contacts_for_one_client_keep_the_later(peacekeeper):
    # The later contact's transaction locks the client first; the earlier contact's trigger must
    # wait for it and then see it, not write back the older time it computed on its own.
    record = ClientFactory(primary_peacekeeper=peacekeeper)
    later, earlier = NOW - datetime.timedelta(days=1), NOW - datetime.timedelta(days=5)
    first_in, release = threading.Event(), threading.Event()

    def log(when, hold: bool) -> None:
        try:
            with transaction.atomic():
                ContactFactory(client=record, occurred_at=when)
                if hold:
                    first_in.set()
                    release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=log, args=(later, True))
    holder.start()
    assert first_in.wait(10)
    other = threading.Thread(target=log, args=(earlier, False))
    other.start()
    other.join(0.5)  # it is waiting for the client's lock
    release.set()
    holder.join(10)
    other.join(10)
    assert Contact.objects.filter(client=record).count() == 2
    assert _last(record) == later
