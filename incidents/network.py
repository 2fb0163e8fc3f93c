"""The network view's reads (issue #16): a client's or a group's current ties, as nodes and edges
for the graph and rows for the table beside it. One hop out: the groups, their other members and
associates, the conflicts and the other parties. Only what the user may see; never ranked, never
exported."""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext

from incidents import counting
from incidents.models import (
    Conflict,
    ConflictParty,
    ConflictStatus,
    ConflictStatusChange,
    Group,
    GroupAssociation,
)
from outreach.models import Client


@dataclass
class Tie:
    """One row of the table (and one edge of the graph)."""

    source: str
    source_label: str
    source_url: str
    kind: str  # "association" or "party"
    label: str
    target: str
    target_label: str
    target_url: str
    since: datetime.date | None = None


@dataclass
class Network:
    nodes: dict[str, dict] = field(default_factory=dict)
    ties: list[Tie] = field(default_factory=list)
    client_codes: list[str] = field(default_factory=list)
    hidden: dict[str, str] = field(default_factory=dict)  # a hidden record's key -> its node's opaque id

    def add_client(self, client: Client, *, center: bool = False) -> str:
        key = f"client-{client.pk}"
        if key not in self.nodes:
            self.nodes[key] = _node(key, f"{client.full_name} ({client.code})", "client", client.get_absolute_url())
            self.client_codes.append(client.code)
        if center:
            self.nodes[key]["center"] = True
        return key

    def add_group(self, group: Group, *, center: bool = False, visible: bool = True) -> str:
        """A group node, linked to its page when the user may see it; otherwise "another group", with
        neither name nor id (the group's page would answer them 404)."""
        if not visible:
            key = self.hidden.setdefault(f"group-{group.pk}", f"other-group-{len(self.hidden) + 1}")
            self.nodes.setdefault(key, _node(key, gettext("another group"), "group", ""))
            return key
        key = f"group-{group.pk}"
        self.nodes.setdefault(key, _node(key, group.name, "group", group.get_absolute_url()))
        if center:
            self.nodes[key]["center"] = True
        return key

    def add_conflict(self, conflict: Conflict) -> str:
        """A conflict node (the conflicts come through Conflict.objects.visible_to: each may be linked)."""
        key = f"conflict-{conflict.pk}"
        label = gettext("Conflict #%(pk)s (%(kind)s, %(status)s)") % {
            "pk": conflict.pk,
            "kind": conflict.get_kind_display().lower(),
            "status": conflict.get_status_display().lower(),
        }
        self.nodes.setdefault(key, _node(key, label, "conflict", conflict.get_absolute_url()))
        return key

    def tie(self, source: str, kind: str, label: str, target: str, since=None) -> None:
        a, b = self.nodes[source], self.nodes[target]
        self.ties.append(Tie(source, a["label"], a["url"], kind, label, target, b["label"], b["url"], since))

    def elements(self) -> dict:
        """The graph's data for Cytoscape.js (json_script on the page)."""
        edges = [
            {"data": {"id": f"e{i}", "source": t.source, "target": t.target, "label": t.label, "kind": t.kind}}
            for i, t in enumerate(self.ties)
        ]
        return {"nodes": [{"data": n} for n in self.nodes.values()], "edges": edges}


def _node(key: str, label: str, kind: str, url: str) -> dict:
    return {"id": key, "label": label, "kind": kind, "url": url}


def _conflicts_on(user, on: datetime.date, parties: Q):
    """The conflicts the user may see with a party matching `parties`, open on the day `on` (their
    latest status that day not closed), with that status as `current_status`."""
    end = counting.local_midnight(on + datetime.timedelta(days=1))
    status_then = Subquery(
        ConflictStatusChange.objects.filter(conflict=OuterRef("pk"), changed_at__lt=end)
        .order_by("-changed_at", "-pk")
        .values("status")[:1]
    )
    ids = ConflictParty.objects.filter(parties).values("conflict_id")
    return (
        Conflict.objects.visible_to(user)
        .filter(pk__in=ids)
        .annotate(current_status=status_then)
        .filter(current_status__isnull=False)
        .exclude(current_status=ConflictStatus.CLOSED)
        .order_by("pk")
    )


def _add_conflicts(network: Network, user, on: datetime.date, parties: Q) -> None:
    conflicts = list(_conflicts_on(user, on, parties))
    if not conflicts:
        return
    visible = Client.objects.visible_to(user)
    rows = (
        ConflictParty.objects.filter(conflict__in=[c.pk for c in conflicts])
        .filter(Q(client__isnull=True) | Q(client__in=visible))
        .select_related("client", "group")
        .order_by("conflict", "side", "pk")
    )
    keys = {c.pk: network.add_conflict(c) for c in conflicts}
    rows = list(rows)
    groups = {party.group_id for party in rows if party.group_id}
    seen = set(Group.objects.visible_to(user).filter(pk__in=groups).values_list("pk", flat=True))
    for party in rows:
        if party.client_id:
            who = network.add_client(party.client)
        else:
            who = network.add_group(party.group, visible=party.group_id in seen)
        network.tie(
            who,
            "party",
            gettext("party, %(side)s") % {"side": party.side_after_a_comma},
            keys[party.conflict_id],
        )


def _add_associations(network: Network, associations) -> None:
    for a in associations:
        network.tie(
            network.add_client(a.client),
            "association",
            a.get_role_display().lower(),
            network.add_group(a.group),
            a.started_on,
        )


def client_network(client: Client, *, user, on: datetime.date) -> Network:
    """A client's current groups (with their other visible members and associates) and the open
    conflicts they or their groups are party to, on the day `on`."""
    network = Network()
    network.add_client(client, center=True)
    current = GroupAssociation.objects.current(on).select_related("client", "group").order_by("group__name", "pk")
    own = list(current.filter(client=client))
    groups = [a.group_id for a in own]
    others = current.filter(group__in=groups, client__in=Client.objects.visible_to(user)).exclude(client=client)
    _add_associations(network, [*own, *others])
    _add_conflicts(network, user, on, Q(client=client) | Q(group__in=groups))
    return network


def group_network(group: Group, *, user, on: datetime.date) -> Network:
    """A group's current members and associates (those the user may see) and its open conflicts."""
    network = Network()
    network.add_group(group, center=True)
    current = GroupAssociation.objects.current(on).select_related("client", "group").order_by("client__code", "pk")
    _add_associations(network, current.filter(group=group, client__in=Client.objects.visible_to(user)))
    _add_conflicts(network, user, on, Q(group=group))
    return network
