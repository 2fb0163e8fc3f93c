"""`make bench`, the report: the machine, the data, and the table of figures printed at the end."""

import math
import os
import platform
import statistics
import time
from pathlib import Path


def data_sizes() -> dict:
    from django.contrib.auth.models import User

    from incidents.models import Conflict, Group, GroupAssociation, Incident, Mediation, ResponseCase, ResponseTask
    from outreach.models import Client, Contact, Goal, Referral

    counted = (Client, Contact, Goal, Referral, Incident, ResponseCase, ResponseTask, Group, GroupAssociation, Conflict)
    sizes = {str(m._meta.verbose_name_plural): m.objects.count() for m in counted}
    sizes["mediations"] = Mediation.objects.count()
    sizes["users"] = User.objects.count()
    return sizes


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line), ""
        )
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "postgres": postgres,
        "database_host": connection.settings_dict["HOST"],
        "cpu_reference_ms": cpu_reference_ms(),
    }


def cpu_reference_ms() -> float:
    """The best of five runs of a fixed pure-Python loop. Shared machines of the same kind differ in
    speed from day to day (generate_data took 31 s on one and 60 s on the next), so two runs
    compare only beside this figure."""
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def connect_ms() -> float:
    """What one new database connection costs (paid per request when DATABASE_CONN_MAX_AGE is 0)."""
    import psycopg2
    from django.db import connection

    params = connection.get_connection_params()
    times = []
    for _ in range(10):
        started = time.perf_counter()
        psycopg2.connect(**params).close()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def print_table(report: dict) -> None:
    m = report["machine"]
    print(f"\nMachine: {m['cpus']} CPUs ({m['cpu']}), {m['memory']}, Python {m['python']}, PostgreSQL {m['postgres']}")
    print(f"CPU reference (a fixed Python loop; lower is faster): {m['cpu_reference_ms']} ms")
    print("Data: " + ", ".join(f"{n:,} {name}" for name, n in report["data"].items()))
    gen = report["generate"]
    if gen["seconds"] is not None:
        verdict = "ok" if gen["ok"] else "FAIL"
        target = f"target < {gen['target_seconds']:g} s: {verdict}"
        print(f"generate_data --scale {report['scale']:g}: {gen['seconds']} s ({target})")
    print(f"A new database connection: {report['connect_ms']} ms\n")
    header = ["page", "median ms", "p95 ms", "queries", "SQL ms", "page/SQL", "target", "ok"]
    rows = []
    for r in report["pages"]:
        ratio = f"{r['median_ms'] / r['sql_ms']:.1f}" if r["sql_ms"] else ""
        ok = "" if r["ok"] is None else ("ok" if r["ok"] else "FAIL")
        rows.append([r["name"], f"{r['median_ms']:.1f}", f"{r['p95_ms']:.1f}", str(r["queries"]), f"{r['sql_ms']:.1f}"])
        rows[-1] += [ratio, r["target"], ok]
    replay = report.get("field_replay")
    if replay:
        again = f"{replay['again_seconds']:.2f} s again, {replay['rows_made']} rows"
        name = f"field mode: replay {replay['records']} contacts ({again})"
        rows.append(
            [
                name,
                f"{replay['seconds'] * 1000:.0f}",
                "",
                "",
                "",
                "",
                replay["target"],
                "ok" if replay["ok"] else "FAIL",
            ]
        )
    imp = report["import"]
    if imp:
        ok = "ok" if imp["ok"] else "FAIL"
        name = f"import {imp['rows']:,} rows (peak {imp['peak_mb']} MB)"
        rows.append([name, f"{imp['seconds'] * 1000:.0f}", "", "", "", "", imp["target"], ok])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print(
            "  ".join(
                str(cell).ljust(w) if i in (0, 6) else str(cell).rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
