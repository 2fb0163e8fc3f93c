"""The report in the reader's language, at display only (issue #18).

A report is built, frozen into a public copy and audited in English: its titles, row labels and column
labels are the keys the audit and the published records use (Figure.measure, STOCK_AND_FLOW, the rows a
new version is compared by), and a published copy is a record that never changes. The page and the files
translate those English strings here, when they are shown: fixed strings through the catalogue, the ones
that name days or quarters ("Year to date (1 January to 30 September 2018)") by their pattern, the
sentence at the top by its parts. Every figure stays as it is. In English everything is shown as built.
"""

import datetime
import re
from dataclasses import replace

from django.utils import formats
from django.utils.translation import get_language, gettext, gettext_noop

from reports.periods import span_text

MONTHS = {
    datetime.date(2000, m, 1).strftime("%B"): m
    for m in range(1, 13)  # English month names: strftime is not translated
}
_DAY = r"\d{1,2} (?:" + "|".join(MONTHS) + r")(?: \d{4})?"
_SPAN = rf"{_DAY}(?: to {_DAY})?"
_QUARTER = r"Q[1-4] \d{4}"


def translating() -> bool:
    return not (get_language() or "en").startswith("en")


def _parse_day(text: str, default_year: int) -> tuple[datetime.date, bool]:
    day, month, *year = text.split(" ")
    return datetime.date(int(year[0]) if year else default_year, MONTHS[month], int(day)), bool(year)


def parse_span(text: str) -> tuple[datetime.date, datetime.date, bool] | None:
    """(first, last, whether the year is named) from span_text's English; None when it is not one."""
    if not re.fullmatch(_SPAN, text):
        return None
    first_text, _, last_text = text.partition(" to ")
    last_text = last_text or first_text
    last, last_has_year = _parse_day(last_text, 2000)
    first, first_has_year = _parse_day(first_text, last.year)
    return first, last, last_has_year or first_has_year


def day_text(day: datetime.date, *, year: bool = True) -> str:
    """1 December 2026 in English, "1 de diciembre de 2026" in Spanish (Django's formats of the language)."""
    if not translating():
        return f"{day.day} {day:%B} {day.year}" if year else f"{day.day} {day:%B}"
    return formats.date_format(day, "DATE_FORMAT" if year else "MONTH_DAY_FORMAT")


def span(first: datetime.date, last: datetime.date, *, year: bool = True) -> str:
    """span_text in the reader's language."""
    if not translating():
        text = span_text(first, last)
        return text if year else text.removesuffix(f" {last.year}")
    if first == last:
        return day_text(first, year=year)
    if first.year != last.year:
        first_text = day_text(first)
    else:
        first_text = day_text(first, year=False)
    return gettext("%(first)s to %(last)s") % {"first": first_text, "last": day_text(last, year=year)}


def quarter_label(label: str) -> str:
    """ "Q3 2018" in the reader's language."""
    found = re.fullmatch(r"Q([1-4]) (\d{4})", label)
    if not found:
        return label
    return gettext("Q%(number)s %(year)s") % {"number": found[1], "year": found[2]}


# Strings with a part that names days, a quarter or a measure, in the order they are tried. The first
# word of each placeholder says what it holds: days (a span), day (one day), quarter, measure (a string
# translated in its turn), count or label (kept, or translated as a fixed string).
PATTERNS = [
    gettext_noop("Year to date (%(days)s)"),
    gettext_noop("%(measure)s, year to date (%(days)s)"),
    gettext_noop("%(measure)s, %(quarter)s (%(days)s)"),
    gettext_noop("%(quarter)s (%(days)s)"),
    gettext_noop("The same days in earlier years (%(days)s) and whole years"),
    gettext_noop("%(measure)s, whole year"),
    gettext_noop("%(measure)s, %(days)s"),
    gettext_noop("%(days)s, the year so far"),
    gettext_noop("Clients active on %(day)s"),
    gettext_noop("Clients contacted in the %(count)s days to %(day)s"),
    gettext_noop(
        "The same days are %(days)s of each year (29 February counts as 28 February in other years). This "
        "report's year counts only to its last day: its whole-year figure is the year so far."
    ),
    gettext_noop("Public copy, version %(count)s, published %(day)s."),
    gettext_noop("Public copy, version %(count)s, published %(day)s. It replaces version %(number)s: %(reason)s"),
    # The audit's words (publishing's check, managers only), kept in English with the copy's record.
    gettext_noop("%(quarter)s, version %(count)s"),
    gettext_noop("%(quarter)s (this copy)"),
    gettext_noop("%(quarter)s (draft)"),
    gettext_noop("A cell shown as <5 must stay anywhere from %(count)s to %(number)s for a reader."),
    gettext_noop(
        "%(count)s hidden cells checked against everything in %(number)s copies; every small count is protected."
    ),
    gettext_noop(
        "%(count)s hidden cells checked against everything in %(number)s copies; every small count is protected "
        "but those given away."
    ),
    gettext_noop(
        "%(count)s hidden cells checked against everything in %(number)s copies; %(other)s small counts can be "
        "narrowed."
    ),
    gettext_noop(
        "%(summary)s %(count)s small count of this copy had been given away already by copies published before "
        "(hiding them here cannot protect them): they are marked below."
    ),
    gettext_noop(
        "%(summary)s %(count)s small counts of this copy had been given away already by copies published before "
        "(hiding them here cannot protect them): they are marked below."
    ),
    gettext_noop(
        "%(summary)s %(count)s small count had been given away already by the copies published before, or by a "
        "correction between them (hiding more of this copy cannot protect them): they are marked below."
    ),
    gettext_noop(
        "%(summary)s %(count)s small counts had been given away already by the copies published before, or by a "
        "correction between them (hiding more of this copy cannot protect them): they are marked below."
    ),
    # The preparation job's progress and failure (publishing.tasks), kept in English on the copy's row.
    gettext_noop("Step 1 of 2: choosing the cells to hide (pass %(count)s)."),
    gettext_noop(
        "Step 2 of 2: checking each hidden cell, this copy's and those of the published copies tied to it, against "
        "everything published. %(label)s"
    ),
    gettext_noop("Checked %(count)s of %(number)s hidden cells; about %(other)s s left."),
    gettext_noop("This copy cannot be protected: %(reason)s"),
    gettext_noop("The background job stopped with an error (%(reason)s). Nothing was published."),
    # Last, the loosest: a grouped row's measure in the tidy CSV ("Clients exited: Deceased"), and the audit's
    # "Homicides (Hill)".
    gettext_noop("%(measure)s: %(label)s"),
    gettext_noop("%(measure)s (%(label)s)"),
]
_PART = {
    "days": f"(?:{_SPAN})",
    "day": f"(?:{_DAY})",
    "quarter": _QUARTER,
    "measure": ".+?",
    "count": r"[\d,]+",
    "number": r"[\d,]+",
    "other": r"[\d,]+",
    "summary": ".+?",
    "label": ".+",
    "reason": "(?s:.*)",
}


def _regex(pattern: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", pattern)
    regex = ""
    for i, part in enumerate(parts):
        regex += re.escape(part) if i % 2 == 0 else f"(?P<{part}>{_PART[part]})"
    return re.compile(regex, re.DOTALL)


SHOWN = gettext_noop("suppressed")  # a hidden cell as a public copy shows it (reports.suppression.COMPLEMENTARY)

_COMPILED = [(pattern, _regex(pattern)) for pattern in PATTERNS]


def _part(name: str, value: str) -> str:
    if name == "days":
        first, last, has_year = parse_span(value)
        return span(first, last, year=has_year)
    if name == "day":
        day, has_year = _parse_day(value, 2000)
        return day_text(day, year=has_year)
    if name == "quarter":
        return quarter_label(value)
    if name in ("measure", "label", "summary"):
        return text(value)
    return value


def text(english: str) -> str:
    """One of the report's English strings in the reader's language (unchanged in English, and when the
    catalogue has nothing for it: a neighborhood's name, a reason written by a manager)."""
    if not translating() or not english:
        return english
    translated = gettext(english)
    if translated != english:
        return translated
    days = parse_span(english)
    if days:  # "1 July to 30 September 2018", a heading's or a row's days
        return span(days[0], days[1], year=days[2])
    for pattern, regex in _COMPILED:
        found = regex.fullmatch(english)
        if found:
            return gettext(pattern) % {name: _part(name, value) for name, value in found.groupdict().items()}
    return english


def _table(table):
    hidden = {cell: replace(reason, text=text(reason.text)) for cell, reason in table.hidden.items()}
    return replace(
        table,
        title=text(table.title),
        columns=[text(c) for c in table.columns],
        rows=[(text(label), values) for label, values in table.rows],
        definition=text(table.definition),
        row_notes=[text(note) for note in table.row_notes],
        hidden=hidden,
    )


def document(copy):
    """A copy of the report (reports.publication.Document) in the reader's language: the same figures."""
    from reports import headlines  # noqa: PLC0415 (headlines imports this module)

    if not translating():
        return copy
    sections = [(text(title), [_table(t) for t in tables]) for title, tables in copy.sections]
    notes = [
        replace(n, table=text(n.table), row=text(n.row), column=text(n.column), reason=text(n.reason))
        for n in copy.notes
    ]
    return replace(
        copy,
        sections=sections,
        headline=headlines.translate(copy.headline),
        notes=notes,
        published=text(copy.published),
    )
