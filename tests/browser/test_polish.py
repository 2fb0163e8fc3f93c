"""Findings of a new user's walk through the product, checked in a real browser at phone width."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import local_today
from tests.browser.conftest import PHONE
from tests.factories import ClientFactory, ContactFactory, IncidentFactory, InvolvementFactory

NOW = timezone.now()


def test_the_wounded_badge_keeps_the_log_buttons_on_screen_at_390_px(page, sign_in, live_server, peacekeeper):
    shooting = IncidentFactory(
        kind="nonfatal_shooting", killed=0, injured=1, occurred_at=NOW - datetime.timedelta(days=2)
    )
    for name in ("Jamal", "Christopher-Alexander"):
        record = ClientFactory(first_name=name, last_name="Johnson-Washington", primary_peacekeeper=peacekeeper)
        InvolvementFactory(incident=shooting, client=record, role="victim", outcome="wounded")
    # One with a follow-up date (a date that does not wrap), one with no contact yet (the longest label).
    ContactFactory(client=record, occurred_at=NOW - datetime.timedelta(days=300), follow_up_on=local_today())
    page.set_viewport_size(PHONE)
    sign_in(peacekeeper)
    page.goto(f"{live_server.url}/clients/")
    table = page.locator(".client-table")
    # The table's scroll box shows the whole table: nothing hides past its right edge.
    widths = table.evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    edge = table.evaluate("t => t.parentElement.getBoundingClientRect().right")
    buttons = table.locator("a.btn", has_text="Log")
    assert buttons.count() == 2
    for index in range(2):
        box = buttons.nth(index).bounding_box()
        assert box["x"] + box["width"] <= edge, (box, edge)


def test_the_case_actions_are_on_the_first_screen_above_25_contacts(page, sign_in, live_server, manager, jamal):
    for days in range(1, 26):
        ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=days), notes="Checked in. " * 20)
    page.set_viewport_size(PHONE)
    sign_in(manager)
    page.goto(f"{live_server.url}{jamal.get_absolute_url()}")
    actions = page.get_by_role("group", name="Case actions")
    for name in ("Transfer", "Exit from the program"):
        link = actions.get_by_role("link", name=name)
        expect(link).to_have_count(1)
        assert link.bounding_box()["y"] + link.bounding_box()["height"] <= PHONE["height"]
    expect(page.get_by_role("link", name="Exit from the program")).to_have_count(1)  # one copy of the markup


def test_log_a_late_contact_is_a_44_px_target_on_a_phone(page, sign_in, live_server, manager, jamal):
    from outreach import services

    services.client_exit(client=jamal, by=manager, reason="moved", on=local_today(), note="")
    page.set_viewport_size(PHONE)
    sign_in(manager)
    page.goto(f"{live_server.url}{jamal.get_absolute_url()}")
    expect(page.get_by_role("group", name="Case actions").get_by_role("link", name="Re-enrol")).to_be_visible()
    assert page.get_by_role("link", name="Log a late contact").bounding_box()["height"] >= 44
