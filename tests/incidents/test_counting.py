"""The counting rules of SPEC section 4: victims not incidents, local-time windows, year to date."""

import datetime
import random
import zoneinfo

import pytest
from django.db.models import Q
from django.utils import timezone

from incidents import counting
from incidents.models import Incident
from tests.factories import IncidentFactory

UTC = datetime.UTC
LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def at(*args, tz=LA) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=tz)


@pytest.fixture(autouse=True)
def _program_time(settings):
    settings.TIME_ZONE = "America/Los_Angeles"


def test_homicides_count_victims_not_incidents(db):
    IncidentFactory(kind="homicide", killed=2, occurred_at=at(2018, 3, 1, 12))
    IncidentFactory(kind="homicide", killed=1, occurred_at=at(2018, 4, 1, 12))
    assert counting.violence_between(*counting.year_window(2018)).homicides == 3


def test_nonfatal_shooting_victims_are_injured_by_firearms_only(db):
    IncidentFactory(kind="nonfatal_shooting", killed=0, injured=2, weapon="firearm", occurred_at=at(2018, 3, 1))
    IncidentFactory(kind="aggravated_assault", killed=0, injured=3, weapon="knife", occurred_at=at(2018, 3, 2))
    IncidentFactory(kind="homicide", killed=1, injured=1, weapon="firearm", occurred_at=at(2018, 3, 3))
    totals = counting.violence_between(*counting.year_window(2018))
    assert totals.nonfatal_shooting_victims == 3
    assert totals.homicides == 1


def test_it_counts_new_years_eve_in_the_old_year(db):
    # 23:30 on 31 December in Stockton is 07:30 on 1 January in UTC.
    IncidentFactory(occurred_at=datetime.datetime(2019, 1, 1, 7, 30, tzinfo=UTC), killed=1)
    assert counting.violence_between(*counting.year_window(2018)).homicides == 1
    assert counting.violence_between(*counting.year_window(2019)).homicides == 0
    rows = {row.year: row for row in counting.violence_by_year(2018, datetime.date(2019, 6, 30))}
    assert rows[2018].homicides == 1 and rows[2019].homicides == 0


def test_the_first_minutes_of_january_local_belong_to_the_new_year(db):
    IncidentFactory(occurred_at=at(2019, 1, 1, 0, 0), killed=1)
    assert counting.violence_between(*counting.year_window(2019)).homicides == 1
    assert counting.violence_between(*counting.year_window(2018)).homicides == 0


@pytest.mark.parametrize(
    ("year", "through", "end"),
    [
        (2017, datetime.date(2018, 9, 30), datetime.date(2017, 9, 30)),
        (2019, datetime.date(2020, 2, 29), datetime.date(2019, 2, 28)),
        (2016, datetime.date(2020, 2, 29), datetime.date(2016, 2, 29)),
        (2020, datetime.date(2021, 2, 28), datetime.date(2020, 2, 28)),
        (2018, datetime.date(2018, 12, 31), datetime.date(2018, 12, 31)),
    ],
)
def test_year_to_date_maps_month_and_day_and_the_leap_day(year, through, end):
    assert counting.year_to_date_end(year, through) == end


def test_year_to_date_through_the_leap_day(db):
    IncidentFactory(occurred_at=at(2019, 2, 28, 22), killed=1)
    IncidentFactory(occurred_at=at(2019, 3, 1, 0, 30), killed=1)
    IncidentFactory(occurred_at=at(2020, 2, 29, 23, 59), killed=1)
    rows = {row.year: row for row in counting.violence_by_year(2019, datetime.date(2020, 2, 29))}
    assert rows[2019].homicides_ytd == 1  # 1 Jan - 28 Feb 2019
    assert rows[2019].homicides == 2
    assert rows[2020].homicides_ytd == 1
    window = counting.year_to_date_window(2019, datetime.date(2020, 2, 29))
    assert counting.violence_between(*window).homicides == 1


def test_violence_by_year_is_one_query_with_zero_rows_for_quiet_years(db, django_assert_num_queries):
    IncidentFactory(occurred_at=at(2014, 6, 1), killed=2)
    IncidentFactory(occurred_at=at(2016, 10, 1), killed=1)
    with django_assert_num_queries(1):
        rows = counting.violence_by_year(2013, datetime.date(2016, 9, 30))
    assert [(r.year, r.homicides, r.homicides_ytd) for r in rows] == [
        (2013, 0, 0),
        (2014, 2, 2),
        (2015, 0, 0),
        (2016, 1, 0),
    ]


def test_year_to_date_is_inclusive_of_the_through_day_in_local_time(db):
    IncidentFactory(occurred_at=at(2017, 9, 30, 23, 59), killed=1)
    IncidentFactory(occurred_at=at(2017, 10, 1, 0, 1), killed=1)
    rows = counting.violence_by_year(2017, datetime.date(2018, 9, 30))
    assert rows[0].homicides_ytd == 1


@pytest.mark.parametrize(
    "through", [datetime.date(2024, 2, 29), datetime.date(2023, 12, 31), datetime.date(2022, 1, 1)]
)
def test_violence_by_year_agrees_with_the_window_rule_on_every_year(db, through):
    # Incidents on and around every boundary: New Year local and UTC, the through day and the next.
    rng = random.Random(through.toordinal())  # noqa: S311 (test data)
    moments = []
    for year in range(2017, through.year + 1):
        for day in (datetime.date(year, 1, 1), counting.year_to_date_end(year, through), datetime.date(year, 12, 31)):
            start = counting.local_midnight(day)
            moments += [start - datetime.timedelta(minutes=1), start, start + datetime.timedelta(hours=23, minutes=59)]
        moments += [counting.local_midnight(datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)))]
    for i, moment in enumerate(m for m in moments if m <= timezone.now()):
        IncidentFactory(
            occurred_at=moment,
            killed=i % 3,
            injured=i % 2,
            kind="homicide" if i % 3 else "other",  # anyone killed makes a homicide
            weapon=rng.choice(["firearm", "knife"]),
        )
    for row in counting.violence_by_year(2017, through):
        whole = counting.violence_between(*counting.year_window(row.year))
        ytd = counting.violence_between(*counting.year_to_date_window(row.year, through))
        assert (row.homicides, row.nonfatal_shooting_victims) == (whole.homicides, whole.nonfatal_shooting_victims)
        assert (row.homicides_ytd, row.nonfatal_shooting_victims_ytd) == (ytd.homicides, ytd.nonfatal_shooting_victims)


def _knife_and_gun(day: datetime.datetime) -> dict[str, Incident]:
    """A knife assault with injuries, a knife homicide, a shooting that hit nobody and one that did."""
    return {
        "knife assault": IncidentFactory(
            kind="aggravated_assault", killed=0, injured=2, weapon="knife", occurred_at=day
        ),
        "knife homicide": IncidentFactory(kind="homicide", killed=1, injured=0, weapon="knife", occurred_at=day),
        "shots fired": IncidentFactory(kind="shots_fired", killed=0, injured=0, weapon="firearm", occurred_at=day),
        "shooting": IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, weapon="firearm", occurred_at=day),
    }


def _names(made: dict[str, Incident], queryset) -> set[str]:
    return {name for name, incident in made.items() if queryset.filter(pk=incident.pk).exists()}


def test_a_shooting_is_an_incident_with_a_firearm_whether_or_not_anyone_was_hit(db):
    made = _knife_and_gun(timezone.now() - datetime.timedelta(days=2))
    assert _names(made, Incident.objects.shootings()) == {"shots fired", "shooting"}
    assert _names(made, Incident.objects.with_victims()) == {"knife assault", "knife homicide", "shooting"}
    assert _names(made, Incident.objects.shootings_with_victims()) == {"shooting"}


def test_a_response_gap_is_a_shooting_with_victims_and_no_response(db):
    made = _knife_and_gun(timezone.now() - datetime.timedelta(days=2))
    assert _names(made, Incident.objects.response_gaps()) == {"shooting"}


def test_the_sums_count_a_knife_homicide_as_a_homicide_and_never_as_a_shooting(db):
    _knife_and_gun(at(2018, 3, 1, 12))
    IncidentFactory(kind="homicide", killed=2, injured=1, weapon="firearm", occurred_at=at(2018, 4, 1, 12))
    march = Q(occurred_at__lt=at(2018, 4, 1))
    totals = Incident.objects.aggregate(
        homicides=counting.HOMICIDES,
        victims=counting.NONFATAL_SHOOTING_VICTIMS,
        shootings=counting.SHOOTING_INCIDENTS,
        homicides_march=counting.homicides(march),
        victims_march=counting.nonfatal_shooting_victims(march),
        shootings_march=counting.shooting_incidents(march),
    )
    assert totals == {
        "homicides": 3,
        "victims": 2,
        "shootings": 3,
        "homicides_march": 1,
        "victims_march": 1,
        "shootings_march": 2,
    }
