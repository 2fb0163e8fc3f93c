"""Small-cell suppression for public copies of the report.

Only counts of people and of incidents are suppressed: counts from 1 to 4 are shown as "<5"
(primary suppression). Where a table has a total row, a column with a single suppressed cell
would let a reader recover it by subtraction, so another cell of that column is suppressed too
(complementary suppression): the smallest non-zero published count, or the total when nothing
else is left. Zeros and the table's measure rows (contact hours, contacts, referrals completed,
shares) are never suppressed as counts; a share is blanked only when its numerator or its
denominator is hidden (`Table.shares`). Each hidden cell says why (`Table.hidden`, a `Reason`).

Successive public copies must not undo each other. Where a table's year-to-date column is the
previous quarter's year to date plus this quarter (`Table.running`), the three figures of a row
(last quarter's published year to date, this quarter, this year to date) are treated like two
cells and their total: never exactly one of them hidden. These rules are the first pass, table by
table; reports.publication then audits the whole copy with every copy already published
(reports.audit) and hides more cells until no small count can be narrowed.
"""

from dataclasses import dataclass, replace

from django.utils.translation import gettext_noop

from reports.quarterly import Table

SMALL = "<5"
COMPLEMENTARY = "suppressed"


@dataclass(frozen=True)
class Reason:
    """Why a cell is hidden: a key (the tidy CSV's `suppressed` column), the page's footnote marker, the words."""

    key: str
    marker: str
    text: str


FEWER_THAN_5 = Reason("fewer_than_5", "*", gettext_noop("fewer than 5 people or incidents"))
WORKED_OUT = Reason(
    "complementary", "†", gettext_noop("hidden so that a small count cannot be worked out from other published figures")
)
SHARE_OF_HIDDEN = Reason(
    "share_of_hidden_count", "‡", gettext_noop("hidden because the share would give a hidden count back")
)
SAME_FIGURE = Reason(
    "same_figure", "§", gettext_noop("hidden because the same figure is hidden in another table of this copy")
)
REASONS = (FEWER_THAN_5, WORKED_OUT, SHARE_OF_HIDDEN, SAME_FIGURE)


@dataclass(frozen=True)
class Suppressed:
    table: str
    row: str
    column: str
    reason: str


def suppress(table: Table, earlier: list[Table] | tuple = ()) -> tuple[Table, list[Suppressed]]:
    """A copy of the table with this table's own rules applied, and the list of cells hidden in it.

    `earlier`: the public copies of the same table for this year's earlier quarters, oldest first.
    A public copy is then checked with every other copy by reports.publication (reports.audit).
    """
    hidden = first_pass(table, earlier)
    hide_shares(table, hidden)
    return published(table, hidden)


def first_pass(table: Table, earlier: list[Table] | tuple = ()) -> dict[tuple[int, int], Reason]:
    """The cells this table's own rules hide: every count from 1 to 4, then the cells that the usual
    ways of subtracting would give back (a column and its total; last quarter's year to date, this
    quarter and this year to date). Zeros are never hidden, so a reader knows a "suppressed" cell is
    5 or more, as reports.audit assumes."""
    hidden: dict[tuple[int, int], Reason] = {}
    for r, (_, values) in enumerate(table.rows):
        if r in table.measure_rows:
            continue
        for c, value in enumerate(values):
            if is_small(value):
                hidden[(r, c)] = FEWER_THAN_5
    rows = [list(values) for _, values in table.rows]
    hidden_before = _hidden_in(earlier[-1] if earlier else None, table)
    while True:  # each rule can hide a cell another must then answer for
        count = len(hidden)
        _across_quarters(table, rows, hidden, hidden_before)
        if table.total:
            _complementary(table, rows, hidden)
        if len(hidden) == count:
            return hidden


def is_small(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def hidable(value) -> bool:
    """A published count that may be hidden as "suppressed": 5 or more (zeros stay, 1-4 are "<5")."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 5


def hide_shares(table: Table, hidden: dict[tuple[int, int], Reason]) -> None:
    """A share is hidden only when it would give a hidden count back: its numerator or its
    denominator is hidden. Hours, contacts and referrals (the other measure rows) never are."""
    for r, (numerator, denominator) in table.shares.items():
        for c, value in enumerate(table.rows[r][1]):
            if value is not None and ((numerator, c) in hidden or (denominator, c) in hidden):
                hidden[(r, c)] = SHARE_OF_HIDDEN


def mark(reason: Reason) -> str:
    """What a hidden cell shows."""
    return SMALL if reason is FEWER_THAN_5 else COMPLEMENTARY


def published(table: Table, hidden: dict[tuple[int, int], Reason]) -> tuple[Table, list[Suppressed]]:
    """The table as published, with `hidden` cells marked, and the list of them."""
    rows = [list(values) for _, values in table.rows]
    notes = []
    for (r, c), reason in sorted(hidden.items()):
        rows[r][c] = mark(reason)
        notes.append(Suppressed(table.title, table.rows[r][0], table.columns[c], reason.text))
    shown = [(label, values) for (label, _), values in zip(table.rows, rows, strict=True)]
    return replace(table, rows=shown, hidden={**table.hidden, **hidden}), notes


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
            candidates = [r for r in body if (r, c) not in hidden and hidable(rows[r][c])]
            if candidates:
                smallest = min(candidates, key=lambda r: rows[r][c])
                hidden[(smallest, c)] = WORKED_OUT
            elif not total_hidden and hidable(rows[total_row][c]):
                hidden[(total_row, c)] = WORKED_OUT
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
            # count, or, when that is the hidden one, the year to date (never a zero: the audit
            # then finds another cell).
            cell = (r, ytd) if q_hidden else (r, quarter)
            if hidable(rows[cell[0]][cell[1]]):
                hidden[cell] = WORKED_OUT
