"""After a shooting, through the real UI: an analyst logs it; the peacekeeper of the wounded client sees the
hospital visit on a phone and records it; the manager sets the rest aside and closes the case."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from incidents import response_cases, services
from incidents.models import CaseStatus, Incident, ResponseCase, ResponseTask, TaskStatus
from tests.browser.conftest import PHONE
from tests.browser.test_layout import signed_in_page
from tests.factories import ClientFactory, NeighborhoodFactory


def test_a_shooting_from_its_logging_to_the_closing_review(new_context, live_server, analyst, manager, peacekeeper):
    response_cases.default_standard()
    NeighborhoodFactory(name="Seaport")
    when = (timezone.localtime() - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)

    page = signed_in_page(new_context, live_server.url, analyst)
    page.goto(f"{live_server.url}/incidents/new/")
    page.get_by_label("Case number").fill("PD-26-0999")
    page.get_by_label("Kind").select_option(label="Non-fatal shooting")
    page.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Killed").fill("0")
    page.get_by_label("Injured").fill("1")
    page.get_by_label("Weapon").select_option(label="Firearm")
    page.get_by_role("button", name="Log incident").click()
    expect(page.get_by_role("status")).to_contain_text("Incident PD-26-0999 logged.")
    incident = Incident.objects.get()
    assert ResponseCase.objects.filter(incident=incident).exists()
    # The wounded young man is on Grover's caseload (recorded from the incident page by staff who may).
    jamal = ClientFactory(primary_peacekeeper=peacekeeper, first_name="Jamal", last_name="Reed")
    services.involvement_create(
        incident=incident, by=manager, data={"client": jamal, "role": "victim", "outcome": "wounded"}
    )
    page.context.close()

    phone = signed_in_page(new_context, live_server.url, peacekeeper)
    phone.set_viewport_size(PHONE)
    phone.goto(f"{live_server.url}/")
    due = phone.get_by_role("region", name=re.compile("Response tasks due"))
    expect(due).to_contain_text("Hospital bedside visit: Jamal Reed")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    with phone.expect_navigation():
        due.get_by_role("link", name="Hospital bedside visit: Jamal Reed").click()
    phone.get_by_label("Notes").fill("Sat with Jamal and his mother; he wants no one to ride for him.")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Save: done").click()
    expect(phone.get_by_role("status")).to_contain_text("Hospital bedside visit: done.")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    case = incident.response_case
    assert case.tasks.get(kind="hospital").status == TaskStatus.DONE
    phone.context.close()

    desk = signed_in_page(new_context, live_server.url, manager)
    desk.goto(f"{live_server.url}/")
    cases = desk.get_by_role("region", name=re.compile("Open response cases"))
    with desk.expect_navigation():
        cases.get_by_role("link", name="PD-26-0999").click()
    # The scene visit goes to the peacekeeper, from a phone: a task's own page assigns it.
    desk.set_viewport_size(PHONE)
    scene = case.tasks.get(kind="scene")
    assign = f"/response-tasks/{scene.pk}/#assign"
    card = desk.locator("li.card").filter(has=desk.locator(f"a[href='{assign}']"))
    card.get_by_text("Assign or set aside").click()
    with desk.expect_navigation():
        card.get_by_role("link", name="Assign", exact=True).click()
    desk.get_by_label("Assign to").select_option(value=str(peacekeeper.pk))
    assert desk.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    with desk.expect_navigation():
        desk.get_by_role("button", name="Assign", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text(": assigned to")
    assert ResponseTask.objects.get(pk=scene.pk).assigned_to == peacekeeper
    for task in case.tasks.filter(status=TaskStatus.OPEN):
        response_cases.response_task_set_aside(task=task, note="Family moved out of state.", by=manager)
    desk.reload()
    desk.get_by_label("Retaliation").select_option(label="No retaliation known")
    desk.get_by_label("Closing review").fill("Hospital visit the same night; the family left the city a week later.")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Close with this review").click()
    expect(desk.get_by_role("status")).to_contain_text("The response to PD-26-0999 is closed.")
    assert ResponseCase.objects.get(pk=case.pk).status == CaseStatus.CLOSED
