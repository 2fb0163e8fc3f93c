"""Demo outreach data: neighborhoods (Stockton's areas, as in the seed story), partners, and
40 clients with a year of contacts, goals and referrals. Deterministic and idempotent."""

import datetime
import random

from django.utils import timezone

from accounts import roles
from outreach import services
from outreach.models import (
    Client,
    ClientStatus,
    Contact,
    ContactKind,
    ExitReason,
    Gender,
    Goal,
    GoalDomain,
    GoalStatus,
    Neighborhood,
    Partner,
    Referral,
    ReferralSource,
    ReferralStatus,
    RiskLevel,
    Topic,
    local_today,
)

NEIGHBORHOODS = [
    "Downtown",
    "East Stockton",
    "North Stockton",
    "South Stockton",
    "Southeast Stockton",
    "Weston Ranch",
    "Midtown",
    "Country Club",
    "Seaport",
    "Lincoln Village",
]

PARTNERS = [
    ("Delta Workforce Center", "Job training, job placement"),
    ("Valley Adult School", "GED, high school diploma"),
    ("San Joaquin Behavioral Health", "Counseling, substance use treatment"),
    ("Fathers & Families of San Joaquin", "Parenting, reentry support"),
    ("Central Valley Housing Alliance", "Transitional housing"),
    ("Legal Aid of the Delta", "Record expungement, court advocacy"),
]

FIRST_NAMES = [
    "Jamal",
    "Andre",
    "Marcus",
    "DeShawn",
    "Luis",
    "Carlos",
    "Tyrell",
    "Isaiah",
    "Jose",
    "Miguel",
    "Darius",
    "Malik",
    "Xavier",
    "Angel",
    "Dominic",
    "Terrence",
    "Kevin",
    "Brandon",
    "Anthony",
    "Javier",
    "Aaliyah",
    "Destiny",
    "Jasmine",
    "Maria",
    "Tiana",
]
LAST_NAMES = [
    "Johnson",
    "Williams",
    "Garcia",
    "Martinez",
    "Brown",
    "Jones",
    "Davis",
    "Rodriguez",
    "Hernandez",
    "Lopez",
    "Jackson",
    "Thomas",
    "Robinson",
    "Lewis",
    "Walker",
    "Sanchez",
    "Ramirez",
    "Torres",
    "Green",
    "Harris",
]
NICKNAMES = ["", "", "", "Lil J", "Dre", "Smoke", "Chino", "Tiny", "Boogie", "Junior", "Shorty", ""]
GOALS = {
    GoalDomain.EDUCATION: "Enroll in GED classes",
    GoalDomain.EMPLOYMENT: "Get a job with steady hours",
    GoalDomain.HOUSING: "Move into stable housing",
    GoalDomain.HEALTH: "Attend counseling sessions",
    GoalDomain.LEGAL: "Complete probation requirements",
    GoalDomain.FAMILY: "Reconnect with his son",
    GoalDomain.PERSONAL: "Get a California ID",
}
NOTES = [
    "Checked in at the park. Talked about staying away from the block on weekends.",
    "Worried about a dispute with a group from across town; agreed to call before going out.",
    "Went over the job application together; needs a ride to the interview.",
    "Mother says he has been home at night. School attendance improving.",
    "Met after court. Next hearing set; he wants help finding a lawyer.",
    "Talked about anger after his cousin was shot. Offered counseling referral.",
]
CLIENT_COUNT = 40


def seed_neighborhoods() -> int:
    """Create the demo neighborhoods that are missing; return how many were created."""
    existing = {name.lower() for name in Neighborhood.objects.values_list("name", flat=True)}
    missing = [Neighborhood(name=name) for name in NEIGHBORHOODS if name.lower() not in existing]
    Neighborhood.objects.bulk_create(missing)
    return len(missing)


def seed_partners() -> int:
    existing = set(Partner.objects.values_list("name", flat=True))
    missing = [Partner(name=n, services=s) for n, s in PARTNERS if n not in existing]
    Partner.objects.bulk_create(missing)
    return len(missing)


def seed_clients(*, seed: int = 2018) -> int:
    """Create 40 demo clients with their history, once (nothing when any client exists)."""
    if Client.objects.exists():
        return 0
    rng = random.Random(seed)
    peacekeepers = list(roles.peacekeepers().order_by("username"))
    if not peacekeepers:
        return 0
    neighborhoods = list(Neighborhood.objects.all())
    partners = list(Partner.objects.all())
    today = local_today()
    for i in range(CLIENT_COUNT):
        client = _demo_client(rng, i, peacekeepers, neighborhoods, today)
        secondary = [rng.choice([p for p in peacekeepers if p != client.primary_peacekeeper])] if i % 4 == 0 else []
        services.client_save(client=client, secondary_peacekeepers=secondary)
        _demo_history(rng, client, partners, today)
    return CLIENT_COUNT


def _demo_client(rng, i, peacekeepers, neighborhoods, today) -> Client:
    referred_on = today - datetime.timedelta(days=rng.randint(30, 420))
    status = rng.choices(
        [ClientStatus.ACTIVE, ClientStatus.REFERRED, ClientStatus.INACTIVE, ClientStatus.EXITED], [30, 3, 3, 4]
    )[0]
    client = Client(
        first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
        last_name=LAST_NAMES[(i * 7) % len(LAST_NAMES)],
        nickname=rng.choice(NICKNAMES),
        date_of_birth=today - datetime.timedelta(days=rng.randint(15 * 365, 25 * 365)),
        gender=Gender.FEMALE if FIRST_NAMES[i % len(FIRST_NAMES)] in FIRST_NAMES[20:] else Gender.MALE,
        phone=f"(209) 555-{1000 + i:04d}",
        neighborhood=rng.choice(neighborhoods),
        risk_level=rng.choices([RiskLevel.HIGH, RiskLevel.ELEVATED, RiskLevel.MODERATE], [5, 3, 2])[0],
        referral_source=rng.choice(ReferralSource.values),
        status=status,
        referred_on=referred_on,
        primary_peacekeeper=peacekeepers[i % len(peacekeepers)],
    )
    if status != ClientStatus.REFERRED:
        client.enrolled_on = referred_on + datetime.timedelta(days=rng.randint(1, 14))
        client.consent_signed_on = client.enrolled_on
    if status == ClientStatus.EXITED:
        client.exited_on = min(today, client.enrolled_on + datetime.timedelta(days=rng.randint(20, 200)))
        client.exit_reason = rng.choice(ExitReason.values)
    return client


def _demo_history(rng, client: Client, partners, today) -> None:
    start = client.enrolled_on or client.referred_on
    end = client.exited_on or today
    if rng.random() < 0.2:  # some clients have slipped past their contact standard
        end -= datetime.timedelta(days=rng.randint(16, 40))
    gap = {RiskLevel.HIGH: 5, RiskLevel.ELEVATED: 9, RiskLevel.MODERATE: 12}[client.risk_level]
    contacts, day = [], start
    while day <= end:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 19), 0)))
        if moment < timezone.now():
            contacts.append(_demo_contact(rng, client, moment))
        day += datetime.timedelta(days=rng.randint(max(1, gap - 3), gap + 6))
    if contacts:
        contacts[-1].follow_up_on = contacts[-1].occurred_at.date() + datetime.timedelta(days=rng.randint(1, 10))
    Contact.objects.bulk_create(contacts)
    for domain in rng.sample(list(GOALS), 2):
        achieved = rng.random() < 0.3 and client.enrolled_on
        Goal.objects.create(
            client=client,
            domain=domain,
            description=GOALS[domain],
            target_on=start + datetime.timedelta(days=rng.randint(60, 240)),
            status=GoalStatus.ACHIEVED if achieved else rng.choice([GoalStatus.OPEN, GoalStatus.IN_PROGRESS]),
            achieved_on=min(today, start + datetime.timedelta(days=rng.randint(20, 120))) if achieved else None,
        )
    if client.enrolled_on and rng.random() < 0.7:
        partner = rng.choice(partners)
        completed = rng.random() < 0.4
        Referral.objects.create(
            client=client,
            partner=partner,
            service=partner.services.split(",")[0],
            referred_on=client.enrolled_on,
            status=ReferralStatus.COMPLETED if completed else rng.choice(["pending", "connected"]),
            completed_on=min(today, client.enrolled_on + datetime.timedelta(days=30)) if completed else None,
        )


def _demo_contact(rng, client: Client, moment: datetime.datetime) -> Contact:
    return Contact(
        client=client,
        peacekeeper=client.primary_peacekeeper,
        occurred_at=moment,
        duration_minutes=rng.choice([15, 20, 30, 45, 60, 90]),
        kind=rng.choice(ContactKind.values),
        topics=rng.sample(Topic.values, rng.randint(1, 3)),
        notes=rng.choice(NOTES),
        conflict_risk=rng.random() < 0.08,
    )
