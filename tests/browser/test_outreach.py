"""The outreach issue's "Done when", walked in a real browser: a peacekeeper logs a contact on a
phone, a manager reassigns a client, a form with errors says so, and the keyboard alone gets
through logging a contact, seeing where the focus is on the way."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from outreach.models import Contact, local_today
from tests.browser.conftest import PHONE

# Outside the repository: a picture of the focus indicator for a human to look at.
FOCUS_SCREENSHOT = Path(tempfile.gettempdir()) / "peacekeeper-focus-log-contact.png"
MAX_TABS = 40
# app.css's `:focus-visible` ring: yellow outline over a black halo, visible on white and on the
# dark navbar alike.
APP_FOCUS_RING = "solid 3px rgb(255, 191, 71)"


def tab_to(page, target, max_presses: int = MAX_TABS) -> int:
    """Press Tab until `target` has the focus; return how many presses it took."""
    for presses in range(1, max_presses + 1):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return presses
    pytest.fail(f"Not reached with {max_presses} Tab presses: {target}")


def ring_when_tabbed_to(page, target) -> str:
    """The outline `target` shows once the keyboard (Tab) has moved the focus to it."""
    tab_to(page, target)
    return target.evaluate(
        "el => { const s = getComputedStyle(el); return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` }"
    )


def test_a_peacekeeper_logs_a_contact_on_a_phone_and_sees_the_follow_up_due(page, sign_in, live_server, jamal):
    # The follow-up is due today in the program's time zone, which is what the dashboard counts in.
    today = local_today().isoformat()
    page.set_viewport_size(PHONE)
    sign_in(jamal.primary_peacekeeper)

    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    page.get_by_role("link", name="Jamal Johnson", exact=True).click()
    expect(page.get_by_role("heading", name="Jamal Johnson", level=1)).to_be_visible()

    page.get_by_role("link", name="Log contact").click()
    expect(page.get_by_role("heading", name=re.compile("^New contact"), level=1)).to_be_visible()
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Kind").select_option(label="Phone")
    page.get_by_label("Education", exact=True).check()
    page.get_by_label("Employment", exact=True).check()
    page.get_by_label("Notes").fill("Talked about the GED class and the job at the bakery.")
    page.get_by_label("Follow-up date").fill(today)
    page.get_by_role("button", name="Save contact").click()

    expect(page.get_by_role("status")).to_contain_text(f"Contact saved for {jamal.code}")
    entry = page.get_by_role("region", name="Contacts (1)").get_by_role("listitem")
    expect(entry).to_have_count(1)
    expect(entry.get_by_role("heading")).to_contain_text("Phone · 45 min")
    expect(entry).to_contain_text("Education, Employment")
    expect(entry).to_contain_text("GED class")

    page.goto(f"{live_server.url}/")
    due = page.get_by_role("region", name="Follow-ups due (1)")
    expect(due.get_by_role("link", name="Jamal Johnson", exact=True)).to_be_visible()


def test_a_manager_reassigns_a_client_and_the_old_peacekeeper_loses_it(
    page, sign_in, live_server, manager, other_peacekeeper, jamal
):
    grover = jamal.primary_peacekeeper
    client_url = f"{live_server.url}{jamal.get_absolute_url()}"
    sign_in(manager)
    page.goto(f"{live_server.url}/clients/{jamal.pk}/edit/")
    page.get_by_label("Primary peacekeeper").select_option(label="Maria Lopez")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("status")).to_contain_text(f"Client {jamal.code} saved.")
    expect(page).to_have_url(client_url)
    expect(page.get_by_role("definition").filter(has_text="Maria Lopez")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    sign_in(grover)
    response = page.goto(client_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("Jamal")).to_have_count(0)
    page.goto(f"{live_server.url}/clients/")
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    expect(page.get_by_text("No clients are on your caseload yet")).to_be_visible()
    expect(page.get_by_role("link", name="Jamal Johnson")).to_have_count(0)


def test_a_contact_with_errors_is_not_saved_and_says_what_to_fix(page, sign_in, live_server, jamal):
    sign_in(jamal.primary_peacekeeper)
    page.goto(f"{live_server.url}/clients/{jamal.pk}/contacts/new/")
    duration = page.get_by_label("Duration (minutes)")
    duration.fill("0")
    page.get_by_role("button", name="Save contact").click()

    summary = page.get_by_role("alert").filter(has_text="Please correct the")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Please correct the 1 problem below.")
    # The summary links to the field it is about.
    expect(summary.get_by_role("link", name="Duration (minutes)")).to_have_attribute(
        "href", f"#{duration.get_attribute('id')}"
    )
    expect(duration).to_have_attribute("aria-invalid", "true")
    expect(duration).to_have_accessible_description(re.compile("between 1 and 720 minutes"))
    expect(duration).to_have_value("0")
    expect(page.locator(".invalid-feedback")).to_contain_text("between 1 and 720 minutes")
    expect(page).to_have_url(re.compile(r"/contacts/new/$"))
    assert not Contact.objects.exists()


def test_a_contact_can_be_logged_with_the_keyboard_only(page, sign_in, live_server, jamal):
    # Without Bootstrap's transitions the screenshot shows the focus ring fully drawn.
    page.emulate_media(reduced_motion="reduce")
    sign_in(jamal.primary_peacekeeper)
    page.goto(f"{live_server.url}{jamal.get_absolute_url()}")
    log_contact = page.get_by_role("link", name="Log contact")
    tab_to(page, log_contact)
    expect(log_contact).to_be_focused()
    box = log_contact.bounding_box()
    margin = 12  # The focus ring is drawn outside the element's box.
    page.screenshot(
        path=FOCUS_SCREENSHOT,
        clip={
            "x": box["x"] - margin,
            "y": box["y"] - margin,
            "width": box["width"] + 2 * margin,
            "height": box["height"] + 2 * margin,
        },
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^New contact"), level=1)).to_be_visible()

    # Tab order follows the form: date and time (left at now), duration, kind, location, topics...
    duration = page.get_by_label("Duration (minutes)")
    tab_to(page, duration)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("20")
    kind = page.get_by_label("Kind")
    tab_to(page, kind)
    page.keyboard.type("Home")  # Type-ahead on a closed select picks "Home visit".
    expect(kind).to_have_value("home_visit")
    tab_to(page, page.get_by_label("Family", exact=True))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Notes"))
    page.keyboard.type("Met his mother at home.")
    save = page.get_by_role("button", name="Save contact")
    tab_to(page, save)
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(f"Contact saved for {jamal.code}")
    contact = Contact.objects.get()
    assert (contact.client, contact.peacekeeper) == (jamal, jamal.primary_peacekeeper)
    assert (contact.duration_minutes, contact.kind, contact.topics) == (20, "home_visit", ["family"])
    assert contact.notes == "Met his mother at home."


def test_every_kind_of_control_shows_the_apps_focus_ring(page, sign_in, live_server, jamal):
    """WCAG 2.4.7 and 1.4.11: a keyboard user sees where the focus is, at 3:1 against what is around it.

    Bootstrap's own rings (a translucent blue box-shadow, 1.3:1 to 1.8:1) are not enough, so every
    control must show the app's ring, whatever Bootstrap class it carries.
    """
    sign_in(jamal.primary_peacekeeper)
    page.goto(f"{live_server.url}{jamal.get_absolute_url()}")
    targets = {
        "plain link (skip link)": page.get_by_role("link", name="Skip to main content"),
        "navigation link": page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients"),
        "button-styled link": page.get_by_role("link", name="Log contact"),
    }
    rings = {name: ring_when_tabbed_to(page, target) for name, target in targets.items()}
    page.goto(f"{live_server.url}/clients/{jamal.pk}/contacts/new/")
    targets = {
        "number field": page.get_by_label("Duration (minutes)"),
        "select": page.get_by_label("Kind"),
        "checkbox": page.get_by_label("Family", exact=True),
        "submit button": page.get_by_role("button", name="Save contact"),
    }
    rings |= {name: ring_when_tabbed_to(page, target) for name, target in targets.items()}
    wrong = {name: ring for name, ring in rings.items() if ring != APP_FOCUS_RING}
    assert not wrong, f"Focused controls without the app's focus ring ({APP_FOCUS_RING}): {wrong}"
