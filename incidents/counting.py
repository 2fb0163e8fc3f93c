"""The counting rules of SPEC section 4 and issue #15, written once. Reports and tests use exactly these.

- homicides: the sum of `killed` over incidents in the window (victims, not incidents). An
  incident with anyone killed is a homicide: only the kinds in incidents.models.HOMICIDE_KINDS
  may record people killed (the model, the import and a database constraint refuse an
  "aggravated assault" with one killed), and a kind outside the homicide count would have to be
  named in KILLED_NOT_HOMICIDE_KINDS (none is);
- shooting incidents: incidents with weapon firearm, or of a shooting kind (non-fatal shooting,
  shots fired) whatever the weapon recorded, whether or not anyone was hit
  (`Incident.objects.shootings()`); the shooting-response share is over shootings with someone
  killed or wounded (`Incident.objects.shootings_with_victims()`). A knife homicide is a
  homicide, never a shooting;
- non-fatal shooting victims: the sum of `injured` over shooting incidents, so someone wounded in
  shots fired recorded with the weapon "unknown" is one (a non-fatal shooting is always recorded
  with a firearm);
- windows are in the program's local time zone (settings.TIME_ZONE): an incident at 23:30 on
  31 December local time belongs to that year even though it is 1 January in UTC;
- year to date through D, for year Y: 1 January Y through the month/day of D in Y, inclusive;
  29 February maps to 28 February in a non-leap year;
- the record starts at the program's first year of incident data (settings.DATA_FIRST_YEAR; the
  first incident's year when it is not set): "on record since", "the fewest in N years" and the
  list of reports start there. An incident dated before it still counts in its own year's
  figures (a trend row, a whole-year total), but no comparison reaches back to it;
- clients (outreach.models.endings: active_on, active_during, exited_during, and
  Involvement.objects.during_enrolment): read from the enrolment periods, which answer for a past
  day (a client who exited and enrolled again counts for each stretch). Active: in a period on
  the day (a client exiting on a day is no longer active on it), and not inactive (the status's
  history is not recorded: inactive today is active on no day). An exit ends a period that began
  with an enrolment. Involved as victim or suspect: only in incidents on a day of a period;
- rounding: every figure a report rounds (contact hours, shares) rounds a half up, as published
  statistics do (57.25 hours shows 57.3, a share of 12.25 % shows 12.3), from the exact quotient
  (`half_up`), never Python's round() on a float (which rounds a half to even, and 0.15 is
  0.1499... as a float).
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from incidents.models import COUNTED, HOMICIDE, SHOOTING, Incident


def half_up(numerator: int | Decimal, denominator: int = 1, *, places: int = 1) -> float:
    """numerator / denominator to `places` decimals, a half rounded up, computed exactly (Decimal)."""
    exact = Decimal(numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def first_year_of_data() -> int | None:
    """The first year on record: settings.DATA_FIRST_YEAR, else the local year of the first incident
    (one query), else None with no incident at all."""
    if settings.DATA_FIRST_YEAR is not None:
        return settings.DATA_FIRST_YEAR
    first = Incident.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    return timezone.localdate(first).year if first else None


def homicides(within: Q | None = None) -> Coalesce:
    """The aggregate: victims killed (not incidents) in the homicide kinds, over the rows `within`
    selects (all by default)."""
    return Coalesce(Sum("killed", filter=HOMICIDE & (within or Q())), 0)


def nonfatal_shooting_victims(within: Q | None = None) -> Coalesce:
    """The aggregate: people wounded in a shooting incident who survived."""
    return Coalesce(Sum("injured", filter=SHOOTING & (within or Q())), 0)


def shooting_incidents(within: Q | None = None) -> Count:
    """The aggregate: shooting incidents (a firearm, or a shooting kind), whether or not anyone was hit."""
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
