"""Demo incidents that reproduce the seed story's yearly homicide counts (Stockton's Office of
Violence Prevention, 2018): 71 in 2012, 49 in each of 2014-2016, 55 in 2017 and 31 from
January to September 2018, plus non-fatal shootings, shots fired, responses and mediations.

The story's years are history and stay where they are; every year after them, up to the present,
gets its own numbers, and the current year the days so far at this year's pace, so the dashboards
have something to show in whatever year the demo is seeded."""

import datetime
import random
from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts import roles
from incidents.models import (
    Incident,
    IncidentKind,
    IncidentStatus,
    Involvement,
    InvolvementOutcome,
    InvolvementRole,
    Mediation,
    MediationOutcome,
    Response,
    ResponseKind,
    RetaliationRisk,
    Weapon,
)
from incidents.services import involvement_follow_outcome
from outreach.models import Client, Contact, Neighborhood

# Homicide victims per year, whole year. 2018: 31 in January-September (the story), more after.
STORY_HOMICIDES = {2012: 71, 2013: 32, 2014: 49, 2015: 49, 2016: 49, 2017: 55}
STORY_2018_JAN_SEP = 31
STORY_2018_OCT_DEC = 6
LATER_HOMICIDES = {2019: 34, 2020: 48, 2021: 52, 2022: 38, 2023: 36, 2024: 31, 2025: 29}
# Each later year around this pace (a little above or below, in turn), and the current year at it.
YEARLY_PACE = 27
PACE_SWING = (-3, 2, 0, 4, -1)
SHOOTINGS_PER_HOMICIDE = 2.6
SHOTS_FIRED_PER_HOMICIDE = 1.5


class Window(NamedTuple):
    """A stretch of days and the homicide victims it has over all of it."""

    homicides: int
    first: datetime.date
    last: datetime.date


def seed_incidents(*, seed: int = 2018) -> int:
    """Create the demo incidents once (nothing when any incident exists); return how many."""
    if Incident.objects.exists():
        return 0
    rng = random.Random(seed)
    neighborhoods = list(Neighborhood.objects.all())
    today = timezone.localdate()
    incidents: list[Incident] = []
    for window in yearly_plan(today):
        incidents += _year_of_incidents(rng, window, neighborhoods, today)
    Incident.objects.bulk_create(incidents, batch_size=2000)
    _responses_and_people(rng, today)
    return len(incidents)


def yearly_plan(today: datetime.date) -> list[Window]:
    """Every demo window from 2012 up to yesterday, oldest first; a window still under way when
    the demo is seeded gets its share of the homicides for the days that have passed."""
    windows = [_whole_year(year, n) for year, n in STORY_HOMICIDES.items()]
    windows.append(Window(STORY_2018_JAN_SEP, datetime.date(2018, 1, 1), datetime.date(2018, 9, 30)))
    windows.append(Window(STORY_2018_OCT_DEC, datetime.date(2018, 10, 1), datetime.date(2018, 12, 31)))
    for year in range(2019, today.year + 1):
        pace = YEARLY_PACE if year == today.year else YEARLY_PACE + PACE_SWING[year % len(PACE_SWING)]
        windows.append(_whole_year(year, LATER_HOMICIDES.get(year, pace)))
    yesterday = today - datetime.timedelta(days=1)
    return [_so_far(window, yesterday) for window in windows if window.first <= yesterday]


def _whole_year(year: int, homicides: int) -> Window:
    return Window(homicides, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _so_far(window: Window, yesterday: datetime.date) -> Window:
    if window.last <= yesterday:
        return window
    share = ((yesterday - window.first).days + 1) / ((window.last - window.first).days + 1)
    return Window(round(window.homicides * share), window.first, yesterday)


def _year_of_incidents(rng, window: Window, neighborhoods, today: datetime.date) -> list[Incident]:
    first, label = window.first, window.first.year
    span = (window.last - first).days
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
            # Past years' cases are closed; this year's are still being worked.
            status=IncidentStatus.CLOSED if label < today.year else rng.choice(IncidentStatus.values),
            description="",
        )

    made = []
    homicides = remaining = window.homicides
    while remaining > 0:
        killed = 2 if remaining >= 2 and rng.random() < 0.08 else 1
        weapon = rng.choices([Weapon.FIREARM, Weapon.KNIFE, Weapon.OTHER], [8, 1, 1])[0]
        made.append(incident(IncidentKind.HOMICIDE, killed, rng.choice([0, 0, 0, 1]), weapon))
        remaining -= killed
    for _ in range(round(homicides * SHOOTINGS_PER_HOMICIDE)):
        made.append(incident(IncidentKind.NONFATAL_SHOOTING, 0, rng.choice([1, 1, 1, 2]), Weapon.FIREARM))
    for n in range(round(homicides * SHOTS_FIRED_PER_HOMICIDE)):
        # A shooting whatever the weapon recorded: often nobody saw the gun (every third here; not
        # drawn from rng, so the rest of the demo stays as it was).
        made.append(incident(IncidentKind.SHOTS_FIRED, 0, 0, Weapon.UNKNOWN if n % 3 == 2 else Weapon.FIREARM))
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
    statuses_from_responses()
    _involvements(rng, recent, clients)
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


def statuses_from_responses() -> None:
    """Incident statuses as the web leaves them (incidents.services): an incident with a response is
    responded, one without is open; a closed one stays closed. The demo's responses are
    bulk-created, so no service has moved the statuses."""
    answered = Exists(Response.objects.filter(incident=OuterRef("pk")))
    open_ones = Incident.objects.exclude(status=IncidentStatus.CLOSED)
    open_ones.filter(answered).exclude(status=IncidentStatus.RESPONDED).update(status=IncidentStatus.RESPONDED)
    open_ones.exclude(answered).exclude(status=IncidentStatus.OPEN).update(status=IncidentStatus.OPEN)


def _involvements(rng, recent: list[Incident], clients: list[Client]) -> None:
    """Clients in recent incidents, with what happened to them: a victim of an incident with someone
    killed was killed (and is exited as deceased by the same service as in the app, their contacts
    after that day removed), a victim of one with someone injured was wounded."""
    killed: set[int] = set()
    for item in rng.sample(recent, min(len(recent), 15)) if clients else []:
        day = timezone.localdate(item.occurred_at)
        client = rng.choice(
            [c for c in clients if c.pk not in killed and (c.enrolled_on or c.referred_on) <= day] or clients
        )
        role = rng.choice(InvolvementRole.values)
        outcome = InvolvementOutcome.UNHARMED
        if role == InvolvementRole.VICTIM and item.killed and client.pk not in killed:
            outcome = InvolvementOutcome.KILLED
            killed.add(client.pk)
        elif role == InvolvementRole.VICTIM and item.injured:
            outcome = InvolvementOutcome.WOUNDED
        involvement = Involvement(incident=item, client=client, role=role, outcome=outcome)
        involvement.save()
        if outcome == InvolvementOutcome.KILLED:
            Contact.objects.filter(client=client, occurred_at__gt=item.occurred_at).delete()
            involvement_follow_outcome(involvement=involvement, by=None)
