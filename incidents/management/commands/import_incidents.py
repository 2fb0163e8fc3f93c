import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"No such file: {path}") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start}).") from None
        if progress:
            self.stdout.write("")
        if not report.ok:
            for problem in [report.header_error] if report.header_error else report.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing imported: {len(report.errors) or 1} problem(s) in {path}. Fix them and run again."
            )
        self.stdout.write(self._summary(report, dry_run, time.monotonic() - started))

    def _summary(self, report, dry_run: bool, seconds: float) -> str:
        verb = "Would import" if dry_run else "Imported"
        text = (
            f"{verb} {report.rows:,} rows in {seconds:.1f}s: {report.created:,} created, "
            f"{report.updated:,} updated, {report.unchanged:,} unchanged."
        )
        if report.new_neighborhoods:
            text += " New neighborhoods: " + ", ".join(report.new_neighborhoods) + "."
        if dry_run:
            text += " Dry run: nothing was written."
        return text
