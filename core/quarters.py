"""Calendar quarters in the program's local time: the quarterly report, its index, the admin's copy
and the caseload summary's "this quarter" all count them here."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

QUARTER_MONTHS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: Q3 2018 is 1 July to 30 September 2018."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in QUARTER_MONTHS:
            raise ValueError("A quarter is 1, 2, 3 or 4.")
        if not 1900 <= self.year <= 2999:
            raise ValueError("The year is out of range.")

    @classmethod
    def containing(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, QUARTER_MONTHS[self.number][0], 1)

    @property
    def last(self) -> datetime.date:
        month = QUARTER_MONTHS[self.number][1]
        return datetime.date(self.year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    @property
    def months(self) -> str:
        return f"{self.first:%B} to {self.last:%B} {self.year}"

    @property
    def ytd_months(self) -> str:
        return f"January to {self.last:%B}"

    def previous(self) -> "Quarter":
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    @classmethod
    def recent(cls, count: int, today: datetime.date | None = None) -> list["Quarter"]:
        """The quarter containing today (the program's local date) and the count - 1 before it, newest first."""
        quarters = [cls.containing(today or timezone.localdate())]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters
