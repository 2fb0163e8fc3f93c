"""The quarterly report as files: tidy CSV and XLSX (a sheet per section and a definitions sheet)."""

import io
from dataclasses import replace

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.exports import csv_writer, xlsx_append
from core.routers import replica_reads
from reports.quarterly import Report, Table, build
from reports.suppression import COMPLEMENTARY, Suppressed, suppress

CSV_HEADER = ["section", "table", "metric", "period", "value"]


def published_tables(report: Report, *, public: bool) -> tuple[list[tuple[str, list[Table]]], list[Suppressed]]:
    """The report's tables by section, suppressed for a public copy.

    A public copy is suppressed in step with the public copies of the year's earlier quarters
    (see reports.suppression), so those are built too: up to three more reports, for Q4.
    """
    if not public:
        return [(section.title, list(section.tables)) for section in report.sections], []
    sections, notes, _ = _public_copy(report)
    return sections, notes


def _public_copy(report: Report) -> tuple[list[tuple[str, list[Table]]], list[Suppressed], dict[str, list[Table]]]:
    """The public tables, the cells hidden, and each table's public copies this year so far."""
    earlier: dict[str, list[Table]] = {}
    if report.quarter.number > 1:
        with replica_reads():
            before = build(report.quarter.previous(), now=report.computed_at)
        _, _, earlier = _public_copy(before)
    sections, notes = [], []
    for section in report.sections:
        tables = []
        for table in section.tables:
            table, hidden = suppress(table, earlier.get(table.key, []))
            notes += hidden
            tables.append(table)
        sections.append((section.title, tables))
    notes += _hide_repeats_in_trend(sections, report.quarter.year)
    copies = {table.key: [*earlier.get(table.key, []), table] for _, tables in sections for table in tables}
    return sections, notes, copies


# The trend table's current-year row repeats the summary's year-to-date figures (and, while the
# year runs, its "whole year" is the same year so far): hidden in one, hidden in the other.
REPEATS = (("Homicides", 0, 1), ("Non-fatal shooting victims", 2, 3))


def _hide_repeats_in_trend(sections: list[tuple[str, list[Table]]], year: int) -> list[Suppressed]:
    tables = {table.key: (tables, i) for _, tables in sections for i, table in enumerate(tables)}
    if "violence_summary" not in tables or "violence_trend" not in tables:
        return []
    summary_list, s = tables["violence_summary"]
    trend_list, t = tables["violence_trend"]
    summary, trend = dict(summary_list[s].rows), trend_list[t]
    rows = [(label, list(values)) for label, values in trend.rows]
    notes = []
    for label, values in rows:
        if label != str(year):
            continue
        for summary_label, ytd, whole in REPEATS:
            if not isinstance(summary.get(summary_label, [None, None])[1], str):
                continue
            for column in (ytd, whole):
                if not isinstance(values[column], str):
                    values[column] = COMPLEMENTARY
                    notes.append(Suppressed(trend.title, label, trend.columns[column], REPEAT_REASON))
    trend_list[t] = replace(trend, rows=rows)
    return notes


REPEAT_REASON = "the same figure is hidden in the summary table"


def headline(report: Report, sections: list[tuple[str, list[Table]]], *, public: bool) -> str:
    """The report's sentence; in a public copy only when every count it rests on is shown."""
    trend = next((t for _, tables in sections for t in tables if t.key == "violence_trend"), None)
    if public and trend is not None and any(isinstance(values[0], str) for _, values in trend.rows):
        return "The year-to-date comparison is left out of this public copy: some of its counts are under 5."
    return report.headline


def trend_chart(sections: list[tuple[str, list[Table]]], through) -> dict:
    """Chart data for the violence trend, from the trend table as published (hidden cells: no bar)."""
    trend = next(t for _, tables in sections for t in tables if t.key == "violence_trend")
    rows = [(label, [None if isinstance(v, str) else v for v in values]) for label, values in trend.rows]
    return chart_data(rows, through)


def chart_data(rows: list[tuple[str, list]], through) -> dict:
    """Chart.js data (static/js/charts.js) from (year, [homicides ytd, homicides, victims ytd, victims])."""
    labels = [
        f"Homicides, 1 Jan to {through:%b} {through.day}",
        "Homicides, whole year",
        f"Non-fatal shooting victims, 1 Jan to {through:%b} {through.day}",
        "Non-fatal shooting victims, whole year",
    ]
    return {
        "labels": [year for year, _ in rows],
        "datasets": [{"label": label, "data": [values[i] for _, values in rows]} for i, label in enumerate(labels)],
    }


def to_csv(report: Report, *, public: bool) -> str:
    """One row per figure: section,table,metric,period,value (value may be "<5" in a public copy)."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
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
    sections, notes = published_tables(report, public=public)
    xlsx_append(cover, [f"Violence and outcome report, {report.quarter.label} ({report.quarter.months})"])
    cover["A1"].font = Font(bold=True, size=14)
    xlsx_append(cover, [headline(report, sections, public=public)])
    xlsx_append(cover, [_status(report)])
    if public:
        xlsx_append(
            cover,
            [
                "Public copy: counts from 1 to 4 are shown as <5, and some other cells are hidden so they "
                "cannot be worked out. See the Suppressed sheet."
            ],
        )
    for section_title, tables in sections:
        sheet = workbook.create_sheet(section_title)
        xlsx_append(sheet, [f"{section_title}, {report.quarter.label}"])
        sheet["A1"].font = Font(bold=True, size=13)
        xlsx_append(sheet, [_status(report)])
        sheet.freeze_panes = "A3"
        for table in tables:
            sheet.append([])
            xlsx_append(sheet, [table.title])
            sheet.cell(sheet.max_row, 1).font = bold
            xlsx_append(sheet, ["", *table.columns])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for label, values in table.rows:
                xlsx_append(sheet, [label, *("" if v is None else v for v in values)])
        sheet.column_dimensions["A"].width = 48
        for column in range(2, 8):
            sheet.column_dimensions[get_column_letter(column)].width = 22
    definitions = workbook.create_sheet("Definitions")
    xlsx_append(definitions, ["Table", "How it is counted"])
    for cell in definitions[1]:
        cell.font = bold
    definitions.freeze_panes = "A2"
    for section in report.sections:
        for table in section.tables:
            xlsx_append(definitions, [table.title, table.definition or ""])
    definitions.column_dimensions["A"].width = 48
    definitions.column_dimensions["B"].width = 120
    if public:
        hidden = workbook.create_sheet("Suppressed")
        xlsx_append(hidden, ["Table", "Row", "Column", "Why"])
        hidden.freeze_panes = "A2"
        for note in notes:
            xlsx_append(hidden, [note.table, note.row, note.column, note.reason])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _status(report: Report) -> str:
    computed = timezone.localtime(report.computed_at).strftime("%b %d, %Y %I:%M %p")
    if report.preliminary:
        return f"Preliminary: the quarter is not over. Figures as of {computed}."
    return f"Final for the quarter. Computed {computed}."
