"""The outreach pages in Spanish, for a user who chose Spanish (issue #18): the glossary's words,
Spanish messages and errors, and no English left on the main pages."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import Client, local_today
from tests.factories import ClientFactory, ContactFactory, GoalFactory, PartnerFactory, ReferralFactory
from tests.forms import keyed
from tests.login import sign_in_in_spanish

TODAY = local_today()
LIST = reverse("outreach:client_list")
# The browser asks for English: the user's own preference must win.
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}

pytestmark = pytest.mark.django_db


in_spanish = sign_in_in_spanish


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert '<html lang="es">' in text
    return text


def visible_text(html: str) -> str:
    """The page's words as a reader sees them: no tags, scripts or attribute values."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _edit(browser, record: Client, **overrides):
    url = reverse("outreach:client_edit", args=[record.pk])
    stamp = browser.get(url, **ENGLISH_BROWSER).context["form"]["loaded_version"].value()
    data = {
        "first_name": record.first_name,
        "last_name": record.last_name,
        "risk_level": record.risk_level,
        "referral_source": record.referral_source,
        "referred_on": record.referred_on.isoformat(),
        "loaded_version": stamp,
        **overrides,
    }
    return browser.post(url, data, follow=True, **ENGLISH_BROWSER)


def test_the_caseload_list_is_in_spanish(client, peacekeeper, jamal):
    text = visible_text(page(in_spanish(client, peacekeeper).get(LIST, **ENGLISH_BROWSER)))
    for spanish in ("Mis casos asignados", "Días desde el contacto", "Próximo seguimiento", "Nuevo participante"):
        assert spanish in text
    assert "Alto" in text and "Activo" in text  # the client's risk and status, as choice labels
    assert "Filtrar participantes" in text and "Idioma preferido" in text and "Cualquier idioma" in text
    for english in ("My caseload", "Days since contact", "Next follow-up", "New client", "Showing open cases"):
        assert english not in text


def test_the_managers_list_is_in_spanish(client, manager, jamal):
    text = visible_text(page(in_spanish(client, manager).get(LIST, **ENGLISH_BROWSER)))
    assert "Todos los participantes" in text and "Descargar CSV" in text and "1 participante." in text
    assert "All clients" not in text and "Download CSV" not in text


def test_the_client_page_is_in_spanish(client, peacekeeper, jamal):
    GoalFactory(client=jamal, description="Terminar la escuela", domain="education")
    ContactFactory(client=jamal, peacekeeper=peacekeeper, notes="Hablamos.")
    text = visible_text(page(in_spanish(client, peacekeeper).get(jamal.get_absolute_url(), **ENGLISH_BROWSER)))
    for spanish in (
        "Registrar contacto",
        "Agregar meta",
        "Pacificador(a) principal",
        "Plazo de contacto",
        "Idioma preferido",
        "Sin registrar",  # the address: "No registrado" did not agree with "dirección"
        "Metas del plan de vida",
        "Derivaciones",
        "Contactos (1)",
        "Inscripción",
        "Riesgo: Alto",
        "Educación",  # the goal's domain
    ):
        assert spanish in text, spanish
    for english in (
        "Log contact",
        "Add goal",
        "Primary peacekeeper",
        "Contact standard",
        "Life-plan goals",
        "No referrals yet",
        "Not recorded",
        "Enrolment",
    ):
        assert english not in text, english


def test_the_client_form_labels_and_choices_are_in_spanish(client, peacekeeper, jamal):
    url = reverse("outreach:client_edit", args=[jamal.pk])
    text = visible_text(page(in_spanish(client, peacekeeper).get(url, **ENGLISH_BROWSER)))
    for spanish in ("Nombre", "Apellido", "Fecha de nacimiento", "Idioma preferido", "Idioma del consentimiento"):
        assert spanish in text
    assert "Inglés" in text and "Español" in text and "Otro" in text  # the languages to choose from
    assert "Guardar cambios" in text and "Persona" in text
    assert "First name" not in text and "Preferred language" not in text and "Save changes" not in text


def test_a_validation_error_and_a_success_message_are_in_spanish(client, peacekeeper, jamal):
    in_spanish(client, peacekeeper)
    refused = _edit(client, jamal, consent_language="es", date_of_birth=(TODAY + datetime.timedelta(days=1)))
    text = page(refused)
    assert "Indique la fecha en que se firmó el consentimiento, o deje vacío su idioma." in text
    assert "La fecha de nacimiento está en el futuro." in text
    assert "consent was signed" not in text and "is in the future" not in text
    saved = page(_edit(client, jamal, preferred_language="es"))
    assert f"Participante {jamal.code} guardado." in saved
    assert '<dd class="preferred-language">Español</dd>' in saved


def test_the_contact_form_and_its_duration_rule_are_in_spanish(client, peacekeeper, jamal):
    in_spanish(client, peacekeeper)
    url = reverse("outreach:contact_create", args=[jamal.pk])
    text = visible_text(page(client.get(url, **ENGLISH_BROWSER)))
    assert "Nuevo contacto" in text and "Guardar contacto" in text and "Visita a domicilio" in text
    assert "Entre 1 y 720 minutos (12 horas)." in text
    assert "New contact" not in text and "Home visit" not in text
    data = keyed({"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 0})
    refused = page(client.post(url, {**data, "kind": "in_person"}, **ENGLISH_BROWSER))
    assert "Escriba una duración entre 1 y 720 minutos (12 horas)." in refused
    saved = client.post(url, {**data, "kind": "in_person", "duration_minutes": 30}, follow=True, **ENGLISH_BROWSER)
    assert f"Contacto guardado para {jamal.code}." in page(saved)


def test_a_managers_exit_page_and_message_are_in_spanish(client, manager, jamal):
    in_spanish(client, manager)
    url = reverse("outreach:client_exit", args=[jamal.pk])
    opened = client.get(url, **ENGLISH_BROWSER)
    text = visible_text(page(opened))
    assert "Salida del programa" in text and "Qué pasa con el trabajo pendiente" in text
    assert "0 metas abiertas (abiertas o en curso) conservan su estado" in text
    assert "Exit from the program" not in text and "open goals" not in text
    stamp = opened.context["form"]["loaded_version"].value()
    done = client.post(
        url,
        {"exited_on": TODAY.isoformat(), "exit_reason": "moved", "loaded_version": stamp},
        follow=True,
        **ENGLISH_BROWSER,
    )
    text = page(done)
    assert f"{jamal.code} salió del programa." in text and "Motivo: Se mudó." in text


def test_the_days_since_contact_are_counted_in_spanish(client, peacekeeper):
    ClientFactory(
        primary_peacekeeper=peacekeeper,
        referred_on=TODAY - datetime.timedelta(days=1),
        enrolled_on=None,
        status="referred",
    )
    text = visible_text(page(in_spanish(client, peacekeeper).get(LIST, **ENGLISH_BROWSER)))
    assert "1 día (aún sin contacto)" in text and "no contact yet" not in text


def test_field_mode_is_in_spanish(client, peacekeeper, jamal, field_keys):
    text = visible_text(page(in_spanish(client, peacekeeper).get("/field/", **ENGLISH_BROWSER)))
    assert "Modo de campo" in text and "Sus casos asignados" in text and "Sin enviar" in text
    assert "Último contacto: ninguno todavía" in text
    assert "Your caseload" not in text and "Not sent yet" not in text


def test_the_phone_scripts_words_are_in_the_spanish_catalogue(client, peacekeeper):
    in_spanish(client, peacekeeper)
    catalogue = client.get(reverse("javascript_catalog"), **ENGLISH_BROWSER).content.decode()
    assert "sin enviar" in catalogue and "Mostrar lo que escrib" in catalogue


def test_the_offline_page_speaks_the_users_language(client, peacekeeper, field_keys):
    in_spanish(client, peacekeeper)
    body = client.get("/sw.js", **ENGLISH_BROWSER).content.decode()
    words = json.loads(re.search(r"var OFFLINE = (\{.*?\});", body).group(1))
    assert words["lang"] == "es" and words["heading"] == "No tiene conexión"
    assert '<a href="/field/">Modo de campo</a>' in words["text"]


def test_the_offline_page_stays_english_in_english(client, peacekeeper, field_keys):
    client.force_login(peacekeeper)
    body = client.get("/sw.js", **ENGLISH_BROWSER).content.decode()
    words = json.loads(re.search(r"var OFFLINE = (\{.*?\});", body).group(1))
    assert words["lang"] == "en" and words["heading"] == "You are offline"
    assert words["text"].startswith("This page is not kept on this phone")


def test_a_field_mode_refusal_is_in_spanish(client, peacekeeper, andre, field_keys):
    in_spanish(client, peacekeeper)
    response = client.post(
        reverse("outreach:field_sync"), "not json", content_type="application/json", **ENGLISH_BROWSER
    )
    assert response.status_code == 400 and response.json()["error"] == "No se envió: el registro no es JSON."


def test_the_history_page_says_its_fields_in_spanish(client, manager, jamal):
    in_spanish(client, manager)
    _edit(
        client,
        jamal,
        status="active",
        enrolled_on=jamal.enrolled_on.isoformat(),
        primary_peacekeeper=jamal.primary_peacekeeper_id,
        nickname="Jay",
    )
    text = visible_text(page(client.get(reverse("outreach:client_history", args=[jamal.pk]), **ENGLISH_BROWSER)))
    assert "Participante: se modificó" in text and "Apodo" in text
    assert "Client changed" not in text


def test_the_history_page_describes_contacts_and_referrals_in_spanish(client, manager, jamal):
    """The walk in Spanish: a contact's and a referral's line on the client's history were English fragments
    ("En persona with C-2026-0001 on 3 de marzo de 2026", "Job training at Partner 1")."""
    ContactFactory(client=jamal)
    ReferralFactory(client=jamal, partner=PartnerFactory(name="Casa Esperanza"), service="Empleo")
    in_spanish(client, manager)
    text = visible_text(page(client.get(reverse("outreach:client_history", args=[jamal.pk]), **ENGLISH_BROWSER)))
    assert f"En persona con {jamal.code} el " in text
    assert "Empleo en Casa Esperanza" in text
    assert " with " not in text and " at " not in text


def test_a_filter_bars_date_error_is_in_spanish(client, manager, jamal):
    in_spanish(client, manager)
    text = page(client.get(LIST, {"enrolled_after": "03/12/2026"}, **ENGLISH_BROWSER))
    assert "La fecha debe escribirse AAAA-MM-DD." in text and "must be a date" not in text
    text = page(client.get(LIST, {"enrolled_after": "1800-01-01"}, **ENGLISH_BROWSER))
    assert "La fecha debe estar entre el 1900-01-01 y el" in text


def test_english_stays_as_it_was(client, manager, jamal):
    client.force_login(manager)
    text = page_en = client.get(LIST, {"enrolled_after": "03/12/2026"}, **ENGLISH_BROWSER).content.decode()
    assert '<html lang="en">' in page_en and "The date must be a date written YYYY-MM-DD." in text
    detail = client.get(jamal.get_absolute_url(), **ENGLISH_BROWSER).content.decode()
    assert "Life-plan goals" in detail and "Contact standard" in detail and "Metas" not in detail


def test_the_declared_fields_take_their_spanish_names_too(client, manager, peacekeeper, jamal):
    """The walk in Spanish: the assignment fields and the topics, declared on the forms, were labelled in English."""
    edit = visible_text(page(in_spanish(client, manager).get(reverse("outreach:client_edit", args=[jamal.pk]))))
    assert "Pacificador(a) principal" in edit and "Pacificadores secundarios" in edit
    assert "Primary peacekeeper" not in edit and "Secondary peacekeepers" not in edit
    url = reverse("outreach:contact_create", args=[jamal.pk])
    contact = visible_text(page(in_spanish(client, peacekeeper).get(url)))
    assert "Temas" in contact and "Topics" not in contact


def test_a_goal_is_abierta_and_a_referral_source_otra(client, manager, jamal):
    GoalFactory(client=jamal, status="open")
    in_spanish(client, manager)
    text = visible_text(page(client.get(jamal.get_absolute_url(), **ENGLISH_BROWSER)))
    assert "Abierta" in text and "Abierto" not in text
    form = page(client.get(reverse("outreach:client_edit", args=[jamal.pk]), **ENGLISH_BROWSER))
    source = re.search(r'<select name="referral_source".*?</select>', form, re.S)[0]
    language = re.search(r'<select name="preferred_language".*?</select>', form, re.S)[0]
    assert '<option value="other">Otra</option>' in source  # otra fuente de derivación
    assert '<option value="other">Otro</option>' in language  # otro idioma
