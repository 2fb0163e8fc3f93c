"""The incident list's export (SPEC section 5: `/incidents/?_export=csv|xlsx`, honouring the filters).

Who may export: managers, analysts and admins, the roles that see every report and export. An
incident carries no client names, but the incident list is the program's whole record of violence,
filtered at will: peacekeepers work incidents on the page and do not take files away (SPEC section 3
gives them no export at all).
"""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import AccessLog
from tests.factories import IncidentFactory, InvolvementFactory

URL = reverse("incidents:incident_list")
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2-2", "@SUM(A1)", "\tTAB", "\rCR", "<script>alert(1)</script>", "🙂"]


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


@pytest.mark.parametrize("persona", ["manager", "analyst", "admin_user"])
def test_managers_analysts_and_admins_export_it(db, client, request, persona):
    IncidentFactory(case_number="SPD-1")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL, {"_export": "csv"})
    assert response.status_code == 200 and "text/csv" in response["Content-Type"]
    assert "SPD-1" in response.content.decode()


def test_peacekeepers_do_not_and_nothing_is_logged(client, peacekeeper):
    IncidentFactory()
    client.force_login(peacekeeper)
    assert client.get(URL, {"_export": "csv"}).status_code == 403
    assert client.get(URL, {"_export": "xlsx"}).status_code == 403
    assert not AccessLog.objects.exists()
    assert "Download CSV" not in client.get(URL).content.decode()


def test_the_list_page_links_to_both_files_keeping_the_filters(client, analyst):
    client.force_login(analyst)
    page = client.get(URL, {"kind": "homicide"}).content.decode()
    assert "kind=homicide&amp;_export=csv" in page and "kind=homicide&amp;_export=xlsx" in page


def test_the_export_honours_the_filters(client, analyst):
    IncidentFactory(case_number="SPD-HOM", kind="homicide")
    IncidentFactory(case_number="SPD-SHOTS", kind="shots_fired", killed=0, description="near the school")
    client.force_login(analyst)
    body = client.get(URL, {"_export": "csv", "kind": "shots_fired"}).content.decode()
    assert "SPD-SHOTS" in body and "SPD-HOM" not in body
    body = client.get(URL, {"_export": "csv", "q": "school"}).content.decode()
    assert "SPD-SHOTS" in body and "SPD-HOM" not in body


def test_every_export_is_in_the_access_log_with_its_filters(client, manager):
    IncidentFactory()
    client.force_login(manager)
    client.get(URL, {"_export": "xlsx", "kind": "homicide"})
    entry = AccessLog.objects.get()
    assert entry.action == "export" and entry.user == manager
    assert "incident list xlsx" in entry.target and "kind=homicide" in entry.target


def test_the_file_has_every_row_not_just_the_first_page(client, analyst):
    IncidentFactory.create_batch(30)
    client.force_login(analyst)
    assert len(_rows(client.get(URL, {"_export": "csv"}).content)) == 31


def test_hostile_descriptions_and_addresses_are_neutralised_in_the_csv(client, analyst):
    for n, text in enumerate(HOSTILE):
        IncidentFactory(case_number=f"SPD-{n}", description=text, address=text)
    IncidentFactory(case_number="SPD-LONG", description="x" * 10_000)
    client.force_login(analyst)
    rows = _rows(client.get(URL, {"_export": "csv"}).content)
    header = rows[0]
    assert "Description" in header and "Address" in header
    cells = [row[header.index(name)] for row in rows[1:] for name in ("Description", "Address")]
    assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(A1)" in cells and "'+1+1" in cells
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "<script>alert(1)</script>" in cells and "🙂" in cells and "x" * 10_000 in cells


def test_hostile_descriptions_are_text_in_the_xlsx(client, analyst):
    for n, text in enumerate(HOSTILE):
        IncidentFactory(case_number=f"SPD-{n}", description=text)
    client.force_login(analyst)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(URL, {"_export": "xlsx"}).content))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert "'=cmd|' /C calc'!A0" in [c.value for c in cells]
    killed = [c.value for c in cells if c.column == 5 and c.row > 1]
    assert killed and all(isinstance(v, int) for v in killed)


def test_the_export_names_no_client(client, manager, jamal):
    InvolvementFactory(client=jamal, incident=IncidentFactory(case_number="SPD-J"))
    client.force_login(manager)
    body = client.get(URL, {"_export": "csv"}).content.decode()
    assert "SPD-J" in body and jamal.last_name not in body and jamal.code not in body


def test_bad_filters_or_formats_answer_400_unlogged(client, analyst):
    client.force_login(analyst)
    assert client.get(URL, {"_export": "pdf"}).status_code == 400
    assert client.get(URL, {"_export": "csv", "kind": "bogus"}).status_code == 400
    assert not AccessLog.objects.exists()
