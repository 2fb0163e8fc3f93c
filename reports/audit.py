"""The public copies' audit: what a reader holding every published copy can work out about a hidden
count, found the way an attacker would find it — by integer programming.

A reader knows, besides each published figure:
- each hidden count's bounds: a cell shown as "<5" holds 1 to 4; one shown as "suppressed" holds 5
  or more — a reader may well assume so, since zeros are shown and 1 to 4 show as "<5" — except the
  few small counts shown as "suppressed" because "<5" alone would give them away (reports.publication):
  those hold 1 or more, and the audit, knowing which they are, gives each cell its true kind of bound;
- that counts are whole numbers, never negative;
- how figures add up: a table's total row is the sum of the rows above; a count of events over some
  days is the sum of its counts over any split of those days (this year to date = last quarter's
  year to date + this quarter; a whole year = its four quarters; a preliminary copy's days are part
  of the final copy's), the same figure wherever it is printed (the summary's total and the
  neighborhood table's; this year's row of the trend); a neighborhood missing from a copy's table
  had no incident that year to date; a few "at most" facts (clients involved are at most the
  clients active, shootings answered within 24 hours at most the shootings); and, where the true
  figures follow it, the clients' stock and flow (active on the last day = active the day before the
  period + enrolled - exited; active during = active the day before + enrolled), which a reader can
  guess and check against periods whose figures are all shown.

Every copy becomes part of one system. A count of events over days, for one measure and place, is
split into "atoms" (the finest pieces of days any published figure of it starts or ends at): every
figure is the sum of its atoms, so all relations between periods hold without being written out.
Counts of distinct people (clients active, clients contacted) do not add over days and are each an
unknown of their own (`Table.distinct_rows`). For each hidden cell the smallest and the largest value
consistent with everything is found with SciPy's `milp` (HiGHS), one small problem per connected part
of the system (the unknowns tied by some relation), so a year of copies solves in seconds.

A hidden count from 1 to 4 is **protected** when a reader can still not narrow it to fewer than four
possible values (`Finding.protected`): a "<5" keeps the whole of 1 to 4; a small count shown as
"suppressed" (where "<5" alone would have given it or another away) keeps a range as wide, such as 2 to
5 or 1 or more. Other "suppressed" cells hold 5 or more and need no protection of their own; their
intervals are reported for information.

When published copies disagree (data corrected after a copy went out made two copies' figures of one
measure and place contradict each other), no value satisfies all of them: the audit then reads each
copy's figures of that measure and place on their own, and says so (`Audit.split`).
"""

import copy as _copy
import datetime
import functools
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from reports.periods import YTD, Period, span_text
from reports.quarterly import ALL_PLACES, AT_MOST_MEASURES, Figure, Table
from reports.suppression import COMPLEMENTARY, SMALL

BETWEEN = "between copies"  # what a Between "shows": nothing, it is worked out
FREE = "free"  # a cell that says nothing (publication's test of what the other copies give away alone)
# A cell that says only that its count is not zero: what any way of showing a count of 1 or more tells (a zero is
# shown; "<5" and "suppressed" both say "one or more"), so what other copies give away beyond it cannot be undone.
FREE_POSITIVE = "free, not zero"
# A cell that says only that its count is 5 or more: what any way of showing such a count tells a reader who takes
# "suppressed" for 5 or more (the audit's own reading of a "suppressed" count that is not small).
FREE_NOT_SMALL = "free, five or more"
SMALL_LOW, SMALL_HIGH = 1, 4  # what "<5" says, and what the reader must still not be able to narrow
NOT_SMALL = 5  # a "suppressed" cell holds this much or more, unless it is one of the few holding 1 to 4
PROTECTED_WIDTH = SMALL_HIGH - SMALL_LOW  # a hidden small count keeps at least four possible values
SOLVER_SECONDS = 20  # per problem; a problem this small solves in milliseconds

Progress = Callable[[int, int, str], None]

# The clients' stock and flow (reports.quarterly's program summary and outcomes). They hold whenever nobody
# was marked inactive or came back within the period, so a reader can guess them and check them against
# periods where every figure is shown; they do not always hold, so the audit adds each one only where the
# true figures follow it (there, a reader who assumes it is right).
ACTIVE_ON, ACTIVE_DURING = "Clients active", "Clients active during the period"
ENROLLED, EXITED = "Clients enrolled", "Clients exited"
STOCK_AND_FLOW = frozenset({ACTIVE_ON, ACTIVE_DURING, ENROLLED, EXITED})


@dataclass(frozen=True)
class Copy:
    """One public copy as its reader has it: the tables with "<5" and "suppressed" in hidden cells; and,
    known only to the program, the hidden cells' true values ({(table, row, column) indexes: value})."""

    label: str
    year: int
    tables: list[Table]
    values: dict = field(default_factory=dict)
    preliminary: bool = False

    @functools.cached_property
    def small_suppressed(self) -> set[tuple[int, int, int]]:
        """The cells shown "suppressed" that hold 1 to 4."""
        return {
            (t, r, c)
            for (t, r, c), value in self.values.items()
            if 1 <= value <= 4 and self.tables[t].rows[r][1][c] == COMPLEMENTARY
        }

    def true_value(self, t: int, r: int, c: int) -> int | None:
        shown = self.tables[t].rows[r][1][c]
        return shown if isinstance(shown, int) else self.values.get((t, r, c))


@dataclass(frozen=True)
class Between:
    """The count of the days between two copies' figures of one measure and place with the same first day
    (a preliminary copy to 15 November and the final one to 31 December give 16 November to 31 December):
    a reader can work it out, so it is protected like a hidden cell when it is from 1 to 4."""

    measure: str
    place: str
    first: datetime.date
    last: datetime.date
    copies: tuple[int, int]  # the earlier-ending figure's copy, the later-ending one's
    value: int


@dataclass(frozen=True)
class Cell:
    copy: int  # index in the audited copies
    table: int  # index in the copy's tables
    row: int
    column: int


@dataclass
class Finding:
    """A hidden cell and what a reader can work out about it."""

    cell: "Cell | Between"
    shown: str  # SMALL or COMPLEMENTARY, or BETWEEN
    low: int
    high: int | None  # None: no upper limit
    small: bool = False  # a "suppressed" cell that holds 1 to 4

    @property
    def protected(self) -> bool:
        """A hidden count from 1 to 4 — every "<5", and the few small counts shown as "suppressed" — must keep
        at least four possible values for a reader (a "<5" all of 1 to 4). Other "suppressed" cells hold 5 or
        more and need no protection of their own."""
        if self.shown == COMPLEMENTARY and not self.small:
            return True
        if self.shown == BETWEEN and self.high == 0:
            # None in those days, which a zero shows anyway. The two copies' figures differ by 1 to 4 only because a
            # correction came between them (the twelfth attacker: a late homicide of February made Seaport's
            # 1 October to 7 December "1", and no copy of Q4 2026 could be prepared).
            return True
        return self.high is None or self.high - self.low >= PROTECTED_WIDTH

    @property
    def width(self) -> float:
        return float("inf") if self.high is None else self.high - self.low


@dataclass
class Audit:
    findings: list[Finding]
    split: set = field(default_factory=set)  # (measure, place, year) read copy by copy: the copies disagree

    def leaks(self) -> list[Finding]:
        return [f for f in self.findings if not f.protected]


# An unknown: ("atom", measure, place, first ordinal, last ordinal[, copy]) or ("distinct", measure, place,
# window, first, last[, copy]). An expression: {unknown index: coefficient}.
Expression = dict[int, int]


class Contradiction(Exception):
    """A copy's own figures contradict each other: no count could make them all true."""


class System:
    """The relations a reader knows between the figures of the copies, as linear constraints."""

    def __init__(self, copies: Sequence[Copy], split: set = frozenset(), *, truth: bool = False):
        self.names = _place_names(copies)
        self.copies = [_linked(copy, self.names) for copy in copies]
        self.split = set(split)
        # `truth`: each figure fixed at its true value when its copy went out, and no relation between figures
        # but their days: the parts with no solution are the (measure, place, year) whose data changed between
        # copies (`changed`).
        self.truth = truth
        self.unknowns: dict[tuple, int] = {}
        self.constraints: list[tuple[Expression, float, float]] = []
        self.cell_constraint: dict[Cell, int] = {}  # the constraint saying what a cell shows
        self.family = object()  # systems that differ only in what cells show share it (`variant`)
        self._cuts = self._cut_points()
        self._relate()
        self.parts = self.components()

    def variant(self, k: int, copy: Copy) -> "System":
        """The same system with copy k shown differently (other cells hidden): the same unknowns and
        relations, only the bounds that cells of copy k set are new."""
        other = _copy.copy(self)
        other.copies = [*self.copies[:k], _linked(copy, self.names), *self.copies[k + 1 :]]
        other.constraints = list(self.constraints)
        for cell, i in self.cell_constraint.items():
            if cell.copy == k:
                value = copy.tables[cell.table].rows[cell.row][1][cell.column]
                small = (cell.table, cell.row, cell.column) in copy.small_suppressed
                other.constraints[i] = (self.constraints[i][0], *_bounds(value, small))
        return other

    # -- which unknowns a figure is made of -----------------------------------------------------------
    def _group(self, copy: int, figure: Figure) -> tuple:
        """A figure's group of unknowns: (measure, place), or for a (measure, place, year) read copy by copy the
        copy's own. The year is that of the figure's days, not of the copy: a correction of 2019 read copy by copy
        leaves 2019's copies' trend rows of 2018 tied to 2018's copies (the fifth attacker: 2018's whole year,
        printed by 2019 Q2, gave 2018 Q4 back), and a contradiction between 2018's versions leaves 2020's copies
        of the same neighborhood tied together."""
        group = (figure.measure, figure.place)
        return (*group, copy) if (*group, figure.period.first.year) in self.split else group

    def _figures(self):
        """(copy, table, row, column, figure) of every count cell of every copy."""
        for k, copy in enumerate(self.copies):
            for t, table in enumerate(copy.tables):
                for r, (_, values) in enumerate(table.rows):
                    if r in table.measure_rows:
                        continue
                    for c, value in enumerate(values):
                        figure = table.figures[r][c] if table.figures else None
                        if value is not None and figure is not None:
                            yield k, t, r, c, figure

    def _absent_places(self):
        """(copy, figure) that must be zero: a place listed in a copy of the same table that year, but not in
        this copy (the table lists every place with an incident that year to date)."""
        seen: dict[tuple[int, str], set[str]] = {}
        for copy in self.copies:
            for table in copy.tables:
                if _by_place(table):
                    places = {row[0].place for row in table.figures[:-1] if row and row[0]}
                    seen.setdefault((copy.year, table.key), set()).update(places)
        for k, copy in enumerate(self.copies):
            for table in copy.tables:
                if not _by_place(table):
                    continue
                listed = {row[0].place for row in table.figures[:-1] if row and row[0]}
                for place in seen[(copy.year, table.key)] - listed:
                    for figure in table.figures[-1]:
                        if figure is not None:
                            yield k, Figure(figure.measure, place, figure.period)

    def _cut_points(self) -> dict[tuple, list[int]]:
        cuts: dict[tuple, set[int]] = {}
        figures = [(k, self.copies[k].tables[t], r, f) for k, t, r, _, f in self._figures()]
        figures += [(k, None, None, f) for k, f in self._absent_places()]
        for k, table, r, figure in figures:
            if table is not None and r in table.distinct_rows:
                continue
            first, last = _days(figure)
            cuts.setdefault(self._group(k, figure), set()).update((first, last + 1))
        # A group read copy by copy takes the days of every copy's figures of its measure and place too: the days
        # between two copies (a Between) start where the other copy's figure ends (the tenth attack: a corrected
        # quarter's check stopped with a ValueError, so no correction could be published).
        shared: dict[tuple, set[int]] = {}
        for group, points in cuts.items():
            shared.setdefault(group[:2], set()).update(points)
        return {group: sorted(shared[group[:2]]) for group in cuts}

    def _unknown(self, key: tuple) -> int:
        return self.unknowns.setdefault(key, len(self.unknowns))

    def expression(self, k: int, table: Table | None, r: int | None, figure: Figure) -> Expression:
        if table is not None and r in table.distinct_rows:
            p = figure.period
            key = ("distinct", figure.measure, figure.place, p.window, p.first, p.last)
            if (figure.measure, figure.place, p.first.year) in self.split:
                key = (*key, k)
            return {self._unknown(key): 1}
        group = self._group(k, figure)
        first, last = _days(figure)
        cuts = self._cuts[group]
        start, end = cuts.index(first), cuts.index(last + 1)
        return {self._unknown(("atom", *group, cuts[i], cuts[i + 1] - 1)): 1 for i in range(start, end)}

    def count_cells(self, k: int) -> list[Cell]:
        """Every count cell of copy k, published or hidden."""
        return [Cell(copy, t, r, c) for copy, t, r, c, _ in self._figures() if copy == k]

    def cell_expression(self, cell: "Cell | Between") -> Expression:
        if isinstance(cell, Between):
            figure = Figure(cell.measure, cell.place, Period(YTD, cell.first, cell.last))
            return self.expression(cell.copies[1], None, None, figure)
        table = self.copies[cell.copy].tables[cell.table]
        return self.expression(cell.copy, table, cell.row, table.figures[cell.row][cell.column])

    # -- the relations ---------------------------------------------------------------------------------
    def _add(self, expression: Expression, low: float, high: float) -> None:
        expression = {v: c for v, c in expression.items() if c}
        if expression:
            self.constraints.append((expression, low, high))

    def _relate(self) -> None:
        figure_keys: dict[tuple, Expression] = {}
        for k, t, r, c, figure in self._figures():
            table = self.copies[k].tables[t]
            value = table.rows[r][1][c]
            expression = self.expression(k, table, r, figure)
            if r not in table.distinct_rows:
                figure_keys[(figure.measure, figure.place, *_days(figure), k)] = expression
            if self.truth:
                true = self.copies[k].true_value(t, r, c)
                bounds = None if true is None or true in (FREE, FREE_POSITIVE, FREE_NOT_SMALL) else (true, true)
            else:
                bounds = _bounds(value, (t, r, c) in self.copies[k].small_suppressed)
            if bounds is not None:
                self.cell_constraint[Cell(k, t, r, c)] = len(self.constraints)
                self.constraints.append((expression, *bounds))
        for k, figure in self._absent_places():
            self._add(self.expression(k, None, None, figure), 0, 0)
        if self.truth:
            return
        for k, copy in enumerate(self.copies):
            for table in copy.tables:
                self._relate_table(k, table)
        self._tie_corrections()
        for (measure, place, first, last, k), expression in figure_keys.items():
            for smaller, larger in AT_MOST_MEASURES:
                if measure == smaller and (larger, place, first, last, k) in figure_keys:
                    self._add(_minus(expression, figure_keys[(larger, place, first, last, k)]), -np.inf, 0)
        self._stock_and_flow()

    def _tie_corrections(self) -> None:
        """Within a (measure, place, year) read copy by copy, each correction as a reader knows it. A reader holds
        what did not move between two copies as it was (the seventh attacker: Q1 unchanged between Q2's versions
        gave a correction of Q2 away); and learns the size of each correction in each place, from the new version's
        reason ("a double homicide in Downtown"), the news, or the figures that moved with it (the eighth and
        eleventh attackers: a neighborhood's shootings up by one, the shootings with someone hurt up by one, the
        wounded unchanged: "<5" then "<5" is 1-3 then 2-4). The audit knows each copy's true figures, so across two
        copies, for every stretch of days between cut points both have whose true count follows from each copy's
        own figures, it sets the difference exactly (`_moved`; a renamed neighborhood "gone" from one copy is not a
        correction of its whole count)."""
        known: dict[tuple, list[tuple[int, int, int]]] = {}  # a copy's group: (first, last + 1, true count)
        for k, t, r, c, figure in self._figures():
            group = self._group(k, figure)
            true = self.copies[k].true_value(t, r, c)
            if len(group) == 3 and r not in self.copies[k].tables[t].distinct_rows and isinstance(true, int):
                first, last = _days(figure)
                known.setdefault(group, []).append((first, last + 1, true))
        absent = set()  # a place missing from a copy: 0 there, or renamed (see `renamed` below)
        present: dict[tuple[str, int], set[str]] = {}  # (measure, copy): the places it prints
        for k, _, _, _, figure in self._figures():
            present.setdefault((figure.measure, k), set()).add(figure.place)
        for k, figure in self._absent_places():
            group = self._group(k, figure)
            if len(group) == 3:
                first, last = _days(figure)
                known.setdefault(group, []).append((first, last + 1, 0))
                absent.add(group)
        by_figure: dict[tuple, list[tuple]] = {}
        for group in sorted(known):
            by_figure.setdefault(group[:2], []).append(group)
        for groups in by_figure.values():
            for a, b in itertools.combinations(groups, 2):
                common = sorted(set(self._cuts[a]) & set(self._cuts[b]))
                start = 0
                while start < len(common) - 1:
                    for end in range(start + 1, len(common)):
                        span = common[start], common[end]
                        count_a, count_b = (_determined(known[g], self._cuts[g], *span) for g in (a, b))
                        if count_a is not None and count_b is not None:
                            self._add(
                                _minus(self._span(a, *span), self._span(b, *span)),
                                *_moved(count_a - count_b, renamed=_renamed(a, b, absent, present)),
                            )
                            break
                    else:
                        # No span from this cut point is fixed by both copies (days of another year, which neither
                        # covers): go on from the next one (the twelfth attacker: Q4 2025's days ended the search
                        # before 2026 Q3's own, and 0 then "<5" after one more went unseen).
                        end = start + 1
                    start = end

    def _span(self, group: tuple, first: int, end: int) -> Expression:
        """The atoms of a group from day `first` to the day before `end` (both cut points of the group)."""
        cuts = self._cuts[group]
        return {
            self._unknown(("atom", *group, cuts[i], cuts[i + 1] - 1)): 1
            for i in range(cuts.index(first), cuts.index(end))
        }

    def _stock_and_flow(self) -> None:
        """The clients' stock and flow, where the true figures follow it (STOCK_AND_FLOW): the clients active
        on a period's last day are those active the day before it began, plus those enrolled in it, less
        those exited; the clients active during it, those active the day before plus those enrolled."""
        found: dict[tuple, list[tuple[Expression, int | None]]] = {}
        for k, t, r, c, figure in self._figures():
            if figure.place == ALL_PLACES and figure.measure in STOCK_AND_FLOW:
                table = self.copies[k].tables[t]
                entry = (self.expression(k, table, r, figure), self.copies[k].true_value(t, r, c))
                found.setdefault((figure.measure, figure.period.first, figure.period.last), []).append(entry)
        for (measure, first, last), enrolled_entries in list(found.items()):
            if measure != ENROLLED:
                continue
            before_day = first - datetime.timedelta(days=1)
            for before, n_before in found.get((ACTIVE_ON, before_day, before_day), []):
                for enrolled, n_enrolled in enrolled_entries:
                    for after, n_after in found.get((ACTIVE_ON, last, last), []):
                        for exited, n_exited in found.get((EXITED, first, last), []):
                            if None not in (n_before, n_enrolled, n_after, n_exited) and (
                                n_after == n_before + n_enrolled - n_exited
                            ):
                                self._add(_minus(_sum([after, exited]), _sum([before, enrolled])), 0, 0)
                    for during, n_during in found.get((ACTIVE_DURING, first, last), []):
                        if None not in (n_before, n_enrolled, n_during) and n_during == n_before + n_enrolled:
                            self._add(_minus(during, _sum([before, enrolled])), 0, 0)

    def _relate_table(self, k: int, table: Table) -> None:
        counted = [r for r in range(len(table.rows)) if r not in table.measure_rows]

        def term(r: int, c: int) -> Expression | None:
            figure = table.figures[r][c] if table.figures else None
            if table.rows[r][1][c] is None or figure is None:
                return None
            return self.expression(k, table, r, figure)

        for c in range(len(table.columns)):
            if table.total:  # the last row is the sum of the rows above
                terms = [term(r, c) for r in counted[:-1]]
                total = term(counted[-1], c)
                if total is not None and all(t is not None for t in terms):
                    self._add(_minus(_sum(terms), total), 0, 0)
            for smaller, larger in table.at_most_rows:
                a, b = term(smaller, c), term(larger, c)
                if a is not None and b is not None:
                    self._add(_minus(a, b), -np.inf, 0)
        for smaller, larger in table.at_most_columns:
            for r in counted:
                a, b = term(r, smaller), term(r, larger)
                if a is not None and b is not None:
                    self._add(_minus(a, b), -np.inf, 0)

    # -- solving -----------------------------------------------------------------------------------------
    def components(self) -> tuple[list[int], dict[int, list[int]]]:
        """The connected parts: each unknown's part, and each part's constraints (by index)."""
        parent = list(range(len(self.unknowns)))

        def find(v: int) -> int:
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        for expression, _, _ in self.constraints:
            first, *others = expression
            for other in others:
                a, b = find(first), find(other)
                if a != b:
                    parent[b] = a
        part = [find(v) for v in range(len(self.unknowns))]
        constraints: dict[int, list[int]] = {}
        for i, (expression, _, _) in enumerate(self.constraints):
            constraints.setdefault(part[next(iter(expression))], []).append(i)
        return part, constraints


class Solver:
    """Smallest and largest values of expressions over one system, part by part, remembered: the same part
    of systems of one family (`System.variant`) with the same bounds is solved once."""

    def __init__(self, cache: dict | None = None):
        self.cache = {} if cache is None else cache
        self.solved = 0

    def interval(self, system: System, parts, expression: Expression, *, rows=None) -> tuple[int, int | None] | None:
        """(low, high), high None when unbounded; None when the relations contradict each other. With an
        empty expression and a part's `rows`: () when they have a solution, None when not."""
        part_of, constraints = parts
        if rows is None:
            rows = constraints.get(part_of[next(iter(expression))], [])
        part = part_of[next(iter(system.constraints[rows[0]][0]))] if rows else None
        signature = (
            system.family,
            part,
            tuple(system.constraints[i][1:] for i in rows),
            tuple(sorted(expression.items())),
        )
        if signature not in self.cache:
            self.cache[signature] = self._solve(system, rows, expression)
        return self.cache[signature]

    def _solve(self, system: System, rows: list[int], expression: Expression):
        variables = sorted({v for i in rows for v in system.constraints[i][0]} | set(expression))
        column = {v: j for j, v in enumerate(variables)}
        data, row_index, col_index, low, high = [], [], [], [], []
        for n, i in enumerate(rows):
            terms, lo, hi = system.constraints[i]
            for v, coefficient in terms.items():
                data.append(coefficient)
                row_index.append(n)
                col_index.append(column[v])
            low.append(lo)
            high.append(hi)
        size = len(variables)
        constraints = []
        if rows:
            matrix = csr_array((data, (row_index, col_index)), shape=(len(rows), size))
            constraints = [LinearConstraint(matrix, low, high)]
        objective = np.zeros(size)
        for v, coefficient in expression.items():
            objective[column[v]] = coefficient

        def solve(direction, whole: bool = True):
            self.solved += 1
            return milp(
                direction,
                constraints=constraints,
                integrality=np.ones(size) if whole else np.zeros(size),
                bounds=Bounds(0, np.inf),
                options={"time_limit": SOLVER_SECONDS},
            )

        if not expression:  # is there any solution at all?
            # Contradicting copies contradict in their sums (two copies' totals of the same days), which the
            # linear relaxation finds in milliseconds where the integer problem of a large part takes seconds.
            return None if solve(objective, whole=False).status == 2 else ()
        lowest = solve(objective)  # an expression of counts is at least 0: never unbounded below
        if lowest.status == 2 or (lowest.status == 4 and solve(np.zeros(size)).status == 2):
            return None  # infeasible: the copies contradict each other
        if lowest.status != 0:  # time limit without an answer: assume the reader narrows it (hide more)
            return SMALL_HIGH, SMALL_HIGH
        highest = solve(-objective)
        if highest.status in (3, 4):  # feasible (the lowest exists), so "unbounded or infeasible" is unbounded
            return round(lowest.fun), None
        if highest.status != 0:
            return round(lowest.fun), round(lowest.fun)
        return round(lowest.fun), round(-highest.fun)


@dataclass(frozen=True)
class PlaceNames:
    """Each renamed neighborhood's latest name: by its record's id, and by each of its earlier names."""

    by_id: dict = field(default_factory=dict)
    by_name: dict = field(default_factory=dict)


def _place_names(copies: Sequence[Copy]) -> PlaceNames:
    names: dict[int, list[str]] = {}
    for copy in copies:  # oldest first: the last name seen is the latest
        for table in copy.tables:
            for row in table.figures or []:
                for figure in row:
                    if figure is not None and figure.place_id is not None:
                        known = names.setdefault(figure.place_id, [])
                        if figure.place in known:
                            known.remove(figure.place)
                        known.append(figure.place)
    renamed = {place_id: known for place_id, known in names.items() if len(known) > 1}
    return PlaceNames(
        {place_id: known[-1] for place_id, known in renamed.items()},
        {old: known[-1] for known in renamed.values() for old in known[:-1]},
    )


def _linked(copy: Copy, names: PlaceNames) -> Copy:
    """The copy with each renamed neighborhood's figures under its latest name: a reader holding a copy that
    names it the old way and one that names it the new way links the two (one place leaves the list as another
    joins it, with figures that add up), so the audit links them too, knowing which they are. A figure with no
    id (a copy frozen before figures had them) is linked by its name."""
    if not names.by_id:
        return copy

    def link(figure: Figure | None) -> Figure | None:
        if figure is None:
            return None
        if figure.place_id is None:
            latest = names.by_name.get(figure.place)
        else:
            latest = names.by_id.get(figure.place_id)
        return figure if latest in (None, figure.place) else replace(figure, place=latest)

    tables = [
        replace(table, figures=[[link(f) for f in row] for row in table.figures]) if table.figures else table
        for table in copy.tables
    ]
    return replace(copy, tables=tables)


def hidden_cells(copies: Sequence[Copy], only: set[int] | None = None):
    """(cell, shown) for every hidden count of the copies (of `only` the copies with those indexes)."""
    for k, copy in enumerate(copies):
        if only is not None and k not in only:
            continue
        for t, table in enumerate(copy.tables):
            for r, (_, values) in enumerate(table.rows):
                if r in table.measure_rows or not table.figures:
                    continue
                for c, value in enumerate(values):
                    if value in (SMALL, COMPLEMENTARY) and table.figures[r][c] is not None:
                        yield Cell(k, t, r, c), value


def between_key(cell: Between) -> tuple:
    """How a check's `given_away` names days worked out between copies (a cell is named by copy, table, row and
    column)."""
    return (BETWEEN, cell.measure, cell.place, cell.first, cell.last)


def between_cells(copies: Sequence[Copy], only: set[int] | None = None) -> list[Between]:
    """The counts from 1 to 4 a reader works out as the difference of a preliminary copy's figure and
    another copy's figure of the same measure, place and first day (`only`: pairs with one of those copies)."""
    figures: dict[tuple, list[tuple[int, int, int | None]]] = {}
    for k, copy in enumerate(copies):
        for t, table in enumerate(copy.tables):
            for r, (_, values) in enumerate(table.rows):
                if r in table.measure_rows or r in table.distinct_rows or not table.figures:
                    continue
                for c, value in enumerate(values):
                    figure = table.figures[r][c]
                    if value is not None and figure is not None:
                        key = (figure.measure, figure.place, figure.period.first)
                        figures.setdefault(key, []).append((figure.period.last, k, copy.true_value(t, r, c)))
    found = {}
    for (measure, place, _), ends in figures.items():
        for last_a, a, value_a in ends:
            for last_b, b, value_b in ends:
                if not (last_a < last_b and (copies[a].preliminary or copies[b].preliminary)):
                    continue
                if only is not None and a not in only and b not in only:
                    continue
                if value_a is None or value_b is None or not 1 <= value_b - value_a <= 4:
                    continue
                start = last_a + datetime.timedelta(days=1)
                found.setdefault(
                    (measure, place, start, last_b), Between(measure, place, start, last_b, (a, b), value_b - value_a)
                )
    return list(found.values())


def consistent_system(copies: Sequence[Copy], solver: Solver, *, hint: set | None = None) -> System:
    """The system of the copies; the fewest (measure, place) whose copies contradict each other are read copy
    by copy. Only those: a neighborhood renamed in one copy contradicts every copy naming it the other way, and
    reading the citywide figures copy by copy for it would hide what they give away together."""
    split = changed(copies, solver)
    while True:
        system = System(copies, split)
        contradicting = _contradicting(system, solver)
        if not contradicting:
            return system
        if hint:
            # Another selection of the same copies found what to read copy by copy (publication.worlds_of): when
            # its answer takes this one's contradiction away, the fewest of it this selection needs are searched
            # among its groups alone. Only those: a group that selection had to split may agree in this one, and
            # its copies, read together here, tell what that selection's reader could not (the fourth attacker's
            # Country Club, 2020, split for a version this selection does not hold).
            hinted = System(copies, split | set(hint))
            if not _contradicting(hinted, solver):
                split = _fewest(copies, solver, split, set(hint) - split) | split
                hint = None
                continue
        if not contradicting - split:  # even copy by copy: a copy contradicts itself
            raise Contradiction(sorted(f"{measure} ({place}, {year})" for measure, place, year in contradicting))
        split |= _fewest(copies, solver, split, contradicting - split)


def changed(copies: Sequence[Copy], solver: Solver) -> set:
    """The (measure, place, year) whose figures' true values, when their copies went out, cannot come from one
    set of counts: data corrected between two copies (a late homicide in East, and with it the citywide
    totals). Those are read copy by copy; every other figure stays tied across copies, as a reader ties them
    (a group that merely sits in the same sums as a corrected one is not split). A copy whose hidden values
    the program does not know leaves its hidden cells out of this, and any contradiction left over is
    searched for as before (`_fewest`)."""
    return _contradicting(System(copies, truth=True), solver)


def _contradicting(system: System, solver: Solver) -> set:
    """The (measure, place, year) of the unknowns of the parts of the system that have no solution."""
    names = {i: key for key, i in system.unknowns.items()}
    found = set()
    for rows in system.parts[1].values():
        if solver.interval(system, system.parts, {}, rows=rows) is None:
            found |= {_year_group(system, names[v]) for i in rows for v in system.constraints[i][0]}
    return found


def _year_group(system: System, name: tuple) -> tuple:
    """(measure, place, year) of an unknown: the year of its days, read copy by copy or not."""
    kind, measure, place, *rest = name
    if kind == "atom":  # ("atom", measure, place, [copy,] first, last)
        return measure, place, datetime.date.fromordinal(rest[-2]).year
    return measure, place, rest[1].year  # ("distinct", measure, place, window, first, last[, copy])


def _fewest(copies: Sequence[Copy], solver: Solver, split: set, groups: set) -> set:
    """A small set of `groups` whose reading copy by copy (with `split`) takes the contradiction away. Groups
    are tried joined again a half at a time (the citywide figures first), and a half whose joining brings a
    contradiction back is halved again, so a few culprits among many cost a few systems, not one each."""
    needed = set(groups)

    def agree(joined: set) -> bool:
        trial = needed - joined
        return not (_contradicting(System(copies, split | trial), solver) - split - trial)

    def join(candidates: list) -> None:
        nonlocal needed
        if not candidates:
            return
        if agree(set(candidates)):
            needed -= set(candidates)
        elif len(candidates) > 1:
            half = len(candidates) // 2
            join(candidates[:half])
            join(candidates[half:])

    join(sorted(groups, key=lambda g: (g[1] != ALL_PLACES, g)))
    return needed


def audit(
    copies: Sequence[Copy],
    *,
    solver: Solver | None = None,
    only: set[int] | None = None,
    progress: Progress | None = None,
    system: System | None = None,
    touching: int | None = None,
) -> Audit:
    """Every hidden count's interval, given everything the copies publish together (`system`: theirs, when
    already built). `touching`: only copy k's cells and the other copies' cells it is tied to (the rest
    are as the last audit found them)."""
    solver = solver or Solver()
    system = system or consistent_system(copies, solver)
    copies = system.copies  # renamed neighborhoods linked
    cells = list(hidden_cells(copies, only)) + [(b, BETWEEN) for b in between_cells(copies, only)]
    if touching is not None:
        part_of = system.parts[0]
        parts = {part_of[v] for cell in system.count_cells(touching) for v in system.cell_expression(cell)}
        cells = [
            (cell, shown)
            for cell, shown in cells
            if isinstance(cell, Between)
            or cell.copy == touching
            or part_of[next(iter(system.cell_expression(cell)))] in parts
        ]
    findings = []
    started = time.monotonic()
    for n, (cell, shown) in enumerate(cells, start=1):
        low, high = solver.interval(system, system.parts, system.cell_expression(cell))
        small = shown == BETWEEN or (cell.table, cell.row, cell.column) in copies[cell.copy].small_suppressed
        findings.append(Finding(cell, shown, low, high, small))
        if progress and (n == len(cells) or n % 25 == 0):
            progress(n, len(cells), _eta("Checked", n, len(cells), started))
    return Audit(findings, system.split)


def _eta(what: str, done: int, total: int, started: float) -> str:
    elapsed = time.monotonic() - started
    left = elapsed / done * (total - done) if done else 0
    return f"{what} {done:,} of {total:,} hidden cells; about {left:.0f} s left."


def describe(copies: Sequence[Copy], result: Audit, *, given_away: set = frozenset()) -> dict:
    """The audit as JSON for the published copy's record (managers only): each hidden cell's interval, and
    its true value where the program knows it. `given_away`: (copy, table, row, column) of cells the other
    copies had already given away on their own."""
    cells = []
    for finding in result.findings:
        if isinstance(finding.cell, Between):
            between = finding.cell
            entry = {
                "copy": " and ".join(copies[k].label for k in between.copies),
                "table": "Worked out between the two copies",
                "row": f"{between.measure} ({between.place})",
                "column": span_text(between.first, between.last),
                "value": between.value,
            }
        else:
            copy = copies[finding.cell.copy]
            table = copy.tables[finding.cell.table]
            entry = {
                "copy": copy.label,
                "table": table.title,
                "row": table.rows[finding.cell.row][0],
                "column": table.columns[finding.cell.column],
            }
            cell = finding.cell
            if (cell.table, cell.row, cell.column) in copy.values:
                entry["value"] = copy.values[(cell.table, cell.row, cell.column)]
        entry.update(shown=finding.shown, low=finding.low, high=finding.high, protected=finding.protected)
        if isinstance(finding.cell, Between) and between_key(finding.cell) in given_away:
            entry["given_away"] = True
            split = (finding.cell.measure, finding.cell.place, finding.cell.first.year) in result.split
            entry["given_by"] = "correction" if split else "before"
        elif (
            isinstance(finding.cell, Cell)
            and (finding.cell.copy, finding.cell.table, finding.cell.row, finding.cell.column) in given_away
        ):
            entry["given_away"] = True
            # By whom, for the check's reader: a correction between the copies (its size is public) or the copies
            # published before on their own. A corrected (measure, place, year) is one the audit read copy by copy.
            figures = copies[finding.cell.copy].tables[finding.cell.table].figures
            figure = figures[finding.cell.row][finding.cell.column] if figures else None
            corrected = figure is not None and (figure.measure, figure.place, figure.period.first.year) in result.split
            entry["given_by"] = "correction" if corrected else "before"
        cells.append(entry)
    small = [c for c, f in zip(cells, result.findings, strict=True) if f.shown == SMALL or f.small]
    narrowest = min(small, key=lambda c: float("inf") if c["high"] is None else c["high"] - c["low"], default=None)
    before = sum(not c["protected"] and c.get("given_away", False) for c in cells)
    unprotected = sum(not c["protected"] for c in cells) - before
    checked = f"{len(cells):,} hidden cells checked against everything in {len(copies):,} copies"
    if unprotected:
        summary = f"{checked}; {unprotected:,} small counts can be narrowed."
    elif before:
        summary = f"{checked}; every small count is protected but those given away."
    else:
        summary = f"{checked}; every small count is protected."
    if before:
        summary += (
            f" {before:,} small count{'s' if before != 1 else ''} had been given away already by the copies published "
            "before, or by a correction between them (hiding more of this copy cannot protect them): they are marked "
            "below."
        )
    return {
        "protection": f"A cell shown as <5 must stay anywhere from {SMALL_LOW} to {SMALL_HIGH} for a reader.",
        "summary": summary,
        "cells": cells,
        "narrowest": narrowest,
        "narrowed": unprotected,  # small counts a reader can narrow, beyond those given away already
        "split": sorted(f"{measure} ({place}, {year})" for measure, place, year in result.split),
        "checked_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _bounds(value, small: bool) -> tuple[float, float] | None:
    """What a cell tells a reader about its count: "<5" 1 to 4; "suppressed" 5 or more (1 or more for the
    few holding 1 to 4, see the module's docstring); a number itself."""
    if value == SMALL:
        return SMALL_LOW, SMALL_HIGH
    if value == COMPLEMENTARY:
        return (SMALL_LOW if small else NOT_SMALL), np.inf
    if isinstance(value, int):
        return value, value
    if value == FREE_NOT_SMALL:
        return NOT_SMALL, np.inf
    if value == FREE_POSITIVE:
        return 1, np.inf
    if value == FREE:
        return 0, np.inf
    return None


def _moved(difference: int, *, renamed: bool = False) -> tuple[float, float]:
    """The bounds a reader knows for a correction's size (earlier copy's count less the later's) of a group read
    copy by copy ((measure, place, copy)): `System._tie_corrections`. Exactly, in every place: the new version's
    reason may give it ("a double homicide in Downtown"), and a corrected incident moves every measure it is counted
    in (a homicide reclassified as a non-fatal shooting: the victims and the shootings up by one), so assuming
    less (which way a neighborhood moved, as before the eleventh attack) let a reader narrow counts the check
    called protected. A place `renamed` away from one copy moved by its whole count, which nothing tells: only
    which way it went."""
    if renamed and difference:
        return (1, np.inf) if difference > 0 else (-np.inf, -1)
    return difference, difference


def _renamed(a: tuple, b: tuple, absent: set, present: dict) -> bool:
    """Whether a (measure, place, copy) group missing from one of two copies was renamed there: that copy prints a
    place the other does not (one place leaves as another joins). A place that is merely new in one version (a
    "Not recorded" row after a homicide with no neighborhood) is 0 in the other, by an exactly known correction."""
    for gone, other in ((a, b), (b, a)):
        if gone in absent and present.get((gone[0], gone[2]), set()) - present.get((other[0], other[2]), set()):
            return True
    return False


def _determined(figures: list[tuple[int, int, int]], cuts: list[int], first: int, end: int) -> int | None:
    """The count of days `first` to `end` - 1 when figures (first, end, count) of one group of one copy fix it
    (the span is a combination of the figures' spans), else None."""
    atoms = len(cuts) - 1
    matrix = np.zeros((len(figures), atoms))
    for n, (start, stop, _) in enumerate(figures):
        matrix[n, cuts.index(start) : cuts.index(stop)] = 1
    span = np.zeros(atoms)
    span[cuts.index(first) : cuts.index(end)] = 1
    # The span is fixed exactly when it is in the row space of the figures: span = matrix.T @ weights.
    weights, *_ = np.linalg.lstsq(matrix.T, span, rcond=None)
    if not np.allclose(matrix.T @ weights, span):
        return None
    return round(float(weights @ np.array([count for _, _, count in figures], dtype=float)))


def _by_place(table: Table) -> bool:
    """A table with a total whose rows are places (the neighborhood table)."""
    if not (table.total and table.figures and len(table.figures) > 1):
        return False
    first = next((f for f in table.figures[0] if f is not None), None)
    last = next((f for f in table.figures[-1] if f is not None), None)
    return first is not None and last is not None and first.place != last.place


def _days(figure: Figure) -> tuple[int, int]:
    return figure.period.first.toordinal(), figure.period.last.toordinal()


def _sum(expressions: list[Expression]) -> Expression:
    total: Expression = {}
    for expression in expressions:
        for v, c in expression.items():
            total[v] = total.get(v, 0) + c
    return total


def _minus(a: Expression, b: Expression) -> Expression:
    return _sum([a, {v: -c for v, c in b.items()}])
