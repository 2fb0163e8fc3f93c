"""Spreadsheet-safe exports: the one rule every CSV and XLSX the project writes goes through.

A text cell starting with =, +, -, @, a tab or a carriage return is a formula to Excel and
LibreOffice (a client named `=HYPERLINK(...)` becomes a live link; `@SUM(...)` or
`+cmd|...` worse). SPEC section 7: every export neutralises them. `neutralise` prefixes such text
with an apostrophe, as OWASP advises and defusedcsv does (defusedcsv leaves tabs and carriage
returns alone, so the rule is kept here, once). Numbers stay numbers, and text that is just a
number ("-5") is left as it is: it is a number to a spreadsheet, not a formula.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.utils.functional import Promise
from django.utils.translation import gettext
from django_tables2.export import ExportMixin, TableExport
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.writer.excel import ExcelWriter
from tablib import Dataset

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet should read it: text that would start a formula gets a leading '."""
    if isinstance(value, Promise):  # a translated label (choices, verbose names): its text, in the current language
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def xlsx_value(value: Any) -> Any:
    """A neutralised cell for openpyxl: also without the control characters XLSX cannot hold."""
    value = neutralise(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_append(sheet, row: Iterable[Any]) -> None:
    """sheet.append, every text cell neutralised and typed as text (never a formula)."""
    sheet.append([xlsx_value(value) for value in row])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _csv_value(value: Any) -> Any:
    value = neutralise(value)
    if isinstance(value, str) and "\r" in value:
        # csv.writer quotes a field only for the characters of its line terminator: with "\n" a bare
        # carriage return went out unquoted, and readers start a new row there (a fresh first cell).
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class _NeutralisedWriter:
    def __init__(self, writer) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([_csv_value(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **options) -> _NeutralisedWriter:
    """csv.writer whose rows are neutralised."""
    return _NeutralisedWriter(csv.writer(out, **options))


class NeutralisedTableExport(TableExport):
    """django-tables2's export with every cell neutralised (headers too) before tablib writes it."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        exported = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        clean = xlsx_value if self.format == self.XLSX else neutralise
        dataset = Dataset(title=exported.title, headers=[clean(h) for h in exported.headers or []])
        for row in exported:
            dataset.append([clean(value) for value in row])
        return dataset


class ListExportMixin(ExportMixin):
    """`?_export=csv|xlsx` on a filtered list: for whom `may_export` says, logged, neutralised.

    Anything but a known format answers 400 before it reaches the access log; so do filters that
    do not validate (an export of "nothing matched" would look like real data).
    """

    export_class = NeutralisedTableExport
    export_formats = (TableExport.CSV, TableExport.XLSX)
    export_label = "list"

    def may_export(self) -> bool:
        raise NotImplementedError

    def record_export(self, description: str) -> None:
        """Log the export (accounts.access.LoggedExportMixin does): no export goes out unrecorded."""
        raise NotImplementedError

    def render_to_response(self, context, **kwargs):
        export_format = self.request.GET.get(self.export_trigger_param)
        if not export_format:
            return super().render_to_response(context, **kwargs)
        if export_format not in self.export_formats:
            return HttpResponseBadRequest("_export must be csv or xlsx.", content_type="text/plain; charset=utf-8")
        if not self.may_export():
            raise PermissionDenied(f"Your role may not export the {self.export_label}.")
        filterset = getattr(self, "filterset", None)
        if filterset is not None and filterset.is_bound and not filterset.is_valid():
            return HttpResponseBadRequest(
                gettext("The filters are not valid: correct them on the list, then export again."),
                content_type="text/plain; charset=utf-8",
            )
        query = self.request.GET.urlencode()
        self.record_export(f"{self.export_label} {export_format} ({query})"[:300])
        return self.create_export(export_format)


class _StampedZip(zipfile.ZipFile):
    """A zip whose entries all carry one time, not the clock's (zipfile stamps entries with now, or with
    the file's own time)."""

    def __init__(self, *args, stamp: tuple, **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp = stamp

    def writestr(self, name, data, *args, **kwargs):
        if isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=self.stamp)
            name.compress_type = zipfile.ZIP_DEFLATED
        return super().writestr(name, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):  # openpyxl writes each sheet from a file
        with open(filename, "rb") as source:
            return self.writestr(arcname or str(filename), source.read())


def xlsx_bytes(workbook: Workbook, *, at: datetime.datetime) -> bytes:
    """The workbook's bytes, the same on every call for the same content: its document properties and every
    entry of its zip stamped `at` (a published copy is a record: its file must not change with the clock)."""
    moment = at.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = workbook.properties.modified = moment
    out = io.BytesIO()
    stamp = max(moment.timetuple()[:6], ZIP_EARLIEST)
    with _StampedZip(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True, stamp=stamp) as archive:
        ExcelWriter(workbook, archive).save()
    return out.getvalue()


ZIP_EARLIEST = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
