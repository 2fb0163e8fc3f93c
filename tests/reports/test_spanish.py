"""The quarterly report, its sentence, its files and the report pages in Spanish (issue #18): the page follows
the reader's language or ?lang=, every figure is the same in both languages."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import Preferences
from reports import display, headlines, quarterly
from tests.login import sign_in_in_spanish
from tests.reports import test_quarterly

story = test_quarterly.story  # the fixture: the seed story's homicides, 2014-2018
SEPT_30 = datetime.date(2018, 9, 30)
DEC_31 = datetime.date(2018, 12, 31)


def sentence(ytd: dict, first: int, through=SEPT_30) -> tuple[str, str]:
    """The sentence in English and in Spanish."""
    parts = quarterly.sentence("homicide", through.year, through, ytd, first)
    with translation.override("es"):
        spanish = parts.text()
    with translation.override("en"):
        english = parts.text()
    assert quarterly.headline("homicide", through.year, through, ytd, first) == english
    return english, spanish


class TestTheSentence:
    def test_the_lowest(self):
        english, spanish = sentence({2013: 20, 2014: 37, 2015: 37, 2016: 37, 2017: 41, 2018: 31}, 2013)
        assert english == (
            "31 homicides from 1 January to 30 September 2018, the fewest in the same months of any of the previous "
            "4 years."
        )
        assert spanish == (
            "31 homicidios del 1 de enero al 30 de septiembre de 2018, la cifra más baja en los mismos meses de los 4 "
            "años anteriores."
        )

    def test_the_lowest_on_record_over_a_whole_year(self):
        english, spanish = sentence({2016: 40, 2017: 35, 2018: 31}, 2016, DEC_31)
        assert english == "31 homicides in 2018, the fewest in a whole year of any year on record (since 2016)."
        assert spanish == "31 homicidios en 2018, la cifra anual más baja de todos los años registrados (desde 2016)."

    def test_the_highest(self):
        english, spanish = sentence({2015: 10, 2016: 12, 2017: 20, 2018: 31}, 2015)
        assert english.endswith("the most in the same months of any year on record (since 2015).")
        assert spanish.endswith("la cifra más alta en los mismos meses de todos los años registrados (desde 2015).")

    def test_a_tie(self):
        english, spanish = sentence({2016: 40, 2017: 31, 2018: 31}, 2016)
        assert english.endswith("the same as in the same months of 2017.")
        assert spanish.endswith(", igual que en los mismos meses de 2017.")
        _, whole_year = sentence({2016: 40, 2017: 31, 2018: 31}, 2016, DEC_31)
        assert whole_year == "31 homicidios en 2018, igual que en todo 2017."

    def test_down_and_up_from_last_year(self):
        assert sentence({2016: 20, 2017: 32, 2018: 31}, 2016)[1].endswith(
            ", una baja frente a 32 en los mismos meses de 2017."
        )
        assert sentence({2016: 40, 2017: 30, 2018: 31}, 2016)[1].endswith(
            ", un alza frente a 30 en los mismos meses de 2017."
        )

    def test_no_history(self):
        english, spanish = sentence({2018: 1}, 2018)
        assert english == (
            "1 homicide from 1 January to 30 September 2018; there are no earlier years on record to compare with."
        )
        assert spanish == (
            "1 homicidio del 1 de enero al 30 de septiembre de 2018; no hay años anteriores registrados con los que "
            "comparar."
        )

    def test_one_homicide_and_two(self):
        assert sentence({2018: 1}, 2018, DEC_31)[1].startswith("1 homicidio en 2018;")
        assert sentence({2018: 2}, 2018, DEC_31)[1].startswith("2 homicidios en 2018;")
        assert sentence({2018: 0}, 2018, DEC_31)[1].startswith("0 homicidios en 2018;")
        assert sentence({2018: 1}, 2018, DEC_31)[0].startswith("1 homicide in 2018;")

    @pytest.mark.parametrize(
        ("ytd", "first", "through"),
        [
            ({2013: 20, 2014: 37, 2015: 37, 2016: 37, 2017: 41, 2018: 31}, 2013, SEPT_30),
            ({2015: 10, 2016: 12, 2017: 20, 2018: 31}, 2015, DEC_31),
            ({2016: 40, 2017: 31, 2018: 31}, 2016, SEPT_30),
            ({2016: 40, 2017: 30, 2018: 1}, 2016, datetime.date(2018, 1, 1)),
            ({2018: 1}, 2018, SEPT_30),
        ],
    )
    def test_a_stored_english_sentence_is_said_again_in_spanish(self, ytd, first, through):
        """A public copy keeps the English sentence: its Spanish page reads the parts back from it."""
        english, spanish = sentence(ytd, first, through)
        with translation.override("en"):
            assert headlines.translate(english) == english  # English pages: as stored
        with translation.override("es"):
            assert headlines.translate(english) == spanish


def test_dates_are_spanish():
    with translation.override("es"):
        assert display.day_text(datetime.date(2026, 12, 1)) == "1 de diciembre de 2026"
        assert display.text("1 July to 30 September 2018") == "1 de julio al 30 de septiembre de 2018"
        assert display.text("31 December 2018 to 2 January 2019") == "31 de diciembre de 2018 al 2 de enero de 2019"
        assert display.text("Clients active on 1 December 2026") == "Participantes activos el 1 de diciembre de 2026"
        assert (
            display.text("Q3 2018 (1 July to 30 September 2018)") == "T3 2018 (1 de julio al 30 de septiembre de 2018)"
        )
        assert display.text("Lincoln Village") == "Lincoln Village"  # a name stays as it is
    with translation.override("en"):
        assert display.text("1 July to 30 September 2018") == "1 July to 30 September 2018"


@pytest.fixture
def spanish_analyst(client, analyst):
    sign_in_in_spanish(client, analyst)
    return analyst


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


REPORT = reverse("reports:quarterly", args=[2018, 3])


class TestTheReportPage:
    def test_it_follows_a_spanish_preference(self, client, spanish_analyst, story):
        html = page(client.get(REPORT))
        assert '<html lang="es">' in html
        assert "Informe de violencia y resultados, T3 2018" in html
        assert "1 de julio al 30 de septiembre de 2018. Oficina de Prevención de la Violencia." in html
        assert "31 homicidios del 1 de enero al 30 de septiembre de 2018, la cifra más baja" in html
        for heading in ("La tendencia de la violencia", "Cómo contamos", "Este trimestre y lo que va del año"):
            assert heading in html
        assert "Participantes activos el 30 de septiembre de 2018" in html
        assert "Definitivo para el trimestre." in html
        for english in (
            "Violence and outcome report",
            "How we count",
            "Year to date",
            "This quarter and year to date",
            "1 July",
            "September",
            "homicides from",
            "Clients active",
            "Final for the quarter",
        ):
            assert english not in html, english

    def test_lang_chooses_the_language_whatever_the_preference(self, client, spanish_analyst, story):
        html = page(client.get(REPORT, {"lang": "en"}))
        assert '<html lang="en">' in html
        assert "Violence and outcome report, Q3 2018" in html and "How we count" in html
        assert "31 homicides from 1 January to 30 September 2018" in html
        assert "Informe de violencia" not in html
        # its links keep the language asked for
        assert f'href="{reverse("reports:quarterly_xlsx", args=[2018, 3])}?lang=en"' in html

    def test_it_offers_the_other_language_for_the_same_quarter(self, client, analyst, story):
        client.force_login(analyst)
        html = page(client.get(REPORT))
        assert 'hreflang="es" href="?lang=es">Español</a>' in html
        html = page(client.get(REPORT, {"lang": "es"}))
        assert "Informe de violencia y resultados, T3 2018" in html
        assert 'hreflang="en" href="?lang=en">English</a>' in html

    @pytest.mark.parametrize("name", ["reports:quarterly", "reports:quarterly_csv", "reports:quarterly_xlsx"])
    def test_an_unknown_language_is_a_400_with_a_plain_message(self, client, analyst, story, name):
        client.force_login(analyst)
        response = client.get(reverse(name, args=[2018, 3]), {"lang": "fr"})
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == "Unknown language fr: ask for lang=en (English) or lang=es (Spanish)."


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _numbers(rows: list[tuple]) -> list:
    return [[v for v in row if isinstance(v, int | float)] for row in rows]


class TestTheFiles:
    def test_the_xlsx_in_spanish_has_the_same_numbers(self, client, analyst, story):
        client.force_login(analyst)
        url = reverse("reports:quarterly_xlsx", args=[2018, 3])
        english = _sheets(client.get(url, {"lang": "en"}).content)
        spanish = _sheets(client.get(url, {"lang": "es"}).content)
        assert list(english) == ["Report", "Violence", "Program", "Outcomes", "Definitions"]
        assert list(spanish) == ["Informe", "Violencia", "Programa", "Resultados", "Definiciones"]
        for en_rows, es_rows in zip(english.values(), spanish.values(), strict=True):
            assert len(en_rows) == len(es_rows)
            assert _numbers(en_rows) == _numbers(es_rows)
        assert spanish["Definiciones"][0] == ("Tabla", "Cómo se cuenta")
        assert (
            spanish["Informe"][0][0]
            == "Informe de violencia y resultados, T3 2018 (1 de julio al 30 de septiembre de 2018)"
        )
        violence = spanish["Violencia"]
        assert (
            None,
            "T3 2018 (1 de julio al 30 de septiembre de 2018)",
            "En lo que va del año (1 de enero al 30 de septiembre de 2018)",
        ) == violence[4][:3]
        assert violence[5][:3] == ("Homicidios", 0, 31)
        assert any(row[0] == "Todos los barrios" for row in violence)

    def test_the_xlsx_follows_a_spanish_preference(self, client, spanish_analyst, story):
        sheets = _sheets(client.get(reverse("reports:quarterly_xlsx", args=[2018, 3])).content)
        assert list(sheets) == ["Informe", "Violencia", "Programa", "Resultados", "Definiciones"]

    def test_the_csv_in_spanish_keeps_its_header_codes_and_values(self, client, analyst, story):
        client.force_login(analyst)
        url = reverse("reports:quarterly_csv", args=[2018, 3])
        english = list(csv.reader(io.StringIO(client.get(url, {"lang": "en"}).content.decode())))
        spanish = list(csv.reader(io.StringIO(client.get(url, {"lang": "es"}).content.decode())))
        assert (
            spanish[0]
            == english[0]
            == [
                "section",
                "table",
                "measure",
                "place",
                "period_start",
                "period_end",
                "window",
                "value",
                "suppressed",
            ]
        )
        assert len(spanish) == len(english)
        for en, es in zip(english[1:], spanish[1:], strict=True):
            assert es[4:] == en[4:]  # days, window, value, reason: the same
            assert es[3] == en[3] if en[3] == "all" else True
        assert spanish[1][:4] == ["Violencia", "Este trimestre y lo que va del año", "Homicidios", "all"]
        assert english[1][:4] == ["Violence", "This quarter and year to date", "Homicides", "all"]

    def test_the_violence_trend_csv_header_is_the_same_in_spanish(self, client, spanish_analyst, story):
        response = client.get(reverse("reports:violence_trend_csv"), {"years": 2, "through": "2018-09-30"})
        lines = response.content.decode().splitlines()
        assert lines[0] == "year,homicides,nonfatal_shooting_victims,homicides_ytd,nonfatal_shooting_victims_ytd"
        assert lines[2] == "2018,31,3,31,3"


class TestTheReportPages:
    def test_the_index_in_spanish(self, client, spanish_analyst, story):
        html = page(client.get(reverse("reports:index")))
        assert '<h1 class="h3 mb-3">Informes</h1>' in html
        assert "Informe trimestral de violencia y resultados" in html and "Trimestres recientes" in html
        assert "Tendencia de la violencia, últimos 10 años (CSV)" in html
        assert "Recent quarters" not in html and "Violence trend" not in html

    def test_the_quarter_picker_says_its_errors_in_spanish(self, client, spanish_analyst, story, settings):
        html = page(client.get(reverse("reports:index"), {"year": "2013", "quarter": "9"}))
        assert "Elija un trimestre, del 1 al 4." in html
        assert "Pick a quarter" not in html

    def test_the_analyst_dashboard_in_spanish(self, client, spanish_analyst, story):
        html = page(client.get("/"))
        assert "Violencia y resultados" in html and "La violencia este año" in html
        assert "Conflictos y grupos" in html and "Todos los informes" in html
        assert "Violence this year" not in html and "All reports" not in html


class TestTheCommand:
    def test_export_report_writes_spanish_when_asked_and_says_so(self, story, tmp_path):
        out = io.StringIO()
        path = tmp_path / "informe.xlsx"
        args = ["--year", "2018", "--quarter", "3", "--format", "xlsx", "--output", str(path)]
        call_command("export_report", *args, "--language", "es", stdout=out)
        spanish = _sheets(path.read_bytes())
        assert list(spanish) == ["Informe", "Violencia", "Programa", "Resultados", "Definiciones"]
        assert out.getvalue().startswith("Se escribió el T3 2018 (definitivo, al ")
        call_command("export_report", *args, stdout=io.StringIO())
        english = _sheets(path.read_bytes())
        assert list(english) == ["Report", "Violence", "Program", "Outcomes", "Definitions"]
        assert [_numbers(rows) for rows in english.values()] == [_numbers(rows) for rows in spanish.values()]

    def test_its_errors_are_spanish_too(self, story, tmp_path):
        with pytest.raises(CommandError, match="^La carpeta .* no existe.$"):
            call_command(
                "export_report",
                *["--year", "2018", "--quarter", "3", "--format", "csv", "--output", str(tmp_path / "no" / "r.csv")],
                "--language",
                "es",
            )


@pytest.mark.parametrize("role", ["peacekeeper", "manager"])
def test_the_dashboards_say_how_a_caseload_is_counted_in_spanish(client, peacekeeper, manager, role):
    user = peacekeeper if role == "peacekeeper" else manager
    Preferences.objects.create(user=user, language="es")
    client.force_login(user)
    text = page(client.get("/"))
    who = "de los que usted es" if role == "peacekeeper" else "de los que cada pacificador"
    assert f"Cuenta los participantes activos {who}" in text
    assert "Counts the active clients" not in text


def test_the_admins_report_pages_are_in_spanish(client, admin_user, story):
    """The walk in Spanish: the admin's reports index and quarterly page were English throughout ("Home › Reports",
    "Open the report of a quarter", "Download Excel", "← Previous: Q2 2018")."""
    sign_in_in_spanish(client, admin_user)
    index = page(client.get(reverse("admin:reports_index")))
    assert "Inicio</a> › Informes" in index and "Abrir el informe de un trimestre" in index
    assert "Open the report" not in index and "Recent quarters" not in index and ">Home<" not in index
    report = page(client.get(reverse("admin:reports_quarterly", args=[2018, 3])))
    assert "Descargar Excel" in report and "Página para imprimir" in report and "T2 2018" in report
    assert "Download Excel" not in report and "Previous:" not in report and "Another quarter" not in report
