"""A peacekeeper who prefers Spanish signs in on a phone and is answered in Spanish (issue #18)."""

from playwright.sync_api import expect

from accounts.models import Preferences
from tests.browser.conftest import PHONE


def test_a_peacekeeper_with_spanish_preference_sees_the_navigation_in_spanish_on_a_phone(
    sign_in, live_server, peacekeeper
):
    Preferences.objects.create(user=peacekeeper, language="es")
    page = sign_in(peacekeeper)
    page.set_viewport_size(PHONE)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    nav = page.get_by_role("navigation", name="Principal")
    menu = nav.get_by_role("button", name="Menú")
    expect(menu).to_be_visible()
    menu.click()
    expect(nav.get_by_role("link", name="Panel")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Participantes")).to_be_visible()
    expect(nav.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    expect(nav.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The selector switches to English for good: saved, so the next page is English too.
    with page.expect_navigation():
        nav.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Menu")).to_be_visible()
    assert Preferences.objects.get(user=peacekeeper).language == "en"


def test_the_sign_in_page_switches_to_spanish_before_sign_in(live_server, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
