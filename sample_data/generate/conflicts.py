"""Synthetic groups and conflicts (issue #16): about two groups a neighborhood, clients associated with them
(some associations expired, some expiring within 90 days, a few ended), and conflicts between clients and
groups on two sides, with their status histories and the shootings linked to them."""

import datetime
from bisect import bisect_right
from typing import NamedTuple

from django.conf import settings

from incidents.models import (
    AssociationBasis,
    AssociationRole,
    Conflict,
    ConflictIncident,
    ConflictKind,
    ConflictParty,
    ConflictStatus,
    ConflictStatusChange,
    Group,
    GroupAssociation,
    GroupNeighborhood,
    GroupStatus,
)
from incidents.models.conflicts import add_years, association_expiry
from sample_data.generate.base import ConflictPlan, Run, next_serial, running_totals, weighted_index
from sample_data.generate.incidents import IncidentRow
from sample_data.generate.outreach import STREETS, ClientPlan

GROUP_SERIAL = " SYN-"  # group names end with it and a number, so a second run names its groups after
GROUP_WORDS = ["Boys", "Crew", "Mob", "Set", "Bloc", "Squad", "Kings", "Family", "Clique", "Gang"]
GROUP_STATUSES = [(GroupStatus.ACTIVE, 80), (GroupStatus.INACTIVE, 15), (GroupStatus.DISSOLVED, 5)]
ROLES = [(AssociationRole.MEMBER, 60), (AssociationRole.ASSOCIATE, 40)]
BASES = list(zip(AssociationBasis.values, [35, 40, 20, 5], strict=True))
CONFLICT_KINDS = [
    (ConflictKind.DISPUTE, 40),
    (ConflictKind.RETALIATION, 25),
    (ConflictKind.ROBBERY, 10),
    (ConflictKind.OTHER, 10),
]
DESCRIPTIONS = {
    ConflictKind.DISPUTE: "A debt turned into threats on social media.",
    ConflictKind.RETALIATION: "Talk of paying back a shooting.",
    ConflictKind.ROBBERY: "A robbery the victim's friends want to answer.",
    ConflictKind.GROUP_RIVALRY: "Two groups at odds over a block and a park.",
    ConflictKind.OTHER: "A falling-out between families after a party.",
}
# How a conflict's status moves on: (next status, weight) from each; closed is the end.
NEXT_STATUS = {
    ConflictStatus.IDENTIFIED: [
        (ConflictStatus.MEDIATION_ATTEMPTED, 6),
        (ConflictStatus.COOLING, 2),
        (ConflictStatus.CLOSED, 1),
    ],
    ConflictStatus.MEDIATION_ATTEMPTED: [
        (ConflictStatus.MEDIATED, 5),
        (ConflictStatus.REIGNITED, 2),
        (ConflictStatus.COOLING, 2),
    ],
    ConflictStatus.MEDIATED: [(ConflictStatus.COOLING, 6), (ConflictStatus.REIGNITED, 1), (ConflictStatus.CLOSED, 2)],
    ConflictStatus.COOLING: [(ConflictStatus.CLOSED, 6), (ConflictStatus.REIGNITED, 2)],
    ConflictStatus.REIGNITED: [(ConflictStatus.MEDIATION_ATTEMPTED, 7), (ConflictStatus.CLOSED, 1)],
}


class GroupPlan(NamedTuple):
    pk: int
    neighborhood_ids: list[int]


class GroupRow(NamedTuple):
    id: int
    name: str
    aliases: str
    territory_note: str
    status: str
    last_reviewed_on: datetime.date | None
    next_review_on: datetime.date | None
    created_by_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class GroupNeighborhoodRow(NamedTuple):
    group_id: int
    neighborhood_id: int


class AssociationRow(NamedTuple):
    client_id: int
    group_id: int
    role: str
    basis: str
    evidence_note: str
    started_on: datetime.date
    confirmed_on: datetime.date
    expires_on: datetime.date
    ended_on: datetime.date | None
    entered_by_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ConflictRow(NamedTuple):
    id: int
    kind: str
    description: str
    neighborhood_id: int | None
    created_by_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class StatusRow(NamedTuple):
    conflict_id: int
    status: str
    changed_at: datetime.datetime
    changed_by_id: int
    note: str
    created_at: datetime.datetime


class PartyRow(NamedTuple):
    conflict_id: int
    side: str
    client_id: int | None
    group_id: int | None
    created_at: datetime.datetime


class LinkRow(NamedTuple):
    conflict_id: int
    incident_id: int
    created_at: datetime.datetime


# -- groups ---------------------------------------------------------------------------------


def groups(run: Run) -> list[GroupPlan]:
    """The plan's groups, most in the violent neighborhoods, named after the last synthetic one."""
    rng = run.rng
    taken = Group.objects.filter(name__contains=GROUP_SERIAL).values_list("name", flat=True)
    start = next_serial(taken)
    cumulative = running_totals(run.hood_weights)
    plans, rows, places = [], [], []
    for i, pk in enumerate(run.load.reserve_ids(Group, run.plan.groups)):
        home = run.neighborhoods[weighted_index(rng, cumulative)]
        hoods = [home.pk]
        if rng.random() < 0.2:
            other = run.neighborhoods[weighted_index(rng, cumulative)].pk
            hoods += [other] if other != home.pk else []
        day = run.day(run.horizon, run.yesterday)
        created = run.moment(day, rng.randint(9, 17))
        reviewed = run.day(day, run.today) if rng.random() < 0.7 else None
        base = rng.choice([home.name, rng.choice(STREETS)]).rsplit(" ", 1)[0]  # "Oak Park", "El Dorado"
        rows.append(
            GroupRow(
                id=pk,
                name=f"{base} {rng.choice(GROUP_WORDS)}{GROUP_SERIAL}{start + i:05d}",
                aliases="",
                territory_note=f"Around {rng.choice(STREETS)}, {home.name}.",
                status=run.pick(GROUP_STATUSES),
                last_reviewed_on=reviewed,
                next_review_on=reviewed + datetime.timedelta(days=180) if reviewed else None,
                created_by_id=rng.choice(run.managers),
                created_at=created,
                updated_at=min(max(created, run.moment(reviewed, 12)), run.now) if reviewed else created,
            )
        )
        places += [GroupNeighborhoodRow(pk, hood) for hood in hoods]
        plans.append(GroupPlan(pk, hoods))
    run.load.copy(Group, rows)
    run.load.copy(GroupNeighborhood, places)
    return plans


def associations(run: Run, clients: list[ClientPlan], groups: list[GroupPlan]) -> None:
    """Clients associated with groups (a few big groups, many small): most current, some expired, some
    expiring within 90 days, a few ended."""
    rng = run.rng
    if not groups or not clients:
        return
    sizes = running_totals(1 / (rank + 1) ** 0.8 for rank in range(len(groups)))
    pairs: set[tuple[int, int]] = set()
    rows = []
    for _ in range(run.plan.associations):
        client, group = rng.choice(clients), groups[weighted_index(rng, sizes)]
        if (client.pk, group.pk) in pairs:
            continue
        pairs.add((client.pk, group.pk))
        rows.append(_association(run, client, group))
    run.load.copy(GroupAssociation, rows)


def _association(run: Run, client: ClientPlan, group: GroupPlan) -> AssociationRow:
    rng, today = run.rng, run.today
    years = settings.GROUP_ASSOCIATION_YEARS
    lapse = add_years(today, -years)  # confirmed before this day: expired
    bucket = rng.choices(["current", "expired", "expiring", "ended"], [70, 15, 10, 5])[0]
    if bucket == "expired" and client.referred_on < lapse:
        confirmed = run.day(client.referred_on, lapse - datetime.timedelta(days=1))
    elif bucket == "expiring" and client.referred_on <= lapse:
        confirmed = lapse + datetime.timedelta(days=rng.randint(0, 89))
    else:
        bucket = "ended" if bucket == "ended" else "current"
        confirmed = run.day(max(client.referred_on, lapse + datetime.timedelta(days=90)), today)
    started = confirmed - datetime.timedelta(days=rng.randint(0, 600))
    ended = run.day(confirmed, today) if bucket == "ended" else None
    created = run.moment(max(started, client.referred_on), rng.randint(9, 17))
    return AssociationRow(
        client_id=client.pk,
        group_id=group.pk,
        role=run.pick(ROLES),
        basis=run.pick(BASES),
        evidence_note="",
        started_on=started,
        confirmed_on=confirmed,
        expires_on=association_expiry(confirmed),
        ended_on=ended,
        entered_by_id=client.primary,
        created_at=min(created, run.moment(confirmed, 18), run.now),
        updated_at=min(run.moment(ended or confirmed, 18), run.now),
    )


# -- conflicts ------------------------------------------------------------------------------


def conflicts(
    run: Run, incidents: list[IncidentRow], clients: list[ClientPlan], groups: list[GroupPlan]
) -> list[ConflictPlan]:
    """The plan's conflicts: four in ten around a shooting (linked to it, sometimes to a later one in the same
    neighborhood), the others anywhere in the ten years; parties on two sides; a status history each."""
    rng = run.rng
    shootings = sorted((i for i in incidents if i.has_victims), key=lambda i: i.occurred_at)
    by_hood: dict[int, list[IncidentRow]] = {}
    for item in shootings:
        by_hood.setdefault(item.neighborhood_id, []).append(item)
    plans, rows, changes, parties, links = [], [], [], [], []
    for pk in run.load.reserve_ids(Conflict, run.plan.conflicts):
        anchor = rng.choice(shootings) if shootings and rng.random() < 0.4 else None
        linked = [anchor] if anchor else []
        if anchor:
            started = max(anchor.occurred_at - datetime.timedelta(days=rng.randint(0, 20)), run.moment(run.horizon, 9))
            hood = anchor.neighborhood_id
            later = by_hood[hood]
            after = bisect_right([i.occurred_at for i in later], anchor.occurred_at)
            if after < len(later) and rng.random() < 0.3:
                linked.append(later[after])
        else:
            started = run.moment(run.day(run.horizon, run.yesterday), rng.randint(9, 20))
            hood = run.neighborhood() if rng.random() < 0.8 else None
        sides = _parties(run, clients, groups)
        kind = ConflictKind.GROUP_RIVALRY if all(g for _, _, g in sides) else run.pick(CONFLICT_KINDS)
        history = _history(run, started)
        rows.append(ConflictRow(pk, kind, DESCRIPTIONS[kind], hood, history[0][2], started, history[-1][1]))
        changes += [StatusRow(pk, status, at, by, f"{ConflictStatus(status).label}.", at) for status, at, by in history]
        parties += [PartyRow(pk, side, client, group, started) for side, client, group in sides]
        links += [LinkRow(pk, i.id, max(started, i.created_at)) for i in linked]
        client_ids = [c for _, c, _ in sides if c]
        plans.append(ConflictPlan(pk, started, hood, [i.id for i in linked], client_ids))
    run.load.copy(Conflict, rows)
    run.load.copy(ConflictStatusChange, changes)
    run.load.copy(ConflictParty, parties)
    run.load.copy(ConflictIncident, links)
    return plans


def _parties(run: Run, clients: list[ClientPlan], groups: list[GroupPlan]) -> list[tuple[str, int | None, int | None]]:
    """(side, client, group) for each party: two groups (a rivalry) or one or two clients a side, now and then
    with a group beside them; never the same client or group twice."""
    rng = run.rng
    if len(groups) >= 2 and rng.random() < 0.25:
        a, b = rng.sample(groups, 2)
        return [("a", None, a.pk), ("b", None, b.pk)]
    chosen = rng.sample(clients, min(len(clients), rng.randint(2, 4)))
    sides = [("a" if n % 2 == 0 else "b", c.pk, None) for n, c in enumerate(chosen)]
    if groups and rng.random() < 0.2:
        sides.append((rng.choice("ab"), None, rng.choice(groups).pk))
    return sides


def _history(run: Run, started: datetime.datetime) -> list[tuple[str, datetime.datetime, int]]:
    """(status, when, by) from "identified" on, weeks apart, until closed or today."""
    rng = run.rng
    history = [(ConflictStatus.IDENTIFIED, started, rng.choice(run.peacekeepers))]
    while history[-1][0] != ConflictStatus.CLOSED and len(history) < 8:
        status = run.pick(NEXT_STATUS[history[-1][0]])
        at = history[-1][1] + datetime.timedelta(days=rng.randint(3, 45), hours=rng.randint(0, 8))
        if at > run.now:
            break
        history.append((ConflictStatus(status), at, rng.choice(run.peacekeepers)))
    return history
