"""The analysts' own door: a read-only role that reads name-free views and nothing else."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from reports import analyst
from tests.factories import ContactFactory, GoalFactory, IncidentFactory, InvolvementFactory, ReferralFactory

ROLE = "test_analyst_door"
PERSONAL = ["Jamal", "Johnson", "Jay-J", "555-0142", "12 Elm Street", "Talked about his brother", "Corner of 5th"]


@pytest.fixture
def program(jamal, peacekeeper):
    jamal.nickname = "Jay-J"
    jamal.phone = "555-0142"
    jamal.address = "12 Elm Street"
    jamal.date_of_birth = datetime.date(2004, 5, 6)
    jamal.save()
    ContactFactory(
        client=jamal,
        peacekeeper=peacekeeper,
        notes="Talked about his brother",
        location="Corner of 5th",
        duration_minutes=90,
    )
    GoalFactory(client=jamal, description="Talked about his brother")
    ReferralFactory(client=jamal, service="Talked about his brother")
    incident = IncidentFactory(address="12 Elm Street", description="Jamal Johnson was there", latitude="47.606209")
    InvolvementFactory(incident=incident, client=jamal, role="witness")
    return jamal


@pytest.fixture
def door(db):
    call_command("analyst_access", "--role", ROLE, stdout=open("/dev/null", "w"))  # noqa: SIM115


@contextlib.contextmanager
def as_analyst():
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {ROLE}")
        try:
            yield cursor
        finally:
            cursor.execute("RESET ROLE")


def _refused(cursor, statement: str, reason: str = "permission denied") -> None:
    with pytest.raises(DatabaseError, match=reason), transaction.atomic():
        cursor.execute(statement)


def _rows(cursor, view: str) -> list[dict]:
    cursor.execute(f"SELECT * FROM {analyst.SCHEMA}.{view}")  # noqa: S608 (our view names)
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class TestTheViews:
    def test_the_analyst_reads_every_view(self, program, door):
        with as_analyst() as cursor:
            rows = {view: _rows(cursor, view) for view in analyst.VIEWS}

        assert {row["client_code"] for row in rows["clients"]} == {program.code}
        assert rows["clients"][0]["age_band"] in {"18_24", "25_34"}
        assert [row["client_code"] for row in rows["contacts"]] == [program.code]
        assert [row["role"] for row in rows["involvements"]] == ["witness"]
        assert rows["incidents"][0]["latitude"] == Decimal("47.606")
        figures = {
            row["figure"]: row["value"] for row in rows["program_figures"] if row["figure"].startswith("contact")
        }
        assert figures == {"contacts": 1, "contact_hours": pytest.approx(1.5)}

    def test_no_view_shows_a_name_or_a_personal_detail(self, program, door):
        with as_analyst() as cursor:
            shown = " ".join(
                str(value) for view in analyst.VIEWS for row in _rows(cursor, view) for value in row.values()
            )
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s", [analyst.SCHEMA]
            )
            columns = {row[0] for row in cursor.fetchall()}

        assert [value for value in PERSONAL if value in shown] == []
        personal_columns = {"first_name", "last_name", "nickname", "date_of_birth", "phone", "address", "notes"}
        assert columns & (personal_columns | {"location", "description", "next_steps", "parties"}) == set()


class TestTheRole:
    def test_it_cannot_read_the_base_tables(self, program, door):
        with as_analyst() as cursor:
            for table in ["outreach_client", "outreach_contact", "incidents_incident", "accounts_accesslog"]:
                _refused(cursor, f"SELECT count(*) FROM {table}")  # noqa: S608
            _refused(cursor, "SELECT first_name FROM public.outreach_clientevent")
            _refused(cursor, "SELECT session_data FROM django_session")

    def test_it_cannot_write(self, program, door):
        with as_analyst() as cursor:
            _refused(cursor, "INSERT INTO analyst.neighborhoods (name) VALUES ('Uptown')")
            _refused(cursor, "UPDATE analyst.responses SET kind = 'vigil'")
            _refused(cursor, "UPDATE analyst.clients SET status = 'exited'", "permission denied|cannot update view")
            _refused(cursor, "DELETE FROM analyst.responses")
            _refused(cursor, "CREATE TABLE public.analyst_scratch (id int)")
            _refused(cursor, "CREATE VIEW analyst.scratch AS SELECT 1 AS one")

    def test_it_is_read_only_with_no_powers_and_no_login_unless_asked(self, door, monkeypatch):
        attributes = "SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = %s"
        with connection.cursor() as cursor:
            cursor.execute(attributes, [ROLE])
            assert cursor.fetchone() == (False, False, False, False)
            cursor.execute(
                "SELECT setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE rolname = %s",
                [ROLE],
            )
            assert "default_transaction_read_only=on" in cursor.fetchone()[0]

        monkeypatch.setenv("ANALYST_PASSWORD", "a long random password")
        call_command("analyst_access", "--role", ROLE, "--password-from-env", "ANALYST_PASSWORD")
        with connection.cursor() as cursor:
            cursor.execute(attributes, [ROLE])
            assert cursor.fetchone() == (False, False, False, True)

    def test_running_it_again_keeps_the_door_as_it_was(self, program, door, capsys):
        call_command("analyst_access", "--role", ROLE)

        assert f"Updated role {ROLE}" in capsys.readouterr().out
        with as_analyst() as cursor:
            assert len(_rows(cursor, "clients")) == 1

    def test_it_refuses_a_superuser_or_the_apps_own_role(self, db):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            own = cursor.fetchone()[0]
        with pytest.raises(CommandError, match="superuser or the app's own role"):
            call_command("analyst_access", "--role", own)

    def test_it_refuses_an_unset_password_variable(self, db, monkeypatch):
        monkeypatch.delenv("NO_SUCH_PASSWORD", raising=False)
        with pytest.raises(CommandError, match="NO_SUCH_PASSWORD is unset"):
            call_command("analyst_access", "--role", ROLE, "--password-from-env", "NO_SUCH_PASSWORD")


class TestMigrations:
    def test_a_migration_may_alter_a_column_a_view_reads_and_the_analyst_keeps_the_views(self, program, door):
        analyst.before_migrate(sender=None)
        with connection.cursor() as cursor:
            # What a migration changing Client.status's max_length does; a view reading it would refuse.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE outreach_client ALTER COLUMN status TYPE varchar(25)")
        analyst.after_migrate(sender=None)

        with as_analyst() as cursor:
            assert [row["status"] for row in _rows(cursor, "clients")] == ["active"]

    def test_migrate_leaves_the_views_in_place(self, program, door):
        call_command("migrate", verbosity=0)

        with as_analyst() as cursor:
            assert len(_rows(cursor, "clients")) == 1
