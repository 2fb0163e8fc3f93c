"""Issue 14's "a manager reading a client's history", walked in a real browser: after an edit and a
reassignment made through the UI, the history says labels, names and local times, one entry a save."""

import re

from django.utils import formats, timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE


def _save(page, jamal) -> None:
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text(f"Client {jamal.code} saved.")


def test_a_manager_reads_a_clients_history_after_an_edit_and_a_reassignment(
    page, sign_in, live_server, manager, other_peacekeeper, jamal
):
    sign_in(manager)
    edit_url = f"{live_server.url}/clients/{jamal.pk}/edit/"
    page.goto(edit_url)
    page.get_by_label("Nickname").fill("J <b>Jay</b>")
    page.get_by_label("Phone").fill("209.555.0142")
    page.get_by_label("Risk level").select_option(label="Elevated")
    _save(page, jamal)
    expect(page.get_by_role("link", name="(209) 555-0142")).to_have_attribute("href", "tel:+12095550142")

    page.goto(edit_url)
    page.get_by_label("Primary peacekeeper").select_option(label="Maria Lopez")
    page.get_by_label("Grover Crump").check()  # stays on the case, as secondary peacekeeper
    _save(page, jamal)

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name=re.compile("^History of Jamal Johnson"), level=1)).to_be_visible()
    entries = page.locator("ol.history > li")
    # The reassignment, the edit, the client's creation and its enrolment period (both made without a
    # person: the test's data; the factory gives every client an enrolment period, as the services do).
    expect(entries).to_have_count(4)
    reassignment, edit = entries.nth(0), entries.nth(1)
    creation = entries.filter(has_text="Client created")

    expect(reassignment).to_contain_text("Lindsay Brown")
    expect(reassignment).to_contain_text("Grover Crump put on the case (secondary peacekeeper)")
    expect(reassignment.get_by_role("row", name="Primary peacekeeper")).to_contain_text("Grover Crump")
    expect(reassignment.get_by_role("row", name="Primary peacekeeper")).to_contain_text("Maria Lopez")

    expect(edit).to_contain_text("Lindsay Brown")
    expect(edit.get_by_role("row", name="Risk level")).to_contain_text("High")
    expect(edit.get_by_role("row", name="Risk level")).to_contain_text("Elevated")
    expect(edit.get_by_role("row", name="Phone")).to_contain_text("(209) 555-0142")
    expect(edit.get_by_role("row", name="Nickname")).to_contain_text("J <b>Jay</b>")  # as text, not markup
    expect(creation).to_contain_text("By the system")

    # Local time, in the product's date format; never a column name, a stored value or an ISO time.
    local_now = formats.date_format(timezone.localtime(), "DATE_FORMAT")
    expect(reassignment.locator("time")).to_contain_text(local_now)
    text = page.locator("main").inner_text()
    for raw in ("primary_peacekeeper", "risk_level", "elevated", "+1209", "Updated at", "Form key", "T0", "UTC"):
        assert raw not in text, raw
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
