"""What a copy of the quarterly report shows: every table, or for a public copy the tables with
small counts hidden (reports.suppression) consistently across the year's copies; the headline
and the trend chart drawn from what is shown. A copy holds only the report's aggregate figures,
never a name. The file formats (reports.exports) and the HTML page render what this gives."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_noop

from reports import audit, display, suppression
from reports.periods import span_text
from reports.quarterly import ALL_PLACES, Report, Table
from reports.suppression import Suppressed

# What a public copy tells its reader about the cells it hides.
PUBLIC_NOTICE = gettext_noop(
    "Public copy: counts from 1 to 4 of people or incidents are shown as <5, and some other cells are hidden so "
    "they cannot be worked out. Hours, contacts and referrals are never hidden. See the Suppressed sheet."
)


@dataclass
class Document:
    """A copy of the report as a page or a file shows it: the report it is of (quarter, days, when
    computed, final or preliminary), its tables by section, the sentence at the top and, in a public
    copy, the cells hidden. A published copy is thawed into one from its record (publishing.frozen)."""

    report: Report
    sections: list[tuple[str, list[Table]]]
    headline: str
    public: bool = False
    notes: list[Suppressed] = field(default_factory=list)
    # A published copy's version line ("Version 2, published ... It replaces version 1: ..."), on every format.
    published: str = ""

    @property
    def tables(self) -> list[Table]:
        return [table for _, tables in self.sections for table in tables]


def internal(report: Report) -> Document:
    """The program's own copy: every figure."""
    return Document(report, [(section.title, list(section.tables)) for section in report.sections], report.headline)


def notes_of(tables: Sequence[Table]) -> list[Suppressed]:
    """The list of hidden cells, from the tables as published (their `hidden`)."""
    return [
        Suppressed(table.title, table.rows[r][0], table.columns[c], reason.text)
        for table in tables
        for (r, c), reason in sorted(table.hidden.items())
    ]


@dataclass(frozen=True)
class Released:
    """A public copy already published, as its reader holds it: the tables exactly as released."""

    label: str  # "2018 Q3, version 1", for the audit's findings
    year: int
    quarter: int
    preliminary: bool
    sections: list[tuple[str, list[Table]]]
    # Known only to the program (PublicCopy.hidden_values, kept with the record, never published): the
    # hidden cells' true values, as (table key, row, column, value).
    hidden_values: tuple = ()


@dataclass
class PublicCopy:
    """A public copy ready to freeze: its tables with cells hidden, the list of hidden cells, the
    headline it may state, and the audit (JSON: each hidden count's interval; managers only)."""

    sections: list[tuple[str, list[Table]]]
    notes: list[Suppressed]
    headline: str
    audit: dict = field(default_factory=dict)
    # (table key, row, column, value) of every hidden cell: never published, kept with the record for
    # the next audits (Released.hidden_values).
    hidden_values: list[tuple[str, int, int, int]] = field(default_factory=list)

    def document(self, report: Report) -> Document:
        return Document(report, self.sections, self.headline, public=True, notes=self.notes)


Progress = Callable[[int, int, str], None]  # (done, total, what is being done)


class Unprotectable(Exception):
    """No more cells of this copy can be hidden, and a small count can still be narrowed."""


def prepare(report: Report, released: Sequence[Released], *, progress: Progress | None = None) -> PublicCopy:
    """The public copy of `report`, released only when, together with every copy already released, no
    small count it hides (or they hid) can be narrowed: each table's own rules first
    (reports.suppression), then the audit (reports.audit), hiding one more cell of this copy at a time
    until it finds nothing. Where showing "<5" would itself give a count away (1 + 1 in two quarters and
    "<5" for the year so far), that cell is shown as "suppressed" instead."""
    tables = [table for section in report.sections for table in section.tables]
    earlier = _earlier_this_year(report, released)
    hidden = [suppression.first_pass(table, earlier.get(table.key, [])) for table in tables]
    _hide_same_figures(tables, hidden)
    copies = [_copy(c) for c in released]
    candidate = _Candidate(f"{report.quarter.label} (this copy)", report.quarter.year, tables, report.preliminary)
    solver = audit.Solver()
    worlds = []
    this = (report.quarter.year, report.quarter.number, report.preliminary)
    readings = worlds_of(released, candidate=this)
    # And the copies that agree with this one's data, read together with it: a reader may well set aside a copy
    # that a correction made wrong (the sixth attack: 2021 Q3's first version, out before a late homicide of May,
    # sat in the latest versions' reading, which then read Lincoln Village copy by copy and missed Q2 + Q4 <= 4).
    agreeing = _agreeing(copies, candidate.copy(hidden), solver)
    if agreeing not in readings:
        readings.append(agreeing)
    for indexes in readings:  # the first holds every copy: it hints the others'
        hint = worlds[0].family.split if worlds else None
        worlds.append(_World(copies, indexes, candidate.copy(hidden), solver, hint=hint))
    rounds = 0
    while True:
        leak, world = None, None
        for world in worlds:
            system = world.system(candidate.copy(hidden))
            leak = _first_leak(system, solver, world.before, world.checked, world.given_away)
            if leak is not None:
                break
        rounds += 1
        if progress:
            progress(rounds, rounds + (1 if leak else 0), f"Choosing the cells to hide: round {rounds}.")
        if leak is None:
            break
        hidden = _hide_next(system, solver, candidate, hidden, leak)
    for table, cells in zip(tables, hidden, strict=True):
        suppression.hide_shares(table, cells)
    final = [world.system(candidate.copy(hidden)) for world in worlds]
    results = [
        audit.audit(
            system.copies,
            solver=solver,
            progress=progress if w == 0 else None,
            system=system,
            touching=len(system.copies) - 1,
        )
        for w, system in enumerate(final)
    ]
    copies = final[0].copies
    result = _narrowest(final, results)
    mine = set().union(*(world.given for world in worlds))
    given = {key for key in mine if key[0] == audit.BETWEEN}
    given |= {(len(copies) - 1, *cell) for cell in mine if cell[0] != audit.BETWEEN}
    index = {copy.label: k for k, copy in enumerate(copies)}
    given |= {(index[label], *cell) for world in worlds for label, *cell in world.before.given if label in index}
    published, notes, n = [], [], 0
    for section in report.sections:
        shown = []
        for table in section.tables:
            table, table_notes = suppression.published(table, hidden[n])
            shown.append(table)
            notes += table_notes
            n += 1
        published.append((section.title, shown))
    check = audit.describe(copies, result, given_away=given)
    if check["narrowed"]:
        # Every reading was closed round by round, yet the readings together still narrow a count (each hidden
        # cell keeps the narrowest interval any reading gives): never offered for publication.
        raise Unprotectable(f"The check of the copy as it would be published: {check['summary']}")
    return PublicCopy(
        published,
        notes,
        headline(report, published, public=True),
        check,
        hidden_values=[(tables[t].key, r, c, v) for (t, r, c), v in sorted(candidate.values(hidden).items())],
    )


def audit_released(released: Sequence[Released], *, progress: Progress | None = None) -> dict:
    """The audit of every released copy (manage.py audit_public_copies), as JSON: all of them together, and
    each selection of versions a reader may hold (worlds_of), each hidden cell's narrowest interval."""
    copies = [_copy(c) for c in released]
    solver = audit.Solver()
    systems: list[audit.System] = []
    for indexes in worlds_of(released):
        hint = systems[0].split if systems else None
        systems.append(audit.consistent_system([copies[i] for i in indexes], solver, hint=hint))
    results = [
        audit.audit(system.copies, solver=solver, progress=progress if w == 0 else None, system=system)
        for w, system in enumerate(systems)
    ]
    return audit.describe(copies, _narrowest(systems, results))


def _agreeing(copies: list[audit.Copy], truth: audit.Copy, solver: audit.Solver) -> list[int]:
    """The released copies (indexes) that agree with the data as it is now and with each other: the newest first,
    each kept when its figures and those kept so far can all be true at once (two versions of a quarter around a
    correction agree with this copy each alone, not together)."""
    kept: list[int] = []
    for i in reversed(range(len(copies))):
        if audit.changed([copies[i], truth], solver):
            continue  # a correction since made it wrong
        if not audit.changed([*(copies[k] for k in sorted(kept)), copies[i], truth], solver):
            kept.append(i)
    return sorted(kept)


def worlds_of(released: Sequence[Released], *, candidate: tuple | None = None) -> list[list[int]]:
    """The selections of released copies (indexes, oldest first) a reader may read together. All of them, with
    the figures that contradict each other (data corrected between two versions) read copy by copy; and,
    where a quarter has several versions, the latest of each quarter, and that with one earlier version in
    its quarter's place: a reader who takes one version as the truth combines it with every other quarter,
    and a contradiction with its own later version must not hide what it gives away with the others
    (a neighborhood renamed in one version: the renamed name "absent" contradicts every other copy).
    `candidate`: (year, quarter, preliminary) of a copy being prepared, which every selection holds (it is not
    in the indexes): a new version of a quarter takes its earlier versions' place in the latest of each quarter,
    as a reader holding it would (the fifth attacker's Lincoln Village, 2020: its second version of Q3 was read
    only beside the first)."""
    versions: dict[tuple, list[int]] = {}
    for i, copy in enumerate(released):  # a preliminary copy is of other days than the final one: both count
        versions.setdefault((copy.year, copy.quarter, copy.preliminary), []).append(i)
    mine = len(released)
    if candidate is not None:
        versions.setdefault(candidate, []).append(mine)
    everything = sorted(i for indexes in versions.values() for i in indexes)
    latest = sorted(indexes[-1] for indexes in versions.values())
    worlds = [everything]
    if latest != everything:
        worlds.append(latest)
        for indexes in versions.values():
            for earlier in indexes[:-1]:
                worlds.append(sorted((set(latest) - {indexes[-1]}) | {earlier}))
    if candidate is not None:  # the selections holding the candidate, without it (the caller adds it last)
        worlds = [[i for i in world if i != mine] for world in worlds if mine in world]
    unique = []
    for world in worlds:
        if world not in unique:
            unique.append(world)
    return unique


class _World:
    """One selection of the released copies, with the copy being prepared last."""

    def __init__(
        self, copies: list[audit.Copy], indexes: list[int], candidate: audit.Copy, solver: audit.Solver, hint=None
    ):
        self.copies = [copies[i] for i in indexes]
        self.checked: set = set()  # cells found protected: hiding more only widens what a reader can say
        self.family = audit.consistent_system([*self.copies, candidate], solver, hint=hint)
        self.before = _Before(self.copies, solver, hint=hint or self.family.split)
        self.solver, self.blank, self.given = solver, None, set()
        self._candidate = candidate

    def system(self, candidate: audit.Copy) -> audit.System:
        return self.family.variant(len(self.copies), candidate)

    def given_away(self, cell) -> bool:
        """Whether the released copies alone, this copy saying nothing, already narrow the cell's count: then
        hiding more of this copy cannot protect it (a corrected version of a quarter whose figures earlier
        copies gave away), and it is listed as given away before rather than refusing every new copy."""
        if self.blank is None:
            mine = self._candidate
            blank = audit.Copy(mine.label, mine.year, [_blank(mine, t) for t in range(len(mine.tables))])
            self.blank = self.system(blank)
        low, high = self.solver.interval(self.blank, self.blank.parts, self.blank.cell_expression(cell))
        if high is not None and high - low < audit.PROTECTED_WIDTH:
            if isinstance(cell, audit.Between):
                # Days a reader works out from the released copies and what any display of this one says (its
                # zeros): the twelfth attacker's Country Club, 1 April to 7 December, whose Q2 and Q3 the released
                # copies told, beside this copy's 0 since October; no copy of Q4 could be prepared.
                self.given.add(audit.between_key(cell))
            elif cell.copy == len(self.copies):  # this copy's own: marked on its check
                self.given.add((cell.table, cell.row, cell.column))
            return True
        return False


def _blank(copy: audit.Copy, t: int) -> Table:
    """Table t of the copy saying of its counts only what any way of showing it says (audit.FREE_POSITIVE,
    FREE_NOT_SMALL; a zero is always shown): what the other copies tell on their own, beyond that (a count of 1 or
    more shows as "<5" or "suppressed": one or more, either way)."""
    table = copy.tables[t]
    rows = [
        (
            label,
            [
                v if v is None or r in table.measure_rows else _free(copy.true_value(t, r, c))
                for c, v in enumerate(values)
            ],
        )
        for r, (label, values) in enumerate(table.rows)
    ]
    return replace(table, rows=rows)


def _free(value) -> str:
    if isinstance(value, int) and value >= audit.NOT_SMALL:
        # Shown or "suppressed", a count of 5 or more says "5 or more" (a correction from "<5" to 5 gives the 4 away,
        # however the new version shows it).
        return audit.FREE_NOT_SMALL
    if value == 0:
        # Zeros are always shown: every display of this copy says 0 (the twelfth attacker: a first version's "<5" of 1,
        # then 0 after a reclassification, made every new version of the quarter unprotectable).
        return 0
    return audit.FREE_POSITIVE if isinstance(value, int) and value >= 1 else audit.FREE


def _narrowest(systems: list[audit.System], results: list[audit.Audit]) -> audit.Audit:
    """The first system's findings (it holds every copy), each narrowed to the narrowest interval any system
    finds for the same cell: a reader picks the reading that tells most."""

    def key(system: audit.System, finding: audit.Finding):
        cell = finding.cell
        if isinstance(cell, audit.Between):
            return ("between", cell.measure, cell.place, cell.first, cell.last)
        return (system.copies[cell.copy].label, cell.table, cell.row, cell.column)

    best: dict = {}
    for system, result in zip(systems, results, strict=True):
        for finding in result.findings:
            k = key(system, finding)
            if k not in best or finding.width < best[k].width:
                best[k] = finding
    findings = []
    for finding in results[0].findings:
        narrow = best[key(systems[0], finding)]
        findings.append(audit.Finding(finding.cell, finding.shown, narrow.low, narrow.high, finding.small))
    return audit.Audit(findings, results[0].split)


def _copy(released: Released) -> audit.Copy:
    tables = [t for _, ts in released.sections for t in ts]
    index = {t.key: i for i, t in enumerate(tables)}
    values = {(index[key], r, c): value for key, r, c, value in released.hidden_values if key in index}
    return audit.Copy(released.label, released.year, tables, values, released.preliminary)


@dataclass
class _Candidate:
    """The copy being prepared: its tables with their true figures."""

    label: str
    year: int
    tables: list[Table]

    preliminary: bool

    def copy(self, hidden: list[dict]) -> audit.Copy:
        shown = [suppression.published(t, h)[0] for t, h in zip(self.tables, hidden, strict=True)]
        return audit.Copy(self.label, self.year, shown, self.values(hidden), self.preliminary)

    def values(self, hidden: list[dict]) -> dict[tuple[int, int, int], int]:
        """The true values of the hidden count cells (not the shares: they are not counts)."""
        return {
            (t, r, c): self.tables[t].rows[r][1][c]
            for t, cells in enumerate(hidden)
            for (r, c), reason in cells.items()
            if reason is not suppression.SHARE_OF_HIDDEN
        }


def _earlier_this_year(report: Report, released: Sequence[Released]) -> dict[str, list[Table]]:
    """Each table's latest released copy for each earlier quarter of the report's year, oldest first."""
    latest = {}
    for copy in released:  # oldest first: the last one of a quarter is its latest version
        if copy.year == report.quarter.year and copy.quarter < report.quarter.number and not copy.preliminary:
            latest[copy.quarter] = copy
    earlier: dict[str, list[Table]] = {}
    for number in sorted(latest):
        for _, tables in latest[number].sections:
            for table in tables:
                earlier.setdefault(table.key, []).append(table)
    return earlier


def _shown(table: Table, hidden: dict) -> Table:
    return suppression.published(table, hidden)[0]


def _figure_key(table: Table, r: int, c: int):
    """What identifies a figure within a copy: the same measure, place and days (and, for counts of
    distinct people, the same kind of window) are the same number wherever they are printed."""
    figure = table.figures[r][c] if table.figures else None
    if figure is None or r in table.measure_rows:
        return None
    days = (figure.period.first, figure.period.last)
    return (figure.measure, figure.place, figure.period.window if r in table.distinct_rows else "", *days)


def _hide_same_figures(tables: list[Table], hidden: list[dict]) -> None:
    """A figure hidden in one table is hidden, and shown the same way, wherever the copy prints it (the
    summary's year to date is the neighborhood table's total and this year's row of the trend)."""
    marks: dict = {}
    for t, cells in enumerate(hidden):
        for (r, c), reason in cells.items():
            key = _figure_key(tables[t], r, c)
            if key is not None and reason is not suppression.SHARE_OF_HIDDEN:
                mark = suppression.mark(reason)
                marks[key] = suppression.COMPLEMENTARY if marks.get(key) == suppression.COMPLEMENTARY else mark
    for t, table in enumerate(tables):
        for r, (_, values) in enumerate(table.rows):
            for c, value in enumerate(values):
                mark = marks.get(_figure_key(table, r, c))
                if mark is None or value is None:
                    continue
                reason = hidden[t].get((r, c))
                if mark == suppression.SMALL and reason is None:
                    hidden[t][(r, c)] = suppression.FEWER_THAN_5
                elif mark == suppression.COMPLEMENTARY and (reason is None or reason is suppression.FEWER_THAN_5):
                    hidden[t][(r, c)] = suppression.SAME_FIGURE


class _Before:
    """The released copies without this one, solved only if a released cell leaks: a leak they had already
    is not this copy's to stop."""

    def __init__(self, copies: list[audit.Copy], solver: audit.Solver, hint=None):
        self.copies, self.solver, self.system, self.hint = copies, solver, None, hint
        self.given: set[tuple[str, int, int, int]] = set()  # (copy label, table, row, column) found leaked already

    def leaked(self, cell: audit.Cell) -> bool:
        if self.system is None:
            self.system = audit.consistent_system(self.copies, self.solver, hint=self.hint)
        return not _finding(self.system, self.solver, cell).protected


def _first_leak(
    system: audit.System, solver: audit.Solver, before: _Before, checked: set, given_away=lambda cell: False
) -> audit.Finding | None:
    """A small count (of this copy, or of a released copy that this copy would now narrow) a reader can
    narrow; this copy's own cells first. A cell once found protected stays so (`checked`): each round
    only hides more."""
    current = len(system.copies) - 1
    part_of = system.parts[0]
    touched = {part_of[v] for cell in system.count_cells(current) for v in system.cell_expression(cell)}
    cells = [
        cell
        for cell, shown in audit.hidden_cells(system.copies)
        if shown == audit.SMALL or (cell.table, cell.row, cell.column) in system.copies[cell.copy].small_suppressed
    ]
    cells.sort(key=lambda cell: cell.copy != current)
    cells += audit.between_cells(system.copies, {current})
    for cell in cells:
        if cell in checked:
            continue
        mine = isinstance(cell, audit.Between) or cell.copy == current
        if not mine and part_of[next(iter(system.cell_expression(cell)))] not in touched:
            continue
        finding = _finding(system, solver, cell)
        # A released copy's count that the copies, this one saying only what any display of its counts says,
        # already narrow (an earlier version of this quarter gave "one or more" too) is theirs to answer for.
        if finding.protected:
            checked.add(cell)
        elif (not mine and (before.leaked(cell) or given_away(cell))) or (mine and given_away(cell)):
            checked.add(cell)
            if not mine:  # a released copy's count given away without this one: marked so on this copy's check
                before.given.add((system.copies[cell.copy].label, cell.table, cell.row, cell.column))
        else:
            return finding
    return None


TRIED_PER_LEAK = 8  # the nearest candidates tried one by one before settling for the nearest


def _hide_next(system, solver, candidate: _Candidate, hidden: list[dict], leak: audit.Finding) -> list[dict]:
    """`hidden` with one more cell of this copy hidden: the first of the nearest candidates that stops the
    leak, else the nearest (the next round goes on from there)."""
    ranked = _candidates(system, candidate.tables, hidden, leak)
    if not ranked:
        raise Unprotectable(
            f"A small count ({_describe(system, leak.cell)}) can be narrowed to {leak.low}-{leak.high} and no "
            "other cell of this copy can be hidden to stop it."
        )
    trials = []
    for t, cell in ranked[:TRIED_PER_LEAK]:
        trial = [dict(cells) for cells in hidden]
        trial[t][cell] = suppression.WORKED_OUT
        _hide_same_figures(candidate.tables, trial)
        trials.append(trial)
        tried = system.variant(len(system.copies) - 1, candidate.copy(trial))
        if _finding(tried, solver, leak.cell).protected:
            return trial
    return trials[0]


def _finding(system: audit.System, solver: audit.Solver, cell: audit.Cell) -> audit.Finding:
    """What a reader of the system's copies can work out about one hidden cell."""
    low, high = solver.interval(system, system.parts, system.cell_expression(cell))
    if isinstance(cell, audit.Between):
        return audit.Finding(cell, audit.BETWEEN, low, high, True)
    copy = system.copies[cell.copy]
    shown = copy.tables[cell.table].rows[cell.row][1][cell.column]
    return audit.Finding(cell, shown, low, high, (cell.table, cell.row, cell.column) in copy.small_suppressed)


def _candidates(system: audit.System, tables: list[Table], hidden: list[dict], leak: audit.Finding):
    """The cells of this copy that could be hidden next: published counts (then shown as "suppressed")
    before any "<5" (then shown as "suppressed" too: it no longer says it is under 5; the leaked cell
    itself last), each nearest the leaked cell first, never the citywide homicide count while another
    will do, then the smallest."""
    current = len(system.copies) - 1
    part_of, constraints = system.parts
    start = system.cell_expression(leak.cell)
    distance = _distances(system, constraints.get(part_of[next(iter(start))], []), set(start))
    ranked = []
    for t, table in enumerate(tables):
        for r, (_, values) in enumerate(table.rows):
            for c, value in enumerate(values):
                reason = hidden[t].get((r, c))
                small = reason is suppression.FEWER_THAN_5
                if _figure_key(table, r, c) is None or not (small or (reason is None and suppression.hidable(value))):
                    continue
                expression = system.cell_expression(audit.Cell(current, t, r, c))
                near = min((distance[v] for v in expression if v in distance), default=None)
                if near is None:
                    continue
                figure = table.figures[r][c]
                headline_count = figure.measure == "Homicides" and figure.place == ALL_PLACES
                itself = leak.cell == audit.Cell(current, t, r, c)
                ranked.append(((small, itself, near, headline_count, value), t, (r, c)))
    ranked.sort(key=lambda entry: entry[0])
    return [(t, cell) for _, t, cell in ranked]


def _distances(system: audit.System, rows: list[int], start: set[int]) -> dict[int, int]:
    """How many relations apart each unknown of the part is from the leaked cell's."""
    touching: dict[int, list[int]] = {}
    for i in rows:
        for v in system.constraints[i][0]:
            touching.setdefault(v, []).append(i)
    distance = dict.fromkeys(start, 0)
    frontier = list(start)
    while frontier:
        following = []
        for v in frontier:
            for i in touching.get(v, []):
                for w in system.constraints[i][0]:
                    if w not in distance:
                        distance[w] = distance[v] + 1
                        following.append(w)
        frontier = following
    return distance


def _describe(system: audit.System, cell) -> str:
    if isinstance(cell, audit.Between):
        return f"{cell.measure} ({cell.place}), {span_text(cell.first, cell.last)}, worked out between two copies"
    copy = system.copies[cell.copy]
    table = copy.tables[cell.table]
    return f"{copy.label}, {table.title}, {table.rows[cell.row][0]}, {table.columns[cell.column]}"


def headline(report: Report, sections: list[tuple[str, list[Table]]], *, public: bool) -> str:
    """The report's sentence; in a public copy only when every count it rests on is shown."""
    trend = next((t for _, tables in sections for t in tables if t.key == "violence_trend"), None)
    if public and trend is not None and any(isinstance(values[0], str) for _, values in trend.rows):
        return gettext_noop(
            "The year-to-date comparison is left out of this public copy: some of the counts it rests on are hidden "
            "(under 5, or hidden so that a small count cannot be worked out from them)."
        )
    return report.headline


def trend_chart(sections: list[tuple[str, list[Table]]], through) -> dict:
    """Chart data for the violence trend, from the trend table as published (hidden cells: no bar)."""
    trend = next(t for _, tables in sections for t in tables if t.key == "violence_trend")
    rows = [(label, [None if isinstance(v, str) else v for v in values]) for label, values in trend.rows]
    return chart_data(rows, through)


def chart_data(rows: list[tuple[str, list]], through) -> dict:
    """Chart.js data (static/js/charts.js) from (year, [homicides ytd, homicides, victims ytd, victims]), its
    labels in the reader's language."""
    days = f"1 January to {through.day} {through:%B}"
    labels = [
        display.text(f"Homicides, {days}"),
        display.text("Homicides, whole year"),
        display.text(f"Non-fatal shooting victims, {days}"),
        display.text("Non-fatal shooting victims, whole year"),
    ]
    return {
        "labels": [year for year, _ in rows],
        "datasets": [{"label": label, "data": [values[i] for _, values in rows]} for i, label in enumerate(labels)],
    }
