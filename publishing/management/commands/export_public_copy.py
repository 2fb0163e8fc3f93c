from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from accounts import access
from publishing import frozen
from publishing.models import PublishedCopy
from reports import display, exports


class Command(BaseCommand):
    help = "Write a published public copy of the quarterly report, exactly as published, to a CSV or XLSX file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument(
            "--copy-version", type=int, help="The version of the copy to write (default: the latest published)."
        )
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True)
        parser.add_argument("--output", required=True, help="File to write (its folder must exist).")
        parser.add_argument(
            "--language",
            choices=[code for code, _ in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the file's words: the copy as published, translated (the same figures).",
        )

    def handle(self, *args, language: str = settings.LANGUAGE_CODE, **options) -> None:
        with translation.override(language):
            self._export(**options)

    def _export(self, *, year: int, quarter: int, copy_version: int | None, format: str, output: str, **options):
        version = copy_version
        copies = PublishedCopy.objects.published().filter(year=year, quarter=quarter)
        copy = copies.filter(version=version).first() if version else copies.order_by("version").last()
        if copy is None:
            if version:
                message = gettext("No version %(version)s of public copy of %(year)s Q%(quarter)s has been published.")
            else:
                message = gettext("No public copy of %(year)s Q%(quarter)s has been published.")
            raise CommandError(message % {"version": version, "year": year, "quarter": quarter})
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(gettext("The folder %(folder)s does not exist.") % {"folder": path.parent})
        document = display.document(frozen.thaw(copy.content, published=copy.version_line))
        if format == "csv":
            path.write_text(exports.to_csv(document), encoding="utf-8")
        else:
            path.write_bytes(exports.to_xlsx(document))
        access.record(None, access.Action.EXPORT, f"quarterly {copy.label} public {format} to {path}")
        self.stdout.write(
            gettext("Wrote %(copy)s of the public copy, as published, to %(path)s.")
            % {"copy": display.text(copy.label), "path": path}
        )
