"""Every export neutralises spreadsheet formulas in text cells (SPEC section 7): a client or
neighborhood name starting with =, +, -, @, a tab or a carriage return is written as text, never as a
live formula; numbers stay numbers."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.exports import neutralise
from core.quarters import Quarter
from tests.factories import ClientFactory, IncidentFactory, NeighborhoodFactory

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE_NAMES)
def test_text_starting_with_a_formula_character_is_prefixed(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Jamal", "", "C-2000-00001", "O'Neil", "-5", "-1.5", None, 3, -3, 2.5, -0.25])
def test_plain_text_and_numbers_are_left_alone(value):
    assert neutralise(value) == value


def _csv_cells(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8"), newline="")) for cell in row]


def _xlsx_cells(body: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_no_formula(cells) -> None:
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    for cell in cells:
        if isinstance(cell.value, str):
            assert cell.value[:1] not in ("=", "+", "-", "@", "\t", "\r") or _is_number(cell.value), cell.value


def _assert_csv_neutral(cells: list[str]) -> None:
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r") or _is_number(cell), cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.fixture
def hostile_clients(peacekeeper):
    neighborhood = NeighborhoodFactory(name="@SUM(A1:A9)")
    return [
        ClientFactory(
            first_name=name,
            last_name="-Smith",
            nickname="\t=1",
            primary_peacekeeper=peacekeeper,
            neighborhood=neighborhood,
        )
        for name in HOSTILE_NAMES
    ]


class TestTheClientList:
    def test_the_csv_prefixes_formula_text(self, client, manager, hostile_clients):
        client.force_login(manager)
        response = client.get(reverse("outreach:client_list"), {"_export": "csv"})
        cells = _csv_cells(response.content)
        _assert_csv_neutral(cells)
        assert "'@SUM(A1:A9)" in cells
        assert any(c.startswith("'=HYPERLINK(") for c in cells)

    def test_the_xlsx_has_no_formula_and_numbers_stay_numbers(self, client, manager, hostile_clients):
        client.force_login(manager)
        response = client.get(reverse("outreach:client_list"), {"_export": "xlsx"})
        cells = _xlsx_cells(response.content)
        _assert_no_formula(cells)
        assert "'@SUM(A1:A9)" in [c.value for c in cells]
        goals_column = [c.column for c in cells if c.value == "Open goals"][0]
        goal_counts = [c.value for c in cells if c.column == goals_column and c.row > 1]
        assert goal_counts and all(isinstance(v, int) for v in goal_counts)


class TestTheIncidentList:
    def test_a_manager_exports_the_filtered_incident_list_as_csv(self, client, manager):
        IncidentFactory(case_number="=CASE-1", neighborhood=NeighborhoodFactory(name="=1+1"), killed=2)
        IncidentFactory(case_number="SPD-2", kind="shots_fired", killed=0)
        client.force_login(manager)
        response = client.get(reverse("incidents:incident_list"), {"_export": "csv", "kind": "homicide"})
        assert response.status_code == 200
        cells = _csv_cells(response.content)
        _assert_csv_neutral(cells)
        assert "'=CASE-1" in cells and "'=1+1" in cells and "SPD-2" not in cells

    def test_the_xlsx_has_no_formula_and_numbers_stay_numbers(self, client, analyst):
        IncidentFactory(case_number="-SPD-9", neighborhood=NeighborhoodFactory(name="+1-1"), killed=3)
        client.force_login(analyst)
        response = client.get(reverse("incidents:incident_list"), {"_export": "xlsx"})
        cells = _xlsx_cells(response.content)
        _assert_no_formula(cells)
        assert 3 in [c.value for c in cells]

    def test_a_peacekeeper_may_not_export_it(self, client, peacekeeper):
        client.force_login(peacekeeper)
        assert client.get(reverse("incidents:incident_list"), {"_export": "csv"}).status_code == 403


def _quarter_with_hostile_neighborhoods() -> Quarter:
    today = timezone.localdate()
    quarter = Quarter.containing(today).previous()
    day = datetime.datetime.combine(quarter.first, datetime.time(12), tzinfo=timezone.get_current_timezone())
    for name in HOSTILE_NAMES:
        IncidentFactory(occurred_at=day, neighborhood=NeighborhoodFactory(name=name), killed=7)
    return quarter


class TestTheQuarterlyReport:
    def test_the_csv_prefixes_formula_text(self, client, analyst):
        quarter = _quarter_with_hostile_neighborhoods()
        client.force_login(analyst)
        response = client.get(reverse("reports:quarterly_csv", args=[quarter.year, quarter.number]))
        cells = _csv_cells(response.content)
        _assert_csv_neutral(cells)
        assert "'-2+3" in cells and "'\n=1+1" in cells

    def test_the_xlsx_has_no_formula_and_numbers_stay_numbers(self, client, analyst):
        quarter = _quarter_with_hostile_neighborhoods()
        client.force_login(analyst)
        response = client.get(reverse("reports:quarterly_xlsx", args=[quarter.year, quarter.number]))
        cells = _xlsx_cells(response.content)
        _assert_no_formula(cells)
        row = [c for c in cells if c.value == "'-2+3"][0].row
        sheet_cells = [c for c in cells if c.row == row and c.parent.title == "Violence" and c.column > 1]
        assert any(isinstance(c.value, int) and c.value == 7 for c in sheet_cells)

    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_the_command_writes_the_same_neutralised_file(self, db, tmp_path, file_format):
        quarter = _quarter_with_hostile_neighborhoods()
        path = tmp_path / f"report.{file_format}"
        call_command(
            "export_report",
            year=quarter.year,
            quarter=quarter.number,
            format=file_format,
            output=str(path),
            stdout=io.StringIO(),
        )
        if file_format == "csv":
            cells = _csv_cells(path.read_bytes())
            _assert_csv_neutral(cells)
            assert "'@SUM(A1)" in cells
        else:
            cells = _xlsx_cells(path.read_bytes())
            _assert_no_formula(cells)
            assert "'@SUM(A1)" in [c.value for c in cells]


def test_the_violence_trend_keeps_its_contract_header_and_numbers(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("reports:violence_trend_csv"), {"years": "3"})
    body = response.content
    assert not body.startswith(b"\xef\xbb\xbf")
    lines = body.decode().splitlines()
    assert lines[0] == "year,homicides,nonfatal_shooting_victims,homicides_ytd,nonfatal_shooting_victims_ytd"
    assert len(lines) == 4 and all(cell.isdigit() for line in lines[1:] for cell in line.split(","))
