"""The counting rules of SPEC section 4, written once. Reports and tests use exactly these.

- homicides: the sum of `killed` over incidents in the window (victims, not incidents);
- non-fatal shooting victims: the sum of `injured` over incidents with weapon firearm;
- shooting incidents: incidents with weapon firearm, whether or not anyone was hit
  (`Incident.objects.shootings()`); the shooting-response share is over shootings with someone
  killed or wounded (`Incident.objects.shootings_with_victims()`). A knife homicide is a
  homicide, never a shooting;
- windows are in the program's local time zone (settings.TIME_ZONE): an incident at 23:30 on
  31 December local time belongs to that year even though it is 1 January in UTC;
- year to date through D, for year Y: 1 January Y through the month/day of D in Y, inclusive;
  29 February maps to 28 February in a non-leap year.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from incidents.models import COUNTED, SHOOTING, Incident


def homicides(within: Q | None = None) -> Coalesce:
    """The aggregate: victims killed (not incidents), over the rows `within` selects (all by default)."""
    return Coalesce(Sum("killed", filter=within), 0)


def nonfatal_shooting_victims(within: Q | None = None) -> Coalesce:
    """The aggregate: people wounded by a firearm who survived."""
    return Coalesce(Sum("injured", filter=SHOOTING & (within or Q())), 0)


def shooting_incidents(within: Q | None = None) -> Count:
    """The aggregate: incidents with a firearm, whether or not anyone was hit."""
    return Count("pk", filter=SHOOTING & (within or Q()))


HOMICIDES = homicides()
NONFATAL_SHOOTING_VICTIMS = nonfatal_shooting_victims()
SHOOTING_INCIDENTS = shooting_incidents()


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The aware datetime at which a local calendar day begins."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def window(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The half-open interval [first 00:00, day after last 00:00) in local time."""
    return local_midnight(first), local_midnight(last + datetime.timedelta(days=1))


def year_to_date_end(year: int, through: datetime.date) -> datetime.date:
    """The last day of year Y's year-to-date window through D (29 Feb -> 28 Feb when Y is not leap)."""
    last_day = calendar.monthrange(year, through.month)[1]
    return datetime.date(year, through.month, min(through.day, last_day))


def year_to_date_window(year: int, through: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    return window(datetime.date(year, 1, 1), year_to_date_end(year, through))


def year_window(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    return window(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


@dataclass(frozen=True)
class Violence:
    homicides: int
    nonfatal_shooting_victims: int


def violence_between(start: datetime.datetime, end: datetime.datetime, queryset=None) -> Violence:
    """Homicides and non-fatal shooting victims in [start, end), in one aggregate query."""
    queryset = Incident.objects.all() if queryset is None else queryset
    totals = queryset.between(start, end).filter(COUNTED).aggregate(h=HOMICIDES, n=NONFATAL_SHOOTING_VICTIMS)
    return Violence(homicides=totals["h"], nonfatal_shooting_victims=totals["n"])


@dataclass(frozen=True)
class YearRow:
    year: int
    homicides: int
    nonfatal_shooting_victims: int
    homicides_ytd: int
    nonfatal_shooting_victims_ytd: int


def violence_by_year(first_year: int, through: datetime.date) -> list[YearRow]:
    """Whole-year and year-to-date counts for every year from first_year to through.year, oldest
    first, in one grouped query. Years without incidents are rows of zeros."""
    years = range(first_year, through.year + 1)
    # The local-time boundaries, in order: 1 January Y, the end of Y's year to date (the window
    # above), 1 January Y+1, and so on. One width_bucket() per incident then says which year it
    # falls in and whether it is within that year's year to date: bucket 2k+1 is year k's year
    # to date, bucket 2k+2 the rest of that year. No time-zone arithmetic per row.
    bounds = [moment for year in years for moment in year_to_date_window(year, through)]
    bounds.append(year_window(through.year)[1])
    rows = (
        Incident.objects.between(bounds[0], bounds[-1])
        .filter(COUNTED)
        .annotate(bucket=RawSQL("width_bucket(occurred_at, %s::timestamptz[])", [bounds]))
        .values("bucket")
        .annotate(h=HOMICIDES, n=NONFATAL_SHOOTING_VICTIMS)
        .order_by()
    )
    totals = {year: [0, 0, 0, 0] for year in years}  # homicides, victims, and both year to date
    for row in rows:
        year, within_ytd = first_year + (row["bucket"] - 1) // 2, row["bucket"] % 2 == 1
        totals[year][0] += row["h"]
        totals[year][1] += row["n"]
        if within_ytd:
            totals[year][2] += row["h"]
            totals[year][3] += row["n"]
    return [YearRow(year, *totals[year]) for year in years]
