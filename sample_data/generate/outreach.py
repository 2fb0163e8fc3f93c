"""Synthetic outreach: neighborhoods, partners, clients with dates that fit their status, their
contacts (a long tail: a few clients have hundreds), goals and referrals."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Model

from outreach.models import (
    Client,
    ClientCodeSequence,
    ClientStatus,
    Contact,
    ContactKind,
    EnrolmentPeriod,
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
from sample_data.demo.outreach import FIRST_NAMES, GOALS, LAST_NAMES, NICKNAMES, NOTES
from sample_data.demo.outreach import NEIGHBORHOODS as DEMO_NEIGHBORHOODS
from sample_data.demo.outreach import PARTNERS as DEMO_PARTNERS
from sample_data.generate.base import Place, Run, Service, years_before

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


def street_address(run: Run) -> str:
    return f"{run.rng.randint(100, 9999)} {run.rng.choice(STREETS)}"


@dataclass
class ClientPlan:
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


class ClientRow(NamedTuple):
    id: int
    code: str
    first_name: str
    last_name: str
    nickname: str
    date_of_birth: datetime.date
    gender: str
    phone: str
    address: str
    neighborhood_id: int
    risk_level: str
    referral_source: str
    status: str
    referred_on: datetime.date
    enrolled_on: datetime.date | None
    exited_on: datetime.date | None
    exit_reason: str
    primary_peacekeeper_id: int
    consent_signed_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    phone_before_check: str = ""  # only clients from before phones were validated have one


class PeriodRow(NamedTuple):
    client_id: int
    enrolled_on: datetime.date | None
    exited_on: datetime.date | None
    exit_reason: str
    closing_note: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class SecondaryRow(NamedTuple):
    client_id: int
    user_id: int


class ContactRow(NamedTuple):
    client_id: int
    peacekeeper_id: int
    occurred_at: datetime.datetime
    duration_minutes: int
    kind: str
    location: str
    topics: list[str]
    notes: str
    conflict_risk: bool
    next_steps: str
    follow_up_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    field_digest: str = ""  # none was sent from field mode (the column has no database default)


class GoalRow(NamedTuple):
    client_id: int
    domain: str
    description: str
    target_on: datetime.date
    status: str
    achieved_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ReferralRow(NamedTuple):
    client_id: int
    partner_id: int
    service: str
    referred_on: datetime.date
    status: str
    completed_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


# -- places ---------------------------------------------------------------------------------


def ensure_neighborhoods() -> list[Place]:
    """The generator's neighborhoods (created when missing), with a made-up centre each, in a fixed
    order so a seed always means the same data."""
    existing = {n.name.lower(): n for n in Neighborhood.objects.all()}
    missing = [Neighborhood(name=name) for name in NEIGHBORHOODS if name.lower() not in existing]
    for made in Neighborhood.objects.bulk_create(missing):
        existing[made.name.lower()] = made
    return [
        Place(existing[name.lower()].pk, name, 37.95 + 0.012 * (i % 6), -121.29 + 0.015 * (i // 6))
        for i, name in enumerate(NEIGHBORHOODS)
    ]


def ensure_partners() -> list[Service]:
    wanted = [*DEMO_PARTNERS, *EXTRA_PARTNERS]
    existing = {p.name: p for p in Partner.objects.filter(name__in=[n for n, _ in wanted])}
    made = Partner.objects.bulk_create([Partner(name=n, services=s) for n, s in wanted if n not in existing])
    existing.update({p.name: p for p in made})
    return [Service(existing[n].pk, existing[n].services or "Services") for n, _ in wanted]


# -- clients --------------------------------------------------------------------------------


def clients(run: Run) -> list[ClientPlan]:
    """The plan's clients and their secondary peacekeepers."""
    rng = run.rng
    plans = [_client_plan(run, pk) for pk in run.load.reserve_ids(Client, run.plan.clients)]
    codes = _reserve_codes(run, [(c.enrolled_on or c.referred_on).year for c in plans])
    rows = []
    for c, code in zip(plans, codes, strict=True):
        created = run.moment(c.referred_on, rng.randint(9, 17))
        rows.append(
            ClientRow(
                id=c.pk,
                code=code,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                nickname=rng.choice(NICKNAMES),
                date_of_birth=years_before(c.referred_on, rng.randint(14, 29))
                - datetime.timedelta(days=rng.randint(0, 364)),
                gender=run.pick(GENDERS),
                # Written by COPY, so in the stored format itself (E.164), as the app would store it.
                phone=f"+1209{rng.randint(200, 999)}{rng.randint(0, 9999):04d}",
                address=street_address(run),
                neighborhood_id=run.neighborhood(),
                risk_level=run.pick(RISKS),
                referral_source=run.pick(SOURCES),
                status=c.status,
                referred_on=c.referred_on,
                enrolled_on=c.enrolled_on,
                exited_on=c.exited_on,
                exit_reason=_exit_reason(run, c),
                primary_peacekeeper_id=c.primary,
                consent_signed_on=c.enrolled_on,
                created_at=created,
                updated_at=min(created + datetime.timedelta(days=(c.last - c.first).days), run.now),
            )
        )
    run.load.copy(Client, rows, counted=True)
    # Each client's one stretch on the program, as the services keep it (the reports count from these).
    periods = [
        PeriodRow(r.id, r.enrolled_on, r.exited_on, r.exit_reason, "", r.created_at, r.updated_at)
        for r in rows
        if r.enrolled_on or r.exited_on
    ]
    run.load.copy(EnrolmentPeriod, periods)
    through: type[Model] = Client.secondary_peacekeepers.through
    run.load.copy(through, [SecondaryRow(c.pk, c.secondary) for c in plans if c.secondary])
    return plans


def _exit_reason(run: Run, c: ClientPlan) -> str:
    """Why an exited client left (one never enrolled declined); blank for the others."""
    if not c.exited_on:
        return ""
    return run.pick(EXIT_REASONS) if c.enrolled_on else ExitReason.DECLINED


def _client_plan(run: Run, pk: int) -> ClientPlan:
    """Dates that tell a plausible story for the client's status."""
    rng, today, yesterday = run.rng, run.today, run.yesterday
    status = run.pick(CLIENT_STATUS)
    enrolled = exited = None
    if status == ClientStatus.EXITED:
        referred = run.day(run.horizon, today - datetime.timedelta(days=90))
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
    primary = rng.choice(run.peacekeepers)
    others = [p for p in run.peacekeepers if p != primary]
    secondary = rng.choice(others) if others and rng.random() < 0.15 else None
    return ClientPlan(pk, status, referred, enrolled, exited, first, max(last, first), primary, secondary)


def _reserve_codes(run: Run, years: list[int]) -> list[str]:
    """Client codes for clients of these years (in order): one block per year, taken from the
    sequence client_code_next uses, so codes the app hands out later never collide."""
    table = ClientCodeSequence._meta.db_table
    wanted: dict[int, int] = {}
    for year in years:
        wanted[year] = wanted.get(year, 0) + 1
    next_number = {}
    for year, n in sorted(wanted.items()):
        run.load.cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, %s) "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + EXCLUDED.last_number "
            "RETURNING last_number",
            [year, n],
        )
        next_number[year] = run.load.cursor.fetchone()[0] - n + 1
    codes = []
    for year in years:
        codes.append(f"C-{year}-{next_number[year]:04d}")
        next_number[year] += 1
    return codes


# -- contacts -------------------------------------------------------------------------------


def contacts(run: Run, clients: list[ClientPlan]) -> None:
    counts = _contact_counts(run, clients)
    rows = (row for c, n in zip(clients, counts, strict=True) for row in _client_contacts(run, c, n))
    run.load.copy(Contact, rows, counted=True)


def _contact_counts(run: Run, clients: list[ClientPlan]) -> list[int]:
    """Split the planned contacts: time in the program times a log-normal rate (a long tail)."""
    rng, planned = run.rng, run.plan.contacts
    room = [_contact_days(run, c) for c in clients]
    raw = [
        days * rng.lognormvariate(0, 0.9) * (0.3 if c.status == ClientStatus.REFERRED else 1)
        for c, days in zip(clients, room, strict=True)
    ]
    factor = planned / (sum(raw) or 1)
    counts = [min(round(r * factor), 2 * days) for r, days in zip(raw, room, strict=True)]
    # Round-off and caps: give or take the difference, one at a time, where there is room.
    order = sorted(range(len(clients)), key=lambda i: -raw[i])
    gap, moved = planned - sum(counts), True
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


def _contact_days(run: Run, c: ClientPlan) -> int:
    return max((min(c.last, run.yesterday) - c.first).days + 1, 0)


def _client_contacts(run: Run, c: ClientPlan, n: int) -> Iterator[ContactRow]:
    rng = run.rng
    span = _contact_days(run, c) - 1
    days = sorted(c.first + datetime.timedelta(days=rng.randint(0, span)) for _ in range(n))
    open_case = c.status != ClientStatus.EXITED
    for i, day in enumerate(days):
        moment = run.moment(day, rng.randint(9, 20))
        follow_up = None
        if (i == n - 1 and open_case and rng.random() < 0.7) or rng.random() < 0.1:
            follow_up = day + datetime.timedelta(days=rng.randint(1, 14))
        who = c.secondary if c.secondary and rng.random() < 0.15 else c.primary
        yield ContactRow(
            client_id=c.pk,
            peacekeeper_id=who,
            occurred_at=moment,
            duration_minutes=rng.choice([15, 20, 30, 30, 45, 60, 60, 90, 120]),
            kind=run.pick(CONTACT_KINDS),
            location=rng.choice(LOCATIONS),
            topics=rng.sample(Topic.values, rng.randint(1, 3)),
            notes=rng.choice(NOTES),
            conflict_risk=rng.random() < 0.06,
            next_steps=rng.choice(NEXT_STEPS),
            follow_up_on=follow_up,
            created_at=moment,
            updated_at=moment,
        )


# -- goals and referrals --------------------------------------------------------------------


def goals_and_referrals(run: Run, clients: list[ClientPlan]) -> None:
    rng = run.rng
    goals, referrals = [], []
    for c in clients:
        n = rng.choices([0, 1, 2, 3, 4, 5], [5, 15, 30, 25, 15, 10])[0] if c.enrolled_on else rng.randint(0, 1)
        for domain in rng.sample(list(GOALS), n):
            goals.append(_goal(run, c, domain))
        if c.enrolled_on:
            for _ in range(rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]):
                referrals.append(_referral(run, c))
    run.load.copy(Goal, goals)
    run.load.copy(Referral, referrals)


def _goal(run: Run, c: ClientPlan, domain: str) -> GoalRow:
    rng = run.rng
    status = GoalStatus.OPEN
    if c.enrolled_on:
        weights = [10, 10, 40, 40] if c.status == ClientStatus.EXITED else [30, 35, 25, 10]
        status = rng.choices(GoalStatus.values, weights)[0]
    achieved = run.day(c.first, min(c.last, run.today)) if status == GoalStatus.ACHIEVED else None
    created = run.moment(c.first, 12)
    target = c.first + datetime.timedelta(days=rng.randint(30, 365))
    return GoalRow(c.pk, domain, GOALS[domain], target, status, achieved, created_at=created, updated_at=created)


def _referral(run: Run, c: ClientPlan) -> ReferralRow:
    rng = run.rng
    partner = rng.choice(run.partners)
    on = run.day(c.first, min(c.last, run.today))
    status = rng.choices(ReferralStatus.values, [20, 30, 35, 15])[0]
    completed = None
    if status == ReferralStatus.COMPLETED:
        completed = on + datetime.timedelta(days=rng.randint(7, 120))
        if completed > run.today:
            status, completed = ReferralStatus.CONNECTED, None
    created = run.moment(on, 12)
    service = partner.services.split(",")[0]
    return ReferralRow(c.pk, partner.partner_id, service, on, status, completed, created_at=created, updated_at=created)
