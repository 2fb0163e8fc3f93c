"""Public copies in Spanish (issue #18): the released record stays exactly as it was published, in English; its
page and files are translated when shown, with the same figures."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from publishing.models import CopyStatus, PublishedCopy
from tests.factories import publish_copy
from tests.login import sign_in_in_spanish
from tests.publishing import test_published_copies

story = test_published_copies.story  # the fixture: two neighborhoods' homicides and shootings, 2017-2018
_prepare = test_published_copies._prepare


@pytest.fixture
def spanish_manager(client, manager):
    sign_in_in_spanish(client, manager)
    return manager


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_published_copy_reads_in_spanish_and_stays_as_released(client, spanish_manager, story):
    copy = publish_copy(2018, 3, by=spanish_manager)
    stored = PublishedCopy.objects.get(pk=copy.pk).content
    html = page(client.get(reverse("publishing:copy", args=[2018, 3, 1])))
    assert "Informe de violencia y resultados, T3 2018" in html
    assert "Copia pública, versión 1, publicada el" in html
    assert "Menos de 5 personas o incidentes." in html  # a hidden cell's reason
    assert "&lt;5" in html and "Celdas ocultas en esta copia pública" in html
    assert "La comprobación (solo gerentes)" in html
    for english in ("Public copy, version 1", "Violence and outcome report", "fewer than 5", "How we count"):
        assert english not in html, english
    assert PublishedCopy.objects.get(pk=copy.pk).content == stored
    titles = [t["title"] for s in stored["sections"] for t in s["tables"]]
    assert "This quarter and year to date" in titles  # the record keeps its English
    assert stored["sections"][0]["tables"][0]["rows"][0][0] == "Homicides"


def test_lang_chooses_the_copys_language(client, spanish_manager, story):
    publish_copy(2018, 3, by=spanish_manager)
    html = page(client.get(reverse("publishing:copy", args=[2018, 3, 1]), {"lang": "en"}))
    assert "Violence and outcome report, Q3 2018" in html and "Public copy, version 1, published" in html
    assert 'hreflang="es" href="?lang=es">Español</a>' in html
    response = client.get(reverse("publishing:copy", args=[2018, 3, 1]), {"lang": "xx"})
    assert response.status_code == 400 and response["Content-Type"] == "text/plain; charset=utf-8"


def test_the_copys_files_in_spanish_have_the_same_figures(client, manager, story):
    publish_copy(2018, 3, by=manager)
    client.force_login(manager)
    csv_url = reverse("publishing:copy_csv", args=[2018, 3, 1])
    english = list(csv.reader(io.StringIO(client.get(csv_url).content.decode())))
    spanish = list(csv.reader(io.StringIO(client.get(csv_url, {"lang": "es"}).content.decode())))
    assert spanish[0] == english[0]
    assert [row[4:] for row in spanish] == [row[4:] for row in english]  # values and reasons' keys the same
    assert spanish[1][0] == "Violencia" and english[1][0] == "Violence"
    assert client.get(csv_url, {"lang": "de"}).status_code == 400

    xlsx_url = reverse("publishing:copy_xlsx", args=[2018, 3, 1])
    en_book = openpyxl.load_workbook(io.BytesIO(client.get(xlsx_url).content))
    es_book = openpyxl.load_workbook(io.BytesIO(client.get(xlsx_url, {"lang": "es"}).content))
    assert es_book.sheetnames == ["Informe", "Violencia", "Programa", "Resultados", "Definiciones", "Suprimidas"]
    assert en_book.sheetnames == ["Report", "Violence", "Program", "Outcomes", "Definitions", "Suppressed"]
    assert next(es_book["Suprimidas"].iter_rows(values_only=True)) == ("Tabla", "Fila", "Columna", "Por qué")
    for en_sheet, es_sheet in zip(en_book.worksheets, es_book.worksheets, strict=True):
        en_cells = [c for row in en_sheet.iter_rows(values_only=True) for c in row if isinstance(c, int | float)]
        es_cells = [c for row in es_sheet.iter_rows(values_only=True) for c in row if isinstance(c, int | float)]
        assert en_cells == es_cells
    cover = [row[0] for row in es_book["Informe"].iter_rows(values_only=True)]
    assert any(line and line.startswith("Copia pública: los conteos de 1 a 4") for line in cover)
    assert any(line and line.startswith("Copia pública, versión 1, publicada el") for line in cover)


def test_publishing_speaks_spanish(client, spanish_manager, story):
    _prepare(client, 2018, 3)
    copy = PublishedCopy.objects.get()
    html = page(client.get(reverse("publishing:draft", args=[copy.pk])))
    assert "Publicar la versión 1" in html and "Copia pública del T3 2018: lista para publicar" in html
    response = client.post(reverse("publishing:publish", args=[copy.pk]), {})
    assert response.status_code == 400
    assert "Marque la casilla para confirmar: una copia publicada nunca se puede cambiar." in response.content.decode()
    response = client.post(reverse("publishing:publish", args=[copy.pk]), {"confirm": "on"}, follow=True)
    html = page(response)
    assert "Publicada como versión 1 de T3 2018." in html
    listing = page(client.get(reverse("publishing:copies", args=[2018, 3])))
    assert "Copias públicas, T3 2018" in listing and "Versión 1" in listing and "la más reciente" in listing
    assert "Published" not in listing.split("<main", 1)[-1]
    assert PublishedCopy.objects.get().status == CopyStatus.PUBLISHED == "published"  # the stored value stays


def test_the_preparation_jobs_words_are_shown_in_spanish(client, spanish_manager):
    """The worker keeps its progress and its failure in English on the row; the page says them in Spanish."""
    copy = PublishedCopy.objects.create(
        year=2018,
        quarter=3,
        prepared_by=spanish_manager,
        status=CopyStatus.PREPARING,
        progress_text=(
            "Step 2 of 2: checking each hidden cell, this copy's and those of the published copies tied to it, "
            "against everything published. Checked 1,200 of 3,400 hidden cells; about 12 s left."
        ),
    )
    status = client.get(reverse("publishing:draft_status", args=[copy.pk])).json()
    assert status["text"] == (
        "Paso 2 de 2: comprobando cada celda oculta, las de esta copia y las de las copias publicadas relacionadas "
        "con ella, con todo lo publicado. Comprobadas 1,200 de 3,400 celdas ocultas; quedan unos 12 s."
    )
    assert status["label"] == "Preparando la copia"
    PublishedCopy.objects.filter(pk=copy.pk).update(
        status=CopyStatus.FAILED,
        failure="The background job stopped with an error (ZeroDivisionError). Nothing was published.",
    )
    html = page(client.get(reverse("publishing:draft", args=[copy.pk])))
    assert "La tarea en segundo plano se detuvo con un error (ZeroDivisionError). No se publicó nada." in html
    assert "No se preparó." in html and "Nothing was published" not in html
