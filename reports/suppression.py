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
cells and their total: never exactly one of them hidden. So a "<5" this quarter is not recovered
as "year to date minus last quarter's year to date", nor last quarter's "<5" as "year to date
minus this quarter". The year's earlier copies are passed in, already suppressed, to know what
they hid; a last check solves all of them together (see `_small_counts_determined`).
"""

from dataclasses import dataclass, replace

from reports.quarterly import Table

SMALL = "<5"
COMPLEMENTARY = "suppressed"


@dataclass(frozen=True)
class Reason:
    """Why a cell is hidden: a key (the tidy CSV's `suppressed` column), the page's footnote marker, the words."""

    key: str
    marker: str
    text: str


FEWER_THAN_5 = Reason("fewer_than_5", "*", "fewer than 5 people or incidents")
WORKED_OUT = Reason("complementary", "†", "hidden so that a small count cannot be worked out from the total")
SHARE_OF_HIDDEN = Reason("share_of_hidden_count", "‡", "hidden because the share would give a hidden count back")
SAME_AS_SUMMARY = Reason("same_as_summary", "§", "hidden because the same figure is hidden in the summary table")
REASONS = (FEWER_THAN_5, WORKED_OUT, SHARE_OF_HIDDEN, SAME_AS_SUMMARY)


@dataclass(frozen=True)
class Suppressed:
    table: str
    row: str
    column: str
    reason: str


def suppress(table: Table, earlier: list[Table] | tuple = ()) -> tuple[Table, list[Suppressed]]:
    """A copy of the table safe to publish, and the list of cells hidden in it.

    `earlier`: the public copies of the same table for this year's earlier quarters, oldest first.
    """
    rows = [list(values) for _, values in table.rows]
    hidden: dict[tuple[int, int], str] = {}
    for r, values in enumerate(rows):
        if r in table.measure_rows:
            continue
        for c, value in enumerate(values):
            if isinstance(value, int) and 1 <= value <= 4:
                hidden[(r, c)] = SMALL
    hidden_before = _hidden_in(earlier[-1] if earlier else None, table)
    while True:  # each rule can hide a cell another must then answer for
        count = len(hidden)
        _across_quarters(table, rows, hidden, hidden_before)
        if table.total:
            _complementary(table, rows, hidden)
        if len(hidden) == count:
            leaks = _small_counts_determined(table, rows, hidden, earlier)
            cell = _next_to_hide(table, rows, hidden, leaks, current=len(earlier)) if leaks else None
            if cell is not None:
                hidden[cell] = COMPLEMENTARY
        if len(hidden) == count:
            break
    reasons = {cell: FEWER_THAN_5 if mark == SMALL else WORKED_OUT for cell, mark in hidden.items()}
    # A share is hidden only when it would give a hidden count back: its numerator or its
    # denominator is hidden. Hours, contacts and referrals (the other measure rows) never are.
    for r, (numerator, denominator) in table.shares.items():
        for c in range(len(rows[r])):
            if rows[r][c] is not None and ((numerator, c) in hidden or (denominator, c) in hidden):
                hidden[(r, c)] = COMPLEMENTARY
                reasons[(r, c)] = SHARE_OF_HIDDEN
    notes = []
    for (r, c), mark in sorted(hidden.items()):
        rows[r][c] = mark
        notes.append(Suppressed(table.title, table.rows[r][0], table.columns[c], reasons[(r, c)].text))
    published = [(label, values) for (label, _), values in zip(table.rows, rows, strict=True)]
    return replace(table, rows=published, hidden={**table.hidden, **reasons}), notes


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


# The last word: the year's public copies of a table, this one included, are a system of linear
# equations (each column sums to its total; this year to date = last quarter's + this quarter).
# The rules above answer the usual ways of solving it; this checks that no hidden count from 1 to
# 4, in this copy or an earlier one, is still exactly determined by all of them together (chains
# through several quarters, say). Ranks are worked out modulo a large prime: an equation that
# determines a cell over the rationals does so modulo the prime too, so nothing is missed.
PRIME = 2**61 - 1


def _small_counts_determined(table: Table, rows: list[list], hidden: dict, earlier) -> set[tuple[int, str, int]]:
    """(copy, row label, column) of every hidden small count the copies together determine."""
    if not (table.total or table.running):
        return set()
    measures = {table.rows[r][0] for r in table.measure_rows}
    current = [
        (label, [(hidden[(r, c)] if (r, c) in hidden else v) for c, v in enumerate(rows[r])])
        for r, (label, _) in enumerate(table.rows)
    ]
    copies = [list(t.rows) for t in earlier] + [current]
    unknowns: dict[tuple[int, str, int], int] = {}
    equations = []
    for k, copy in enumerate(copies):
        counts = [(label, values) for label, values in copy if label not in measures]
        if table.total:
            body, (total_label, _) = counts[:-1], counts[-1]
            for c in range(len(table.columns)):
                terms = [(k, label, c, 1) for label, _ in body] + [(k, total_label, c, -1)]
                equations.append(_equation(unknowns, copies, terms))
        for quarter, ytd in table.running:
            for label, _ in counts:
                terms = [(k, label, ytd, 1), (k, label, quarter, -1), (k - 1, label, ytd, -1)]
                equations.append(_equation(unknowns, copies, terms))
    determined = _determined(unknowns, [e for e in equations if e])
    return {key for key in determined if _value(copies, *key) == SMALL}


def _next_to_hide(table: Table, rows: list[list], hidden: dict, leaks, *, current: int) -> tuple[int, int] | None:
    """A published count of this copy to hide next: first those sharing a column, then a row,
    with a leaked cell (totals first, then the smallest), then any."""
    by_label = {label: r for r, (label, _) in enumerate(table.rows)}
    published = [
        (r, c)
        for r, values in enumerate(rows)
        if r not in table.measure_rows
        for c, value in enumerate(values)
        if isinstance(value, int) and (r, c) not in hidden
    ]
    total_row = len(rows) - 1 if table.total else None
    columns = {c for k, _, c in leaks if k == current}
    labels = {by_label[label] for _, label, _ in leaks if label in by_label}
    for wanted in (lambda r, c: c in columns, lambda r, c: r in labels, lambda r, c: True):
        cells = [(r, c) for r, c in published if wanted(r, c)]
        if cells:
            return min(cells, key=lambda cell: (cell[0] != total_row, rows[cell[0]][cell[1]]))
    return None


def _value(copies, k: int, label: str, c: int):
    if k < 0:
        return 0
    values = dict(copies[k]).get(label)
    return 0 if values is None else values[c]  # a row missing from a copy counted nothing


def _equation(unknowns: dict, copies, terms) -> dict[int, int]:
    """The hidden terms of an equation, as {variable: coefficient}: published figures drop out
    (they move to the other side); a figure that does not apply (None) means no equation."""
    equation: dict[int, int] = {}
    for k, label, c, coefficient in terms:
        value = _value(copies, k, label, c)
        if value is None:
            return {}
        if isinstance(value, str):
            index = unknowns.setdefault((k, label, c), len(unknowns))
            equation[index] = (equation.get(index, 0) + coefficient) % PRIME
    return equation


def _determined(unknowns: dict, equations: list[dict[int, int]]) -> set:
    """The unknowns whose value the equations fix (reduced row echelon form, modulo PRIME)."""
    pivots: dict[int, dict[int, int]] = {}  # pivot variable -> its row, normalised to 1 there
    for equation in equations:
        row = dict(equation)
        for variable, pivot_row in pivots.items():
            if row.get(variable):
                factor = row[variable]
                for v, coefficient in pivot_row.items():
                    row[v] = (row.get(v, 0) - factor * coefficient) % PRIME
        row = {v: c for v, c in row.items() if c}
        if not row:
            continue
        variable = min(row)
        inverse = pow(row[variable], PRIME - 2, PRIME)
        row = {v: c * inverse % PRIME for v, c in row.items()}
        for other in pivots.values():  # keep every pivot column zero in the other rows
            if other.get(variable):
                factor = other[variable]
                for v, coefficient in row.items():
                    other[v] = (other.get(v, 0) - factor * coefficient) % PRIME
                for v in [v for v, c in other.items() if not c]:
                    del other[v]
        pivots[variable] = row
    names = {index: key for key, index in unknowns.items()}
    return {names[variable] for variable, row in pivots.items() if len(row) == 1}
