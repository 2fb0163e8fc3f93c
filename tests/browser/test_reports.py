import re
import tempfile
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from sample_data.demo.incidents import seed_incidents
from sample_data.demo.outreach import seed_neighborhoods
from tests.browser.conftest import PHONE

DESKTOP = {"width": 1280, "height": 900}

# Outside the repository, for a human to look at.
PRINTED = Path(tempfile.gettempdir()) / "peacekeeper-report-q3-2018.pdf"


def test_a_manager_reads_the_demo_2018_q3_report_and_downloads_it(sign_in, live_server, manager, tmp_path):
    seed_neighborhoods()
    seed_incidents()
    page = sign_in(manager)
    page.goto(f"{live_server.url}/reports/quarterly/2018/3/")
    expect(page).to_have_url(re.compile(r"/reports/quarterly/2018/3/$"))
    expect(page.locator(".report-headline")).to_have_text(
        "31 homicides from 1 January to 30 September 2018, the fewest in the same months of any of the previous "
        "4 years."
    )
    summary = page.get_by_role("table", name="This quarter and year to date")
    expect(summary.get_by_role("row", name=re.compile("^Homicides"))).to_contain_text("31")
    # The chart is drawn: Chart.js attached itself to the canvas.
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('report-trend'))")
    drawn = page.evaluate("() => Chart.getChart(document.getElementById('report-trend')).data.datasets[0].data.length")
    assert drawn >= 6
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Excel").click()
    path = tmp_path / "report.xlsx"
    download_info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert "Violence" in book.sheetnames
    page.emulate_media(media="print")
    page.pdf(path=str(PRINTED), format="Letter", print_background=True)
    page.screenshot(path=str(PRINTED.with_suffix(".png")), full_page=True)
    assert PRINTED.stat().st_size > 10_000


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_a_manager_picks_2018_q3_then_steps_to_the_next_and_previous_quarter(sign_in, live_server, manager, viewport):
    seed_neighborhoods()
    seed_incidents()
    page = sign_in(manager)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/reports/")
    page.screenshot(path=str(PRINTED.with_name(f"peacekeeper-reports-picker-{viewport['width']}.png")), full_page=True)
    picker = page.get_by_role("form", name="Open the report of a quarter")
    picker.get_by_label("Year").select_option("2018")
    picker.get_by_label("Quarter").select_option("3")
    with page.expect_navigation():
        picker.get_by_role("button", name="Go").click()
    expect(page).to_have_url(re.compile(r"/reports/quarterly/2018/3/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Violence and outcome report, Q3 2018")
    summary = page.get_by_role("table", name="This quarter and year to date")
    expect(summary.get_by_role("columnheader", name="Year to date (1 January to 30 September 2018)")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    steps = page.get_by_role("navigation", name="Other quarters")
    with page.expect_navigation():
        steps.get_by_role("link", name="Next: Q4 2018 →").click()
    expect(page).to_have_url(re.compile(r"/reports/quarterly/2018/4/$"))
    page.screenshot(path=str(PRINTED.with_name(f"peacekeeper-report-q4-2018-{viewport['width']}.png")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Violence and outcome report, Q4 2018")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Other quarters").get_by_role("link", name="← Previous: Q3 2018").click()
    expect(page).to_have_url(re.compile(r"/reports/quarterly/2018/3/$"))
    # A quarter before the first incident is refused with a message, not an error page.
    page.goto(f"{live_server.url}/reports/?year=2011&quarter=4")
    # Said in the page's error summary (focused, for screen readers) and beside the field.
    expect(page.locator("#error-summary")).to_contain_text("Reports exist for the years 2012 to")


def test_the_admins_report_page_does_not_scroll_sideways_on_a_phone(sign_in, live_server, admin_user):
    """The Spanish walk: the admin's quarterly report scrolled sideways at 390 px (629 px wide): without Bootstrap
    in the admin, its tables' scroll boxes did not scroll."""
    seed_neighborhoods()
    seed_incidents()
    page = sign_in(admin_user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/reports/quarterly/2018/3/")
    expect(page.get_by_role("table", name="This quarter and year to date")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
