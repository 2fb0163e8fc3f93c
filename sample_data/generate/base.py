"""What every generating module shares: the plan, the run's clock and random generator, and the
small helpers for dates and weighted choices."""

import calendar
import datetime
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import TYPE_CHECKING, NamedTuple

from django.utils import timezone

if TYPE_CHECKING:
    from sample_data.generate.bulk import Loader

YEARS = 10
# Groups: about two for each of the generator's 20 neighborhoods. Managers close the response cases.
PER_SCALE = {
    "peacekeepers": 25,
    "managers": 1,
    "clients": 1000,
    "contacts": 50_000,
    "incidents": 10_000,
    "mediations": 600,
    "groups": 40,
    "associations": 300,
    "conflicts": 100,
}

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind to make (the rest follows from these in proportion)."""

    peacekeepers: int
    managers: int
    clients: int
    contacts: int
    incidents: int
    mediations: int
    groups: int
    associations: int
    conflicts: int

    @classmethod
    def for_scale(cls, scale: float) -> "Plan":
        n = {k: round(v * scale) for k, v in PER_SCALE.items()}
        at_least_one = {k: max(1, n[k]) for k in ("peacekeepers", "managers", "clients")}
        return cls(**{**n, **at_least_one})

    @property
    def main_rows(self) -> int:
        """The rows the progress line counts (clients, contacts, incidents, mediations)."""
        return self.clients + self.contacts + self.incidents + self.mediations


class Place(NamedTuple):
    """A neighborhood the generator uses, with a made-up centre for incident coordinates."""

    pk: int
    name: str
    latitude: float
    longitude: float


class Service(NamedTuple):
    """A partner and what it offers (the referral's service is the first of them)."""

    partner_id: int
    services: str


@dataclass
class ConflictPlan:
    """What the mediations need to know of a generated conflict."""

    pk: int
    started_at: datetime.datetime
    neighborhood_id: int | None
    incident_ids: list[int]
    client_ids: list[int]


@dataclass
class Run:
    """One generate_data run: the plan, the random generator, the clock (read once, so every row
    agrees on what "now" is), the loader, and what the earlier steps made for the later ones."""

    plan: Plan
    rng: random.Random
    load: "Loader"
    now: datetime.datetime = field(default_factory=timezone.now)
    neighborhoods: list[Place] = field(default_factory=list)
    partners: list[Service] = field(default_factory=list)
    peacekeepers: list[int] = field(default_factory=list)
    managers: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.today = timezone.localdate(self.now)
        self.yesterday = self.today - datetime.timedelta(days=1)
        self.horizon = years_before(self.today, YEARS)
        self.tz = timezone.get_current_timezone()

    @cached_property
    def hood_weights(self) -> list[float]:
        """Violence, and the clients, cluster in the first few neighborhoods (once they are known)."""
        return [1 / (rank + 1) ** 1.1 for rank in range(len(self.neighborhoods))]

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def moment(self, day: datetime.date, hour: int) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59), tzinfo=self.tz)

    def neighborhood(self) -> int:
        return self.rng.choices(self.neighborhoods, weights=self.hood_weights)[0].pk

    def pick(self, table: list[tuple]) -> str:
        """A value from a (value, weight) table."""
        return pick(self.rng, table)


def pick(rng: random.Random, table: list[tuple]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def weighted_index(rng: random.Random, cumulative: list[float]) -> int:
    """An index drawn with the weights whose running totals are given."""
    return bisect(cumulative, rng.random() * cumulative[-1])


def running_totals(weights) -> list[float]:
    return list(accumulate(weights))


def years_before(day: datetime.date, years: int) -> datetime.date:
    year = day.year - years
    return datetime.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def next_serial(values) -> int:
    """One more than the largest number ending the given names (1 when there are none)."""
    numbers = [int(v.rsplit("-", 1)[1]) for v in values if v.rsplit("-", 1)[1].isdigit()]
    return max(numbers, default=0) + 1
