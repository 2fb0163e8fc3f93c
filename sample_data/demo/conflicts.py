"""Demo groups, group associations and conflicts (issue #16), told as one story on the demo
peacekeeper's caseload: two groups feud over a park, a shooting follows, a mediation cools it; a
second conflict between two young men reignites. One association expires within weeks (the managers'
"expiring soon" page shows it) and one has expired (and so appears nowhere)."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from incidents import conflict_services as services
from incidents.models import ConflictStatus, Group, GroupAssociation, Incident, Mediation, association_expiry
from incidents.models.conflicts import add_years
from outreach.models import Client, ClientStatus, Neighborhood

GROUPS = [
    ("Eastside Boys", "ESB\nThe Eastside", "The blocks east of the rail line, around Liberty Park.", "active"),
    ("Park Street", "PSK", "Park Street from 8th to 12th.", "active"),
    ("Old Town Crew", "", "Broke up after 2019; members moved or aged out.", "dissolved"),
]


def seed_conflicts() -> int:
    """Create the demo's groups, associations and conflicts once (nothing when any group exists)."""
    if Group.objects.exists():
        return 0
    manager = User.objects.filter(username="manager").first()
    grover = User.objects.filter(username="peacekeeper").first()
    clients = list(
        Client.objects.filter(status=ClientStatus.ACTIVE, primary_peacekeeper=grover).order_by("code")[:6]
    ) or list(Client.objects.filter(status=ClientStatus.ACTIVE).order_by("code")[:6])
    if len(clients) < 6:
        return 0
    today = timezone.localdate()
    neighborhoods = list(Neighborhood.objects.order_by("name")[:2])
    groups = []
    for name, aliases, territory, status in GROUPS:
        data = {"name": name, "aliases": aliases, "territory_note": territory, "status": status}
        data |= {
            "neighborhoods": neighborhoods[: 1 + len(groups) % 2],
            "last_reviewed_on": today - datetime.timedelta(60),
        }
        data["next_review_on"] = today + datetime.timedelta(days=120)
        groups.append(services.group_create(by=manager, data=data))
    eastside, park, old_town = groups
    _associate(clients[0], eastside, "member", "self_identified", manager, confirmed=today - datetime.timedelta(90))
    _associate(clients[1], eastside, "associate", "observed_by_staff", grover, confirmed=today - datetime.timedelta(30))
    _associate(clients[2], park, "member", "family_or_peer_report", grover, confirmed=today - datetime.timedelta(200))
    # Confirmed almost five years ago: expires in three weeks unless someone confirms it.
    _associate(
        clients[3],
        park,
        "member",
        "observed_by_staff",
        manager,
        confirmed=add_years(today, -5) + datetime.timedelta(21),
    )
    # Expired a month ago: it is on no page and in no count.
    _associate(
        clients[4],
        old_town,
        "member",
        "self_identified",
        manager,
        confirmed=add_years(today, -5) - datetime.timedelta(30),
    )
    shootings = list(Incident.objects.shootings().with_victims().order_by("-occurred_at")[:2])
    rivalry = _conflict(
        "group_rivalry",
        "Eastside Boys and Park Street over the courts at Liberty Park; threats on social media.",
        [("a", eastside), ("b", park)],
        [ConflictStatus.MEDIATION_ATTEMPTED, ConflictStatus.MEDIATED, ConflictStatus.COOLING],
        shootings[:1],
        by=grover,
        neighborhood=neighborhoods[0] if neighborhoods else None,
    )
    if mediation := Mediation.objects.filter(incident__in=shootings[:1]).first() or Mediation.objects.first():
        Mediation.objects.filter(pk=mediation.pk).update(conflict=rivalry)
    _conflict(
        "dispute",
        "A debt between two young men turned into threats; calmed once, flared again after a party.",
        [("a", clients[1]), ("b", clients[5])],
        [ConflictStatus.MEDIATION_ATTEMPTED, ConflictStatus.REIGNITED],
        shootings[1:2],
        by=grover,
    )
    return len(groups)


def _associate(client, group, role, basis, by, *, confirmed: datetime.date) -> None:
    data = {"group": group, "role": role, "basis": basis, "started_on": confirmed, "confirmed_on": confirmed}
    data |= {"evidence_note": "Recorded by the peacekeeper after an intake conversation."}
    if association_expiry(confirmed) < timezone.localdate():
        # An association recorded years ago that has since expired: the service refuses to record one
        # already expired, so the demo writes the row as it was saved back then.
        GroupAssociation.objects.create(
            client=client, entered_by=by, reviewed_by=by, expires_on=association_expiry(confirmed), **data
        )
        return
    services.association_add(client=client, by=by, data=data)


def _conflict(kind, description, parties, steps, incidents, *, by, neighborhood=None):
    started = timezone.now() - datetime.timedelta(days=10 * (len(steps) + 1))
    conflict = services.conflict_create(
        by=by,
        data={"kind": kind, "description": description, "neighborhood": neighborhood},
        note="Heard on the street.",
    )
    conflict.status_changes.update(changed_at=started)
    for side, who in parties:
        key = "client" if isinstance(who, Client) else "group"
        services.party_add(conflict=conflict, by=by, data={"side": side, key: who})
    for i, status in enumerate(steps, start=1):
        at = started + datetime.timedelta(days=10 * i)
        services.conflict_set_status(conflict=conflict, by=by, status=status, note=f"{status.label}.", at=at)
    for incident in incidents:
        services.conflict_link_incident(conflict=conflict, incident=incident, by=by)
    return conflict
