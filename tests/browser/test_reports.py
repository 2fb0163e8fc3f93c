import re
import tempfile
from pathlib import Path

import openpyxl
from playwright.sync_api import expect

from sample_data.demo.incidents import seed_incidents
from sample_data.demo.outreach import seed_neighborhoods

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
