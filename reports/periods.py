"""Which quarters have a report, and how a report names the days it covers.

A report exists for every quarter from the first quarter of the first year on record
(incidents.counting.first_year_of_data: settings.DATA_FIRST_YEAR, else the first incident's
quarter; with no incident on record, the first quarter of settings.PROGRAM_START_YEAR) to the
running quarter. Every heading,
file and sentence names its window by its first and last day ("1 July to 30 September 2018";
a running quarter's "1 October to 1 December 2026"), written here once.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from core.quarters import Quarter
from incidents.models import Incident

# What a period is, in the tidy CSV's `window` column.
QUARTER, YTD, FULL_YEAR, DAY, DAYS_30 = "quarter", "ytd", "full_year", "day", "30_days"


def day_text(day: datetime.date, *, year: bool = True) -> str:
    """1 July 2018 (or 1 July)."""
    return f"{day.day} {day:%B} {day.year}" if year else f"{day.day} {day:%B}"


def span_text(first: datetime.date, last: datetime.date) -> str:
    """The days from first to last, both named: "1 July to 30 September 2018"."""
    if first == last:
        return day_text(first)
    if first.year != last.year:
        return f"{day_text(first)} to {day_text(last)}"
    return f"{day_text(first, year=False)} to {day_text(last)}"


@dataclass(frozen=True)
class Period:
    """The days a figure covers, both included, and what kind of window that is."""

    window: str  # QUARTER, YTD, FULL_YEAR, DAY or DAYS_30
    first: datetime.date
    last: datetime.date

    @property
    def text(self) -> str:
        return span_text(self.first, self.last)


def first_quarter() -> Quarter:
    """The earliest quarter with a report (one query)."""
    if settings.DATA_FIRST_YEAR is not None:
        return Quarter(max(settings.DATA_FIRST_YEAR, 1900), 1)
    first = Incident.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    if first is None:
        return Quarter(max(settings.PROGRAM_START_YEAR, 1900), 1)
    day = timezone.localdate(first)
    # The model refuses incidents before 1900 in local time; a row written around it (an old row, a
    # time zone changed since) must not take every report page down.
    return Quarter.containing(day) if day.year >= 1900 else Quarter(1900, 1)


def running_quarter() -> Quarter:
    return Quarter.containing(timezone.localdate())


def next_quarter(quarter: Quarter) -> Quarter | None:
    """The quarter after, while it has begun (none after the running quarter)."""
    following = Quarter(quarter.year + 1, 1) if quarter.number == 4 else Quarter(quarter.year, quarter.number + 1)
    return following if following.first <= timezone.localdate() else None


def previous_quarter(quarter: Quarter, first: Quarter) -> Quarter | None:
    """The quarter before, unless this is the first with a report."""
    if (quarter.year, quarter.number) <= (first.year, first.number):
        return None
    return quarter.previous()


def in_range(quarter: Quarter, first: Quarter) -> bool:
    return (first.year, first.number) <= (quarter.year, quarter.number) and quarter.first <= timezone.localdate()


@dataclass(frozen=True)
class Listed:
    """A quarter in a list of reports, with the days its report covers (to today while it runs)."""

    quarter: Quarter
    days: str
    running: bool


def listed(quarters: list[Quarter]) -> list[Listed]:
    today = timezone.localdate()
    return [Listed(q, span_text(q.first, min(q.last, today)), q.last >= today) for q in quarters]
