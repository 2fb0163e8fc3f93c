import time

from django.core.management.base import BaseCommand, CommandError

from publishing import tasks
from reports import publication
from reports.audit import SMALL_HIGH, SMALL_LOW


class Command(BaseCommand):
    help = (
        "Audit every published public copy of a year and of the years around it again, as a reader holding them "
        "all would (integer programming): print the narrowest range found for a hidden small count. Exits 1 when "
        "a small count can be narrowed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year: int, **options) -> None:
        if not 1900 <= year <= 9999:
            raise CommandError("--year must be between 1900 and 9999.")
        copies = tasks.released_around(year)
        if not any(c.year == year for c in copies):
            raise CommandError(f"No public copy of {year} has been published.")
        started = time.monotonic()
        self.stdout.write(f"Auditing {len(copies)} published copies ({copies[0].year} to {copies[-1].year})...")
        last = [0.0]

        def progress(done: int, total: int, text: str) -> None:
            if time.monotonic() - last[0] >= 5 or done == total:
                last[0] = time.monotonic()
                self.stdout.write(f"  {text}")

        result = publication.audit_released([tasks.released(c) for c in copies], progress=progress)
        self.stdout.write(result["summary"])
        narrowest = result["narrowest"]
        if narrowest:
            high = "any number" if narrowest["high"] is None else narrowest["high"]
            self.stdout.write(
                f"Narrowest range for a hidden small count: {narrowest['low']} to {high} ({narrowest['copy']}, "
                f"{narrowest['table']}, {narrowest['row']}, {narrowest['column']}); the protection asks for at least "
                f"{SMALL_LOW} to {SMALL_HIGH}."
            )
        for split in result["split"]:
            self.stdout.write(f"Read copy by copy (published copies disagree after corrections): {split}.")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
        if any(not cell["protected"] for cell in result["cells"]):
            raise CommandError("A hidden small count can be narrowed below the protection: see above.")
