"""The network view in a real browser (issue #16): a manager opens a client's network and it draws
(a Cytoscape canvas with a node for every client, group and conflict) beside its table; on a phone
the table is the view and nothing scrolls sideways."""

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
