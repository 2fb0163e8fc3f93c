"""The re-enrolment bypass: someone who knows only a manager's password must not get past the
second factor by opening the set-up pages, nor see a new key, nor remove the real device."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

SETUP_URLS = ["/accounts/two-factor/", "/accounts/two-factor/setup/"]


def _password_only(client, username):
    """The password, posted with the field names of both the old form and the wizard."""
    data = {"username": username, "password": PASSWORD, "login_view-current_step": "auth"}
    data |= {"auth-username": username, "auth-password": PASSWORD}
    client.post(reverse("login"), data)


@pytest.mark.parametrize("url", SETUP_URLS)
def test_the_password_alone_cannot_re_enrol_a_new_authenticator(client, settings, manager, url):
    settings.TWO_FACTOR_REQUIRED = True
    real = TOTPDevice.objects.create(user=manager, name="default", confirmed=True)
    _password_only(client, "lindsay")

    page = client.get(url)
    assert b"otpauth://" not in page.content and b"secret" not in page.content.lower()
    assert not TOTPDevice.objects.filter(user=manager).exclude(pk=real.pk).exists(), "a new key was made"
    # Posting a code for any key the attacker might have seen, in either form's field names.
    for device in TOTPDevice.objects.filter(user=manager):
        code = f"{totp(device.bin_key):06d}"
        client.post(url, {"token": code, "generator-token": code, "setup_view-current_step": "generator"})

    assert TOTPDevice.objects.filter(pk=real.pk, confirmed=True).exists(), "the real device was removed"
    assert TOTPDevice.objects.filter(user=manager).count() == 1
    response = client.get("/clients/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
