"""The case-ending workflows walked in a real browser at phone width (390 px): a client killed in a
shooting leaves the worklists and shows as deceased; a manager exits and re-enrols a client; a
manager transfers a case and the page says what goes with it."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import local_today
from tests.browser import a11y
from tests.browser.conftest import PHONE
from tests.factories import ClientFactory, ContactFactory, GoalFactory, IncidentFactory, ReferralFactory

NOW = timezone.now()


def test_a_client_killed_in_a_shooting_leaves_the_worklists_and_shows_as_deceased(
    page, new_context, sign_in, live_server, peacekeeper, manager, jamal
):
    # Overdue and with a follow-up due: on both of Grover's worklists before the shooting.
    ContactFactory(client=jamal, occurred_at=NOW - datetime.timedelta(days=20), follow_up_on=local_today())
    homicide = IncidentFactory(
        occurred_at=NOW - datetime.timedelta(days=1), kind="homicide", killed=1, weapon="firearm"
    )
    page.set_viewport_size(PHONE)
    sign_in(peacekeeper)
    overdue = page.get_by_role("region", name="Past contact standard (1)")
    expect(overdue.get_by_role("link", name="Jamal Johnson", exact=True)).to_be_visible()

    page.goto(f"{live_server.url}{homicide.get_absolute_url()}")
    page.get_by_text("Link a client").click()
    page.get_by_label("Client*").select_option(label=f"Jamal Johnson ({jamal.code})")
    page.get_by_label("Role*").select_option(label="Victim")
    page.get_by_label("Killed, wounded or unharmed?").select_option(label="Killed")
    page.get_by_role("button", name="Link client").click()
    expect(page.get_by_role("status")).to_contain_text("Client linked to the incident.")
    people = page.get_by_role("region", name="Program clients involved")
    expect(people.get_by_role("listitem")).to_have_text([f"Jamal Johnson ({jamal.code}): Victim, killed"])

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("region", name="Past contact standard (0)")).to_be_visible()
    expect(page.get_by_role("region", name="Follow-ups due (0)")).to_be_visible()
    notices = page.get_by_role("region", name="Clients recorded as killed: recorded in the last 30 days")
    expect(notices).to_contain_text(
        f"Jamal Johnson ({jamal.code}) was recorded as killed in incident {homicide.case_number}"
    )
    expect(notices).to_contain_text("exited as deceased")
    # Its links on the notice's grey (Lighthouse on the demo: Bootstrap's link blue is 3.5:1 there).
    assert a11y.violations_here(page, new_context) == []
    page.reload()  # the notice stays
    expect(notices).to_be_visible()

    page.goto(f"{live_server.url}/clients/")
    expect(page.get_by_role("link", name="Jamal Johnson", exact=True)).to_have_count(0)
    page.goto(f"{live_server.url}{jamal.get_absolute_url()}")
    banner = page.get_by_role("region", name="Deceased: exited from the program")
    expect(banner).to_contain_text("Deceased")
    expect(page.get_by_role("link", name="Log contact", exact=True)).to_have_count(0)
    expect(page.get_by_text("next due")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert a11y.violations_here(page, new_context) == []

    page.context.clear_cookies()  # signed out (the menu is folded at this width)
    sign_in(manager)
    expect(page.get_by_role("region", name="Clients recorded as killed: recorded in the last 30 days")).to_contain_text(
        jamal.code
    )


def test_a_manager_exits_and_re_enrols_a_client(page, sign_in, live_server, manager, jamal):
    first_enrolled = jamal.enrolled_on
    page.set_viewport_size(PHONE)
    sign_in(manager)
    page.goto(f"{live_server.url}{jamal.get_absolute_url()}")
    page.get_by_role("link", name="Exit from the program").click()
    expect(page.get_by_role("heading", name="Exit from the program", level=1)).to_be_visible()
    page.get_by_label("Exit date").fill((local_today() - datetime.timedelta(days=10)).isoformat())
    page.get_by_label("Reason").select_option(label="Incarcerated")
    page.get_by_label("Closing note").fill("Sentenced to 6 months; write to him at the county jail.")
    page.get_by_role("button", name="Exit from the program").click()
    expect(page.get_by_role("status")).to_contain_text(f"{jamal.code} exited from the program.")
    banner = page.get_by_role("region", name="Exited from the program")
    expect(banner).to_contain_text("Incarcerated")
    expect(banner).to_contain_text("write to him at the county jail")
    expect(page.get_by_role("link", name="Log contact", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Log a late contact")).to_be_visible()

    page.goto(f"{live_server.url}/clients/")
    expect(page.get_by_role("link", name="Jamal Johnson", exact=True)).to_have_count(0)
    page.get_by_text("Filter clients").click()
    page.get_by_label("Status").select_option(label="Exited")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Jamal Johnson", exact=True).click()

    page.get_by_role("link", name="Re-enrol").click()
    page.get_by_label("Enrolled again on").fill(local_today().isoformat())
    page.get_by_role("button", name="Re-enrol").click()
    expect(page.get_by_role("status")).to_contain_text("re-enrolled")
    expect(page.get_by_role("region", name="Exited from the program")).to_have_count(0)
    periods = page.get_by_role("region", name="Enrolment").get_by_role("listitem")
    expect(periods).to_have_count(2)
    expect(periods.nth(0)).to_contain_text("current")
    expect(periods.nth(1)).to_contain_text("Incarcerated")
    expect(periods.nth(1)).to_contain_text(str(first_enrolled.year))
    expect(page.get_by_role("link", name="Log contact", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_manager_transfers_a_case_and_sees_what_goes_with_it(
    page, sign_in, live_server, manager, other_peacekeeper, jamal
):
    GoalFactory.create_batch(2, client=jamal)
    ReferralFactory(client=jamal, status="connected")
    ClientFactory(primary_peacekeeper=other_peacekeeper)
    page.set_viewport_size(PHONE)
    sign_in(manager)
    page.goto(f"{live_server.url}{jamal.get_absolute_url()}")
    page.get_by_role("link", name="Transfer").click()
    summary = page.get_by_role("region", name="What happens to the case")
    expect(summary).to_contain_text("Now with Grover Crump")
    expect(summary).to_contain_text("2 open goals")
    expect(summary).to_contain_text("1 open referral")
    expect(summary).to_contain_text("moves to the new peacekeeper's caseload")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("New primary peacekeeper").select_option(label="Maria Lopez")
    page.get_by_label("Note").fill("Grover is on leave until March.")
    page.get_by_role("button", name="Transfer").click()
    expect(page.get_by_role("status")).to_contain_text(f"{jamal.code} transferred to Maria Lopez.")
    expect(page.get_by_role("definition").filter(has_text="Maria Lopez")).to_have_count(1)
    expect(page.get_by_role("region", name="Enrolment")).to_contain_text("Grover Crump → Maria Lopez")
    # (The client page's width with goals and referrals at 390 px is the phone layout work's.)

    page.context.clear_cookies()
    sign_in(other_peacekeeper)
    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("link", name="Jamal Johnson", exact=True)).to_be_visible()
