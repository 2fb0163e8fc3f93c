"""Synthetic violence: ten years of incidents (a mild downward trend, summer, nights, weekends, and
hot and quiet years in each neighborhood), the program's responses, people involved, mediations."""

import datetime
from typing import NamedTuple

from django.utils import timezone

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
from sample_data.generate.base import ConflictPlan, Place, Run, next_serial, running_totals, weighted_index
from sample_data.generate.outreach import ClientPlan, street_address

CASE_PREFIX = "SYN-"
DESCRIPTIONS = ["", "Shots heard near the park", "Fight after a party", "Drive-by shooting", "Dispute between groups"]
PARTIES = ["Two groups from neighboring blocks", "Families of the victim and suspect", "Classmates after a fight"]
# Incidents by month: summer is the violent season.
SEASON = [0.80, 0.75, 0.85, 0.95, 1.05, 1.15, 1.30, 1.30, 1.10, 1.00, 0.90, 0.85]
HOURS = [4] * 3 + [3] * 2 + [1] * 7 + [2] * 6 + [3] * 3 + [4] * 3  # midnight to 23:00, nights worst

# (value, weight) tables.
INCIDENT_KINDS = [
    (IncidentKind.HOMICIDE, 4),
    (IncidentKind.NONFATAL_SHOOTING, 14),
    (IncidentKind.SHOTS_FIRED, 30),
    (IncidentKind.AGGRAVATED_ASSAULT, 37),
    (IncidentKind.OTHER, 15),
]
INCIDENT_SOURCES = [
    (IncidentSource.POLICE, 70),
    (IncidentSource.HOSPITAL, 15),
    (IncidentSource.COMMUNITY, 10),
    (IncidentSource.OUTREACH, 5),
]
MEDIATION_OUTCOMES = list(zip(MediationOutcome.values, [45, 25, 20, 10], strict=True))


class IncidentRow(NamedTuple):
    id: int
    case_number: str
    kind: str
    occurred_at: datetime.datetime
    neighborhood_id: int
    address: str
    latitude: str | None
    longitude: str | None
    killed: int
    injured: int
    weapon: str
    group_related: bool
    source: str
    retaliation_risk: str
    status: str
    description: str
    logged_by_id: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @property
    def has_victims(self) -> bool:
        return self.killed > 0 or self.injured > 0


class Harm(NamedTuple):
    killed: int
    injured: int
    weapon: str


class ResponseRow(NamedTuple):
    id: int
    incident_id: int
    peacekeeper_id: int
    responded_at: datetime.datetime
    kind: str
    notes: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class InvolvementRow(NamedTuple):
    incident_id: int
    client_id: int
    role: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class MediationRow(NamedTuple):
    id: int
    occurred_on: datetime.date
    neighborhood_id: int
    parties: str
    outcome: str
    incident_id: int | None
    conflict_id: int | None
    notes: str
    logged_by_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class MediationPeacekeeperRow(NamedTuple):
    mediation_id: int
    user_id: int


class MediationClientRow(NamedTuple):
    mediation_id: int
    client_id: int


def incidents(run: Run) -> list[IncidentRow]:
    """The plan's incidents, numbered after the last synthetic case."""
    rng = run.rng
    taken = Incident.objects.filter(case_number__startswith=CASE_PREFIX).values_list("case_number", flat=True)
    start = next_serial(taken)
    days = [run.horizon + datetime.timedelta(days=i) for i in range((run.yesterday - run.horizon).days + 1)]
    # A mild downward trend over the years, the season, and busier weekends.
    cumulative = running_totals(
        SEASON[d.month - 1] * (1.15 - 0.03 * (d.year - run.horizon.year)) * (1.2 if d.weekday() >= 4 else 1)
        for d in days
    )
    # Each neighborhood has hot and quiet years (a feud flares up, then calms down).
    hot = {
        year: running_totals(w * rng.lognormvariate(0, 0.5) for w in run.hood_weights)
        for year in range(run.horizon.year, run.today.year + 1)
    }
    rows = []
    for i, pk in enumerate(run.load.reserve_ids(Incident, run.plan.incidents)):
        day = days[weighted_index(rng, cumulative)]
        moment = run.moment(day, rng.choices(range(24), weights=HOURS)[0])
        place = run.neighborhoods[weighted_index(rng, hot[day.year])]
        rows.append(_incident(run, pk, start + i, moment, place))
    run.load.copy(Incident, rows, counted=True)
    return rows


def _incident(run: Run, pk: int, serial: int, moment: datetime.datetime, place: Place) -> IncidentRow:
    rng = run.rng
    kind = run.pick(INCIDENT_KINDS)
    harm = _harm(run, kind)
    located = rng.random() < 0.85
    latitude = f"{place.latitude + rng.gauss(0, 0.006):.6f}" if located else None
    longitude = f"{place.longitude + rng.gauss(0, 0.006):.6f}" if located else None
    old = moment < run.now - datetime.timedelta(days=90)
    logged = min(moment + datetime.timedelta(hours=rng.randint(1, 48)), run.now)
    return IncidentRow(
        id=pk,
        case_number=f"{CASE_PREFIX}{serial:09d}",
        kind=kind,
        occurred_at=moment,
        neighborhood_id=place.pk,
        address=street_address(run) if rng.random() < 0.9 else "",
        latitude=latitude,
        longitude=longitude,
        killed=harm.killed,
        injured=harm.injured,
        weapon=harm.weapon,
        group_related=rng.random() < 0.35,
        source=run.pick(INCIDENT_SOURCES),
        retaliation_risk=rng.choice(RetaliationRisk.values),
        status=_status(run, old=old, victims=harm.killed > 0 or harm.injured > 0),
        description=rng.choice(DESCRIPTIONS),
        logged_by_id=rng.choice(run.peacekeepers) if rng.random() < 0.3 else None,
        created_at=logged,
        updated_at=logged,
    )


def _status(run: Run, *, old: bool, victims: bool) -> str:
    """Closed after three months; before, any. Only incidents with victims get responses here, and "responded"
    follows from a response (incidents.services.response_log), so the others are open or closed."""
    status = IncidentStatus.CLOSED if old else run.rng.choice(IncidentStatus.values)
    return IncidentStatus.OPEN if status == IncidentStatus.RESPONDED and not victims else status


def _harm(run: Run, kind: str) -> Harm:
    """Victims and weapon that obey the incident rules for the kind."""
    rng = run.rng
    if kind == IncidentKind.HOMICIDE:
        weapon = rng.choices([Weapon.FIREARM, Weapon.KNIFE, Weapon.OTHER], [82, 10, 8])[0]
        return Harm(rng.choices([1, 2, 3], [92, 7, 1])[0], rng.choices([0, 1, 2], [70, 22, 8])[0], weapon)
    if kind == IncidentKind.NONFATAL_SHOOTING:
        return Harm(0, rng.choices([1, 2, 3], [75, 18, 7])[0], Weapon.FIREARM)
    if kind == IncidentKind.SHOTS_FIRED:  # a shooting whatever the weapon recorded: often nobody saw it
        return Harm(0, 0, rng.choices([Weapon.FIREARM, Weapon.UNKNOWN], [70, 30])[0])
    if kind == IncidentKind.AGGRAVATED_ASSAULT:
        weapon = rng.choices([Weapon.KNIFE, Weapon.OTHER, Weapon.UNKNOWN], [40, 40, 20])[0]
        return Harm(0, rng.choices([0, 1, 2], [40, 50, 10])[0], weapon)
    return Harm(0, 0, rng.choice([Weapon.OTHER, Weapon.UNKNOWN]))


def involvements(run: Run, incidents: list[IncidentRow], clients: list[ClientPlan]) -> None:
    """Now and then clients involved in an incident with victims."""
    rng = run.rng
    rows = []
    for item in incidents:
        if item.has_victims and rng.random() < 0.1:
            roles = rng.sample(InvolvementRole.values, rng.randint(1, 2))
            for role, client in zip(roles, rng.sample(clients, min(len(roles), len(clients))), strict=False):
                rows.append(InvolvementRow(item.id, client.pk, role, item.occurred_at, item.occurred_at))
    run.load.copy(Involvement, rows)


def responses(run: Run, incidents: list[IncidentRow], *, done_by_tasks: set[int]) -> None:
    """Responses to most incidents with victims other than those whose response case's tasks recorded
    theirs (`done_by_tasks`: sample_data.generate.response). As the services leave them: an open incident has
    none yet, a responded one at least one (a closed one either)."""
    rng = run.rng
    rows = []
    for item in incidents:
        if not item.has_victims or item.id in done_by_tasks or item.status == IncidentStatus.OPEN:
            continue
        n = rng.choices([0, 1, 2], [25, 60, 15])[0]
        for _ in range(max(n, 1) if item.status == IncidentStatus.RESPONDED else n):
            delay = datetime.timedelta(hours=rng.choice([1, 2, 3, 6, 12, 20, 30, 50]), minutes=rng.randint(0, 59))
            when = min(item.occurred_at + delay, run.now)
            kind = rng.choice([ResponseKind.SCENE, ResponseKind.HOSPITAL, ResponseKind.FAMILY_SUPPORT])
            rows.append((item.id, rng.choice(run.peacekeepers), when, kind, "", when, when))
    ids = run.load.reserve_ids(Response, len(rows))
    run.load.copy(Response, [ResponseRow(pk, *row) for pk, row in zip(ids, rows, strict=True)])


def mediations(
    run: Run, incidents: list[IncidentRow], clients: list[ClientPlan], conflicts: list[ConflictPlan]
) -> None:
    """Mediations, half of them after a shooting in its neighborhood, with their teams and clients; those
    after a shooting linked to a conflict, and some others, name the conflict (and its clients)."""
    rng = run.rng
    rows, with_peacekeepers, with_clients = [], [], []
    shootings = [i for i in incidents if i.has_victims]
    conflict_of = {pk: c for c in conflicts for pk in c.incident_ids}
    for pk in run.load.reserve_ids(Mediation, run.plan.mediations):
        incident = rng.choice(shootings) if shootings and rng.random() < 0.5 else None
        conflict = conflict_of.get(incident.id) if incident else None
        if incident is None and conflicts and rng.random() < 0.2:
            conflict = rng.choice(conflicts)
        if incident:
            after = timezone.localdate(incident.occurred_at) + datetime.timedelta(days=rng.randint(1, 5))
            on, hood = min(after, run.today), incident.neighborhood_id
        elif conflict:
            start = timezone.localdate(conflict.started_at)
            on, hood = run.day(start, min(start + datetime.timedelta(days=90), run.today)), conflict.neighborhood_id
        else:
            on, hood = run.day(run.horizon, run.today), run.neighborhood()
        logged = min(run.moment(on, 18), run.now)
        team = rng.sample(run.peacekeepers, min(len(run.peacekeepers), rng.randint(1, 2)))
        rows.append(
            MediationRow(
                id=pk,
                occurred_on=on,
                neighborhood_id=hood,
                parties=rng.choice(PARTIES),
                outcome=run.pick(MEDIATION_OUTCOMES),
                incident_id=incident.id if incident else None,
                conflict_id=conflict.pk if conflict else None,
                notes="",
                logged_by_id=team[0],
                created_at=logged,
                updated_at=logged,
            )
        )
        with_peacekeepers += [MediationPeacekeeperRow(pk, p) for p in team]
        involved = (
            conflict.client_ids[:3]
            if conflict
            else [c.pk for c in rng.sample(clients, min(len(clients), rng.randint(0, 3)))]
        )
        with_clients += [MediationClientRow(pk, c) for c in involved]
    run.load.copy(Mediation, rows, counted=True)
    run.load.copy(Mediation.peacekeepers.through, with_peacekeepers)
    run.load.copy(Mediation.clients.through, with_clients)
