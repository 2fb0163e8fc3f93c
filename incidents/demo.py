"""Demo incidents that reproduce the seed story's yearly homicide counts (Stockton's Office of
Violence Prevention, 2018): 71 in 2012, 49 in each of 2014-2016, 55 in 2017 and 31 from
January to September 2018, plus non-fatal shootings, shots fired, responses and mediations,
and current-year activity so the dashboards have something to show today."""

import datetime
import random

from django.utils import timezone

from accounts import roles
from incidents.models import (
    Incident,
    IncidentKind,
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
from outreach.models import Client, Neighborhood

# Homicide victims per year, whole year. 2018: 31 in January-September (the story), more after.
STORY_HOMICIDES = {2012: 71, 2013: 32, 2014: 49, 2015: 49, 2016: 49, 2017: 55}
STORY_2018_JAN_SEP = 31
STORY_2018_OCT_DEC = 6
LATER_HOMICIDES = {2019: 34, 2020: 48, 2021: 52, 2022: 38, 2023: 36, 2024: 31, 2025: 29}
CURRENT_YEAR_PACE = 27  # a full year at this year's pace; only the days so far are generated
SHOOTINGS_PER_HOMICIDE = 2.6
SHOTS_FIRED_PER_HOMICIDE = 1.5


def seed_incidents(*, seed: int = 2018) -> int:
    """Create the demo incidents once (nothing when any incident exists); return how many."""
    if Incident.objects.exists():
        return 0
    rng = random.Random(seed)
    neighborhoods = list(Neighborhood.objects.all())
    today = timezone.localdate()
    plan = _yearly_plan(today)
    incidents: list[Incident] = []
    for year, (homicides, first, last) in plan.items():
        incidents += _year_of_incidents(rng, year, homicides, first, last, neighborhoods)
    Incident.objects.bulk_create(incidents, batch_size=2000)
    _responses_and_people(rng, today)
    return len(incidents)


def _yearly_plan(today: datetime.date) -> dict[int, tuple[int, datetime.date, datetime.date]]:
    """year -> (homicide victims, first day, last day) for every demo window."""
    plan = {y: (n, datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y, n in STORY_HOMICIDES.items()}
    plan[2018] = (STORY_2018_JAN_SEP, datetime.date(2018, 1, 1), datetime.date(2018, 9, 30))
    plan[-2018] = (STORY_2018_OCT_DEC, datetime.date(2018, 10, 1), datetime.date(2018, 12, 31))
    for year, n in LATER_HOMICIDES.items():
        if year < today.year:
            plan[year] = (n, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    yesterday = today - datetime.timedelta(days=1)
    if yesterday.year == today.year:
        share = (yesterday.timetuple().tm_yday) / 365
        plan[today.year] = (round(CURRENT_YEAR_PACE * share), datetime.date(today.year, 1, 1), yesterday)
    return plan


def _year_of_incidents(rng, year, homicides, first, last, neighborhoods) -> list[Incident]:
    label = abs(year)
    span = (last - first).days
    # A few neighborhoods carry most of the violence, as in real cities.
    weights = [5 if i < 3 else 1 for i in range(len(neighborhoods))]

    def moment() -> datetime.datetime:
        day = first + datetime.timedelta(days=rng.randint(0, span))
        hour = rng.choices(range(24), weights=[3] * 4 + [1] * 12 + [2] * 4 + [4] * 4)[0]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 59))))

    def incident(kind, killed, injured, weapon) -> Incident:
        return Incident(
            case_number=f"SPD-{label}-{rng.randint(0, 10**9):09d}",
            kind=kind,
            occurred_at=moment(),
            neighborhood=rng.choices(neighborhoods, weights=weights)[0],
            killed=killed,
            injured=injured,
            weapon=weapon,
            group_related=rng.random() < 0.4,
            retaliation_risk=rng.choice(RetaliationRisk.values),
            status=IncidentStatus.CLOSED if label < 2026 else rng.choice(IncidentStatus.values),
            description="",
        )

    made = []
    remaining = homicides
    while remaining > 0:
        killed = 2 if remaining >= 2 and rng.random() < 0.08 else 1
        weapon = rng.choices([Weapon.FIREARM, Weapon.KNIFE, Weapon.OTHER], [8, 1, 1])[0]
        made.append(incident(IncidentKind.HOMICIDE, killed, rng.choice([0, 0, 0, 1]), weapon))
        remaining -= killed
    for _ in range(round(homicides * SHOOTINGS_PER_HOMICIDE)):
        made.append(incident(IncidentKind.NONFATAL_SHOOTING, 0, rng.choice([1, 1, 1, 2]), Weapon.FIREARM))
    for _ in range(round(homicides * SHOTS_FIRED_PER_HOMICIDE)):
        made.append(incident(IncidentKind.SHOTS_FIRED, 0, 0, Weapon.FIREARM))
    # Case numbers must be unique; the random part makes clashes vanishingly rare, but be sure.
    seen = set()
    for item in made:
        while item.case_number in seen:
            item.case_number = f"SPD-{label}-{rng.randint(0, 10**9):09d}"
        seen.add(item.case_number)
    return made


def _responses_and_people(rng, today: datetime.date) -> None:
    peacekeepers = list(roles.peacekeepers())
    clients = list(Client.objects.exclude(status="exited"))
    if not peacekeepers:
        return
    since = timezone.now() - datetime.timedelta(days=400)
    recent = list(Incident.objects.with_victims().filter(occurred_at__gte=since).order_by("occurred_at"))
    responses = []
    for item in recent:
        if rng.random() < 0.75:  # most shootings get a response, some late or none: the gap shows
            delay = datetime.timedelta(hours=rng.choice([1, 2, 3, 6, 12, 20, 30, 50]))
            when = min(item.occurred_at + delay, timezone.now())
            responses.append(
                Response(
                    incident=item,
                    peacekeeper=rng.choice(peacekeepers),
                    responded_at=when,
                    kind=rng.choice([ResponseKind.SCENE, ResponseKind.HOSPITAL, ResponseKind.FAMILY_SUPPORT]),
                )
            )
    Response.objects.bulk_create(responses)
    involvements = []
    for item in rng.sample(recent, min(len(recent), 15)) if clients else []:
        involvements.append(
            Involvement(incident=item, client=rng.choice(clients), role=rng.choice(InvolvementRole.values))
        )
    Involvement.objects.bulk_create(involvements, ignore_conflicts=True)
    for item in rng.sample(recent, min(len(recent), 12)):
        mediation = Mediation.objects.create(
            occurred_on=min(today, timezone.localdate(item.occurred_at) + datetime.timedelta(days=rng.randint(1, 5))),
            neighborhood=item.neighborhood,
            parties="Two groups from neighboring blocks after the shooting",
            outcome=rng.choice(MediationOutcome.values),
            incident=item,
        )
        mediation.peacekeepers.set(rng.sample(peacekeepers, min(2, len(peacekeepers))))
        if clients:
            mediation.clients.set(rng.sample(clients, 2))
