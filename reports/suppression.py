"""Small-cell suppression for public copies of the report.

Counts from 1 to 4 are shown as "<5" (primary suppression). Where a table has a total row, a
column with a single suppressed cell would let a reader recover it by subtraction, so another
cell of that column is suppressed too (complementary suppression): the smallest non-zero
published count, or the total when nothing else is left. Shares, hours and zeros are never
suppressed; rows of percentages are blanked where they rest on suppressed counts.

Successive public copies must not undo each other. Where a table's year-to-date column is the
previous quarter's year to date plus this quarter (`Table.running`), the three figures of a row
(last quarter's published year to date, this quarter, this year to date) are treated like two
cells and their total: never exactly one of them hidden. So a "<5" this quarter is not recovered
as "year to date minus last quarter's year to date", nor last quarter's "<5" as "year to date
minus this quarter". Last quarter's copy is passed in, already suppressed, to know what it hid.
"""

from dataclasses import dataclass, replace

from reports.quarterly import Table

SMALL = "<5"
COMPLEMENTARY = "suppressed"


@dataclass(frozen=True)
class Suppressed:
    table: str
    row: str
    column: str
    reason: str


def suppress(table: Table, previous: Table | None = None) -> tuple[Table, list[Suppressed]]:
    """A copy of the table safe to publish, and the list of cells hidden in it.

    `previous`: the public copy of the same table for the previous quarter of the same year.
    """
    rows = [list(values) for _, values in table.rows]
    hidden: dict[tuple[int, int], str] = {}
    for r, values in enumerate(rows):
        if r in table.measure_rows:
            continue
        for c, value in enumerate(values):
            if isinstance(value, int) and 1 <= value <= 4:
                hidden[(r, c)] = SMALL
    hidden_before = _hidden_in(previous, table)
    while True:  # each rule can hide a cell the other must then answer for
        count = len(hidden)
        _across_quarters(table, rows, hidden, hidden_before)
        if table.total:
            _complementary(table, rows, hidden)
        if len(hidden) == count:
            break
    for r in table.measure_rows:  # a share computed from hidden counts would reveal them
        for c in range(len(rows[r])):
            if any((other, c) in hidden for other in range(len(rows)) if other not in table.measure_rows):
                hidden[(r, c)] = COMPLEMENTARY
    notes = []
    for (r, c), mark in sorted(hidden.items()):
        rows[r][c] = mark
        reason = "a count from 1 to 4" if mark == SMALL else "hidden so that a small count cannot be worked out"
        notes.append(Suppressed(table.title, table.rows[r][0], table.columns[c], reason))
    published = [(label, values) for (label, _), values in zip(table.rows, rows, strict=True)]
    return replace(table, rows=published), notes


def _complementary(table: Table, rows: list[list], hidden: dict) -> None:
    body = [r for r in range(len(rows) - 1) if r not in table.measure_rows]
    total_row = len(rows) - 1
    for c in range(len(table.columns)):
        # A column and its total: never exactly one of them hidden (the others give it back).
        while True:
            in_body = [r for r in body if (r, c) in hidden]
            total_hidden = (total_row, c) in hidden
            if len(in_body) + total_hidden != 1:
                break
            candidates = [r for r in body if (r, c) not in hidden and isinstance(rows[r][c], int) and rows[r][c] > 0]
            if candidates:
                smallest = min(candidates, key=lambda r: rows[r][c])
                hidden[(smallest, c)] = COMPLEMENTARY
            elif not total_hidden:
                hidden[(total_row, c)] = COMPLEMENTARY
            else:
                break  # a hidden total over zeros: it can only be zero, and zeros are not hidden


def _hidden_in(previous: Table | None, table: Table) -> set[tuple[int, int]]:
    """(row, year-to-date column) of this table whose value last quarter was hidden."""
    if previous is None:
        return set()
    rows = {label: r for r, (label, _) in enumerate(table.rows)}
    return {
        (rows[label], ytd)
        for label, values in previous.rows
        if label in rows
        for _, ytd in table.running
        if isinstance(values[ytd], str)
    }


def _across_quarters(table: Table, rows: list[list], hidden: dict, hidden_before: set) -> None:
    for r, values in enumerate(rows):
        if r in table.measure_rows:
            continue
        for quarter, ytd in table.running:
            if not (isinstance(values[quarter], int) and isinstance(values[ytd], int)):
                continue
            q_hidden, ytd_hidden = (r, quarter) in hidden, (r, ytd) in hidden
            if q_hidden + ytd_hidden + ((r, ytd) in hidden_before) != 1:
                continue
            # Alone, a hidden figure is the difference of the other two. Hide this quarter's
            # count, or, when that is the hidden one, the year to date.
            hidden[(r, ytd) if q_hidden else (r, quarter)] = COMPLEMENTARY
