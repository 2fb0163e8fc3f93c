import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE


@pytest.mark.parametrize(
    ("persona", "heading", "admin_link"),
    [
        ("peacekeeper", "Follow-ups due (0)", False),
        ("manager", "Caseloads", False),
        ("analyst", "Violence and outcomes", False),
        ("admin_user", "Administration", True),
    ],
)
def test_each_role_signs_in_and_sees_its_own_dashboard(request, sign_in, live_server, persona, heading, admin_link):
    page = sign_in(request.getfixturevalue(persona))
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Admin")).to_have_count(1 if admin_link else 0)


def test_a_wrong_password_shows_an_error_and_stays_on_the_login_page(sign_in, peacekeeper):
    page = sign_in(peacekeeper, password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_signing_out_returns_to_the_login_page(sign_in, manager):
    page = sign_in(manager)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_on_a_phone_the_navigation_collapses_and_still_works(sign_in, admin_user):
    page = sign_in(admin_user)
    page.set_viewport_size(PHONE)
    menu = page.get_by_role("button", name="Menu")
    admin_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")
    expect(menu).to_be_visible()
    expect(admin_link).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    admin_link.click()
    expect(page.get_by_role("heading", name=re.compile("administration", re.I))).to_be_visible()


def test_the_skip_link_is_the_first_stop_for_keyboard_users(sign_in, peacekeeper):
    page = sign_in(peacekeeper)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
