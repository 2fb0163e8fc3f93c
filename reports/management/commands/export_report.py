import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts import access
from core.quarters import Quarter
from core.routers import replica_reads
from reports import exports, periods, publication, quarterly


class Command(BaseCommand):
    help = "Write the quarterly violence and outcome report to a CSV or XLSX file (for scheduled exports)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True)
        parser.add_argument("--output", required=True, help="File to write (its folder must exist).")
        parser.add_argument(
            "--public", action="store_true", help="Refused: public copies are published records (export_public_copy)."
        )

    def handle(self, *args, year: int, quarter: int, format: str, output: str, public: bool, **options) -> None:
        if public:
            raise CommandError(
                "A public copy is written from what was published, never computed again: "
                "use `manage.py export_public_copy --year Y --quarter Q --format F --output PATH`."
            )
        started = time.monotonic()
        try:
            q = Quarter(year, quarter)
            first = periods.first_quarter()
            if not periods.in_range(q, first):
                raise CommandError(
                    f"There is no report for {q.label}: reports run from {first.label} "
                    f"(the first quarter on record) to {periods.running_quarter().label}."
                )
            with replica_reads():
                report = quarterly.build(q)
        except ValueError as error:
            raise CommandError(str(error)) from None
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        if format == "csv":
            path.write_text(exports.to_csv(publication.internal(report)), encoding="utf-8")
        else:
            path.write_bytes(exports.to_xlsx(publication.internal(report)))
        access.record(None, access.Action.EXPORT, f"quarterly {q.label} {format} to {path}")
        state = "preliminary" if report.preliminary else "final"
        self.stdout.write(
            f"Wrote {q.label} ({state}, as of {timezone.localtime(report.computed_at):%Y-%m-%d %H:%M}) to {path} "
            f"in {time.monotonic() - started:.1f}s."
        )
