"""Synthetic data for benchmarks (SPEC section 5, `generate_data --scale S`): ten years of a program.

At scale 1: 25 peacekeepers, 1,000 clients, 50,000 contacts, 10,000 incidents over ten years, and
goals, referrals, responses, involvements and mediations in proportion; every count is linear in S.

Always added to what is there, never replacing it: peacekeepers get usernames after the last
synthetic one, client codes are reserved in blocks from the same per-year sequence the app uses
(`outreach.services.client_code_next` hands out the numbers after them), case numbers follow the
last synthetic one. Rows satisfy the model rules (clean() and the check constraints).

Realistic shapes: most clients have a few contacts and some have hundreds (a log-normal contact
rate times the time in the program); incidents cluster in a few neighborhoods, with hot years,
in summer, at night and at weekends.

Rows go in with COPY (through psycopg2's copy_expert) in chunks, with primary keys reserved from
the tables' own sequences, so scale 10 (about 700,000 rows) takes well under a minute, not the
many minutes one save() per row would. The audit trail gets its insert events all the same
(see _InsertHistory). The caller decides the transaction; the random generator is passed in so
the same seed gives the same data.
"""

import calendar
import datetime
import io
import math
import random
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from itertools import accumulate

from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import AutoField, Model
from django.utils import timezone

from accounts.roles import Role
from incidents.models import (
    Incident,
    IncidentKind,
    IncidentSource,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    Mediation,
    MediationOutcome,
    Response,
    ResponseKind,
    RetaliationRisk,
    Weapon,
)
from outreach.demo import FIRST_NAMES, GOALS, LAST_NAMES, NICKNAMES, NOTES
from outreach.demo import NEIGHBORHOODS as DEMO_NEIGHBORHOODS
from outreach.demo import PARTNERS as DEMO_PARTNERS
from outreach.models import (
    Client,
    ClientCodeSequence,
    ClientStatus,
    Contact,
    ContactKind,
    ExitReason,
    Gender,
    Goal,
    GoalStatus,
    Neighborhood,
    Partner,
    Referral,
    ReferralSource,
    ReferralStatus,
    RiskLevel,
    Topic,
)

YEARS = 10
PER_SCALE = {"peacekeepers": 25, "clients": 1000, "contacts": 50_000, "incidents": 10_000, "mediations": 600}
USERNAME_PREFIX = "synthetic-pk-"
CASE_PREFIX = "SYN-"
COPY_CHUNK = 50_000

NEIGHBORHOODS = [
    *DEMO_NEIGHBORHOODS,
    *(f"{name} District" for name in ("Riverside", "Oak Park", "Fairview", "Hillcrest", "Mill Creek", "Eastgate")),
    *(f"{name} Heights" for name in ("Kelley", "Cardinal", "Pioneer", "Harbor")),
]
EXTRA_PARTNERS = [
    ("Youth Sports League", "Mentoring, team sports"),
    ("Delta College Pathways", "College enrollment, financial aid"),
    ("Safe Streets Tattoo Removal", "Tattoo removal"),
    ("Valley Food Bank", "Food assistance"),
]
STREETS = ["Main St", "Airport Way", "El Dorado St", "Pershing Ave", "Wilson Way", "8th St", "Hammer Ln", "March Ln"]
LOCATIONS = ["", "", "Park", "Client's home", "Office", "School", "Corner store", "Community center", "Hospital"]
NEXT_STEPS = ["", "", "", "Call Friday", "Bring job application", "Meet at court", "Check in with his mother"]
DESCRIPTIONS = ["", "Shots heard near the park", "Fight after a party", "Drive-by shooting", "Dispute between groups"]
PARTIES = ["Two groups from neighboring blocks", "Families of the victim and suspect", "Classmates after a fight"]
# Incidents by month: summer is the violent season.
SEASON = [0.80, 0.75, 0.85, 0.95, 1.05, 1.15, 1.30, 1.30, 1.10, 1.00, 0.90, 0.85]
HOURS = [4] * 3 + [3] * 2 + [1] * 7 + [2] * 6 + [3] * 3 + [4] * 3  # midnight to 23:00, nights worst

# (value, weight) tables.
CLIENT_STATUS = [
    (ClientStatus.EXITED, 50),
    (ClientStatus.ACTIVE, 33),
    (ClientStatus.INACTIVE, 10),
    (ClientStatus.REFERRED, 7),
]
EXIT_REASONS = [
    (ExitReason.COMPLETED, 40),
    (ExitReason.LOST_CONTACT, 25),
    (ExitReason.DECLINED, 10),
    (ExitReason.MOVED, 10),
    (ExitReason.INCARCERATED, 12),
    (ExitReason.DECEASED, 3),
]
GENDERS = [(Gender.MALE, 80), (Gender.FEMALE, 15), (Gender.NONBINARY, 2), (Gender.NOT_STATED, 3)]
RISKS = [(RiskLevel.HIGH, 45), (RiskLevel.ELEVATED, 35), (RiskLevel.MODERATE, 20)]
SOURCES = [(s, 3 if s in ("street_outreach", "hospital", "probation_parole") else 1) for s in ReferralSource.values]
CONTACT_KINDS = [(k, 6 if k in ("in_person", "phone", "text_social") else 1) for k in ContactKind.values]
INCIDENT_KINDS = [
    (IncidentKind.HOMICIDE, 4),
    (IncidentKind.NONFATAL_SHOOTING, 14),
    (IncidentKind.SHOTS_FIRED, 30),
    (IncidentKind.AGGRAVATED_ASSAULT, 37),
    (IncidentKind.OTHER, 15),
]
INCIDENT_SOURCES = [(IncidentSource.POLICE, 70), (IncidentSource.HOSPITAL, 15), (IncidentSource.COMMUNITY, 10)] + [
    (IncidentSource.OUTREACH, 5)
]


def pick(rng: random.Random, table: list[tuple]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind to make (the rest follows from these in proportion)."""

    peacekeepers: int
    clients: int
    contacts: int
    incidents: int
    mediations: int

    @classmethod
    def for_scale(cls, scale: float) -> "Plan":
        n = {k: round(v * scale) for k, v in PER_SCALE.items()}
        return cls(**{**n, "peacekeepers": max(1, n["peacekeepers"]), "clients": max(1, n["clients"])})

    @property
    def main_rows(self) -> int:
        """The rows the progress line counts (clients, contacts, incidents, mediations)."""
        return self.clients + self.contacts + self.incidents + self.mediations


@dataclass
class _Client:
    """What the later steps need to know of a generated client."""

    pk: int
    status: str
    referred_on: datetime.date
    enrolled_on: datetime.date | None
    exited_on: datetime.date | None
    first: datetime.date  # first and last day of work with the client
    last: datetime.date
    primary: int
    secondary: int | None


@dataclass
class _Incident:
    pk: int
    occurred_at: datetime.datetime
    neighborhood: int
    victims: bool


@dataclass
class Generated:
    """Rows created, by table."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, model: type[Model], n: int) -> None:
        table = model._meta.db_table
        self.counts[table] = self.counts.get(table, 0) + n

    def summary(self) -> str:
        """ "250 peacekeepers, 10,000 clients, ..." (the many-to-many tables left out)."""
        names = {model._meta.db_table: name for model, name in SUMMARY_NAMES}
        return ", ".join(f"{n:,} {names[t]}" for t, n in self.counts.items() if t in names)


Progress = Callable[[int], None]


def generate(*, plan: Plan, rng: random.Random, progress: Progress | None = None) -> Generated:
    """Add a plan's worth of synthetic data (run inside a transaction)."""
    with _history_context(source="generate_data"):
        return _Generator(plan, rng, progress).run()


def _history_context(**metadata) -> AbstractContextManager:
    """The audit trail's context for the events written (a no-op without django-pghistory)."""
    try:
        import pghistory
    except ImportError:
        return nullcontext()
    return pghistory.context(**metadata)


class _Generator:
    def __init__(self, plan: Plan, rng: random.Random, progress: Progress | None) -> None:
        self.plan, self.rng, self.progress = plan, rng, progress
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.yesterday = self.today - datetime.timedelta(days=1)
        self.horizon = _years_before(self.today, YEARS)
        self.tz = timezone.get_current_timezone()
        self.done = 0
        self.result = Generated()

    def run(self) -> Generated:
        with connection.cursor() as cursor:
            self.cursor = cursor
            self.neighborhoods = _ensure_neighborhoods()
            self.partners = _ensure_partners()
            # Clients live where the violence is: the same skewed weights as incidents.
            self.hood_weights = [1 / (rank + 1) ** 1.1 for rank in range(len(self.neighborhoods))]
            self.peacekeepers = self._peacekeepers()
            clients = self._clients()
            self._contacts(clients)
            self._goals_and_referrals(clients)
            incidents = self._incidents()
            self._responses_and_involvements(incidents, clients)
            self._mediations(incidents, clients)
        return self.result

    # -- helpers ---------------------------------------------------------------------------

    def _copy(self, model: type[Model], columns: list[str], rows: Iterable[tuple], *, counted: bool = False) -> int:
        """COPY rows into a model's table in chunks; return how many. Rows without an "id" column
        get ids reserved here (not for many-to-many tables), so their audit events can follow."""
        total = 0
        history = _InsertHistory.of(model)
        reserve = "id" not in columns and not model._meta.auto_created
        for chunk in _chunks(rows, COPY_CHUNK):
            if reserve:
                chunk = [(pk, *row) for pk, row in zip(self._ids(model, len(chunk)), chunk, strict=True)]
            copied = ["id", *columns] if reserve else columns
            history.ignore_triggers(self.cursor)
            _copy_chunk(self.cursor, model, copied, chunk)
            history.write(self.cursor, [row[copied.index("id")] for row in chunk] if history else [])
            total += len(chunk)
            if counted:
                self.done += len(chunk)
                if self.progress:
                    self.progress(self.done)
        self.result.add(model, total)
        self._analyze(model)
        return total

    def _analyze(self, model: type[Model]) -> None:
        """Fresh statistics at once, so the planner sees the new sizes (autovacuum would, later)."""
        self.cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def _ids(self, model: type[Model], n: int) -> list[int]:
        return _reserve_ids(self.cursor, model, n)

    def _day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def _moment(self, day: datetime.date, hour: int) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59), tzinfo=self.tz)

    def _neighborhood(self) -> int:
        return self.rng.choices(self.neighborhoods, weights=self.hood_weights)[0][0]

    # -- people ----------------------------------------------------------------------------

    def _peacekeepers(self) -> list[int]:
        start = _next_serial(User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username"))
        users = []
        for i in range(self.plan.peacekeepers):
            user = User(
                username=f"{USERNAME_PREFIX}{start + i:05d}",
                first_name=self.rng.choice(FIRST_NAMES),
                last_name=self.rng.choice(LAST_NAMES),
                date_joined=self.now,
            )
            user.set_unusable_password()  # synthetic people never sign in
            users.append(user)
        User.objects.bulk_create(users)
        group = Group.objects.get(name=Role.PEACEKEEPER)
        User.groups.through.objects.bulk_create([User.groups.through(user=u, group=group) for u in users])
        self.result.add(User, len(users))
        self._analyze(User)
        return [u.pk for u in users]

    def _clients(self) -> list[_Client]:
        rng, plan = self.rng, self.plan
        clients, rows = [], []
        ids = self._ids(Client, plan.clients)
        for pk in ids:
            clients.append(self._client(pk))
        codes = _reserve_codes(self.cursor, [(c.enrolled_on or c.referred_on).year for c in clients])
        for c, code in zip(clients, codes, strict=True):
            created = self._moment(c.referred_on, rng.randint(9, 17))
            rows.append(
                (
                    c.pk,
                    code,
                    rng.choice(FIRST_NAMES),
                    rng.choice(LAST_NAMES),
                    rng.choice(NICKNAMES),
                    _years_before(c.referred_on, rng.randint(14, 29)) - datetime.timedelta(days=rng.randint(0, 364)),
                    pick(rng, GENDERS),
                    f"(209) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
                    f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
                    self._neighborhood(),
                    pick(rng, RISKS),
                    pick(rng, SOURCES),
                    c.status,
                    c.referred_on,
                    c.enrolled_on,
                    c.exited_on,
                    pick(rng, EXIT_REASONS) if c.exited_on and c.enrolled_on else ("declined" if c.exited_on else ""),
                    c.primary,
                    c.enrolled_on,
                    created,
                    min(created + datetime.timedelta(days=(c.last - c.first).days), self.now),
                )
            )
        columns = ["id", "code", "first_name", "last_name", "nickname", "date_of_birth", "gender", "phone"]
        columns += ["address", "neighborhood_id", "risk_level", "referral_source", "status", "referred_on"]
        columns += ["enrolled_on", "exited_on", "exit_reason", "primary_peacekeeper_id", "consent_signed_on"]
        self._copy(Client, [*columns, "created_at", "updated_at"], rows, counted=True)
        through = Client.secondary_peacekeepers.through
        self._copy(through, ["client_id", "user_id"], [(c.pk, c.secondary) for c in clients if c.secondary])
        return clients

    def _client(self, pk: int) -> _Client:
        """Dates that tell a plausible story for the client's status."""
        rng, today, yesterday = self.rng, self.today, self.yesterday
        status = pick(rng, CLIENT_STATUS)
        enrolled = exited = None
        if status == ClientStatus.EXITED:
            referred = self._day(self.horizon, today - datetime.timedelta(days=90))
            if rng.random() < 0.9:
                enrolled = referred + datetime.timedelta(days=rng.randint(1, 30))
            exited = min((enrolled or referred) + datetime.timedelta(days=rng.randint(30, 900)), yesterday)
            last = exited
        elif status == ClientStatus.ACTIVE:
            # Most active clients joined in the last year or so; a few have been in for years.
            referred = today - datetime.timedelta(days=int(14 + 1100 * rng.random() ** 2))
            enrolled = min(referred + datetime.timedelta(days=rng.randint(1, 21)), today)
            lapsed = rng.random() < 0.2  # some have slipped past their contact standard
            last = yesterday - datetime.timedelta(days=rng.randint(15, 60) if lapsed else 0)
        elif status == ClientStatus.INACTIVE:
            referred = today - datetime.timedelta(days=rng.randint(200, 4 * 365))
            enrolled = referred + datetime.timedelta(days=rng.randint(1, 21))
            last = yesterday - datetime.timedelta(days=rng.randint(60, 180))
        else:
            referred = today - datetime.timedelta(days=rng.randint(0, 60))
            last = yesterday
        first = enrolled or referred
        primary = rng.choice(self.peacekeepers)
        others = [p for p in self.peacekeepers if p != primary]
        secondary = rng.choice(others) if others and rng.random() < 0.15 else None
        return _Client(pk, status, referred, enrolled, exited, first, max(last, first), primary, secondary)

    # -- outreach --------------------------------------------------------------------------

    def _contacts(self, clients: list[_Client]) -> None:
        counts = self._contact_counts(clients)
        rows = (row for c, n in zip(clients, counts, strict=True) for row in self._client_contacts(c, n))
        self._copy(Contact, _CONTACT_COLUMNS, rows, counted=True)

    def _contact_counts(self, clients: list[_Client]) -> list[int]:
        """Split the planned contacts: time in the program times a log-normal rate (a long tail)."""
        rng = self.rng
        room = [self._contact_days(c) for c in clients]
        raw = [
            days * rng.lognormvariate(0, 0.9) * (0.3 if c.status == ClientStatus.REFERRED else 1)
            for c, days in zip(clients, room, strict=True)
        ]
        factor = self.plan.contacts / (sum(raw) or 1)
        counts = [min(round(r * factor), 2 * days) for r, days in zip(raw, room, strict=True)]
        # Round-off and caps: give or take the difference, one at a time, where there is room.
        order = sorted(range(len(clients)), key=lambda i: -raw[i])
        gap, moved = self.plan.contacts - sum(counts), True
        while gap and moved:  # stops early only when every client is full (tiny plans)
            moved = False
            for i in order:
                step = 1 if gap > 0 and counts[i] < 2 * room[i] else -1 if gap < 0 and counts[i] > 0 else 0
                counts[i] += step
                gap -= step
                moved = moved or bool(step)
                if not gap:
                    break
        return counts

    def _contact_days(self, c: _Client) -> int:
        return max((min(c.last, self.yesterday) - c.first).days + 1, 0)

    def _client_contacts(self, c: _Client, n: int) -> Iterator[tuple]:
        rng = self.rng
        span = self._contact_days(c) - 1
        days = sorted(c.first + datetime.timedelta(days=rng.randint(0, span)) for _ in range(n))
        open_case = c.status != ClientStatus.EXITED
        for i, day in enumerate(days):
            moment = self._moment(day, rng.randint(9, 20))
            follow_up = None
            if (i == n - 1 and open_case and rng.random() < 0.7) or rng.random() < 0.1:
                follow_up = day + datetime.timedelta(days=rng.randint(1, 14))
            who = c.secondary if c.secondary and rng.random() < 0.15 else c.primary
            yield (
                c.pk,
                who,
                moment,
                rng.choice([15, 20, 30, 30, 45, 60, 60, 90, 120]),
                pick(rng, CONTACT_KINDS),
                rng.choice(LOCATIONS),
                rng.sample(Topic.values, rng.randint(1, 3)),
                rng.choice(NOTES),
                rng.random() < 0.06,
                rng.choice(NEXT_STEPS),
                follow_up,
                moment,
                moment,
            )

    def _goals_and_referrals(self, clients: list[_Client]) -> None:
        rng = self.rng
        goals, referrals = [], []
        for c in clients:
            n = rng.choices([0, 1, 2, 3, 4, 5], [5, 15, 30, 25, 15, 10])[0] if c.enrolled_on else rng.randint(0, 1)
            for domain in rng.sample(list(GOALS), n):
                goals.append(self._goal(c, domain))
            if c.enrolled_on:
                for _ in range(rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]):
                    referrals.append(self._referral(c))
        goal_columns = ["client_id", "domain", "description", "target_on", "status", "achieved_on"]
        self._copy(Goal, [*goal_columns, "created_at", "updated_at"], goals)
        referral_columns = ["client_id", "partner_id", "service", "referred_on", "status", "completed_on"]
        self._copy(Referral, [*referral_columns, "created_at", "updated_at"], referrals)

    def _goal(self, c: _Client, domain: str) -> tuple:
        rng = self.rng
        status = GoalStatus.OPEN
        if c.enrolled_on:
            weights = [10, 10, 40, 40] if c.status == ClientStatus.EXITED else [30, 35, 25, 10]
            status = rng.choices(GoalStatus.values, weights)[0]
        achieved = self._day(c.first, min(c.last, self.today)) if status == GoalStatus.ACHIEVED else None
        created = self._moment(c.first, 12)
        target = c.first + datetime.timedelta(days=rng.randint(30, 365))
        return (c.pk, domain, GOALS[domain], target, status, achieved, created, created)

    def _referral(self, c: _Client) -> tuple:
        rng = self.rng
        partner, services = rng.choice(self.partners)
        on = self._day(c.first, min(c.last, self.today))
        status = rng.choices(ReferralStatus.values, [20, 30, 35, 15])[0]
        completed = None
        if status == ReferralStatus.COMPLETED:
            completed = on + datetime.timedelta(days=rng.randint(7, 120))
            if completed > self.today:
                status, completed = ReferralStatus.CONNECTED, None
        created = self._moment(on, 12)
        return (c.pk, partner, services.split(",")[0], on, status, completed, created, created)

    # -- violence --------------------------------------------------------------------------

    def _incidents(self) -> list[_Incident]:
        rng, plan = self.rng, self.plan
        start = _next_serial(Incident.objects.filter(case_number__startswith=CASE_PREFIX).values_list("case_number"))
        days = [self.horizon + datetime.timedelta(days=i) for i in range((self.yesterday - self.horizon).days + 1)]
        # A mild downward trend over the years, the season, and busier weekends.
        cumulative = list(
            accumulate(
                SEASON[d.month - 1] * (1.15 - 0.03 * (d.year - self.horizon.year)) * (1.2 if d.weekday() >= 4 else 1)
                for d in days
            )
        )
        # Each neighborhood has hot and quiet years (a feud flares up, then calms down).
        hot = {
            year: list(accumulate(w * rng.lognormvariate(0, 0.5) for w in self.hood_weights))
            for year in range(self.horizon.year, self.today.year + 1)
        }
        incidents, rows = [], []
        for i, pk in enumerate(self._ids(Incident, plan.incidents)):
            day = days[bisect(cumulative, rng.random() * cumulative[-1])]
            moment = self._moment(day, rng.choices(range(24), weights=HOURS)[0])
            hood = self.neighborhoods[bisect(hot[day.year], rng.random() * hot[day.year][-1])]
            row = self._incident_row(pk, start + i, moment, hood)
            rows.append(row)
            incidents.append(_Incident(pk, moment, hood[0], victims=row[8] > 0 or row[9] > 0))
        columns = ["id", "case_number", "kind", "occurred_at", "neighborhood_id", "address", "latitude", "longitude"]
        columns += ["killed", "injured", "weapon", "group_related", "source", "retaliation_risk", "status"]
        columns += ["description", "logged_by_id", "created_at", "updated_at"]
        self._copy(Incident, columns, rows, counted=True)
        return incidents

    def _incident_row(self, pk: int, serial: int, moment: datetime.datetime, hood: tuple) -> tuple:
        rng = self.rng
        kind = pick(rng, INCIDENT_KINDS)
        killed, injured, weapon = self._harm(kind)
        located = rng.random() < 0.85
        lat = f"{hood[2] + rng.gauss(0, 0.006):.6f}" if located else None
        lng = f"{hood[3] + rng.gauss(0, 0.006):.6f}" if located else None
        old = moment < self.now - datetime.timedelta(days=90)
        logged = min(moment + datetime.timedelta(hours=rng.randint(1, 48)), self.now)
        return (
            pk,
            f"{CASE_PREFIX}{serial:09d}",
            kind,
            moment,
            hood[0],
            f"{rng.randint(100, 9999)} {rng.choice(STREETS)}" if rng.random() < 0.9 else "",
            lat,
            lng,
            killed,
            injured,
            weapon,
            rng.random() < 0.35,
            pick(rng, INCIDENT_SOURCES),
            rng.choice(RetaliationRisk.values),
            IncidentStatus.CLOSED if old else rng.choice(IncidentStatus.values),
            rng.choice(DESCRIPTIONS),
            rng.choice(self.peacekeepers) if rng.random() < 0.3 else None,
            logged,
            logged,
        )

    def _harm(self, kind: str) -> tuple[int, int, str]:
        """(killed, injured, weapon) that obey the incident rules for the kind."""
        rng = self.rng
        if kind == IncidentKind.HOMICIDE:
            weapon = rng.choices([Weapon.FIREARM, Weapon.KNIFE, Weapon.OTHER], [82, 10, 8])[0]
            return rng.choices([1, 2, 3], [92, 7, 1])[0], rng.choices([0, 1, 2], [70, 22, 8])[0], weapon
        if kind == IncidentKind.NONFATAL_SHOOTING:
            return 0, rng.choices([1, 2, 3], [75, 18, 7])[0], Weapon.FIREARM
        if kind == IncidentKind.SHOTS_FIRED:
            return 0, 0, Weapon.FIREARM
        if kind == IncidentKind.AGGRAVATED_ASSAULT:
            weapon = rng.choices([Weapon.KNIFE, Weapon.OTHER, Weapon.UNKNOWN], [40, 40, 20])[0]
            return 0, rng.choices([0, 1, 2], [40, 50, 10])[0], weapon
        return 0, 0, rng.choice([Weapon.OTHER, Weapon.UNKNOWN])

    def _responses_and_involvements(self, incidents: list[_Incident], clients: list[_Client]) -> None:
        rng = self.rng
        responses, involvements = [], []
        for item in incidents:
            if not item.victims:
                continue
            for _ in range(rng.choices([0, 1, 2], [25, 60, 15])[0]):
                delay = datetime.timedelta(hours=rng.choice([1, 2, 3, 6, 12, 20, 30, 50]), minutes=rng.randint(0, 59))
                when = min(item.occurred_at + delay, self.now)
                kind = rng.choice([ResponseKind.SCENE, ResponseKind.HOSPITAL, ResponseKind.FAMILY_SUPPORT])
                responses.append((item.pk, rng.choice(self.peacekeepers), when, kind, "", when, when))
            if rng.random() < 0.1:
                roles = rng.sample(InvolvementRole.values, rng.randint(1, 2))
                for role, client in zip(roles, rng.sample(clients, min(len(roles), len(clients))), strict=False):
                    involvements.append((item.pk, client.pk, role, item.occurred_at, item.occurred_at))
        columns = ["incident_id", "peacekeeper_id", "responded_at", "kind", "notes", "created_at", "updated_at"]
        self._copy(Response, columns, responses)
        self._copy(Involvement, ["incident_id", "client_id", "role", "created_at", "updated_at"], involvements)

    def _mediations(self, incidents: list[_Incident], clients: list[_Client]) -> None:
        rng = self.rng
        rows, with_peacekeepers, with_clients = [], [], []
        shootings = [i for i in incidents if i.victims]
        for pk in self._ids(Mediation, self.plan.mediations):
            incident = rng.choice(shootings) if shootings and rng.random() < 0.5 else None
            if incident:
                after = timezone.localdate(incident.occurred_at) + datetime.timedelta(days=rng.randint(1, 5))
                on, hood = min(after, self.today), incident.neighborhood
            else:
                on, hood = self._day(self.horizon, self.today), self._neighborhood()
            logged = min(self._moment(on, 18), self.now)
            team = rng.sample(self.peacekeepers, min(len(self.peacekeepers), rng.randint(1, 2)))
            rows.append(
                (
                    pk,
                    on,
                    hood,
                    rng.choice(PARTIES),
                    pick(rng, [(o, w) for o, w in zip(MediationOutcome.values, [45, 25, 20, 10], strict=True)]),
                    incident.pk if incident else None,
                    "",
                    team[0],
                    logged,
                    logged,
                )
            )
            with_peacekeepers += [(pk, p) for p in team]
            with_clients += [(pk, c.pk) for c in rng.sample(clients, min(len(clients), rng.randint(0, 3)))]
        columns = ["id", "occurred_on", "neighborhood_id", "parties", "outcome", "incident_id", "notes"]
        self._copy(Mediation, [*columns, "logged_by_id", "created_at", "updated_at"], rows, counted=True)
        self._copy(Mediation.peacekeepers.through, ["mediation_id", "user_id"], with_peacekeepers)
        self._copy(Mediation.clients.through, ["mediation_id", "client_id"], with_clients)


SUMMARY_NAMES = [
    (User, "peacekeepers"),
    (Client, "clients"),
    (Contact, "contacts"),
    (Goal, "goals"),
    (Referral, "referrals"),
    (Incident, "incidents"),
    (Response, "responses"),
    (Involvement, "involvements"),
    (Mediation, "mediations"),
]
_CONTACT_COLUMNS = ["client_id", "peacekeeper_id", "occurred_at", "duration_minutes", "kind", "location", "topics"] + [
    "notes",
    "conflict_risk",
    "next_steps",
    "follow_up_on",
    "created_at",
    "updated_at",
]


class _InsertHistory:
    """The audit trail's insert events (django-pghistory) for rows copied in bulk.

    Its triggers would date every event today. So while copying they are told to stand aside
    (pgtrigger's own per-transaction "ignore" setting, which COPY does not get from pgtrigger's
    query wrapper), and the same events are then written with one INSERT ... SELECT per chunk: same
    columns, same label, same context (pghistory.context around the command), dated when the row
    was created, so ten years of synthetic history read as such. Without pghistory, or for a
    layout this does not know, nothing is ignored and the triggers do their job.
    """

    def __init__(self, triggers: list[tuple[str, object]]) -> None:
        self.triggers = triggers

    def __bool__(self) -> bool:
        return bool(self.triggers)

    @classmethod
    def of(cls, model: type[Model]) -> "_InsertHistory":
        try:
            import pgtrigger
            from pghistory.trigger import Event
        except ImportError:
            return cls([])
        found = [
            (trigger.get_pgid(model), trigger)
            for tracked, trigger in pgtrigger.registered()
            if tracked is model and isinstance(trigger, Event) and str(trigger.operation) == "INSERT"
        ]
        if not all(cls._understood(trigger) for _, trigger in found):
            return cls([])
        return cls(found)

    @staticmethod
    def _understood(trigger) -> bool:
        event_model = trigger.event_model
        context = event_model._meta.get_field("pgh_context") if hasattr(event_model, "pgh_context") else None
        return trigger.row == "NEW" and hasattr(event_model, "pgh_obj") and (context is None or context.many_to_one)

    def ignore_triggers(self, cursor) -> None:
        if self.triggers:
            names = "{" + ",".join(pgid for pgid, _ in self.triggers) + "}"
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [names])

    def write(self, cursor, ids: list[int]) -> None:
        if not self.triggers:
            return
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        for _, trigger in self.triggers:
            cursor.execute(*self._insert_sql(cursor, trigger, ids))

    @staticmethod
    def _insert_sql(cursor, trigger, ids: list[int]) -> tuple[str, list]:
        quote = connection.ops.quote_name
        event_model, model = trigger.event_model, trigger.event_model.pgh_tracked_model
        tracked = {f.name for f in model._meta.fields}
        columns = [
            f.column
            for f in event_model._meta.fields
            if f.concrete and f.name in tracked and not isinstance(f, AutoField) and not f.name.startswith("pgh_")
        ]
        when = quote("created_at") if "created_at" in tracked else "NOW()"
        targets = [*columns, "pgh_created_at", "pgh_label", "pgh_obj_id"]
        values = [*(quote(c) for c in columns), when, "%s", quote(model._meta.pk.column)]
        params: list = [trigger.label]
        if hasattr(event_model, "pgh_context"):
            # The context of the surrounding pghistory.context(), the one row every event points to.
            cursor.execute("SELECT _pgh_attach_context()")
            targets.append("pgh_context_id")
            values.append("%s")
            params.append(cursor.fetchone()[0])
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        sql = (
            f"INSERT INTO {quote(event_model._meta.db_table)} ({', '.join(quote(t) for t in targets)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM {table} WHERE {pk} = ANY(%s)"
        )
        return sql, [*params, ids]


def _ensure_neighborhoods() -> list[tuple[int, str, float, float]]:
    """The generator's neighborhoods (created when missing), with a made-up centre each:
    (pk, name, latitude, longitude), in a fixed order so a seed always means the same data."""
    existing = {n.name.lower(): n for n in Neighborhood.objects.all()}
    missing = [Neighborhood(name=name) for name in NEIGHBORHOODS if name.lower() not in existing]
    for made in Neighborhood.objects.bulk_create(missing):
        existing[made.name.lower()] = made
    return [
        (existing[name.lower()].pk, name, 37.95 + 0.012 * (i % 6), -121.29 + 0.015 * (i // 6))
        for i, name in enumerate(NEIGHBORHOODS)
    ]


def _ensure_partners() -> list[tuple[int, str]]:
    wanted = [*DEMO_PARTNERS, *EXTRA_PARTNERS]
    existing = {p.name: p for p in Partner.objects.filter(name__in=[n for n, _ in wanted])}
    made = Partner.objects.bulk_create([Partner(name=n, services=s) for n, s in wanted if n not in existing])
    existing.update({p.name: p for p in made})
    return [(existing[n].pk, existing[n].services or "Services") for n, _ in wanted]


def _next_serial(values: Iterable[tuple[str]]) -> int:
    """One more than the largest number ending the given names (1 when there are none)."""
    numbers = [int(v[0].rsplit("-", 1)[1]) for v in values if v[0].rsplit("-", 1)[1].isdigit()]
    return max(numbers, default=0) + 1


def _years_before(day: datetime.date, years: int) -> datetime.date:
    year = day.year - years
    return datetime.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def _reserve_ids(cursor, model: type[Model], n: int) -> list[int]:
    """Primary keys from the table's own sequence, so rows can be copied with their ids."""
    if not n:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [model._meta.db_table, n]
    )
    return sorted(row[0] for row in cursor.fetchall())


def _reserve_codes(cursor, years: list[int]) -> list[str]:
    """Client codes for clients of these years (in order): one block per year, taken from the
    sequence client_code_next uses, so codes the app hands out later never collide."""
    table = ClientCodeSequence._meta.db_table
    wanted: dict[int, int] = {}
    for year in years:
        wanted[year] = wanted.get(year, 0) + 1
    next_number = {}
    for year, n in sorted(wanted.items()):
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, %s) "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + EXCLUDED.last_number "
            "RETURNING last_number",
            [year, n],
        )
        next_number[year] = cursor.fetchone()[0] - n + 1
    codes = []
    for year in years:
        codes.append(f"C-{year}-{next_number[year]:04d}")
        next_number[year] += 1
    return codes


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _copy_chunk(cursor, model: type[Model], columns: list[str], rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    buffer = io.StringIO()
    buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
    buffer.seek(0)
    names = ", ".join(quote(c) for c in columns)
    cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN", buffer)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime.date):  # dates and aware datetimes (with their UTC offset)
        return value.isoformat()
    if isinstance(value, list):
        return "{" + ",".join(value) + "}"
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"Cannot copy {value!r}")
    return str(value)
