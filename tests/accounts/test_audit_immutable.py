"""The audit trail and the access log are evidence: the database refuses to change or delete a row.

Triggers refuse, so this holds for the app's own connection too (even a superuser's), whatever
the code does: an UPDATE or DELETE of an event or access-log row raises and changes nothing.
"""

import pghistory.models
import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.models import AccessLog
from incidents.models import Incident
from outreach.models import Client
from tests.factories import ContactFactory, IncidentFactory


def _refused(action) -> None:
    with pytest.raises(DatabaseError, match="Cannot"), transaction.atomic():
        action()


def _event_models() -> list:
    return [model for model in apps.get_models() if issubclass(model, pghistory.models.Event)]


@pytest.fixture
def access_entry(peacekeeper):
    return AccessLog.objects.create(user=peacekeeper, action=AccessLog.Action.VIEW_CLIENT, target="C-2026-0001")


class TestTheAuditTrail:
    def test_an_event_row_cannot_be_updated(self, jamal):
        events = Client.pgh_event_model.objects.filter(pgh_obj=jamal)

        _refused(lambda: events.update(first_name="Someone else"))
        assert list(events.values_list("first_name", flat=True)) == ["Jamal"]

    def test_an_event_row_cannot_be_deleted(self, jamal):
        events = Client.pgh_event_model.objects.filter(pgh_obj=jamal)

        _refused(lambda: events.delete())
        assert events.count() == 1

    def test_raw_sql_cannot_change_an_incident_event_either(self, db):
        IncidentFactory()
        table = Incident.pgh_event_model._meta.db_table

        def raw(sql: str):
            with connection.cursor() as cursor:
                cursor.execute(sql)

        _refused(lambda: raw(f'UPDATE "{table}" SET killed = 0'))  # noqa: S608 (a model's table)
        _refused(lambda: raw(f'DELETE FROM "{table}"'))  # noqa: S608
        assert Incident.pgh_event_model.objects.count() == 1

    def test_every_event_table_refuses_updates_and_deletes(self, db):
        unprotected = []
        with connection.cursor() as cursor:
            for model in _event_models():
                cursor.execute(
                    "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s"
                    " AND tgenabled <> 'D'",
                    [model._meta.db_table, "pgtrigger_append_only_%"],
                )
                if cursor.fetchone()[0] != 1:
                    unprotected.append(model._meta.label)
        assert len(_event_models()) >= 10
        assert unprotected == []

    def test_changes_are_still_recorded_and_a_client_can_still_be_deleted(self, jamal, peacekeeper):
        events = Client.pgh_event_model.objects.filter(pgh_obj_id=jamal.pk)
        before = set(events.values_list("pk", flat=True))
        contact = ContactFactory(client=jamal, peacekeeper=peacekeeper)

        contact.delete()
        jamal.delete()

        assert not Client.objects.filter(pk=jamal.pk).exists()
        assert set(events.values_list("pk", flat=True)) > before
        assert events.exclude(pk__in=before).get().pgh_label == "delete"


class TestTheAccessLog:
    def test_an_access_log_row_cannot_be_updated(self, access_entry):
        _refused(lambda: AccessLog.objects.filter(pk=access_entry.pk).update(target="nothing to see"))
        access_entry.refresh_from_db()
        assert access_entry.target == "C-2026-0001"

    def test_an_access_log_row_cannot_be_deleted(self, access_entry):
        _refused(lambda: AccessLog.objects.filter(pk=access_entry.pk).delete())
        assert AccessLog.objects.filter(pk=access_entry.pk).exists()

    def test_new_entries_are_still_written(self, access_entry):
        AccessLog.objects.create(action=AccessLog.Action.EXPORT, target="incidents.csv")
        assert AccessLog.objects.count() == 2

    def test_the_admin_offers_no_deletion(self, client, admin_user, access_entry):
        client.force_login(admin_user)

        page = client.get(reverse("admin:accounts_accesslog_delete", args=[access_entry.pk]))

        assert page.status_code == 403
        assert AccessLog.objects.filter(pk=access_entry.pk).exists()
