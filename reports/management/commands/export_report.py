import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import access
from core.quarters import Quarter
from core.routers import replica_reads
from reports import display, exports, periods, publication, quarterly


class Command(BaseCommand):
    help = "Write the quarterly violence and outcome report to a CSV or XLSX file (for scheduled exports)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True)
        parser.add_argument("--output", required=True, help="File to write (its folder must exist).")
        parser.add_argument(
            "--language",
            choices=[code for code, _ in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the file's words (the figures are the same in every language).",
        )
        parser.add_argument(
            "--public", action="store_true", help="Refused: public copies are published records (export_public_copy)."
        )

    def handle(self, *args, language: str = settings.LANGUAGE_CODE, **options) -> None:
        with translation.override(language):
            self._export(**options)

    def _export(self, *, year: int, quarter: int, format: str, output: str, public: bool, **options) -> None:
        if public:
            raise CommandError(
                gettext(
                    "A public copy is written from what was published, never computed again: "
                    "use `manage.py export_public_copy --year Y --quarter Q --format F --output PATH`."
                )
            )
        started = time.monotonic()
        try:
            q = Quarter(year, quarter)
            first = periods.first_quarter()
            if not periods.in_range(q, first):
                raise CommandError(
                    gettext(
                        "There is no report for %(quarter)s: reports run from %(first)s (the first quarter on record) "
                        "to %(last)s."
                    )
                    % {
                        "quarter": display.quarter_label(q.label),
                        "first": display.quarter_label(first.label),
                        "last": display.quarter_label(periods.running_quarter().label),
                    }
                )
            with replica_reads():
                report = quarterly.build(q)
        except ValueError as error:
            raise CommandError(str(error)) from None
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(gettext("The folder %(folder)s does not exist.") % {"folder": path.parent})
        copy = display.document(publication.internal(report))
        if format == "csv":
            path.write_text(exports.to_csv(copy), encoding="utf-8")
        else:
            path.write_bytes(exports.to_xlsx(copy))
        access.record(None, access.Action.EXPORT, f"quarterly {q.label} {format} to {path}")
        values = {
            "quarter": display.quarter_label(q.label),
            "at": f"{timezone.localtime(report.computed_at):%Y-%m-%d %H:%M}",
            "path": path,
            "seconds": f"{time.monotonic() - started:.1f}",
        }
        if report.preliminary:
            line = gettext("Wrote %(quarter)s (preliminary, as of %(at)s) to %(path)s in %(seconds)ss.")
        else:
            line = gettext("Wrote %(quarter)s (final, as of %(at)s) to %(path)s in %(seconds)ss.")
        self.stdout.write(line % values)
