"""With DATABASE_REPLICA_URL set, report reads go to the replica and writes never do.

Two real databases on the test server stand in for a primary and its replica; each holds
different data, so the figures a report shows tell which one it read.
"""

import pytest
from django.db import connection

from tests.config.helpers import run_python

SCRIPT = """
import datetime, django
django.setup()
from django.utils import timezone
from accounts import access
from accounts.models import AccessLog
from core.quarters import Quarter
from core.routers import replica_reads
from incidents import counting
from reports import quarterly
with replica_reads():
    report = quarterly.build(Quarter(2018, 1))
    access.record(None, "export", "written inside a replica block")
print("report", report.sections[0].tables[0].rows[0][1][1])
print("outside", counting.violence_between(*counting.year_window(2018)).homicides)
print("log_primary", AccessLog.objects.using("default").count())
print("log_replica", AccessLog.objects.using("replica").count())
"""

SEED = """
import datetime, django, sys
django.setup()
from incidents.models import Incident
from django.utils import timezone
Incident.objects.create(case_number="R-1", kind="homicide", killed=int(sys.argv[1]), weapon="firearm",
                        occurred_at=timezone.make_aware(datetime.datetime(2018, 3, 1, 12)))
"""


def _url(db: dict, name: str) -> str:
    host, port = db["HOST"], db.get("PORT") or "5432"
    user = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    if host.startswith("/"):
        return f"postgres://{user}@/{name}?host={host}&port={port}"
    return f"postgres://{user}@{host}:{port}/{name}"


def _env(**extra) -> dict:
    return {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1", **extra}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_report_reads_go_to_the_replica_and_writes_never_do():
    db = connection.settings_dict
    primary, replica = f"{db['NAME']}_primary", f"{db['NAME']}_replica"
    with connection.cursor() as cursor:
        for name in (primary, replica):
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        for name, killed in ((primary, 5), (replica, 7)):
            migrated = run_python(
                "import subprocess, sys; sys.exit(subprocess.call([sys.executable, 'manage.py', 'migrate', '-v0']))",
                env=_env(DATABASE_URL=_url(db, name)),
                timeout=180,
            )
            assert migrated.returncode == 0, migrated.stderr
            seeded = run_python(
                f"import sys; sys.argv = ['x', '{killed}']\n" + SEED, env=_env(DATABASE_URL=_url(db, name))
            )
            assert seeded.returncode == 0, seeded.stderr
        result = run_python(
            SCRIPT, env=_env(DATABASE_URL=_url(db, primary), DATABASE_REPLICA_URL=_url(db, replica)), timeout=120
        )
        assert result.returncode == 0, result.stderr
        lines = dict(line.split() for line in result.stdout.splitlines())
        assert lines == {"report": "7", "outside": "5", "log_primary": "1", "log_replica": "0"}
    finally:
        with connection.cursor() as cursor:
            for name in (primary, replica):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
