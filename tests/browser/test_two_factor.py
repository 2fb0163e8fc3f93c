"""Two-factor sign-in in the real browser: an authenticator app code, a recovery code, and a
passkey set up and used through Chromium's virtual authenticator (DevTools' WebAuthn domain)."""

import re
import tempfile

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from two_factor.plugins.webauthn.models import WebauthnDevice

from accounts.models import AccessLog
from tests.browser.conftest import PHONE
from tests.factories import PASSWORD

# Screenshots to look at by hand (not compared): the code step and passkey pages at 390 px.
SHOTS = f"{tempfile.gettempdir()}/peacekeeper-two-factor"


@pytest.fixture
def authenticator(manager):
    return TOTPDevice.objects.create(user=manager, name="default", confirmed=True)


@pytest.fixture
def virtual_authenticator(context, page):
    """A platform authenticator with user verification, as a phone's or laptop's would be."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True}
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {**options, "isUserVerified": True}})
    return cdp


def test_a_manager_signs_in_with_a_code_from_the_app_on_a_phone(page, sign_in, live_server, manager, authenticator):
    page.set_viewport_size(PHONE)
    page = sign_in(manager)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    code = page.get_by_label("Code")
    expect(code).to_be_focused()
    assert code.bounding_box()["height"] >= 44
    page.screenshot(path=f"{SHOTS}-code-step-390.png", full_page=True)
    code.fill(f"{totp(authenticator.bin_key):06d}")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Caseloads")).to_be_visible()


def test_a_wrong_code_keeps_the_user_signed_out(page, sign_in, live_server, manager, authenticator):
    sign_in(manager, code="000000")
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    expect(page.get_by_label("Code")).to_be_visible()
    page.goto(f"{live_server.url}/clients/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_recovery_code_signs_in_once(page, sign_in, live_server, manager, authenticator):
    static = StaticDevice.objects.create(user=manager, name="backup", confirmed=True)
    static.token_set.create(token="rc7h2k9q")
    sign_in(manager)
    with page.expect_navigation():
        page.get_by_role("button", name="Use a recovery code").click()
    page.get_by_label("Recovery code").fill("rc7h2k9q")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Caseloads")).to_be_visible()
    assert not static.token_set.exists()


def test_the_password_alone_cannot_open_the_set_up_pages(page, sign_in, live_server, manager, authenticator):
    sign_in(manager)
    page.goto(f"{live_server.url}/accounts/two-factor/setup/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_label("Username")).to_be_visible()
    assert "otpauth" not in page.content()
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_a_passkey_is_set_up_and_then_signs_in(page, sign_in, live_server, peacekeeper, virtual_authenticator):
    page.set_viewport_size(PHONE)
    sign_in(peacekeeper)
    page.goto(f"{live_server.url}/accounts/two-factor/")
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    page.get_by_label("Passkey").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Next").click()
    page.screenshot(path=f"{SHOTS}-passkey-setup-390.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Create a passkey").click()
    expect(page.get_by_text("Two-factor sign-in is on")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them").click()
    expect(page.locator(".messages")).to_contain_text("If this was not you, tell your administrator now.")
    assert WebauthnDevice.objects.get(user=peacekeeper).name == "default"
    assert AccessLog.objects.filter(user=peacekeeper, action=AccessLog.Action.SIGN_IN_FACTOR).count() == 1

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Sign out").click()
    # Signing out waits for field mode to forget the phone's pages first: sign in once it is done.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(peacekeeper)
    expect(page.get_by_role("button", name="Use your passkey")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-passkey-sign-in-390.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Use your passkey").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name=re.compile("Follow-ups due"))).to_be_visible()
    assert WebauthnDevice.objects.get(user=peacekeeper).last_used_at is not None


def test_a_passkey_is_added_beside_the_authenticator_app(
    page, sign_in, live_server, manager, authenticator, virtual_authenticator
):
    sign_in(manager, code=f"{totp(authenticator.bin_key):06d}")
    page.goto(f"{live_server.url}/accounts/two-factor/setup/")
    with page.expect_navigation():
        page.get_by_role("button", name="Create a passkey").click()
    expect(page.get_by_text("Your new passkey is ready")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("A new passkey was added on")
    expect(page.locator(".factor-changes")).to_contain_text("A new passkey was added on")
    assert WebauthnDevice.objects.get(user=manager).name == "Passkey"
    page.screenshot(path=f"{SHOTS}-profile.png", full_page=True)

    # Next sign-in: the app stays the first choice; the passkey is offered instead.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(manager, password=PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Use a passkey instead").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Use your passkey").click()
    expect(page.get_by_role("heading", name="Caseloads")).to_be_visible()
