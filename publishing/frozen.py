"""A public copy frozen into JSON (PublishedCopy.content) and thawed back into the document the
page and the files render (reports.publication.Document): every table exactly as released, its
hidden cells marked with their reasons, never a hidden value. What a reader knows about each table
(which rows are totals, shares, distinct people) is kept too: the next audits read it."""

import datetime

from django.utils.dateparse import parse_datetime

from core.quarters import Quarter
from reports.periods import Period
from reports.publication import Document, PublicCopy, notes_of
from reports.quarterly import Figure, Report, Section, Table
from reports.suppression import REASONS

FORMAT = 1
_REASONS = {reason.key: reason for reason in REASONS}


def freeze(report: Report, copy: PublicCopy) -> dict:
    """What is stored: the report's identity and the public copy's tables and headline."""
    return {
        "format": FORMAT,
        "year": report.quarter.year,
        "quarter": report.quarter.number,
        "through": report.through.isoformat(),
        "computed_at": report.computed_at.isoformat(),
        "preliminary": report.preliminary,
        "headline": copy.headline,
        "sections": [
            {"key": key, "title": title, "tables": [table_json(t) for t in tables]}
            for (title, tables), key in zip(copy.sections, [s.key for s in report.sections], strict=True)
        ],
    }


def thaw(content: dict, *, published: str = "") -> Document:
    """The public copy as it was released."""
    sections = [Section(s["key"], s["title"], [table_from_json(t) for t in s["tables"]]) for s in content["sections"]]
    report = Report(
        quarter=Quarter(content["year"], content["quarter"]),
        through=datetime.date.fromisoformat(content["through"]),
        computed_at=parse_datetime(content["computed_at"]),
        preliminary=content["preliminary"],
        headline=content["headline"],
        trend=[],  # a public copy's trend is its table, as published
        sections=sections,
    )
    shown = [(s.title, s.tables) for s in sections]
    tables = [t for s in sections for t in s.tables]
    return Document(report, shown, content["headline"], public=True, notes=notes_of(tables), published=published)


def table_json(table: Table) -> dict:
    return {
        "key": table.key,
        "title": table.title,
        "columns": list(table.columns),
        "rows": [[label, list(values)] for label, values in table.rows],
        "definition": table.definition,
        "total": table.total,
        "measure_rows": sorted(table.measure_rows),
        "running": [list(pair) for pair in table.running],
        "figures": [[_figure_json(f) for f in row] for row in table.figures],
        "shares": [[share, numerator, denominator] for share, (numerator, denominator) in table.shares.items()],
        "row_notes": list(table.row_notes),
        "hidden": [[r, c, reason.key] for (r, c), reason in sorted(table.hidden.items())],
        "distinct_rows": sorted(table.distinct_rows),
        "at_most_rows": [list(pair) for pair in table.at_most_rows],
        "at_most_columns": [list(pair) for pair in table.at_most_columns],
    }


def table_from_json(data: dict) -> Table:
    return Table(
        key=data["key"],
        title=data["title"],
        columns=list(data["columns"]),
        rows=[(label, list(values)) for label, values in data["rows"]],
        definition=data["definition"],
        total=data["total"],
        measure_rows=set(data["measure_rows"]),
        running=tuple(tuple(pair) for pair in data["running"]),
        figures=[[_figure(f) for f in row] for row in data["figures"]],
        shares={share: (numerator, denominator) for share, numerator, denominator in data["shares"]},
        row_notes=list(data["row_notes"]),
        hidden={(r, c): _REASONS[key] for r, c, key in data["hidden"]},
        distinct_rows=set(data["distinct_rows"]),
        at_most_rows=tuple(tuple(pair) for pair in data["at_most_rows"]),
        at_most_columns=tuple(tuple(pair) for pair in data["at_most_columns"]),
    )


def _figure_json(figure: Figure | None) -> list | None:
    if figure is None:
        return None
    period = figure.period
    data = [figure.measure, figure.place, period.window, period.first.isoformat(), period.last.isoformat()]
    return data if figure.place_id is None else [*data, figure.place_id]


def _figure(data: list | None) -> Figure | None:
    if data is None:
        return None
    measure, place, window, first, last, *place_id = data  # copies frozen before place ids have none
    period = Period(window, datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
    return Figure(measure, place, period, place_id[0] if place_id else None)


DIFFERENCES_LISTED = 100


def differences(before: dict, after: dict) -> list[dict]:
    """The figures of `after` that differ from `before` (two frozen copies of one quarter), table by table and
    row by row; a row only one of them has counts as differing. At most DIFFERENCES_LISTED."""
    found = []
    old = {t["key"]: t for s in before["sections"] for t in s["tables"]}
    for section in after["sections"]:
        for table in section["tables"]:
            was = {label: values for label, values in old.get(table["key"], {"rows": []})["rows"]}
            for label, values in table["rows"]:
                earlier = was.get(label, [None] * len(values))
                for c, (a, b) in enumerate(zip(earlier, values, strict=False)):
                    if a != b:
                        found.append(
                            {"table": table["title"], "row": label, "column": table["columns"][c], "was": a, "now": b}
                        )
    return found[:DIFFERENCES_LISTED]
