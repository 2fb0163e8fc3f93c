"""A manager prepares, checks and publishes the public copy of a quarter on a phone, watching the job's
progress; an analyst reads it and downloads it."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from publishing import tasks
from publishing.models import CopyStatus, PublishedCopy
from sample_data.demo.incidents import seed_incidents
from sample_data.demo.outreach import seed_neighborhoods
from tests.browser.conftest import PHONE

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo(settings):
    """The demo's incidents; jobs queued, not run (no worker beside live_server): the test runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    seed_neighborhoods()
    seed_incidents()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_a_manager_prepares_watches_and_publishes_the_q3_2018_copy(sign_in, live_server, manager, demo, viewport):
    page = sign_in(manager)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/reports/quarterly/2018/3/")
    with page.expect_navigation():
        page.get_by_role("link", name="Public copies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public copies, Q3 2018")
    expect(page.get_by_text("No public copy of Q3 2018 has been published yet.")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Prepare a public copy of Q3 2018").click()
    expect(page.locator("#copy-progress")).to_contain_text("Waiting for the background worker")
    copy = PublishedCopy.objects.get()
    tasks.prepare_copy.call(copy.pk)  # the worker's turn: the page notices and reloads by itself
    expect(page.get_by_role("button", name="Publish version 1")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("heading", name="The check (managers only)")).to_be_visible()
    expect(page.locator("#audit-heading + p")).to_contain_text("every small count is protected")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    # Publishing is deliberate: without the box ticked it is refused, said on the form.
    with page.expect_navigation():
        page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator("#error-summary")).to_contain_text("Tick the box to confirm")
    page.get_by_label(re.compile("I have read this copy and its check")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish version 1").click()
    expect(page).to_have_url(re.compile(r"/reports/quarterly/2018/3/public/v1/$"))
    expect(page.get_by_text("Published as version 1 of Q3 2018.")).to_be_visible()
    expect(page.locator(".published-line")).to_contain_text("Public copy, version 1, published")
    expect(page.locator(".report-table").first).to_contain_text("Homicides")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    assert PublishedCopy.objects.get().status == CopyStatus.PUBLISHED


def test_an_analyst_reads_a_published_copy_and_downloads_it(sign_in, live_server, manager, analyst, demo, tmp_path):
    from tests.factories import publish_copy

    publish_copy(2018, 3, by=manager)
    page = sign_in(analyst)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reports/quarterly/2018/3/public/")
    expect(page.get_by_role("button", name=re.compile("Prepare"))).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_role("heading", name="The check (managers only)")).to_have_count(0)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Excel").click()
    path = tmp_path / "copy.xlsx"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename == "peacekeeper-2018-q3-public-v1.xlsx"
    book = openpyxl.load_workbook(path)
    assert "Suppressed" in book.sheetnames


def test_a_manager_downloads_the_spanish_public_copy_with_the_same_numbers(
    sign_in, live_server, manager, demo, tmp_path
):
    """Issue #18: for a community meeting in Spanish, the same copy's XLSX in Spanish, figure for figure."""
    from tests.factories import publish_copy

    publish_copy(2018, 3, by=manager)
    page = sign_in(manager)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reports/quarterly/2018/3/public/v1/")

    def download(link: str, name: str) -> openpyxl.Workbook:
        with page.expect_download() as download_info:
            page.get_by_role("link", name=link).click()
        download_info.value.save_as(tmp_path / name)
        return openpyxl.load_workbook(tmp_path / name)

    english = download("Download Excel", "en.xlsx")
    with page.expect_navigation():
        page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    spanish = download("Descargar Excel", "es.xlsx")
    assert spanish.sheetnames[0] == "Informe" and "Suprimidas" in spanish.sheetnames
    assert len(spanish.sheetnames) == len(english.sheetnames)

    def numbers(book):
        return [
            [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, int | float)]
            for sheet in book
        ]

    assert numbers(spanish) == numbers(english) and any(numbers(english))
    headers = [c.value for c in spanish["Violencia"][1] if c.value] if "Violencia" in spanish.sheetnames else []
    assert headers and not any(h in ("Measure", "Quarter") for h in headers), headers
