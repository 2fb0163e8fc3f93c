from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import access
from publishing import frozen
from publishing.models import PublishedCopy
from reports import exports


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

    def handle(self, *args, year: int, quarter: int, copy_version: int | None, format: str, output: str, **options):
        version = copy_version
        copies = PublishedCopy.objects.published().filter(year=year, quarter=quarter)
        copy = copies.filter(version=version).first() if version else copies.order_by("version").last()
        if copy is None:
            which = f"version {version} of " if version else ""
            raise CommandError(f"No {which}public copy of {year} Q{quarter} has been published.")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        document = frozen.thaw(copy.content, published=copy.version_line)
        if format == "csv":
            path.write_text(exports.to_csv(document), encoding="utf-8")
        else:
            path.write_bytes(exports.to_xlsx(document))
        access.record(None, access.Action.EXPORT, f"quarterly {copy.label} public {format} to {path}")
        self.stdout.write(f"Wrote {copy.label} of the public copy, as published, to {path}.")
