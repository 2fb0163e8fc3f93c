"""`make bench`, the import: 100,000 new incidents through `manage.py import_incidents` in a child
process, timed, with its peak memory (the child's maximum resident set size)."""

import csv
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
IMPORT_ROWS = 100_000


def bench_import(url: str, seed: int, out_dir: Path) -> dict:
    """Time `manage.py import_incidents` on 100,000 new incidents in a child process."""
    path = out_dir / "import-100k.csv"
    write_import_csv(path, seed)
    env = {**os.environ, "DATABASE_URL": url}
    log = out_dir / "import.log"
    print(f"Importing {IMPORT_ROWS:,} rows with manage.py import_incidents...", flush=True)
    with open(log, "w") as out:
        started = time.perf_counter()
        child = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, str(BASE_DIR / "manage.py"), "import_incidents", str(path)],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    summary = log.read_text().strip().splitlines()[-1:] or [""]
    ok = child.returncode == 0 and seconds <= 30 and peak_mb <= 400
    print(f"  {summary[0]}", flush=True)
    return {
        "rows": IMPORT_ROWS,
        "seconds": round(seconds, 1),
        "peak_mb": round(peak_mb),
        "exit_code": child.returncode,
        "summary": summary[0],
        "target": "≤ 30 s, ≤ 400 MB",
        "ok": ok,
    }


def write_import_csv(path: Path, seed: int) -> None:
    """New incidents (case numbers unique to this run), valid, over the last ten years."""
    from incidents.importer import COLUMNS
    from sample_data.generate.outreach import NEIGHBORHOODS

    rng = random.Random(seed)  # noqa: S311 (test data)
    run = datetime.datetime.now().strftime("%Y%m%d%H%M%S")  # noqa: DTZ005 (a label)
    today = datetime.date.today()  # noqa: DTZ011 (a local date is what the file holds)
    kinds = [
        ("homicide", 1, 0, "firearm"),
        ("nonfatal_shooting", 0, 1, "firearm"),
        ("shots_fired", 0, 0, "firearm"),
        ("aggravated_assault", 0, 1, "knife"),
        ("other", 0, 0, "unknown"),
    ]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(IMPORT_ROWS):
            kind, killed, injured, weapon = rng.choices(kinds, [4, 14, 30, 37, 15])[0]
            day = today - datetime.timedelta(days=rng.randint(1, 3650))
            when = f"{day.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            located = rng.random() < 0.8
            writer.writerow(
                [
                    f"BENCH-{run}-{i:06d}",
                    when,
                    kind,
                    rng.choice(NEIGHBORHOODS),
                    f"{rng.randint(100, 9999)} Main St",
                    f"{37.9 + rng.random() / 10:.6f}" if located else "",
                    f"{-121.3 + rng.random() / 10:.6f}" if located else "",
                    killed,
                    injured,
                    weapon,
                    "Imported for the benchmark",
                ]
            )
