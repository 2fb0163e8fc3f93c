from playwright.sync_api import expect

from tests.factories import ContactFactory

SCRIPT = '<script>window.pwned = true</script><img src=x onerror="window.pwned = true">'


def test_a_script_saved_in_notes_renders_as_text_and_never_runs(sign_in, live_server, peacekeeper, jamal):
    ContactFactory(client=jamal, notes=SCRIPT)
    page = sign_in(peacekeeper)
    response = page.goto(f"{live_server.url}{jamal.get_absolute_url()}")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.get_by_text("<script>window.pwned = true</script>", exact=False)).to_be_visible()
    assert page.evaluate("window.pwned === undefined")
    assert page.locator("main script").count() == 0


def test_the_error_summary_takes_focus(sign_in, live_server, peacekeeper, jamal):
    import re

    page = sign_in(peacekeeper)
    page.goto(f"{live_server.url}/clients/{jamal.pk}/contacts/new/")
    page.get_by_role("spinbutton", name=re.compile("^Duration")).fill("0")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator(".error-summary")).to_be_focused()
