"""The analysts' own door into the database: a read-only role and name-free views (schema `analyst`).

`python manage.py analyst_access --role NAME` makes both. The views show incidents, pseudonymous
clients (their code, never a name), the program's activity and monthly figures; no names,
nicknames, dates of birth, phones, addresses, notes, locations or free text. The role may read
the views and nothing else: no base table, no write.

The views are owned by the role that runs the command (the app's) and read the base tables with
its rights, so the analysts' role needs no right on any table. Default privileges on the schema
grant the analysts' roles SELECT on every view made there later, so `migrate` can drop the views
before it runs (a view pins the columns it reads: altering one would fail) and make them again
after (see ReportsConfig.ready).
"""

from django.conf import settings
from django.db import connections
from psycopg2 import sql

SCHEMA = "analyst"

# Age bands, not dates of birth; "unknown" when no date of birth was recorded.
_AGE_BAND = """
    CASE
        WHEN date_of_birth IS NULL THEN 'unknown'
        WHEN age(current_date, date_of_birth) < interval '18 years' THEN 'under_18'
        WHEN age(current_date, date_of_birth) < interval '25 years' THEN '18_24'
        WHEN age(current_date, date_of_birth) < interval '35 years' THEN '25_34'
        ELSE '35_and_over'
    END"""

# {tz}: the program's time zone, so that months are local months as in the reports; {age_band}: _AGE_BAND.
VIEWS = {
    "neighborhoods": "SELECT id, name FROM outreach_neighborhood",
    "incidents": """
        SELECT i.id, i.case_number, i.kind, i.occurred_at, i.neighborhood_id, n.name AS neighborhood,
               i.killed, i.injured, i.weapon, i.group_related, i.source, i.retaliation_risk, i.status,
               -- About 100 metres: enough to map, not a doorstep.
               round(i.latitude, 3) AS latitude, round(i.longitude, 3) AS longitude,
               i.created_at, i.updated_at
        FROM incidents_incident i LEFT JOIN outreach_neighborhood n ON n.id = i.neighborhood_id""",
    "clients": """
        SELECT c.code AS client_code, c.neighborhood_id, n.name AS neighborhood, c.gender, {age_band} AS age_band,
               c.risk_level, c.referral_source, c.status, c.referred_on, c.enrolled_on, c.exited_on,
               c.exit_reason, c.last_contact_at
        FROM outreach_client c LEFT JOIN outreach_neighborhood n ON n.id = c.neighborhood_id""",
    "contacts": """
        SELECT t.id, c.code AS client_code, t.occurred_at, t.duration_minutes, t.kind, t.topics,
               t.conflict_risk, t.follow_up_on
        FROM outreach_contact t JOIN outreach_client c ON c.id = t.client_id""",
    "goals": """
        SELECT g.id, c.code AS client_code, g.domain, g.status, g.target_on, g.achieved_on
        FROM outreach_goal g JOIN outreach_client c ON c.id = g.client_id""",
    "referrals": """
        SELECT r.id, c.code AS client_code, p.name AS partner, r.referred_on, r.status, r.completed_on
        FROM outreach_referral r JOIN outreach_client c ON c.id = r.client_id
        JOIN outreach_partner p ON p.id = r.partner_id""",
    "involvements": """
        SELECT v.incident_id, c.code AS client_code, v.role
        FROM incidents_involvement v JOIN outreach_client c ON c.id = v.client_id""",
    "responses": "SELECT id, incident_id, responded_at, kind FROM incidents_response",
    "mediations": """
        SELECT m.id, m.occurred_on, m.neighborhood_id, n.name AS neighborhood, m.outcome, m.incident_id
        FROM incidents_mediation m LEFT JOIN outreach_neighborhood n ON n.id = m.neighborhood_id""",
    "program_figures": """
        SELECT date_trunc('month', referred_on)::date AS month, 'clients_referred' AS figure, count(*)::numeric AS value
        FROM outreach_client GROUP BY 1
        UNION ALL SELECT date_trunc('month', enrolled_on)::date, 'clients_enrolled', count(*)
        FROM outreach_client WHERE enrolled_on IS NOT NULL GROUP BY 1
        UNION ALL SELECT date_trunc('month', exited_on)::date, 'clients_exited', count(*)
        FROM outreach_client WHERE exited_on IS NOT NULL GROUP BY 1
        UNION ALL SELECT date_trunc('month', occurred_at AT TIME ZONE {tz})::date, 'contacts', count(*)
        FROM outreach_contact GROUP BY 1
        UNION ALL SELECT date_trunc('month', occurred_at AT TIME ZONE {tz})::date, 'contact_hours',
               round(sum(duration_minutes) / 60.0, 1)
        FROM outreach_contact GROUP BY 1
        UNION ALL SELECT date_trunc('month', occurred_at AT TIME ZONE {tz})::date, 'clients_contacted',
               count(DISTINCT client_id)
        FROM outreach_contact GROUP BY 1
        UNION ALL SELECT date_trunc('month', achieved_on)::date, 'goals_achieved', count(*)
        FROM outreach_goal WHERE achieved_on IS NOT NULL GROUP BY 1
        UNION ALL SELECT date_trunc('month', completed_on)::date, 'referrals_completed', count(*)
        FROM outreach_referral WHERE completed_on IS NOT NULL GROUP BY 1
        UNION ALL SELECT date_trunc('month', occurred_on)::date, 'mediations', count(*)
        FROM incidents_mediation GROUP BY 1""",
}


class AnalystAccessError(Exception):
    """The analysts' role cannot be made as asked."""


def _quoted(cursor, composable) -> str:
    return composable.as_string(cursor.connection)


def schema_exists(using: str = "default") -> bool:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [SCHEMA])
        return cursor.fetchone() is not None


def create_views(using: str = "default") -> None:
    """(Re)make the schema's views from VIEWS."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        tz = _quoted(cursor, sql.Literal(settings.TIME_ZONE))
        for name, body in VIEWS.items():
            cursor.execute(f"DROP VIEW IF EXISTS {SCHEMA}.{name}")
            cursor.execute(f"CREATE VIEW {SCHEMA}.{name} AS {body.format(tz=tz, age_band=_AGE_BAND)}")
            cursor.execute(f"COMMENT ON VIEW {SCHEMA}.{name} IS %s", ["Name-free; made by manage.py analyst_access."])


def drop_views(using: str = "default") -> None:
    """Drop every view of the schema (kept: the schema, its grants and default privileges)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind = 'v'",
            [SCHEMA],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(
                _quoted(cursor, sql.SQL("DROP VIEW IF EXISTS {} CASCADE").format(sql.Identifier(SCHEMA, name)))
            )


def grant_role(role: str, *, password: str | None, using: str = "default") -> bool:
    """Make `role` (or bring it in line): read-only, the analyst views only. True when it was created."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolname = current_user FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found and (found[0] or found[1]):
            raise AnalystAccessError(f"{role} is a superuser or the app's own role: choose a role of its own.")
        name = _quoted(cursor, sql.Identifier(role))
        login = "LOGIN" if password else "NOLOGIN"
        attributes = f"{login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        cursor.execute(f"{'ALTER' if found else 'CREATE'} ROLE {name} {attributes}")
        cursor.execute(f"ALTER ROLE {name} PASSWORD %s", [password])  # NULL when no password: no login
        database = _quoted(cursor, sql.Identifier(connection.settings_dict["NAME"]))
        cursor.execute(f"ALTER ROLE {name} IN DATABASE {database} SET default_transaction_read_only = on")
        cursor.execute(f"ALTER ROLE {name} IN DATABASE {database} SET search_path = {SCHEMA}")
        cursor.execute(f"GRANT CONNECT ON DATABASE {database} TO {name}")
        cursor.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {name}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {name}")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {name}")
        cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {SCHEMA} GRANT SELECT ON TABLES TO {name}")
        # Nothing of the app's own tables, whatever was granted before.
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}")
        cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM {name}")
    return not found


def before_migrate(sender, using: str = "default", **kwargs) -> None:
    """pre_migrate: drop the analyst views, which would stop a migration from altering a column they read."""
    if schema_exists(using):
        drop_views(using)


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: make the analyst views again (default privileges give the analysts SELECT)."""
    if schema_exists(using):
        create_views(using)
