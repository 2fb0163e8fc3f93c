"""A peacekeeper who prefers Spanish signs in on a phone and is answered in Spanish (issue #18)."""

import re

from playwright.sync_api import expect

from accounts.models import Preferences
from outreach.models import Contact
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


def test_a_peacekeeper_with_spanish_preference_logs_a_contact_on_a_phone_all_in_spanish(
    page, sign_in, live_server, jamal
):
    """Issue #18's walk: every label, the error and the message of logging a contact are Spanish."""
    Preferences.objects.create(user=jamal.primary_peacekeeper, language="es")
    page.set_viewport_size(PHONE)
    sign_in(jamal.primary_peacekeeper)
    page.get_by_role("link", name="Mis casos asignados").first.click()
    expect(page.get_by_role("heading", name="Mis casos asignados", level=1)).to_be_visible()
    page.get_by_role("link", name="Jamal Johnson", exact=True).click()
    page.get_by_role("link", name="Registrar contacto").click()
    expect(page.get_by_role("heading", name=re.compile("^Nuevo contacto"), level=1)).to_be_visible()

    duration = page.get_by_label("Duración (minutos)")
    duration.fill("0")
    page.get_by_role("button", name="Guardar contacto").click()
    expect(page.get_by_role("alert").filter(has_text="Hay 1 problema que corregir abajo.")).to_be_visible()
    expect(page.locator(".invalid-feedback")).to_contain_text("Escriba una duración entre 1 y 720 minutos (12 horas).")
    assert not Contact.objects.exists()

    duration.fill("45")
    page.get_by_label("Tipo").select_option(label="Teléfono")
    page.get_by_label("Educación", exact=True).check()
    page.get_by_label("Notas").fill("Hablamos de la clase del GED.")
    page.get_by_role("button", name="Guardar contacto").click()
    expect(page.get_by_role("status")).to_contain_text(f"Contacto guardado para {jamal.code}.")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("listitem").filter(has_text="Hablamos de la clase")).to_contain_text("Teléfono · 45 min")
    text = page.locator("main").inner_text()
    for english in ("Log contact", "Contact saved", "Contacts", "Risk", "Goals", "Referrals", "Edit", "History"):
        assert not re.search(rf"\b{english}\b", text), english
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Contact.objects.get().duration_minutes == 45


def test_the_managers_navigation_in_spanish_keeps_to_two_lines_on_a_laptop(sign_in, manager):
    """The walk in Spanish: a manager's navigation took three lines from 992 to 1280 px (eight longer entries, the
    access log, then the language selector, the name, Preferences and Sign out). Below 1200 px it is behind the
    menu button, as on a phone; from 1200 px it takes at most two lines."""
    Preferences.objects.create(user=manager, language="es")
    page = sign_in(manager)
    nav = page.get_by_role("navigation", name="Principal")
    for width in (992, 1024, 1199):
        page.set_viewport_size({"width": width, "height": 800})
        expect(nav.get_by_role("button", name="Menú")).to_be_visible()
        expect(nav.get_by_role("link", name="Registro de accesos")).to_be_hidden()
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.nav-link')).lineHeight)")
    for width in (1200, 1280, 1440):
        page.set_viewport_size({"width": width, "height": 800})
        expect(nav.get_by_role("button", name="Menú")).to_be_hidden()
        tops = nav.locator(".nav-item").evaluate_all(
            "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
        )
        assert len(set(tops)) <= 2, (width, sorted(set(tops)), line)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
