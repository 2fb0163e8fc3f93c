"""Dates and numbers from the query string, checked once for every list filter and report.

A date far from now is no filter anyone means, and the edges of Python's calendar overflow
(9999-12-31 plus a day, year 1 minus a few years): every date parameter is a date written
YYYY-MM-DD in ASCII digits between EARLIEST_DATE and the end of next year, and every number a
whole number in ASCII digits within its bounds. Lists show a form error; reports answer 400.
"""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django_filters import DateFromToRangeFilter
from django_filters.fields import DateRangeField, RangeField

EARLIEST_DATE = datetime.date(1900, 1, 1)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def latest_date() -> datetime.date:
    """The last date a filter may name: 31 December of next year (follow-ups lie ahead)."""
    return datetime.date(timezone.localdate().year + 1, 12, 31)


def parse_date(text: str, *, name: str, latest: datetime.date | None = None) -> datetime.date:
    """A YYYY-MM-DD date from EARLIEST_DATE to `latest` (default latest_date()); ValueError otherwise."""
    latest = latest or latest_date()
    try:
        day = datetime.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(f"{name} must be a date written YYYY-MM-DD.")
    if not EARLIEST_DATE <= day <= latest:
        raise ValueError(f"{name} must be a date from {EARLIEST_DATE.isoformat()} to {latest.isoformat()}.")
    return day


def parse_whole_number(text: str, *, name: str, low: int, high: int) -> int:
    """A whole number written in ASCII digits, from low to high; ValueError otherwise."""
    if not _WHOLE_NUMBER.fullmatch(text) or not low <= int(text) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}.")
    return int(text)


def page_number(text: str | None) -> str | None:
    """A ?page= value as the paginators may read it: ASCII digits (or "last"), else None, which they
    show as the first page (as for any page that is not a number). Python's int() reads "２" as 2."""
    if text is None or text == "last" or _WHOLE_NUMBER.fullmatch(text):
        return text
    return None


def _is_iso_date(text: str) -> bool:
    """Whether `text` is a real date written YYYY-MM-DD (however far from now)."""
    try:
        return bool(_ISO_DATE.fullmatch(text)) and bool(datetime.date.fromisoformat(text))
    except ValueError:
        return False


class BoundedDateField(forms.DateField):
    """A date field (the browser's date input sends YYYY-MM-DD) refusing dates outside the sane range."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        try:
            return parse_date(text, name="The date")
        except ValueError:
            # parse_date's own words, in the page's language (reports answer with parse_date's).
            if _is_iso_date(text):
                message = gettext("The date must be a date from %(first)s to %(last)s.") % {
                    "first": EARLIEST_DATE.isoformat(),
                    "last": latest_date().isoformat(),
                }
            else:
                message = gettext("The date must be a date written YYYY-MM-DD.")
            raise forms.ValidationError(message, code="invalid") from None


class BoundedDateRangeField(DateRangeField):
    def __init__(self, *args, **kwargs):
        # DateRangeField's own __init__ makes two plain DateFields: build the range from ours.
        RangeField.__init__(self, (BoundedDateField(), BoundedDateField()), *args, **kwargs)


class BoundedDateRangeFilter(DateFromToRangeFilter):
    """django-filter's from/to date filter, each end a BoundedDateField."""

    field_class = BoundedDateRangeField
