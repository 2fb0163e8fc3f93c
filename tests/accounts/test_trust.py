"""Trust: access log, audit trail, login throttling, deploy checks, backups."""

import io
import subprocess

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from accounts.models import AccessLog
from incidents.importer import COLUMNS, import_incidents
from incidents.models import Incident
from tests.config.helpers import REPO
from tests.factories import PASSWORD, ClientFactory, ContactFactory, MediationFactory
from tests.forms import keyed
from tests.login import password_step


class TestTheAccessLog:
    def test_viewing_a_client_is_logged(self, client, peacekeeper, jamal):
        client.force_login(peacekeeper)
        client.get(jamal.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
        entry = AccessLog.objects.get()
        assert (entry.user, entry.action, entry.client_code, entry.ip_address) == (
            peacekeeper,
            "view_client",
            jamal.code,
            "10.1.2.3",
        )

    def test_a_refused_view_is_not_logged_as_a_view(self, client, peacekeeper, andre):
        client.force_login(peacekeeper)
        assert client.get(andre.get_absolute_url()).status_code == 404
        assert not AccessLog.objects.exists()

    def test_an_xlsx_export_is_logged(self, client, manager):
        client.force_login(manager)
        client.get(reverse("reports:quarterly_xlsx", args=[2018, 3]))
        entry = AccessLog.objects.get()
        assert entry.action == "export" and "Q3 2018 xlsx" in entry.target and entry.user == manager

    def test_a_client_list_export_is_logged(self, client, manager, jamal):
        client.force_login(manager)
        client.get(reverse("outreach:client_list"), {"_export": "csv", "status": "active"})
        assert "client list csv (_export=csv&status=active)" in AccessLog.objects.get().target

    def test_managers_review_it_and_peacekeepers_cannot(self, client, manager, peacekeeper, jamal):
        client.force_login(peacekeeper)
        client.get(jamal.get_absolute_url())
        assert client.get(reverse("access_log")).status_code == 404
        client.force_login(manager)
        page = client.get(reverse("access_log"), {"client_code": jamal.code}).content.decode()
        assert "Grover Crump" in page and jamal.code in page


class TestTheAuditTrail:
    def test_an_import_writes_audit_rows_with_its_source(self, db):
        header = ",".join(COLUMNS)
        rows = "SPD-1,2018-03-01,homicide,,,,,1,0,firearm,\n"
        import_incidents(io.StringIO(f"{header}\n{rows}"), dry_run=False, source="import_incidents march.csv")
        incident = Incident.objects.get()
        event = incident.events.get()
        assert event.pgh_label == "insert" and event.killed == 1
        assert event.pgh_context.metadata["source"] == "import_incidents march.csv"

    def test_bulk_updates_are_caught_by_the_database(self, jamal):
        from outreach.models import Client

        Client.objects.filter(pk=jamal.pk).update(nickname="Bulk")
        assert jamal.events.filter(pgh_label="update", nickname="Bulk").exists()

    def test_one_statement_records_each_row_it_changed_and_no_other(self, db):
        from outreach.models import Client

        same, other, third = ClientFactory.create_batch(3)
        Client.objects.filter(pk=same.pk).update(nickname="Same")
        Client.objects.filter(pk__in=[same.pk, other.pk, third.pk]).update(nickname="Same")
        assert same.events.filter(pgh_label="update").count() == 1  # the second statement left it as it was
        assert other.events.filter(pgh_label="update", nickname="Same").count() == 1
        assert third.events.filter(pgh_label="update", nickname="Same").count() == 1
        third_pk = third.pk
        third.delete()
        assert Client.pgh_event_model.objects.filter(pgh_obj_id=third_pk, pgh_label="delete").count() == 1

    def test_managers_see_a_clients_history_with_who_and_what(self, client, manager, peacekeeper, jamal):
        client.force_login(peacekeeper)
        client.post(
            reverse("outreach:goal_create", args=[jamal.pk]),
            keyed({"domain": "housing", "description": "Find an apartment", "status": "open"}),
        )
        assert client.get(reverse("outreach:client_history", args=[jamal.pk])).status_code == 404
        client.force_login(manager)
        page = client.get(reverse("outreach:client_history", args=[jamal.pk])).content.decode()
        assert "Goal created" in page and "Grover Crump" in page and "Find an apartment" in page

    def test_changes_to_a_clients_team_are_in_its_history(self, client, manager, other_peacekeeper, jamal):
        from outreach.models import SecondaryPeacekeeper
        from tests.outreach.test_client_views import _client_data, post_edit

        client.force_login(manager)
        url = reverse("outreach:client_edit", args=[jamal.pk])
        data = _client_data(first_name=jamal.first_name, last_name=jamal.last_name, status=jamal.status)
        data.update(
            primary_peacekeeper=jamal.primary_peacekeeper.pk,
            referred_on=jamal.referred_on.isoformat(),
            enrolled_on=jamal.enrolled_on.isoformat(),
        )
        assert post_edit(client, url, {**data, "secondary_peacekeepers": [other_peacekeeper.pk]}).status_code == 302
        assert post_edit(client, url, data).status_code == 302  # and taken off again
        events = SecondaryPeacekeeper.pgh_event_model.objects.filter(client=jamal).order_by("pgh_id")
        assert [(e.pgh_label, e.user_id, e.pgh_context.metadata["user"]) for e in events] == [
            ("insert", other_peacekeeper.pk, manager.pk),
            ("delete", other_peacekeeper.pk, manager.pk),
        ]
        page = client.get(reverse("outreach:client_history", args=[jamal.pk])).content.decode()
        assert "Maria Lopez put on the case (secondary peacekeeper)" in page
        assert "Maria Lopez taken off the case (secondary peacekeeper)" in page

    def test_a_mediations_peacekeepers_and_clients_are_audited(self, peacekeeper, jamal):
        from incidents.models import MediationClient, MediationPeacekeeper

        mediation = MediationFactory(peacekeepers=[peacekeeper])
        mediation.clients.set([jamal])
        mediation.clients.clear()
        assert MediationPeacekeeper.pgh_event_model.objects.filter(user=peacekeeper, pgh_label="insert").exists()
        labels = MediationClient.pgh_event_model.objects.filter(client=jamal).order_by("pgh_id")
        assert [e.pgh_label for e in labels] == ["insert", "delete"]

    def test_incident_history(self, client, manager, analyst):
        from tests.factories import IncidentFactory

        incident = IncidentFactory()
        client.force_login(analyst)
        assert client.get(reverse("incidents:incident_history", args=[incident.pk])).status_code == 404
        client.force_login(manager)
        assert (
            "Incident created" in client.get(reverse("incidents:incident_history", args=[incident.pk])).content.decode()
        )


class TestLoginThrottling:
    def test_five_failures_lock_the_account_even_for_the_right_password(self, client, peacekeeper):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            password_step(client, "grover", "wrong")
        response = password_step(client, "grover", PASSWORD)
        assert response.status_code == 429
        assert "this account is locked" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_the_lock_lasts_at_least_ten_minutes(self):
        assert settings.AXES_COOLOFF_TIME.total_seconds() >= 600

    def test_a_success_resets_the_count(self, client, peacekeeper):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            password_step(client, "grover", "wrong")
        password_step(client, "grover", PASSWORD)
        client.post(reverse("logout"))
        password_step(client, "grover", "wrong")
        assert password_step(client, "grover", PASSWORD).status_code == 302


def test_check_deploy_is_clean_with_production_settings():
    env = {"DJANGO_SECRET_KEY": "k" * 60 + "Q9!z", "DJANGO_ALLOWED_HOSTS": "peacekeeper.example.org"}
    from tests.config.helpers import run_python

    result = run_python(
        "import subprocess, sys; sys.exit(subprocess.call([sys.executable, 'manage.py', 'check', '--deploy', "
        "'--fail-level', 'WARNING']))",
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row(tmp_path, peacekeeper):
    from config import backup
    from tests.factories import ClientFactory, IncidentFactory

    for record in ClientFactory.create_batch(3, primary_peacekeeper=peacekeeper):
        ContactFactory.create_batch(2, client=record)
    IncidentFactory.create_batch(4)
    source = dict(connection.settings_dict)
    path = backup.dump(source, tmp_path)
    target = {**source, "NAME": source["NAME"] + "_restore"}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{target["NAME"]}"')
    try:
        backup.restore(target, path)
        with pytest.raises(backup.BackupError, match="not empty"):
            backup.restore(target, path)
        assert _row_counts(target) == _row_counts(source)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')


def _row_counts(db: dict) -> dict:
    import psycopg2

    conn = psycopg2.connect(
        host=db["HOST"],
        port=db.get("PORT") or None,
        user=db["USER"],
        dbname=db["NAME"],
        password=db.get("PASSWORD") or None,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalog)
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        conn.close()


def test_make_restore_refuses_without_a_file():
    result = subprocess.run(["make", "-s", "restore"], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "Usage: make restore FILE=" in result.stderr


def test_history_names_a_model_that_no_longer_exists_without_failing():
    from core.history import _model_label

    assert _model_label("outreach.SecondaryPeacekeeperEvent") == "Secondary peacekeeper"
    assert _model_label("gone.ThingEvent") == "Thing"
