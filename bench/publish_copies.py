"""Prepare and publish a public copy of every quarter of some years, in order, as a manager would, then
re-audit each year with `audit_public_copies` (docs/public-copies.md, "Measured"). For measuring the
protection and the time it takes on a copy of real or generated data: never on a live database (the
copies it publishes are records nobody can remove).

    DATABASE_URL=... python bench/publish_copies.py --years 2016-2018 --by manager
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from publishing import services, tasks  # noqa: E402
from publishing.models import CopyStatus, PublishedCopy  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", required=True, help="FIRST-LAST, e.g. 2016-2018")
    parser.add_argument("--by", required=True, help="The manager's username")
    options = parser.parse_args()
    first, last = (int(y) for y in options.years.split("-"))
    by = User.objects.get(username=options.by)
    started = time.monotonic()
    for year in range(first, last + 1):
        for quarter in range(1, 5):
            begun = time.monotonic()
            copy = PublishedCopy.objects.create(year=year, quarter=quarter, prepared_by=by)
            tasks.prepare_copy.call(copy.pk)
            copy.refresh_from_db()
            if copy.status != CopyStatus.READY:
                print(f"{year} Q{quarter}: {copy.status}: {copy.failure}", flush=True)
                continue
            services.copy_publish(
                copy=copy, by=by, reason="" if copy.version is None else "measured", gives_away_accepted=True
            )
            print(
                f"{year} Q{quarter}: {len(copy.hidden_values)} hidden, {copy.audit['summary']} "
                f"({time.monotonic() - begun:.1f} s)",
                flush=True,
            )
    print(f"Published in {time.monotonic() - started:.0f} s.", flush=True)
    for year in range(first, last + 1):
        try:
            call_command("audit_public_copies", "--year", str(year))
        except Exception as error:  # the command exits 1 on a leak: report and go on
            print(f"{year}: {error}", flush=True)


if __name__ == "__main__":
    main()
