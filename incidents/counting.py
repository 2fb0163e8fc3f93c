"""The counting rules of SPEC section 4, written once. Reports and tests use exactly these.

- homicides: the sum of `killed` over incidents in the window (victims, not incidents);
- non-fatal shooting victims: the sum of `injured` over incidents with weapon firearm;
- windows are in the program's local time zone (settings.TIME_ZONE): an incident at 23:30 on
  31 December local time belongs to that year even though it is 1 January in UTC;
- year to date through D, for year Y: 1 January Y through the month/day of D in Y, inclusive;
  29 February maps to 28 February in a non-leap year.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from incidents.models import Incident, IncidentKind, Weapon

HOMICIDES = Coalesce(Sum("killed"), 0)
NONFATAL_SHOOTING_VICTIMS = Coalesce(Sum("injured", filter=Q(weapon=Weapon.FIREARM)), 0)
# Only these incidents can add to either sum; filtering on it lets PostgreSQL use the partial
# index Incident.Meta "incident_victims" instead of reading every incident (a pure speed-up:
# the sums are the same).
CONTRIBUTES = Q(killed__gt=0) | Q(injured__gt=0, weapon=Weapon.FIREARM)


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
    totals = queryset.between(start, end).filter(CONTRIBUTES).aggregate(h=HOMICIDES, n=NONFATAL_SHOOTING_VICTIMS)
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
    tz = timezone.get_current_timezone()
    # (month, day) <= (D.month, D.day) in local time. When D is 29 February this also reads as
    # "through 28 February" in a non-leap year, since that year has no 29 February.
    ytd = Q(local_month__lt=through.month) | Q(local_month=through.month, local_day__lte=through.day)
    start, _ = year_window(first_year)
    _, end = year_window(through.year)
    rows = (
        Incident.objects.between(start, end)
        .filter(CONTRIBUTES)
        .annotate(
            local_year=ExtractYear("occurred_at", tzinfo=tz),
            local_month=ExtractMonth("occurred_at", tzinfo=tz),
            local_day=ExtractDay("occurred_at", tzinfo=tz),
        )
        .values("local_year")
        .annotate(
            h=HOMICIDES,
            n=NONFATAL_SHOOTING_VICTIMS,
            h_ytd=Coalesce(Sum("killed", filter=ytd), 0),
            n_ytd=Coalesce(Sum("injured", filter=ytd & Q(weapon=Weapon.FIREARM)), 0),
        )
        .order_by("local_year")
    )
    by_year = {row["local_year"]: row for row in rows}
    empty = {"h": 0, "n": 0, "h_ytd": 0, "n_ytd": 0}
    return [
        YearRow(year, r["h"], r["n"], r["h_ytd"], r["n_ytd"])
        for year in range(first_year, through.year + 1)
        for r in [by_year.get(year, empty)]
    ]


SHOOTING_KINDS = (IncidentKind.HOMICIDE, IncidentKind.NONFATAL_SHOOTING, IncidentKind.SHOTS_FIRED)
