"""Small-cell suppression for public copies of the report.

Counts from 1 to 4 are shown as "<5" (primary suppression). Where a table has a total row, a
column with a single suppressed cell would let a reader recover it by subtraction, so another
cell of that column is suppressed too (complementary suppression): the smallest non-zero
published count, or the total when nothing else is left. Shares, hours and zeros are never
suppressed; rows of percentages are blanked where they rest on suppressed counts.
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


def suppress(table: Table) -> tuple[Table, list[Suppressed]]:
    """A copy of the table safe to publish, and the list of cells hidden in it."""
    rows = [list(values) for _, values in table.rows]
    hidden: dict[tuple[int, int], str] = {}
    for r, values in enumerate(rows):
        if r in table.measure_rows:
            continue
        for c, value in enumerate(values):
            if isinstance(value, int) and 1 <= value <= 4:
                hidden[(r, c)] = SMALL
    if table.total:
        _complementary(table, rows, hidden)
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
        while True:
            in_body = [r for r in body if (r, c) in hidden]
            total_hidden = (total_row, c) in hidden
            if len(in_body) != 1 or total_hidden:
                break
            candidates = [r for r in body if (r, c) not in hidden and isinstance(rows[r][c], int) and rows[r][c] > 0]
            if candidates:
                smallest = min(candidates, key=lambda r: rows[r][c])
                hidden[(smallest, c)] = COMPLEMENTARY
            else:
                hidden[(total_row, c)] = COMPLEMENTARY
