"""Client.last_contact_at, kept by the database from the client's contacts."""

import datetime

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
