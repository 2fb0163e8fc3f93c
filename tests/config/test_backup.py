"""Backups restore into every supported server (PostgreSQL 15 and newer), both ways, and stay private.

The embedded server is PostgreSQL 18; the machine's own server on 127.0.0.1:5432 is 15 on this
project's machines and in CI. A dump made by pg_dump 18 carries settings 15 does not know
(`SET transaction_timeout`), which once stopped a restore before it wrote anything.
"""

import io
import stat
import uuid

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from config import backup
from tests.factories import ClientFactory, ContactFactory, GoalFactory, IncidentFactory, ReferralFactory

MACHINE_SERVER = {"HOST": "127.0.0.1", "PORT": "5432", "USER": "postgres", "PASSWORD": "", "NAME": "postgres"}


def _connect(db: dict):
    return psycopg2.connect(
        host=db["HOST"],
        port=db.get("PORT") or None,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
        connect_timeout=5,
    )


def _query(db: dict, sql: str, params: tuple = ()) -> list[tuple]:
    conn = _connect(db)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def _row_counts(db: dict) -> dict[str, int]:
    tables = _query(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    conn = _connect(db)
    try:
        with conn.cursor() as cursor:
            counts = {}
            for (table,) in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalog)
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        conn.close()


def _empty_database(server: dict):
    """A new, empty database on `server`; dropped afterwards."""
    name = f"peacekeeper_restore_{uuid.uuid4().hex[:8]}"
    admin = _connect(server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**server, "NAME": name}
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def machine_database():
    """An empty database on the machine's own PostgreSQL (15 here and in CI)."""
    try:
        _connect(MACHINE_SERVER).close()
    except psycopg2.OperationalError as error:
        pytest.skip(f"the machine's PostgreSQL on 127.0.0.1:5432 is unreachable ({error}".strip() + ")")
    yield from _empty_database(MACHINE_SERVER)


@pytest.fixture
def embedded_database(transactional_db):
    """An empty database on the embedded server (18), beside the test database."""
    yield from _empty_database({**connection.settings_dict, "NAME": "postgres"})


@pytest.fixture
def program(transactional_db, peacekeeper):
    """A little of everything, committed so that pg_dump sees it; audit events come with it."""
    clients = ClientFactory.create_batch(3, primary_peacekeeper=peacekeeper)
    for record in clients:
        ContactFactory.create_batch(2, client=record, peacekeeper=peacekeeper)
        GoalFactory(client=record)
        ReferralFactory(client=record)
    IncidentFactory.create_batch(4)
    clients[0].risk_level = "high"
    clients[0].save()
    return clients


@pytest.fixture
def analyst_door(program):
    """The analysts' role and views: the dump carries grants to a role the other server lacks."""
    call_command("analyst_access", "--role", "backup_test_analyst", stdout=io.StringIO())
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP OWNED BY backup_test_analyst")
        cursor.execute("DROP ROLE backup_test_analyst")


def _assert_triggers_fire(db: dict) -> None:
    """The audit trail and the last-contact cache still work in the restored database."""
    client_id, contact_id = _query(db, "SELECT client_id, id FROM outreach_contact ORDER BY id LIMIT 1")[0]
    events = "SELECT count(*) FROM outreach_clientevent WHERE pgh_obj_id = %s AND pgh_label = 'update'"
    before = _query(db, events, (client_id,))[0][0]
    _query(db, "UPDATE outreach_client SET risk_level = 'moderate' WHERE id = %s", (client_id,))
    assert _query(db, events, (client_id,))[0][0] == before + 1
    deleted = "SELECT count(*) FROM outreach_contactevent WHERE pgh_obj_id = %s AND pgh_label = 'delete'"
    _query(db, "DELETE FROM outreach_contact WHERE client_id = %s", (client_id,))
    assert _query(db, deleted, (contact_id,))[0][0] == 1
    assert _query(db, "SELECT last_contact_at FROM outreach_client WHERE id = %s", (client_id,))[0][0] is None


@pytest.mark.slow
def test_a_backup_of_the_embedded_server_restores_into_the_machines_older_server(program, tmp_path, machine_database):
    source = dict(connection.settings_dict)

    backup.restore(machine_database, backup.dump(source, tmp_path))

    assert _row_counts(machine_database) == _row_counts(source)
    assert _row_counts(source)["outreach_clientevent"] > 0
    _assert_triggers_fire(machine_database)


@pytest.mark.slow
def test_a_backup_of_the_machines_server_restores_into_the_embedded_server(
    program, tmp_path, machine_database, embedded_database
):
    backup.restore(machine_database, backup.dump(dict(connection.settings_dict), tmp_path / "first"))

    backup.restore(embedded_database, backup.dump(machine_database, tmp_path / "second"))

    assert _row_counts(embedded_database) == _row_counts(machine_database)
    _assert_triggers_fire(embedded_database)


@pytest.mark.slow
def test_restore_refuses_a_database_that_has_tables(program, tmp_path, machine_database):
    path = backup.dump(dict(connection.settings_dict), tmp_path)
    backup.restore(machine_database, path)
    counts = _row_counts(machine_database)

    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(machine_database, path)
    assert _row_counts(machine_database) == counts


def test_a_backup_file_is_readable_by_its_owner_only(transactional_db, tmp_path):
    path = backup.dump(dict(connection.settings_dict), tmp_path / "backups")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert list(path.parent.iterdir()) == [path]


@pytest.mark.slow
def test_a_broken_backup_restores_nothing(program, tmp_path, machine_database):
    path = backup.dump(dict(connection.settings_dict), tmp_path)
    broken = tmp_path / "broken.dump"
    broken.write_bytes(path.read_bytes()[: path.stat().st_size * 9 // 10])

    with pytest.raises(backup.BackupError, match="nothing was written"):
        backup.restore(machine_database, broken)
    assert _row_counts(machine_database) == {}


@pytest.mark.slow
def test_a_restore_that_pg_restore_abandons_half_way_writes_nothing(tmp_path, machine_database, monkeypatch):
    # pg_restore writes a valid first part of the script, then fails (a file cut at an entry's end).
    half_way = tmp_path / "pg_restore"
    half_way.write_text("#!/bin/sh\necho 'CREATE TABLE public.half_restored (id int);'\nexit 1\n")
    half_way.chmod(0o700)
    real = backup._binary
    monkeypatch.setattr(backup, "_binary", lambda name, *a: str(half_way) if name == "pg_restore" else real(name))
    (tmp_path / "any.dump").write_bytes(b"PGDMP")

    with pytest.raises(backup.BackupError, match="nothing was written"):
        backup.restore(machine_database, tmp_path / "any.dump")
    assert _row_counts(machine_database) == {}
