"""The incident pages in Spanish (issue #18): a user who chose Spanish reads the incident, response,
mediation, group, conflict and import pages, their forms' errors, messages and choice labels, the
list's export and the import's reasons in Spanish; an English user still reads them in English."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.roles import Role
from incidents import conflict_services, response_cases, services
from incidents.importer import COLUMNS, import_incidents
from incidents.models import (
    Conflict,
    ConflictStatusChange,
    Incident,
    IncidentImport,
    ResponseStandard,
    incident_errors,
)
from outreach.models.endings import closing_note_in_language
from tests.factories import (
    ClientFactory,
    ConflictFactory,
    ConflictPartyFactory,
    GroupAssociationFactory,
    GroupFactory,
    IncidentFactory,
    MediationFactory,
    UserFactory,
)
from tests.forms import keyed
from tests.login import sign_in_in_spanish

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


speaks_spanish = sign_in_in_spanish


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert '<html lang="es">' in html
    return html


def _incident_data(**overrides):
    data = {
        "case_number": "SPD-900",
        "kind": "nonfatal_shooting",
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "killed": 0,
        "injured": 1,
        "weapon": "firearm",
        "source": "police",
        "retaliation_risk": "high",
        "status": "open",
    }
    return keyed(data | overrides)


def test_the_incident_list_is_in_spanish(client, analyst):
    speaks_spanish(client, analyst)
    IncidentFactory(case_number="SPD-1", kind="homicide", killed=1, weapon="firearm")
    html = page(client, reverse("incidents:incident_list"))
    assert ">Incidentes</h1>" in html and "Registrar incidente" in html and "Importar CSV" in html
    assert "Número de caso" in html and "Riesgo de represalia" in html  # the table and the filters
    assert "Homicidio" in html and "Arma de fuego" in html  # choice labels
    assert "1 incidente. Las horas están en la hora local del programa." in html
    for english in ("Log incident", ">Incidents<", "Case number", "Homicide", "Any neighborhood", "Filter incidents"):
        assert english not in html, english


def test_the_incident_list_stays_english_for_an_english_user(client, analyst):
    client.force_login(analyst)
    IncidentFactory(case_number="SPD-1", kind="homicide", killed=1, weapon="firearm")
    html = client.get(reverse("incidents:incident_list")).content.decode()
    assert ">Incidents</h1>" in html and "Log incident" in html and "Homicide" in html
    assert "1 incident. Times are in the program's local time." in html
    assert "Registrar" not in html


def test_the_incident_form_says_its_errors_in_spanish(client, peacekeeper):
    speaks_spanish(client, peacekeeper)
    html = page(client, reverse("incidents:incident_create"))
    assert "Registrar un incidente" in html and "Fecha y hora" in html and "Qué pasó" in html
    response = client.post(reverse("incidents:incident_create"), _incident_data(kind="homicide", killed=0))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Un homicidio tiene al menos una persona muerta." in html
    assert "A homicide has at least one person killed." not in html
    response = client.post(reverse("incidents:incident_create"), _incident_data(kind="shots_fired", killed=1))
    assert "Alguien murió: registre el incidente como homicidio, no como disparos sin heridos." in (
        response.content.decode()
    )
    response = client.post(reverse("incidents:incident_create"), _incident_data(injured=101))
    assert "Más de 100 heridos en un solo incidente no es creíble: revise el número." in response.content.decode()
    assert not Incident.objects.exists()


def test_logging_an_incident_says_so_in_spanish(client, peacekeeper):
    response_cases.default_standard()
    speaks_spanish(client, peacekeeper)
    response = client.post(reverse("incidents:incident_create"), _incident_data(), follow=True)
    html = response.content.decode()
    assert "Incidente SPD-900 registrado." in html
    assert "Hay un caso de respuesta abierto con" in html and "tareas para los pacificadores del programa." in html
    assert "Tiroteo no mortal · SPD-900" in html and "Respuestas de pacificadores" in html
    assert "logged." not in html and "What happened" not in html


def test_the_incident_page_and_its_response_case_are_in_spanish(client, manager):
    response_cases.default_standard()
    speaks_spanish(client, manager)
    client.post(reverse("incidents:incident_create"), _incident_data())
    incident = Incident.objects.get()
    html = page(client, incident.get_absolute_url())
    assert "Qué pasó" in html and "Riesgo de represalia" in html and "Alto" in html and "Policía" in html
    assert "Cerrar el incidente" in html and "Historial" in html and "Vincular a un participante" in html
    html = page(client, incident.response_case.get_absolute_url())
    assert "Respuesta a SPD-900" in html and "Muertos: 0; heridos: 1." in html and "Cerrar el caso" in html
    assert "No se conoce ninguna represalia" in html  # a choice of the closing form
    assert "Close the case" not in html and "killed," not in html


def test_the_standards_task_titles_are_in_spanish_and_the_programs_own_as_written(client, manager, peacekeeper):
    """Task titles are stored in English on the default standard; a Spanish reader read "Follow-up at one week"
    on the case page, the task's page and in the message after taking it."""
    response_cases.default_standard()
    ResponseStandard.objects.filter(title="Family contact").update(title="Llamada a la familia (Cure Violence)")
    speaks_spanish(client, manager)
    client.post(reverse("incidents:incident_create"), _incident_data())
    case = Incident.objects.get().response_case
    html = page(client, case.get_absolute_url())
    assert "Respuesta en el lugar" in html and "Seguimiento a la semana" in html and "Visita al hospital" in html
    assert "Seguimiento a los cuatro meses" in html and "Llamada a la familia (Cure Violence)" in html
    assert "Follow-up at" not in html and "Scene response" not in html and "Hospital bedside" not in html
    scene = case.tasks.get(title="Scene response")  # stored as the standard's words, whatever the reader's
    html = page(client, reverse("incidents:response_task_detail", args=[scene.pk]))
    assert '<h1 class="h3 mb-1">Respuesta en el lugar</h1>' in html
    assign = reverse("incidents:response_task_assign", args=[scene.pk])
    response = client.post(assign, {"peacekeeper": peacekeeper.pk}, follow=True)
    assert "Tarea «Respuesta en el lugar»: asignada a" in response.content.decode()


def test_why_a_person_is_at_risk_is_stored_in_english_and_read_in_spanish(client, manager):
    """The reasons were written in the active language's words half-way ("Herido in the incident", when a
    Spanish manager recorded the victim) and then shown as stored to every reader."""
    response_cases.default_standard()
    incident = IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, weapon="firearm")
    response_cases.response_cases_open(incidents=Incident.objects.filter(pk=incident.pk))
    victim, friend, rival = ClientFactory(), ClientFactory(), ClientFactory()
    crew = GroupFactory(name="Los de Arriba")
    GroupAssociationFactory(client=victim, group=crew)
    GroupAssociationFactory(client=friend, group=crew, role="associate")
    conflict = ConflictFactory()
    ConflictPartyFactory(conflict=conflict, side="a", client=victim)
    ConflictPartyFactory(conflict=conflict, side="b", client=rival)
    with translation.override("es"):  # a Spanish manager records it
        services.involvement_create(
            incident=incident, by=manager, data={"client": victim, "role": "victim", "outcome": "wounded"}
        )
        conflict_services.conflict_link_incident(conflict=conflict, incident=incident, by=manager)
    tasks = incident.response_case.tasks
    assert tasks.get(person=victim).reason == "Wounded in the incident"
    assert tasks.get(person=friend).reason == "associate of Los de Arriba"
    assert tasks.get(person=rival).reason == f"other side of conflict #{conflict.pk}"
    speaks_spanish(client, manager)
    html = page(client, incident.response_case.get_absolute_url())
    assert "Herido en el incidente" in html and "asociado de Los de Arriba" in html
    assert f"el otro lado del conflicto n.º {conflict.pk}" in html
    assert " in the incident" not in html and "other side of" not in html
    html = page(client, reverse("incidents:response_task_detail", args=[tasks.get(person=friend).pk]))
    assert "asociado de Los de Arriba" in html
    english = Client()  # another manager, reading English, reads it as stored
    english.force_login(UserFactory(username="dana", roles=[Role.MANAGER]))
    assert "Wounded in the incident" in english.get(incident.response_case.get_absolute_url()).content.decode()


def test_the_standards_task_titles_stay_english_for_an_english_reader(client, manager):
    response_cases.default_standard()
    client.force_login(manager)
    client.post(reverse("incidents:incident_create"), _incident_data())
    html = client.get(Incident.objects.get().response_case.get_absolute_url()).content.decode()
    assert "Scene response" in html and "Follow-up at one week" in html and "Seguimiento" not in html


def test_the_status_message_is_in_spanish(client, analyst):
    speaks_spanish(client, analyst)
    incident = IncidentFactory(case_number="SPD-7")
    response = client.post(reverse("incidents:incident_status", args=[incident.pk]), {"status": "closed"}, follow=True)
    assert "El incidente SPD-7 ahora está en estado: cerrado." in response.content.decode()


def test_mediation_pages_are_in_spanish(client, manager):
    speaks_spanish(client, manager)
    mediation = MediationFactory(outcome="temporarily_resolved")
    html = page(client, reverse("incidents:mediation_list"))
    assert ">Mediaciones</h1>" in html and "Registrar mediación" in html and "Resuelta por ahora" in html
    html = page(client, mediation.get_absolute_url())
    assert (
        "La mediación" in html and "Partes involucradas" in html and "Participantes del programa involucrados" in html
    )
    assert "The mediation" not in html


def test_group_and_conflict_pages_are_in_spanish(client, manager):
    speaks_spanish(client, manager)
    group = GroupFactory(name="Eastside Crew")
    person = ClientFactory(code="C-0042")
    GroupAssociationFactory(group=group, client=person, role="associate")
    conflict = ConflictFactory(kind="group_rivalry")
    html = page(client, reverse("incidents:group_list"))
    assert ">Grupos</h1>" in html and "Registrar grupo" in html and "Vínculos vigentes" in html
    html = page(client, group.get_absolute_url())
    assert "También conocido como" in html and "Asociado" in html and "Vista de red" in html
    assert "Confirmar" in html and "Terminar" in html and "Also known as" not in html
    html = page(client, conflict.get_absolute_url())
    assert f"Conflicto n.º {conflict.pk}: Rivalidad entre grupos" in html
    assert "Historial de estados" in html and "Agregar una parte" in html and "Lado A" in html
    assert "Identificado" in html and "Identified" not in html
    response = client.post(reverse("incidents:conflict_status", args=[conflict.pk]), keyed({"status": ""}))
    assert "Este campo es obligatorio." in response.content.decode()
    html = page(client, reverse("incidents:group_network", args=[group.pk]))
    assert "Red de Eastside Crew" in html and "Vínculos (1)" in html and "asociado" in html


def test_a_group_association_error_is_in_spanish(client, manager):
    speaks_spanish(client, manager)
    person = ClientFactory()
    group = GroupFactory()
    data = {"group": group.pk, "role": "member", "basis": "observed_by_staff", "evidence_note": ""}
    response = client.post(reverse("incidents:association_create", args=[person.pk]), keyed(data))
    html = response.content.decode()
    assert "En qué se basa. Nada de rumores: diga quién vio o dijo qué, y cuándo." in html
    assert "No rumours" not in html


def _csv(*rows: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    base = dict.fromkeys(COLUMNS, "") | {"occurred_at": "2024-03-02T23:40", "kind": "homicide", "killed": "1"}
    base["weapon"] = "firearm"
    for row in rows:
        writer.writerow([(base | row)[c] for c in COLUMNS])
    return out.getvalue().encode()


def _upload(client, content: bytes) -> IncidentImport:
    upload = io.BytesIO(content)
    upload.name = "police.csv"
    assert client.post(reverse("incidents:incident_import"), {"file": upload}).status_code == 302
    return IncidentImport.objects.latest("pk")


def test_the_import_preview_gives_each_lines_reasons_in_spanish(client, analyst):
    speaks_spanish(client, analyst)
    html = page(client, reverse("incidents:incident_import"))
    assert "Importar incidentes desde un CSV" in html and "Descargar una plantilla CSV" in html
    job = _upload(client, _csv({"case_number": ""}, {"case_number": "SPD-2", "killed": "0"}, {"case_number": "SPD-3"}))
    html = page(client, reverse("incidents:incident_import_job", args=[job.pk]))
    assert "No se puede importar nada:" in html and "2 líneas tienen problemas." in html
    assert "Línea 2: case_number está vacío" in html
    assert "Línea 3: un homicidio tiene al menos una persona muerta" in html
    assert "Incidentes nuevos" in html and "is empty" not in html and "Nothing can be imported" not in html
    job = _upload(client, _csv({"case_number": "SPD-3"}))
    html = page(client, reverse("incidents:incident_import_job", args=[job.pk]))
    assert "Vista previa de police.csv" in html and "Confirmar la importación de 1 fila" in html
    response = client.post(reverse("incidents:incident_import_confirm", args=[job.pk]), follow=True)
    html = response.content.decode()
    assert "Importando police.csv: esta página muestra el avance." in html
    assert "Se importó 1 fila el" in html and "1 creados" in html


def test_the_import_speaks_english_to_an_english_uploader(client, analyst):
    client.force_login(analyst)
    job = _upload(client, _csv({"case_number": ""}))
    html = client.get(reverse("incidents:incident_import_job", args=[job.pk])).content.decode()
    assert "Line 2: case_number is empty" in html and "está vacío" not in html


def test_the_import_header_is_the_same_in_both_languages(client, analyst):
    speaks_spanish(client, analyst)
    template = client.get(reverse("incidents:incident_import_template")).content.decode()
    assert template.splitlines()[0] == ",".join(COLUMNS)


def test_the_command_reports_in_the_active_language(db, tmp_path):
    path = tmp_path / "police.csv"
    path.write_bytes(_csv({"case_number": "SPD-1"}))
    out = io.StringIO()
    with translation.override("es"):
        call_command("import_incidents", str(path), "--dry-run", stdout=out)
    assert out.getvalue().startswith("Se importarían 1 filas en ")
    assert "Prueba: no se guardó nada." in out.getvalue()
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_incidents", str(path), "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would import 1 rows in ")


def test_the_import_rules_speak_the_active_language(db):
    lines = _csv({"case_number": "SPD-1", "kind": "shots_fired"}).decode().splitlines(keepends=True)
    with translation.override("es"):  # a line's error is said in the language active when it is shown
        report = import_incidents(lines, dry_run=True)
        assert [str(e) for e in report.errors] == [
            "línea 2: alguien murió: registre el incidente como homicidio, no como disparos sin heridos"
        ]
    with translation.override("es"):
        errors = incident_errors(Incident(kind="homicide", killed=0, occurred_at=timezone.now()))
    assert errors == {"killed": "Un homicidio tiene al menos una persona muerta."}


def test_the_list_export_has_spanish_headers_for_a_spanish_user(client, analyst):
    IncidentFactory(case_number="SPD-1", kind="homicide", killed=1, weapon="firearm")
    speaks_spanish(client, analyst)
    response = client.get(reverse("incidents:incident_list"), {"_export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Número de caso", "Cuándo", "Tipo"]
    assert rows[1][0] == "SPD-1" and rows[1][2] == "Homicidio"


def test_the_list_export_keeps_english_headers_for_an_english_user(client, analyst):
    IncidentFactory(case_number="SPD-1")
    client.force_login(analyst)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("incidents:incident_list"), {"_export": "csv"}).content.decode("utf-8-sig"))
        )
    )
    assert rows[0][:3] == ["Case number", "When", "Kind"]


def test_the_import_progress_script_has_its_words_in_the_catalogue(db, client):
    catalogue = client.get("/jsi18n/", **SPANISH).content.decode()
    assert "filas le\\u00eddas" in catalogue or "filas leídas" in catalogue
    assert "con problemas hasta ahora" in catalogue


def test_a_conflicts_name_and_history_give_their_days_in_spanish(client, manager):
    person = ClientFactory(code="C-2026-00042", primary_peacekeeper=None)
    conflict = ConflictFactory(kind="dispute", status="reignited")
    Conflict.objects.filter(pk=conflict.pk).update(created_at=_local(2026, 12, 1))
    ConflictStatusChange.objects.filter(conflict=conflict).update(changed_at=_local(2026, 12, 3))
    ConflictPartyFactory(conflict=conflict, client=person, side="a")
    speaks_spanish(client, manager)
    html = page(client, conflict.get_absolute_url())
    assert f"Conflicto n.º {conflict.pk}: disputa, identificado el 1 de diciembre de 2026" in html
    assert "C-2026-00042 (lado A) en el conflicto" in html and ">Lado A<" in html  # a heading starts with it
    assert "3 de diciembre de 2026, 10:00" in html and "Dic 2026" not in html
    html = page(client, person.get_absolute_url())
    assert "lado A, reavivado" in html and "lado a" not in html


def test_a_conflicts_name_and_sides_stay_as_they_were_in_english(client, manager):
    person = ClientFactory(code="C-2026-00042", primary_peacekeeper=None)
    conflict = ConflictFactory(kind="dispute", status="reignited")
    Conflict.objects.filter(pk=conflict.pk).update(created_at=_local(2026, 12, 1))
    ConflictStatusChange.objects.filter(conflict=conflict).update(changed_at=_local(2026, 12, 3))
    ConflictPartyFactory(conflict=conflict, client=person, side="a")
    client.force_login(manager)
    html = client.get(conflict.get_absolute_url()).content.decode()
    assert f"Conflict #{conflict.pk}: dispute, identified 1 Dec 2026" in html
    assert "C-2026-00042 (Side A) in conflict" in html and "3 Dec 2026, 10:00" in html
    assert "side a, reignited" in client.get(person.get_absolute_url()).content.decode()


def _local(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, 0, tzinfo=timezone.get_current_timezone())


def _select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', html, re.S)[0]


def test_the_choices_agree_with_their_nouns(client, analyst):
    speaks_spanish(client, analyst)
    html = page(client, reverse("incidents:incident_list"))
    assert '<option value="other">Otra</option>' in _select(html, "weapon")  # otra arma
    assert '<option value="other">Otro</option>' in _select(html, "kind")  # otro incidente


def test_a_response_recorded_agrees_with_respuesta(client, manager, peacekeeper):
    speaks_spanish(client, manager)
    incident = IncidentFactory(case_number="SPD-8", occurred_at=timezone.now() - datetime.timedelta(hours=5))
    when = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"kind": "follow_up", "peacekeeper": peacekeeper.pk, "responded_at": when}
    response = client.post(reverse("incidents:response_create", args=[incident.pk]), keyed(data), follow=True)
    assert "Respuesta registrada: Seguimiento." in response.content.decode()


def test_a_killed_clients_closing_note_is_stored_in_english_and_read_in_spanish(client, manager, jamal):
    """The walk in Spanish: every deceased participant's page said "Motivo: Fallecido. Recorded as killed in incident
    SPD-2025-413831158 on 23 November 2025." The note stays as written (English words, for every reader and the
    records), and each reader reads it in their language, on the page and in the history."""
    homicide = IncidentFactory(
        case_number="SPD-77", kind="homicide", killed=1, weapon="firearm", occurred_at=timezone.now()
    )
    services.involvement_create(
        incident=homicide, by=manager, data={"client": jamal, "role": "victim", "outcome": "killed"}
    )
    note = jamal.periods.get().closing_note
    assert note.startswith("Recorded as killed in incident SPD-77 on ")
    day = timezone.localdate(homicide.occurred_at)
    with translation.override("es"):
        spanish_day = date_format(day, "DATE_FORMAT")
    speaks_spanish(client, manager)
    for url in (jamal.get_absolute_url(), reverse("outreach:client_history", args=[jamal.pk])):
        html = page(client, url)
        assert f"Muerte registrada en el incidente SPD-77 del {spanish_day}." in html, url
        assert "Recorded as killed" not in html, url
    with translation.override("en"):
        assert closing_note_in_language(note) == note
    assert closing_note_in_language("Moved to Fresno.") == "Moved to Fresno."  # a manager's own note, as written
