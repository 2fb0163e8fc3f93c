"""The quarterly report as files: tidy CSV and XLSX (a sheet per section and a definitions sheet).

What a copy shows, public or not, is reports.publication's; this module only writes it out."""

import io

from django.utils import formats, timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.exports import csv_writer, xlsx_append, xlsx_bytes
from reports import display
from reports.publication import PUBLIC_NOTICE, Document
from reports.quarterly import ALL_PLACES, Report
from reports.suppression import REASONS

CSV_HEADER = [
    "section",
    "table",
    "measure",
    "place",
    "period_start",
    "period_end",
    "window",
    "value",
    "suppressed",
]


def to_csv(copy: Document) -> str:
    """Tidy: one row per figure, every row meaning the same thing (the README's "Report exports").

    The header, the windows, the reasons' keys and the place "all" are codes, the same in every language;
    section, table, measure and a place's "Not recorded" are words, in the language of the copy given
    (reports.display.document) and of the reader.

    measure: what is counted or summed; place: a neighborhood's name or "all"; period_start and
    period_end: the first and last day covered (ISO dates, both included); window: quarter, ytd,
    full_year, day or 30_days; value: a number, or empty when a public copy hides it, and then
    suppressed says why (fewer_than_5, complementary, share_of_hidden_count, same_figure).
    """
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for section_title, tables in copy.sections:
        for table in tables:
            for r, (_, values) in enumerate(table.rows):
                for c, value in enumerate(values):
                    figure = table.figures[r][c]
                    if value is None or figure is None:
                        continue
                    reason = table.hidden.get((r, c))
                    period = figure.period
                    writer.writerow(
                        [
                            section_title,
                            table.title,
                            display.text(figure.measure),
                            figure.place if figure.place == ALL_PLACES else display.text(figure.place),
                            period.first.isoformat(),
                            period.last.isoformat(),
                            period.window,
                            "" if reason else value,
                            reason.key if reason else "",
                        ]
                    )
    return out.getvalue()


def to_xlsx(copy: Document) -> bytes:
    report = copy.report
    workbook = Workbook()
    cover = workbook.active
    cover.title = gettext("Report")
    bold = Font(bold=True)
    xlsx_append(cover, [gettext("Violence and outcome report, %(quarter)s (%(days)s)") % _names(report)])
    cover["A1"].font = Font(bold=True, size=14)
    xlsx_append(cover, [copy.headline])
    xlsx_append(cover, [_status(report)])
    if copy.published:
        xlsx_append(cover, [copy.published])
    if copy.public:
        xlsx_append(cover, [gettext(PUBLIC_NOTICE)])
        for reason in REASONS:  # the marks beside hidden cells
            words = gettext(reason.text)
            xlsx_append(cover, [f"{reason.marker} {words[0].upper()}{words[1:]}."])
    cover.column_dimensions["A"].width = 110
    for section_title, tables in copy.sections:
        sheet = workbook.create_sheet(section_title)
        xlsx_append(
            sheet, [gettext("%(section)s, %(quarter)s (%(days)s)") % {"section": section_title, **_names(report)}]
        )
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
            for label, note, cells in table.display_rows:
                shown = f"{label} ({note})" if note else label
                xlsx_append(sheet, [shown, *("" if v is None else f"{v} {m}" if m else v for v, m in cells)])
        sheet.column_dimensions["A"].width = 48
        for column in range(2, 8):
            sheet.column_dimensions[get_column_letter(column)].width = 22
    definitions = workbook.create_sheet(gettext("Definitions"))
    xlsx_append(definitions, [gettext("Table"), gettext("How it is counted")])
    for cell in definitions[1]:
        cell.font = bold
    definitions.freeze_panes = "A2"
    for table in copy.tables:
        xlsx_append(definitions, [table.title, table.definition or ""])
    definitions.column_dimensions["A"].width = 48
    definitions.column_dimensions["B"].width = 120
    if copy.public:
        hidden = workbook.create_sheet(gettext("Suppressed"))
        xlsx_append(hidden, [gettext("Table"), gettext("Row"), gettext("Column"), gettext("Why")])
        hidden.freeze_panes = "A2"
        for column, width in zip("ABCD", (40, 40, 48, 80), strict=True):
            hidden.column_dimensions[column].width = width
        for note in copy.notes:
            xlsx_append(hidden, [note.table, note.row, note.column, note.reason])
    return xlsx_bytes(workbook, at=report.computed_at)


def _names(report: Report) -> dict:
    return {"quarter": display.quarter_label(report.quarter.label), "days": display.text(report.quarter_period.text)}


def _status(report: Report) -> str:
    when = timezone.localtime(report.computed_at)
    if display.translating():
        computed = formats.date_format(when, "DATETIME_FORMAT")
    else:
        computed = when.strftime("%b %d, %Y %I:%M %p")
    if report.preliminary:
        return gettext("Preliminary: the quarter is not over. Figures as of %(computed)s.") % {"computed": computed}
    return gettext("Final for the quarter. Computed %(computed)s.") % {"computed": computed}
