"""The quarterly report as files: tidy CSV and XLSX (a sheet per section and a definitions sheet)."""

import csv
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from config.routers import replica_reads
from reports.quarterly import Report, Table, build
from reports.suppression import Suppressed, suppress

CSV_HEADER = ["section", "table", "metric", "period", "value"]


def published_tables(report: Report, *, public: bool) -> tuple[list[tuple[str, list[Table]]], list[Suppressed]]:
    """The report's tables by section, suppressed for a public copy.

    A public copy is suppressed in step with the public copies of the year's earlier quarters
    (see reports.suppression), so those are built too: up to three more reports, for Q4.
    """
    previous = _earlier_public_tables(report) if public else {}
    sections, notes = [], []
    for section in report.sections:
        tables = []
        for table in section.tables:
            if public:
                table, hidden = suppress(table, previous.get(table.key))
                notes += hidden
            tables.append(table)
        sections.append((section.title, tables))
    return sections, notes


def _earlier_public_tables(report: Report) -> dict[str, Table]:
    """The previous quarter's public tables by key, when it is in the same year."""
    if report.quarter.number == 1:
        return {}
    with replica_reads():
        earlier = build(report.quarter.previous(), now=report.computed_at)
    sections, _ = published_tables(earlier, public=True)
    return {table.key: table for _, tables in sections for table in tables}


def to_csv(report: Report, *, public: bool) -> str:
    """One row per figure: section,table,metric,period,value (value may be "<5" in a public copy)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    sections, _ = published_tables(report, public=public)
    for section_title, tables in sections:
        for table in tables:
            for label, values in table.rows:
                for column, value in zip(table.columns, values, strict=True):
                    if value is not None:
                        writer.writerow([section_title, table.title, label, column, value])
    return out.getvalue()


def to_xlsx(report: Report, *, public: bool) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Report"
    bold = Font(bold=True)
    cover.append([f"Violence and outcome report, {report.quarter.label} ({report.quarter.months})"])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([report.headline])
    cover.append([_status(report)])
    if public:
        cover.append(
            [
                "Public copy: counts from 1 to 4 are shown as <5, and some other cells are hidden so they "
                "cannot be worked out. See the Suppressed sheet."
            ]
        )
    sections, notes = published_tables(report, public=public)
    for section_title, tables in sections:
        sheet = workbook.create_sheet(section_title)
        sheet.append([f"{section_title}, {report.quarter.label}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([_status(report)])
        sheet.freeze_panes = "A3"
        for table in tables:
            sheet.append([])
            sheet.append([table.title])
            sheet.cell(sheet.max_row, 1).font = bold
            sheet.append(["", *table.columns])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for label, values in table.rows:
                sheet.append([label, *("" if v is None else v for v in values)])
        sheet.column_dimensions["A"].width = 48
        for column in range(2, 8):
            sheet.column_dimensions[get_column_letter(column)].width = 22
    definitions = workbook.create_sheet("Definitions")
    definitions.append(["Table", "How it is counted"])
    for cell in definitions[1]:
        cell.font = bold
    definitions.freeze_panes = "A2"
    for section in report.sections:
        for table in section.tables:
            definitions.append([table.title, table.definition or ""])
    definitions.column_dimensions["A"].width = 48
    definitions.column_dimensions["B"].width = 120
    if public:
        hidden = workbook.create_sheet("Suppressed")
        hidden.append(["Table", "Row", "Column", "Why"])
        hidden.freeze_panes = "A2"
        for note in notes:
            hidden.append([note.table, note.row, note.column, note.reason])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _status(report: Report) -> str:
    computed = timezone.localtime(report.computed_at).strftime("%b %d, %Y %I:%M %p")
    if report.preliminary:
        return f"Preliminary: the quarter is not over. Figures as of {computed}."
    return f"Final for the quarter. Computed {computed}."
