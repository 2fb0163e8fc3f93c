import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from incidents.importer import COLUMNS, ProgressPrinter, import_incidents


class Command(BaseCommand):
    help = (
        "Import incidents from a CSV file with the header " + ",".join(COLUMNS) + ". All or nothing: any bad "
        "row rejects the whole file. Re-importing a case number updates that incident."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="CSV file, UTF-8 (a BOM is fine)")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")

    def handle(self, *args, path: str, dry_run: bool, **options) -> None:
        started = time.monotonic()
        progress = None
        if self.stdout.isatty():
            with open(path, encoding="utf-8-sig", newline="") as counting:
                total = max(sum(1 for _ in counting) - 1, 0)
            progress = ProgressPrinter(self.stdout, total)
        try:
            with open(path, encoding="utf-8-sig", newline="") as lines:
                report = import_incidents(
                    lines,
                    dry_run=dry_run,
                    progress=progress,
                    source=f"import_incidents {Path(path).name}",
                    file_name=Path(path).name,
                )
        except FileNotFoundError:
            raise CommandError(gettext("No such file: %(path)s") % {"path": path}) from None
        except UnicodeDecodeError as error:
            raise CommandError(
                gettext("%(path)s is not UTF-8 text (%(reason)s at byte %(byte)s).")
                % {"path": path, "reason": error.reason, "byte": error.start}
            ) from None
        if progress:
            self.stdout.write("")
        if not report.ok:
            for problem in [report.header_error] if report.header_error else report.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                gettext("Nothing imported: %(n)s problem(s) in %(path)s. Fix them and run again.")
                % {"n": len(report.errors) or 1, "path": path}
            )
        self.stdout.write(self._summary(report, dry_run, time.monotonic() - started))

    def _summary(self, report, dry_run: bool, seconds: float) -> str:
        counts = {
            "rows": f"{report.rows:,}",
            "seconds": f"{seconds:.1f}",
            "created": f"{report.created:,}",
            "updated": f"{report.updated:,}",
            "unchanged": f"{report.unchanged:,}",
        }
        if dry_run:
            text = gettext(
                "Would import %(rows)s rows in %(seconds)ss: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
        else:
            text = gettext(
                "Imported %(rows)s rows in %(seconds)ss: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
        text %= counts
        if report.new_neighborhoods:
            text += " " + gettext("New neighborhoods: %(names)s.") % {"names": ", ".join(report.new_neighborhoods)}
        if dry_run:
            text += " " + gettext("Dry run: nothing was written.")
        return text
