"""What a copy of the quarterly report shows: every table, or for a public copy the tables with
small counts hidden (reports.suppression) consistently across the year's copies; the headline
and the trend chart drawn from what is shown. A copy holds only the report's aggregate figures,
never a name. The file formats (reports.exports) and the HTML page render what this gives."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from core.routers import replica_reads
from reports.quarterly import Report, Table, build
from reports.suppression import COMPLEMENTARY, SAME_AS_SUMMARY, Suppressed, suppress

# What a public copy tells its reader about the cells it hides.
PUBLIC_NOTICE = (
    "Public copy: counts from 1 to 4 of people or incidents are shown as <5, and some other cells are hidden so "
    "they cannot be worked out. Hours, contacts and referrals are never hidden. See the Suppressed sheet."
)


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


@dataclass(frozen=True)
class Released:
    """A public copy already published, as its reader holds it: the tables exactly as released."""

    label: str  # "2018 Q3, version 1", for the audit's findings
    year: int
    quarter: int
    preliminary: bool
    sections: list[tuple[str, list[Table]]]


@dataclass
class PublicCopy:
    """A public copy ready to freeze: its tables with cells hidden, the list of hidden cells, the
    headline it may state, and the audit (JSON: each hidden count's interval; managers only)."""

    sections: list[tuple[str, list[Table]]]
    notes: list[Suppressed]
    headline: str
    audit: dict = field(default_factory=dict)


Progress = Callable[[int, int, str], None]  # (done, total, what is being done)


def prepare(report: Report, released: Sequence[Released], *, progress: Progress | None = None) -> PublicCopy:
    """The public copy of `report`, suppressed consistently with every copy already released."""
    earlier: dict[str, list[Table]] = {}
    latest = {}
    for copy in released:
        if copy.year == report.quarter.year and copy.quarter < report.quarter.number:
            latest[copy.quarter] = copy  # released oldest first: the last of a quarter is its latest
    for number in sorted(latest):
        for _, tables in latest[number].sections:
            for table in tables:
                earlier.setdefault(table.key, []).append(table)
    sections, notes = [], []
    for section in report.sections:
        tables = []
        for table in section.tables:
            table, hidden = suppress(table, earlier.get(table.key, []))
            notes += hidden
            tables.append(table)
        sections.append((section.title, tables))
    notes += _hide_repeats_in_trend(sections, report.quarter.year)
    return PublicCopy(sections, notes, headline(report, sections, public=True))


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
    hidden = dict(trend.hidden)
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
                    hidden[(rows.index((label, values)), column)] = SAME_AS_SUMMARY
                    notes.append(Suppressed(trend.title, label, trend.columns[column], SAME_AS_SUMMARY.text))
    trend_list[t] = replace(trend, rows=rows, hidden=hidden)
    return notes


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
    days = f"1 January to {through.day} {through:%B}"
    labels = [
        f"Homicides, {days}",
        "Homicides, whole year",
        f"Non-fatal shooting victims, {days}",
        "Non-fatal shooting victims, whole year",
    ]
    return {
        "labels": [year for year, _ in rows],
        "datasets": [{"label": label, "data": [values[i] for _, values in rows]} for i, label in enumerate(labels)],
    }
