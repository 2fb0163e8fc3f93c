"""The demo program's history, from 2012 up to the year before the demo's 40 current clients:
clients who enrolled and left, with their contacts, goals and referrals, and the peacekeepers'
responses to past shootings and their mediations. So a report of any past quarter (the seed
story's 2018 Q3 above all) has program figures, not only violence.

It adds no incident: the seed story's violence figures stay exactly as sample_data.demo.incidents
makes them. Deterministic (its own random generator), idempotent (nothing when history exists),
bulk-inserted (a few seconds), and dated from the day it runs, so it works in any year.
"""

import datetime
import random

from django.utils import timezone

from accounts import roles
from incidents.models import (
    Incident,
    Mediation,
    MediationClient,
    MediationOutcome,
    MediationPeacekeeper,
    Response,
    ResponseKind,
)
from outreach import services
from outreach.models import (
    Client,
    ClientStatus,
    Contact,
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
    local_today,
)
from sample_data.demo.incidents import statuses_from_responses
from sample_data.demo.outreach import FIRST_NAMES, GOALS, LAST_NAMES, _demo_contact

HISTORY_FIRST_YEAR = 2012
CLIENTS_PER_YEAR = 24
# The demo's current clients were referred in the last 420 days (sample_data.demo.outreach):
# history ends before them.
RECENT_DAYS = 430
RESPONDED_SHARE = 0.7  # past shootings with someone hurt that got a peacekeeper response
MEDIATED_SHARE = 0.12  # past incidents with someone hurt that led to a mediation
# Why past clients left: most completed the program. None is "deceased" here: a death is an
# incident's involvement, which this history does not make up.
EXIT_REASONS = [ExitReason.COMPLETED] * 6 + [
    ExitReason.MOVED,
    ExitReason.INCARCERATED,
    ExitReason.DECLINED,
    ExitReason.LOST_CONTACT,
]


def history_end(today: datetime.date) -> datetime.date:
    """The last day of the history: the day before the current clients' earliest referral."""
    return today - datetime.timedelta(days=RECENT_DAYS)


def seed_program_history(*, seed: int = 2012) -> int:
    """Create the program's past clients, contacts, goals, referrals, responses and mediations
    once (nothing when a client referred before history_end exists); return how many clients."""
    today = local_today()
    end = history_end(today)
    if Client.objects.filter(referred_on__lt=end).exists() or end.year < HISTORY_FIRST_YEAR:
        return 0
    peacekeepers = list(roles.peacekeepers().order_by("username"))
    if not peacekeepers:
        return 0
    rng = random.Random(seed)
    clients = _past_clients(rng, peacekeepers, list(Neighborhood.objects.order_by("name")), end)
    _past_services(rng, clients, list(Partner.objects.order_by("name")))
    _past_responses_and_mediations(rng, peacekeepers, clients)
    statuses_from_responses()
    return len(clients)


def _past_clients(rng, peacekeepers, neighborhoods, end: datetime.date) -> list[Client]:
    clients = []
    for year in range(HISTORY_FIRST_YEAR, end.year + 1):
        last_referral = min(datetime.date(year, 12, 31), end - datetime.timedelta(days=60))
        first = datetime.date(year, 1, 1)
        if last_referral < first:
            break
        for i in range(CLIENTS_PER_YEAR):
            referred_on = first + datetime.timedelta(days=rng.randint(0, (last_referral - first).days))
            enrolled_on = referred_on + datetime.timedelta(days=rng.randint(1, 14))
            exited_on = min(end, enrolled_on + datetime.timedelta(days=rng.randint(90, 420)))
            name = FIRST_NAMES[(i + year) % len(FIRST_NAMES)]
            clients.append(
                Client(
                    code=services.client_code_next(year=enrolled_on.year),
                    first_name=name,
                    last_name=LAST_NAMES[(i * 3 + year) % len(LAST_NAMES)],
                    date_of_birth=referred_on - datetime.timedelta(days=rng.randint(15 * 365, 25 * 365)),
                    gender=Gender.FEMALE if name in FIRST_NAMES[20:] else Gender.MALE,
                    neighborhood=rng.choice(neighborhoods) if neighborhoods else None,
                    risk_level=rng.choices([RiskLevel.HIGH, RiskLevel.ELEVATED, RiskLevel.MODERATE], [5, 3, 2])[0],
                    referral_source=rng.choice(ReferralSource.values),
                    status=ClientStatus.EXITED,
                    referred_on=referred_on,
                    enrolled_on=enrolled_on,
                    consent_signed_on=enrolled_on,
                    exited_on=exited_on,
                    exit_reason=rng.choice(EXIT_REASONS),
                    primary_peacekeeper=peacekeepers[(i + year) % len(peacekeepers)],
                )
            )
    created = Client.objects.bulk_create(clients, batch_size=1000)
    # Each past client's one stretch on the program, as the exit service would have kept it.
    EnrolmentPeriod.objects.bulk_create(
        [
            EnrolmentPeriod(client=c, enrolled_on=c.enrolled_on, exited_on=c.exited_on, exit_reason=c.exit_reason)
            for c in created
        ],
        batch_size=1000,
    )
    return created


def _past_services(rng, clients: list[Client], partners: list[Partner]) -> None:
    """Each past client's contacts over their enrolment, two goals and most a referral."""
    contacts, goals, referrals = [], [], []
    for client in clients:
        gap = {RiskLevel.HIGH: 5, RiskLevel.ELEVATED: 9, RiskLevel.MODERATE: 12}[client.risk_level]
        day = client.enrolled_on
        while day <= client.exited_on:
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 19), 0)))
            contacts.append(_demo_contact(rng, client, moment))
            day += datetime.timedelta(days=rng.randint(max(1, gap - 3), gap + 6))
        enrolled_days = (client.exited_on - client.enrolled_on).days
        for domain in rng.sample(list(GOALS), 2):
            achieved = rng.random() < 0.45
            goals.append(
                Goal(
                    client=client,
                    domain=domain,
                    description=GOALS[domain],
                    target_on=client.enrolled_on + datetime.timedelta(days=rng.randint(60, 240)),
                    status=GoalStatus.ACHIEVED if achieved else rng.choice([GoalStatus.OPEN, GoalStatus.IN_PROGRESS]),
                    achieved_on=client.enrolled_on + datetime.timedelta(days=rng.randint(0, enrolled_days))
                    if achieved
                    else None,
                )
            )
        if partners and rng.random() < 0.75:
            partner = rng.choice(partners)
            completed = rng.random() < 0.55
            referrals.append(
                Referral(
                    client=client,
                    partner=partner,
                    service=partner.services.split(",")[0],
                    referred_on=client.enrolled_on,
                    status=ReferralStatus.COMPLETED if completed else rng.choice(["pending", "connected"]),
                    completed_on=min(client.exited_on, client.enrolled_on + datetime.timedelta(days=30))
                    if completed
                    else None,
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    Goal.objects.bulk_create(goals, batch_size=2000)
    Referral.objects.bulk_create(referrals, batch_size=2000)


def _past_responses_and_mediations(rng, peacekeepers, clients: list[Client]) -> None:
    """Responses to most past incidents with someone hurt, and a mediation after some of them,
    up to where sample_data.demo.incidents' recent responses begin (400 days ago)."""
    recent = timezone.now() - datetime.timedelta(days=400)
    past = list(Incident.objects.with_victims().filter(occurred_at__lt=recent).order_by("occurred_at", "pk"))
    if not past:
        return
    responses, mediations = [], []
    for incident in past:
        if rng.random() < RESPONDED_SHARE:
            delay = datetime.timedelta(hours=rng.choice([1, 2, 3, 6, 12, 20, 30, 50]))
            responses.append(
                Response(
                    incident=incident,
                    peacekeeper=rng.choice(peacekeepers),
                    responded_at=incident.occurred_at + delay,
                    kind=rng.choice([ResponseKind.SCENE, ResponseKind.HOSPITAL, ResponseKind.FAMILY_SUPPORT]),
                )
            )
        if rng.random() < MEDIATED_SHARE:
            mediations.append(
                Mediation(
                    occurred_on=timezone.localdate(incident.occurred_at) + datetime.timedelta(days=rng.randint(1, 5)),
                    neighborhood_id=incident.neighborhood_id,
                    parties="Two groups from neighboring blocks after the shooting",
                    outcome=rng.choice(MediationOutcome.values),
                    incident=incident,
                )
            )
    Response.objects.bulk_create(responses, batch_size=2000)
    Mediation.objects.bulk_create(mediations, batch_size=2000)
    leaders, parties = [], []
    for mediation in mediations:
        for peacekeeper in rng.sample(peacekeepers, min(2, len(peacekeepers))):
            leaders.append(MediationPeacekeeper(mediation=mediation, user=peacekeeper))
        enrolled = [c for c in clients if c.enrolled_on <= mediation.occurred_on <= c.exited_on]
        for client in rng.sample(enrolled, min(2, len(enrolled))):
            parties.append(MediationClient(mediation=mediation, client=client))
    MediationPeacekeeper.objects.bulk_create(leaders, batch_size=2000)
    MediationClient.objects.bulk_create(parties, batch_size=2000)
