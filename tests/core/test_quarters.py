"""Calendar quarters: the report, its index, the admin's list and the caseload summary use these."""

import datetime

import pytest

from core.quarters import Quarter


def test_quarters_know_their_days():
    q = Quarter(2018, 3)
    assert (q.first, q.last, q.label, q.months, q.ytd_months) == (
        datetime.date(2018, 7, 1),
        datetime.date(2018, 9, 30),
        "Q3 2018",
        "July to September 2018",
        "January to September",
    )
    assert Quarter(2018, 4).last == datetime.date(2018, 12, 31)
    assert Quarter(2020, 1).last == datetime.date(2020, 3, 31)
    assert Quarter(2018, 1).previous() == Quarter(2017, 4)
    with pytest.raises(ValueError):
        Quarter(2018, 5)


@pytest.mark.parametrize(
    ("day", "first"),
    [
        (datetime.date(2018, 9, 30), datetime.date(2018, 7, 1)),
        (datetime.date(2018, 10, 1), datetime.date(2018, 10, 1)),
        (datetime.date(2020, 2, 29), datetime.date(2020, 1, 1)),
        (datetime.date(2018, 12, 31), datetime.date(2018, 10, 1)),
    ],
)
def test_a_day_belongs_to_the_quarter_starting_on_the_first_of_january_april_july_or_october(day, first):
    assert Quarter.containing(day).first == first
    assert Quarter.containing(day).first <= day <= Quarter.containing(day).last


def test_the_recent_quarters_are_newest_first_across_new_year():
    assert Quarter.recent(3, datetime.date(2019, 2, 1)) == [Quarter(2019, 1), Quarter(2018, 4), Quarter(2018, 3)]
