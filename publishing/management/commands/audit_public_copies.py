import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from publishing import tasks
from reports import display, publication
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
            raise CommandError(gettext("--year must be between 1900 and 9999."))
        copies = tasks.released_around(year)
        if not any(c.year == year for c in copies):
            raise CommandError(gettext("No public copy of %(year)s has been published.") % {"year": year})
        started = time.monotonic()
        self.stdout.write(
            ngettext(
                "Auditing %(count)s published copy (%(first)s to %(last)s)...",
                "Auditing %(count)s published copies (%(first)s to %(last)s)...",
                len(copies),
            )
            % {"count": len(copies), "first": copies[0].year, "last": copies[-1].year}
        )
        last = [0.0]

        def progress(done: int, total: int, text: str) -> None:
            if time.monotonic() - last[0] >= 5 or done == total:
                last[0] = time.monotonic()
                self.stdout.write(f"  {display.text(text)}")

        result = publication.audit_released([tasks.released(c) for c in copies], progress=progress)
        self.stdout.write(display.text(result["summary"]))
        narrowest = result["narrowest"]
        if narrowest:
            high = gettext("any number") if narrowest["high"] is None else narrowest["high"]
            self.stdout.write(
                gettext(
                    "Narrowest range for a hidden small count: %(low)s to %(high)s (%(copy)s, %(table)s, %(row)s, "
                    "%(column)s); the protection asks for at least %(small_low)s to %(small_high)s."
                )
                % {
                    "low": narrowest["low"],
                    "high": high,
                    **{key: display.text(narrowest[key]) for key in ("copy", "table", "row", "column")},
                    "small_low": SMALL_LOW,
                    "small_high": SMALL_HIGH,
                }
            )
        for split in result["split"]:
            self.stdout.write(
                gettext("Read copy by copy (published copies disagree after corrections): %(split)s.")
                % {"split": display.text(split)}
            )
        self.stdout.write(gettext("Done in %(seconds)s s.") % {"seconds": f"{time.monotonic() - started:.1f}"})
        if any(not cell["protected"] for cell in result["cells"]):
            raise CommandError(gettext("A hidden small count can be narrowed below the protection: see above."))
