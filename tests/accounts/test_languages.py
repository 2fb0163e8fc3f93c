"""English and Spanish: the browser's language before sign-in, the user's own after (issue #18)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Preferences
from tests.login import password_step

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_speaks_the_browsers_language(client):
    page = html(client.get("/accounts/login/", **SPANISH))
    assert '<html lang="es">' in page
    assert "Iniciar sesión" in page and ">Sign in<" not in page


def test_a_wrong_password_is_said_in_plain_spanish(client, peacekeeper):
    page = html(password_step(client, peacekeeper.username, "not-the-password", **SPANISH))
    assert "El usuario o la contraseña no son correctos." in page
    assert "sensibles a mayúsculas" not in page and "nombre de usuario y clave" not in page


def test_a_wrong_password_keeps_djangos_english(client, peacekeeper):
    page = html(password_step(client, peacekeeper.username, "not-the-password", **ENGLISH))
    assert "Please enter a correct username and password. Note that both fields may be case-sensitive." in page


@pytest.mark.django_db
def test_the_sign_in_page_is_english_by_default_and_for_languages_it_lacks(client):
    for headers in ({}, ENGLISH, {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}):
        page = html(client.get("/accounts/login/", **headers))
        assert '<html lang="en">' in page and "Sign in" in page


@pytest.mark.django_db
def test_the_selector_before_sign_in_sets_the_language_without_an_account(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"}, **ENGLISH)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = html(client.get("/accounts/login/", **ENGLISH))
    assert '<html lang="es">' in page and "Iniciar sesión" in page


@pytest.mark.django_db
def test_the_sign_in_page_names_each_language_in_its_own_form(client):
    for headers in (SPANISH, ENGLISH):
        page = html(client.get("/accounts/login/", **headers))
        assert 'lang="en"' in page and ">English</button>" in page
        assert 'lang="es"' in page and ">Español</button>" in page
        assert 'action="/i18n/setlang/"' in page


@pytest.mark.django_db
def test_a_spanish_preference_wins_over_the_browser_after_sign_in(client, peacekeeper):
    Preferences.objects.create(user=peacekeeper, language="es")
    response = password_step(client, "grover", **ENGLISH)
    assert response.status_code == 302
    page = html(client.get("/", **ENGLISH))
    assert '<html lang="es">' in page
    assert ">Panel<" in page and ">Participantes<" in page and "Cerrar sesión" in page


@pytest.mark.django_db
def test_an_english_preference_wins_over_a_spanish_browser(client, peacekeeper):
    Preferences.objects.create(user=peacekeeper, language="en")
    client.force_login(peacekeeper)
    page = html(client.get("/", **SPANISH))
    assert '<html lang="en">' in page and "Sign out" in page


@pytest.mark.django_db
def test_no_preference_follows_the_browser(client, peacekeeper):
    client.force_login(peacekeeper)
    assert '<html lang="es">' in html(client.get("/", **SPANISH))
    assert '<html lang="en">' in html(client.get("/", **ENGLISH))


@pytest.mark.django_db
def test_the_preference_costs_no_query_per_page(client, peacekeeper):
    Preferences.objects.create(user=peacekeeper, language="es")
    client.force_login(peacekeeper)
    # Read once into the session at sign-in: no page reads it again.
    with CaptureQueriesContext(connection) as queries:
        assert '<html lang="es">' in html(client.get("/", **ENGLISH))
    assert not [q["sql"] for q in queries.captured_queries if "accounts_preferences" in q["sql"]]


@pytest.mark.django_db
def test_a_session_from_before_preferences_reads_it_once(client, peacekeeper):
    client.force_login(peacekeeper)
    Preferences.objects.create(user=peacekeeper, language="es")
    session = client.session
    session.pop("_preferred_language")
    session.save()
    assert '<html lang="es">' in html(client.get("/", **ENGLISH))


@pytest.mark.django_db
def test_the_preferences_page_saves_the_language_and_answers_in_it(client, peacekeeper):
    client.force_login(peacekeeper)
    response = client.post("/accounts/preferences/", {"language": "es"}, follow=True, **ENGLISH)
    assert Preferences.objects.get(user=peacekeeper).language == "es"
    page = html(response)
    assert "Sus preferencias están guardadas." in page and '<html lang="es">' in page
    # Signed out, the sign-in page stays in Spanish (the language cookie).
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    client.post("/accounts/logout/")
    assert '<html lang="es">' in html(client.get("/accounts/login/", **ENGLISH))


@pytest.mark.django_db
def test_a_blank_preference_goes_back_to_the_browsers_language(client, peacekeeper):
    Preferences.objects.create(user=peacekeeper, language="es")
    client.force_login(peacekeeper)
    response = client.post("/accounts/preferences/", {"language": ""}, follow=True, **ENGLISH)
    assert Preferences.objects.get(user=peacekeeper).language == ""
    assert "Your preferences are saved." in html(response)
    assert '<html lang="es">' in html(client.get("/", **SPANISH))


@pytest.mark.django_db
def test_the_preferences_page_refuses_a_language_it_does_not_offer(client, peacekeeper):
    client.force_login(peacekeeper)
    page = html(client.post("/accounts/preferences/", {"language": "fr"}))
    assert "Select a valid choice" in page
    assert not Preferences.objects.filter(user=peacekeeper).exists()


@pytest.mark.django_db
def test_the_selector_signed_in_saves_the_preference_and_goes_back(client, peacekeeper):
    client.force_login(peacekeeper)
    response = client.post("/accounts/preferences/language/", {"language": "es", "next": "/response-tasks/"})
    assert response.status_code == 302 and response["Location"] == "/response-tasks/"
    assert Preferences.objects.get(user=peacekeeper).language == "es"
    assert '<html lang="es">' in html(client.get("/", **ENGLISH))


@pytest.mark.django_db
def test_the_selector_never_sends_to_another_site(client, peacekeeper):
    client.force_login(peacekeeper)
    response = client.post("/accounts/preferences/language/", {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_selector_refuses_an_unknown_language(client, peacekeeper):
    client.force_login(peacekeeper)
    assert client.post("/accounts/preferences/language/", {"language": "xx"}).status_code == 400
    assert client.get("/accounts/preferences/language/").status_code == 405
    assert not Preferences.objects.filter(user=peacekeeper).exists()


@pytest.mark.django_db
def test_the_navigation_offers_both_languages_signed_in(client, peacekeeper):
    client.force_login(peacekeeper)
    page = html(client.get("/", **SPANISH))
    assert 'action="/accounts/preferences/language/"' in page
    assert ">English</button>" in page and ">Español</button>" in page
    assert 'value="es" lang="es" class="btn btn-link nav-link px-0 px-lg-2 active" aria-pressed="true"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["peacekeeper", "manager", "analyst", "admin_user", "no_role_user"])
def test_every_role_has_a_preferences_page(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert "Your preferences" in html(client.get("/accounts/preferences/"))


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in_from_the_preferences_pages(client):
    for url in ("/accounts/preferences/", "/accounts/preferences/language/"):
        response = client.post(url, {"language": "es"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Preferences.objects.exists()


@pytest.mark.django_db
def test_administrators_set_a_users_language_in_the_admin(client, admin_user, peacekeeper):
    client.force_login(admin_user)
    page = html(client.get(f"/admin/auth/user/{peacekeeper.pk}/change/"))
    assert 'name="preferences-0-language"' in page


@pytest.mark.django_db
def test_the_error_pages_speak_the_language(client, peacekeeper):
    client.force_login(peacekeeper)
    response = client.get("/clients/999999/", **SPANISH)
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="es">' in page and "Página no encontrada" in page


@pytest.mark.django_db
def test_the_javascript_catalogue_is_public_cached_and_translated(client):
    response = client.get("/jsi18n/", **SPANISH)
    assert response.status_code == 200 and "max-age=86400" in response["Cache-Control"]
    assert "Esperando su llave de acceso" in response.content.decode()
    assert "Esperando" not in client.get("/jsi18n/", **ENGLISH).content.decode()


def test_the_audit_log_says_what_was_seen_in_spanish(client, manager):
    """The walk in Spanish: the audit log's "What" read "client C-2026-0028 (edit form)" and its filters "User" and
    "Action". The rows stay as stored (English, a record); the page reads them in the reader's language."""
    from accounts.models import AccessLog

    AccessLog.objects.create(user=manager, action=AccessLog.Action.VIEW_CLIENT, target="client C-1 (edit form)")
    AccessLog.objects.create(user=manager, action=AccessLog.Action.VIEW_REPORT, target="quarterly Q3 2018")
    Preferences.objects.create(user=manager, language="es")
    client.force_login(manager)
    html = client.get("/audit/").content.decode()
    assert "participante C-1 (formulario de edición)" in html and "client C-1" not in html
    assert "Usuario" in html and "Acción" in html and "Action" not in html
    assert AccessLog.objects.filter(target="client C-1 (edit form)").exists()
