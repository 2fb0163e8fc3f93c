"""The network view in a real browser (issue #16): a manager opens a client's network and it draws
(a Cytoscape canvas with a node for every client, group and conflict) beside its table; on a phone
the table is the view and nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories import ClientFactory, ConflictFactory, ConflictPartyFactory, GroupAssociationFactory, GroupFactory


def _network(peacekeeper):
    jamal = ClientFactory(first_name="Jamal", last_name="Johnson", primary_peacekeeper=peacekeeper)
    crew, rivals = GroupFactory(name="Eastside crew"), GroupFactory(name="Westside set")
    GroupAssociationFactory(client=jamal, group=crew)
    for _ in range(3):
        GroupAssociationFactory(client=ClientFactory(primary_peacekeeper=peacekeeper), group=crew, role="associate")
    conflict = ConflictFactory(status="cooling")
    ConflictPartyFactory(conflict=conflict, client=jamal, side="a")
    ConflictPartyFactory(conflict=conflict, group=rivals, side="b")
    return jamal


def test_a_manager_opens_a_clients_network_and_it_draws_beside_its_table(
    page, sign_in, live_server, manager, peacekeeper
):
    jamal = _network(peacekeeper)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(manager)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/clients/{jamal.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Network view").click()
    expect(page.get_by_role("heading", name=f"Network of Jamal Johnson ({jamal.code})")).to_be_visible()
    expect(page.locator("#network-graph canvas").first).to_be_visible()
    # Jamal, his three fellow associates, two groups and the conflict.
    assert page.evaluate("window.peacekeeperNetwork.nodes().length") == 7
    table = page.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("link", name="Westside set")).to_be_visible()
    graph, ties = page.locator("#network-graph").bounding_box(), table.bounding_box()
    assert ties["x"] >= graph["x"] + graph["width"] - 1  # beside it, not below
    assert not [e for e in errors if "Content Security Policy" in e], errors

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.locator("#network-graph")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# For every edge, the unrelated nodes whose box (labels left out) its straight segment crosses.
EDGES_THROUGH_NODES = """() => {
  const cy = window.peacekeeperNetwork;
  const crossings = [];
  const hits = (a, b, box) => {
    // Liang-Barsky: does the segment a-b meet the box?
    let t0 = 0, t1 = 1;
    const dx = b.x - a.x, dy = b.y - a.y;
    for (const [p, q] of [[-dx, a.x - box.x1], [dx, box.x2 - a.x], [-dy, a.y - box.y1], [dy, box.y2 - a.y]]) {
      if (p === 0) { if (q < 0) return false; continue; }
      const r = q / p;
      if (p < 0) { if (r > t1) return false; t0 = Math.max(t0, r); }
      else { if (r < t0) return false; t1 = Math.min(t1, r); }
    }
    return true;
  };
  cy.edges().forEach((edge) => {
    const a = edge.source().position(), b = edge.target().position();
    cy.nodes().forEach((node) => {
      if (node.same(edge.source()) || node.same(edge.target())) return;
      if (hits(a, b, node.boundingBox({ includeLabels: false }))) {
        crossings.push(`${edge.data("label")} from ${edge.source().data("label")} to ${edge.target().data("label")}` +
          ` crosses ${node.data("label")}`);
      }
    });
  });
  return crossings;
}"""

COLLINEAR = """() => {
  const p = window.peacekeeperNetwork.nodes().map((n) => n.position());
  const area = (a, b, c) => Math.abs((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)) / 2;
  return p.every((a, i) => p.every((b, j) => j <= i || p.every((c, k) => k <= j || area(a, b, c) < 1)));
}"""

LABELS_OVERLAP = """() => {
  const boxes = window.peacekeeperNetwork.nodes().map((n) => [n.data("label"), n.boundingBox({ includeNodes: false })]);
  const overlaps = [];
  boxes.forEach(([a, p], i) => boxes.forEach(([b, q], j) => {
    if (j > i && p.x1 < q.x2 && q.x1 < p.x2 && p.y1 < q.y2 && q.y1 < p.y2) overlaps.push(`${a} / ${b}`);
  }));
  return overlaps;
}"""


def _two_groups(peacekeeper):
    """A client in two groups, fellow associates in one, and a conflict with a rival group."""
    jamal = ClientFactory(first_name="Jamal", last_name="Johnson", primary_peacekeeper=peacekeeper)
    boys, park, rivals = (GroupFactory(name=n) for n in ("Eastside Boys", "Park Street", "Westside set"))
    GroupAssociationFactory(client=jamal, group=boys)
    GroupAssociationFactory(client=jamal, group=park)
    for first in ("Xavier", "Marcus"):
        other = ClientFactory(first_name=first, last_name="Brown", primary_peacekeeper=peacekeeper)
        GroupAssociationFactory(client=other, group=boys, role="associate")
    conflict = ConflictFactory(status="cooling")
    ConflictPartyFactory(conflict=conflict, client=jamal, side="a")
    ConflictPartyFactory(conflict=conflict, group=rivals, side="b")
    return jamal


@pytest.mark.parametrize(("build", "nodes"), [(_network, 7), (_two_groups, 7)], ids=["one_group", "two_groups"])
def test_no_edge_runs_through_a_node_it_does_not_join_and_labels_do_not_overlap(
    page, sign_in, live_server, manager, peacekeeper, build, nodes
):
    """Issue #16: a client's tie to his group drawn through a rival group's node reads as a tie to it."""
    jamal = build(peacekeeper)
    sign_in(manager)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/clients/{jamal.pk}/network/")
    expect(page.locator("#network-graph canvas").first).to_be_visible()
    assert page.evaluate("window.peacekeeperNetwork.nodes().length") == nodes
    assert page.evaluate(EDGES_THROUGH_NODES) == []
    assert page.evaluate(COLLINEAR) is False
    assert page.evaluate(LABELS_OVERLAP) == []
