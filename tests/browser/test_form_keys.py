"""A double tap on "Save" on a slow phone sends the contact form twice: it makes one contact."""

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from core.form_keys import ALREADY_SAVED
from outreach.models import Contact
from tests.browser.conftest import PHONE


def test_a_double_tap_on_save_on_a_slow_phone_makes_one_contact(page, sign_in, live_server, jamal):
    page.set_viewport_size(PHONE)
    sign_in(jamal.primary_peacekeeper)
    page.goto(f"{live_server.url}/clients/{jamal.pk}/contacts/new/")
    expect(page.get_by_role("heading", name=re.compile("^New contact"), level=1)).to_be_visible()
    page.get_by_label("Duration (minutes)").fill("30")
    page.get_by_label("Notes").fill("Walked him to the GED class.")

    # The slow phone: the first submit reaches the server, but its answer does not come back
    # before the second tap, which sends the same form again.
    held = []

    def slow_network(route):
        if route.request.method != "POST":
            route.continue_()
        elif not held:
            held.append((route, route.fetch(max_redirects=0)))
        else:
            route.fulfill(response=route.fetch(max_redirects=0))

    page.route("**/*", slow_network)
    save = page.get_by_role("button", name="Save contact")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    while not held:
        page.wait_for_timeout(50)
    # The second tap, on the same spot, while the page still waits for the first answer.
    page.mouse.click(x, y)

    expect(page.get_by_role("status")).to_contain_text(ALREADY_SAVED)
    expect(page.get_by_role("region", name="Contacts (1)")).to_be_visible()
    assert Contact.objects.filter(client=jamal).count() == 1
    try:
        held[0][0].abort()
    except PlaywrightError:
        pass  # the browser dropped the first navigation when the second began


def test_back_after_saving_a_contact_then_save_again_makes_one_contact(page, sign_in, live_server, jamal):
    """A peacekeeper unsure it saved presses Back and Save again (a new user did, twice): the form
    must not come back filled in under a fresh one-time key, which would save the contact twice."""
    page.set_viewport_size(PHONE)
    sign_in(jamal.primary_peacekeeper)
    page.goto(f"{live_server.url}/clients/{jamal.pk}/contacts/new/")
    page.get_by_label("Duration (minutes)").fill("30")
    page.get_by_label("Notes").fill("Walked him to the GED class.")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("region", name="Contacts (1)")).to_be_visible()

    page.go_back()
    expect(page.get_by_role("heading", name=re.compile("^New contact"), level=1)).to_be_visible()
    # The form comes back empty, under a fresh key: it says the contact is saved, and where.
    expect(page.locator(".just-saved")).to_contain_text("You saved a contact with Jamal Johnson")
    notes = page.get_by_label("Notes")
    if notes.input_value():
        # Whatever the browser kept, a second Save is the same contact, not another one.
        page.get_by_role("button", name="Save contact").click()
        page.wait_for_load_state()
    assert Contact.objects.filter(client=jamal).count() == 1
