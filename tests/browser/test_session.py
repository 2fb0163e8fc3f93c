import re

from playwright.sync_api import expect

from outreach.models import Contact
from tests.factories import PASSWORD


def test_a_draft_contact_survives_the_session_ending(sign_in, live_server, peacekeeper, jamal):
    page = sign_in(peacekeeper)
    page.goto(f"{live_server.url}/clients/{jamal.pk}/contacts/new/")
    page.get_by_role("spinbutton", name=re.compile("^Duration")).fill("40")
    page.get_by_role("textbox", name=re.compile("^Notes")).fill("Talked about the fight at school.")
    page.get_by_role("checkbox", name="Family").check()
    # The session ends (idle timeout, or the server forgot it) while the peacekeeper types.
    cookies = [c for c in page.context.cookies() if c["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(cookies)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(peacekeeper.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Your unsaved draft of this contact was restored.")).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile("^Notes"))).to_have_value("Talked about the fight at school.")
    expect(page.get_by_role("checkbox", name="Family")).to_be_checked()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text(f"Contact saved for {jamal.code}.")).to_be_visible()
    assert Contact.objects.get().notes == "Talked about the fight at school."
    # Saved: the draft is gone, a new contact form starts empty.
    page.goto(f"{live_server.url}/clients/{jamal.pk}/contacts/new/")
    expect(page.get_by_role("textbox", name=re.compile("^Notes"))).to_have_value("")


def test_a_draft_is_restored_only_to_the_user_who_wrote_it(sign_in, live_server, peacekeeper, manager, jamal):
    page = sign_in(peacekeeper)
    page.goto(f"{live_server.url}/clients/{jamal.pk}/contacts/new/")
    page.get_by_role("textbox", name=re.compile("^Notes")).fill("Talked about the fight at school.")
    # Grover's session ends; Lindsay signs in on the same tab (a shared office computer).
    cookies = [c for c in page.context.cookies() if c["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(cookies)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("textbox", name=re.compile("^Notes"))).to_have_value("")
    expect(page.get_by_text("Your unsaved draft of this contact was restored.")).to_be_hidden()
    # And the draft is gone from the tab, not merely left unshown.
    assert "fight" not in page.evaluate("JSON.stringify(sessionStorage)")


def test_the_page_warns_a_minute_before_the_session_ends(sign_in, live_server, peacekeeper, settings):
    settings.SESSION_COOKIE_AGE = 62  # the warning shows after 2 seconds
    page = sign_in(peacekeeper)
    warning = page.get_by_role("alert").filter(has_text="signed out in one minute")
    expect(warning).to_be_visible(timeout=10_000)
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
