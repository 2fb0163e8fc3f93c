"""The incidents issue's "Done when", walked in a real browser: an analyst imports the police CSV
(a bad line is named and blocks the import; the fixed file goes in), involved clients are named
only to those who may see them, a peacekeeper records a hospital response, and a manager logs a
shooting on a phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.importer import COLUMNS
from incidents.models import Incident, Response
from tests.browser import a11y
from tests.browser.conftest import PHONE
from tests.factories import IncidentFactory, InvolvementFactory, MediationFactory, NeighborhoodFactory

HEADER = ",".join(COLUMNS)
GOOD_ROWS = [
    'PD-24-0101,2024-03-02T23:40,homicide,Eastmont,"1200 block of 73rd Ave",37.7621,-122.1814,1,0,firearm,'
    "Shot outside a corner store",
    "PD-24-0102,2024-03-05,homicide,Eastmont,,,,1,0,firearm,",
    'PD-24-0103,2024-03-09 18:05,nonfatal_shooting,Downtown,,,,0,2,firearm,"Drive-by, two wounded"',
]
# Line 3 of the file (line 1 is the header): a homicide with nobody killed.
BAD_ROWS = [GOOD_ROWS[0], GOOD_ROWS[1].replace(",1,0,firearm", ",0,0,firearm"), GOOD_ROWS[2]]
CASE_NUMBERS = ["PD-24-0101", "PD-24-0102", "PD-24-0103"]


def csv_file(name: str, rows: list[str]) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": "\r\n".join([HEADER, *rows, ""]).encode()}


def check_file(page, payload: dict) -> None:
    """Upload a CSV on the import page and wait for its preview."""
    page.get_by_label("CSV file").set_input_files(payload)
    with page.expect_navigation():
        page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("heading", name=f"Preview of {payload['name']}", level=2)).to_be_visible()


def preview_count(page, what: str):
    return page.get_by_role("region", name=re.compile("^Preview")).get_by_role("row", name=what).get_by_role("cell")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The import's background jobs run as soon as they are queued (no worker beside live_server)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_an_analyst_imports_the_police_csv_after_fixing_the_line_it_names(page, sign_in, live_server, analyst):
    sign_in(analyst)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents").click()
    expect(page.get_by_role("heading", name="Incidents", level=1)).to_be_visible()
    page.get_by_role("link", name="Import CSV").click()
    expect(page.get_by_role("heading", name="Import incidents from CSV", level=1)).to_be_visible()

    check_file(page, csv_file("police-march.csv", BAD_ROWS))
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("Nothing can be imported: 1 line has a problem.")
    expect(problem.get_by_role("listitem")).to_have_text(["Line 3: a homicide has at least one person killed"])
    expect(page.get_by_role("button", name=re.compile("^Confirm import"))).to_have_count(0)

    page.get_by_role("link", name="Upload another file").click()
    check_file(page, csv_file("police-march-fixed.csv", GOOD_ROWS))
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(preview_count(page, "New incidents")).to_have_text("3")
    expect(preview_count(page, "Updated incidents")).to_have_text("0")
    expect(preview_count(page, "Unchanged")).to_have_text("0")
    new_names = page.get_by_role("region", name="New neighborhoods: 2")
    expect(new_names.get_by_role("group")).to_have_count(2)
    assert not Incident.objects.exists(), "A preview is a dry run: it writes nothing."

    confirm = page.get_by_role("button", name="Confirm import of 3 rows")
    with page.expect_navigation():
        confirm.click()
    # Nothing goes in until each new neighborhood is ticked (or taken as an existing one).
    expect(page.get_by_role("alert")).to_contain_text("Tick to create “Eastmont”")
    assert not Incident.objects.exists()
    for name in ("Eastmont", "Downtown"):
        page.get_by_label(f"Yes, create “{name}”: I checked it is not a misspelling").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm import of 3 rows").click()
    expect(page).to_have_url(re.compile(r"/incidents/import/\d+/$"))
    expect(page.get_by_role("status").filter(has_text="Imported 3 rows")).to_contain_text(
        "3 created, 0 updated, 0 unchanged."
    )
    page.get_by_role("main").get_by_role("link", name="Incidents", exact=True).last.click()
    table = page.get_by_role("table", name="Incidents")
    for case_number in CASE_NUMBERS:
        expect(table.get_by_role("link", name=case_number, exact=True)).to_be_visible()
    assert set(Incident.objects.values_list("case_number", flat=True)) == set(CASE_NUMBERS)
    assert set(Incident.objects.values_list("logged_by", flat=True)) == {analyst.pk}


def test_the_import_previews_meet_wcag_21_aa(page, sign_in, live_server, analyst, new_context):
    """The a11y sweep opens pages with GET; a preview is the answer to a POST, so it is checked here.

    Only this check's own context bypasses the app's CSP (axe is injected as an inline script, as
    in test_accessibility.py); the analyst's session is carried over from the page signed in above.
    """
    sign_in(analyst)
    axe_page = new_context(bypass_csp=True, storage_state=page.context.storage_state()).new_page()
    result = a11y.Sweep("analyst")
    for name, rows in [("bad.csv", BAD_ROWS), ("good.csv", GOOD_ROWS)]:
        for width, viewport in a11y.WIDTHS.items():
            axe_page.set_viewport_size(viewport)
            axe_page.goto(f"{live_server.url}/incidents/import/")
            check_file(axe_page, csv_file(name, rows))
            result.record(f"import preview of {name}", width, a11y.run_axe(axe_page))
    print(result.summary())
    assert len(result.checked) == 4
    assert not result.failing, "Serious/critical axe violations:\n" + "\n".join(result.failing)


def test_involved_clients_are_named_only_to_those_who_may_see_them(
    page, sign_in, live_server, peacekeeper, analyst, jamal, andre
):
    incident = IncidentFactory()
    InvolvementFactory(incident=incident, client=jamal, role="victim")
    InvolvementFactory(incident=incident, client=andre, role="suspect")
    url = f"{live_server.url}{incident.get_absolute_url()}"

    sign_in(peacekeeper)
    page.goto(url)
    people = page.get_by_role("region", name="Program clients involved")
    expect(people.get_by_role("link", name=f"Jamal Johnson ({jamal.code})")).to_have_attribute(
        "href", jamal.get_absolute_url()
    )
    expect(people.get_by_role("listitem")).to_have_text([f"Jamal Johnson ({jamal.code}): Victim"])
    # Nowhere on the page, not even in the "Link a client" choices.
    expect(page.get_by_text(re.compile("Andre|Lewis"))).to_have_count(0)
    html = page.content()
    assert "Andre" not in html and andre.code not in html

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(analyst)
    page.goto(url)
    people = page.get_by_role("region", name="Program clients involved")
    expect(people.get_by_role("listitem")).to_have_text(["2 program clients involved"])
    expect(people.get_by_role("link")).to_have_count(0)
    expect(page.get_by_text("Link a client")).to_have_count(0)
    html = page.content()
    for secret in ("Jamal", "Johnson", jamal.code, "Andre", "Lewis", andre.code):
        assert secret not in html, f"{secret!r} is on the analyst's page"


def test_a_peacekeeper_records_a_hospital_response_from_the_incident_page(page, sign_in, live_server, peacekeeper):
    incident = IncidentFactory(
        kind="nonfatal_shooting", killed=0, injured=1, occurred_at=timezone.now() - datetime.timedelta(hours=5)
    )
    sign_in(peacekeeper)
    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    responses = page.get_by_role("region", name="Peacekeeper responses")
    expect(responses).to_contain_text("No response recorded yet.")
    # With no response yet, the form is open: no click on "Record a response" needed.
    expect(responses.locator("details")).to_have_attribute("open", "")
    kind = responses.get_by_role("combobox", name=re.compile("^Response"))
    expect(kind).to_be_visible()
    kind.select_option(label="Hospital response")
    responses.get_by_label("Notes").fill("Met his mother in the emergency room.")
    responses.get_by_role("button", name="Save response").click()

    expect(page.get_by_role("status")).to_contain_text("Hospital response recorded.")
    expect(page).to_have_url(f"{live_server.url}{incident.get_absolute_url()}")
    responses = page.get_by_role("region", name="Peacekeeper responses")
    entry = responses.get_by_role("listitem")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Hospital response")
    expect(entry).to_contain_text("Grover Crump")
    expect(entry).to_contain_text("Met his mother in the emergency room.")
    expect(responses).not_to_contain_text("No response recorded yet.")
    # Once there is a response, the form folds away behind its summary.
    expect(responses.locator("details")).not_to_have_attribute("open", "")
    response = Response.objects.get()
    assert (response.incident, response.peacekeeper, response.kind) == (incident, peacekeeper, "hospital")


def test_a_manager_logs_a_shooting_on_a_phone_and_finds_it_in_the_list(page, sign_in, live_server, manager):
    when = (timezone.localtime() - datetime.timedelta(days=1)).replace(hour=21, minute=30)
    page.set_viewport_size(PHONE)
    sign_in(manager)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents").click()
    page.get_by_role("link", name="Log incident").click()
    expect(page).to_have_url(f"{live_server.url}/incidents/new/")
    expect(page.get_by_role("heading", name="Log an incident", level=1)).to_be_visible()

    page.get_by_label("Case number").fill("PD-25-0777")
    page.get_by_label("Kind").select_option(label="Non-fatal shooting")
    page.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Killed").fill("0")
    page.get_by_label("Injured").fill("1")
    page.get_by_label("Weapon").select_option(label="Firearm")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "The form scrolls sideways"
    page.get_by_role("button", name="Log incident").click()

    expect(page.get_by_role("status")).to_contain_text("Incident PD-25-0777 logged.")
    expect(page.get_by_role("heading", name="Non-fatal shooting · PD-25-0777", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Incidents").click()
    row = page.get_by_role("table", name="Incidents").get_by_role("row").filter(has_text="PD-25-0777")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="PD-25-0777")).to_be_visible()
    expect(row).to_contain_text("Non-fatal shooting")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "The list scrolls sideways"
    incident = Incident.objects.get()
    assert (incident.kind, incident.killed, incident.injured, incident.weapon) == ("nonfatal_shooting", 0, 1, "firearm")
    assert incident.logged_by == manager
    assert timezone.localtime(incident.occurred_at).replace(second=0, microsecond=0) == when.replace(
        second=0, microsecond=0
    )


def test_a_peacekeeper_corrects_a_mediation_from_the_list(page, sign_in, live_server, peacekeeper, jamal, andre):
    """The list links to the mediation's page; its Edit form keeps a client the peacekeeper may not
    see (Andre, on another caseload) while the outcome is corrected."""
    mediation = MediationFactory(
        parties="Two groups from neighboring blocks",
        outcome="unresolved",
        incident=IncidentFactory(case_number="PD-25-0500"),
        peacekeepers=[peacekeeper],
        clients=[jamal, andre],
    )
    page.set_viewport_size(PHONE)
    sign_in(peacekeeper)
    page.goto(f"{live_server.url}/mediations/")
    rows = page.get_by_role("table", name=re.compile("^Mediations")).get_by_role("row")
    rows.filter(has_text="Unresolved").get_by_role("link").first.click()
    expect(page).to_have_url(f"{live_server.url}/mediations/{mediation.pk}/")
    expect(page.get_by_role("region", name="Program clients involved").get_by_role("listitem")).to_have_text(
        [f"Jamal Johnson ({jamal.code})"]
    )
    expect(page.get_by_role("link", name="PD-25-0500")).to_be_visible()

    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit the mediation")
    page.get_by_label("Outcome").select_option(label="Resolved")
    page.get_by_label("Parties involved").fill("Two groups from neighboring blocks, and their families")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "The form scrolls sideways"
    page.get_by_role("button", name="Save mediation").click()

    expect(page.get_by_role("status")).to_contain_text("Mediation saved.")
    expect(page).to_have_url(f"{live_server.url}/mediations/{mediation.pk}/")
    expect(page.get_by_role("main")).to_contain_text("and their families")
    mediation.refresh_from_db()
    assert mediation.outcome == "resolved"
    assert set(mediation.clients.all()) == {jamal, andre}, "A client the editor cannot see stays on it"
    assert "Andre" not in page.content()


def test_a_manager_records_a_peacekeepers_response_and_the_incident_is_responded(
    page, sign_in, live_server, manager, peacekeeper
):
    incident = IncidentFactory(occurred_at=timezone.now() - datetime.timedelta(hours=5))
    sign_in(manager)
    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    expect(page.get_by_role("main")).to_contain_text("Open")
    responses = page.get_by_role("region", name="Peacekeeper responses")
    responses.get_by_label("Peacekeeper who responded").select_option(label="Grover Crump")
    responses.get_by_role("combobox", name=re.compile("^Response")).select_option(label="Scene response")
    responses.get_by_role("button", name="Save response").click()
    expect(page.get_by_role("status")).to_contain_text("Scene response recorded.")
    expect(page.get_by_role("region", name="Peacekeeper responses").get_by_role("listitem")).to_contain_text(
        "Grover Crump"
    )
    expect(page.get_by_role("main")).to_contain_text("Responded")
    page.get_by_role("button", name="Close incident").click()
    expect(page.get_by_role("status")).to_contain_text("is now closed")
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    incident.refresh_from_db()
    assert incident.status == "closed" and Response.objects.get().peacekeeper == peacekeeper


def test_a_re_import_preview_lists_the_fields_it_changes_and_merges_a_misspelt_neighborhood(
    page, sign_in, live_server, analyst
):
    """The second police file would overwrite a description typed in the app, and spells Eastmont
    "Eastmnt": the preview shows old and new for each changed field, the typo is taken as Eastmont."""
    eastmont = NeighborhoodFactory(name="Eastmont")
    IncidentFactory(
        case_number="PD-24-0101",
        neighborhood=eastmont,
        occurred_at=datetime.datetime(2024, 3, 2, 23, 40, tzinfo=timezone.get_current_timezone()),
        killed=1,
        weapon="firearm",
        address="1200 block of 73rd Ave",
        latitude="37.762100",
        longitude="-122.181400",
        description="Family met by Grover at the hospital",
    )
    IncidentFactory(
        case_number="PD-24-0102",
        neighborhood=eastmont,
        occurred_at=datetime.datetime(2024, 3, 5, tzinfo=timezone.get_current_timezone()),
    )
    rows = [
        'PD-24-0101,2024-03-02T23:40,homicide,Eastmont,"1200 block of 73rd Ave",37.7621,-122.1814,1,0,firearm,'
        "Shot outside a corner store",
        "PD-24-0102,2024-03-05,homicide,Eastmont,,,,1,0,firearm,",
        "PD-24-0104,2024-03-12,homicide,Eastmnt,,,,1,0,firearm,",
    ]
    sign_in(analyst)
    page.goto(f"{live_server.url}/incidents/import/")
    check_file(page, csv_file("police-march-again.csv", rows))
    expect(preview_count(page, "Updated incidents")).to_have_text("1")
    changes = page.get_by_role("table", name="Fields the import changes, for each updated incident")
    row = changes.get_by_role("row").filter(has_text="Description")
    expect(row).to_contain_text("Family met by Grover at the hospital")
    expect(row).to_contain_text("Shot outside a corner store")
    expect(changes.get_by_role("link", name="PD-24-0101")).to_be_visible()
    expect(page.get_by_role("region", name="Unchanged")).to_contain_text("PD-24-0102")

    new_name = page.get_by_role("group", name="Eastmnt")
    expect(new_name).to_contain_text("Close to an existing neighborhood: Eastmont.")
    new_name.get_by_label("“Eastmnt” is").select_option(label="Same as Eastmont")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm import of 3 rows").click()
    expect(page.get_by_role("status").filter(has_text="Imported 3 rows")).to_contain_text(
        "1 created, 1 updated, 1 unchanged."
    )
    expect(page.get_by_text("Taken as existing neighborhoods: Eastmnt as Eastmont.")).to_be_visible()
    assert Incident.objects.get(case_number="PD-24-0104").neighborhood == eastmont
    assert Incident.objects.get(case_number="PD-24-0101").description == "Shot outside a corner store"
