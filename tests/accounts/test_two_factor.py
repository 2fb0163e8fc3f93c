"""Two-factor sign-in (django-two-factor-auth on django-otp), tested with real TOTP codes."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import AccessLog
from tests.factories import PASSWORD
from tests.login import code_step, go_to_recovery_code_step, password_step

SETUP = "/accounts/two-factor/setup/"


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def key_code(key_hex: str, *, offset: int = 0) -> str:
    return f"{totp(bytes.fromhex(key_hex), drift=offset):06d}"


def _turn_on(client, user, username: str) -> tuple[TOTPDevice, list[str]]:
    """Sign in with the password and set up an authenticator app through the wizard."""
    password_step(client, username)
    client.post(SETUP, {"setup_view-current_step": "method", "method-method": "generator"})
    key = client.session["wizard_setup_view"]["extra_data"]["keys"]["generator"]
    response = client.post(SETUP, {"setup_view-current_step": "generator", "generator-token": key_code(key)})
    assert "Two-factor sign-in is on" in response.content.decode()
    return TOTPDevice.objects.get(user=user), response.context["codes"]


def _sign_out_and_in(client, username):
    client.post(reverse("logout"))
    return password_step(client, username)


def test_any_user_turns_it_on_with_a_real_code_and_gets_recovery_codes(client, peacekeeper):
    device, codes = _turn_on(client, peacekeeper, "grover")
    assert device.confirmed and device.name == "default" and len(codes) == 10
    assert StaticToken.objects.filter(device__user=peacekeeper, device__name="backup").count() == 10


def test_a_wrong_code_does_not_turn_it_on(client, peacekeeper):
    password_step(client, "grover")
    client.post(SETUP, {"setup_view-current_step": "method", "method-method": "generator"})
    response = client.post(SETUP, {"setup_view-current_step": "generator", "generator-token": "000000"})
    assert "not valid" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_with_a_device_the_password_alone_does_not_sign_in(client, peacekeeper):
    device, _ = _turn_on(client, peacekeeper, "grover")
    response = _sign_out_and_in(client, "grover")
    assert response.status_code == 200 and "authenticator app" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/clients/").status_code == 302
    # The set-up code was used and TOTP refuses replays: the next time step's code signs in.
    assert code_step(client, code_for(device)).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # the refused replay made the next try wait a second
    response = code_step(client, code_for(device, offset=1))
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/clients/").status_code == 200


def test_a_recovery_code_works_once(client, peacekeeper):
    _, codes = _turn_on(client, peacekeeper, "grover")
    for attempt in range(2):
        _sign_out_and_in(client, "grover")
        go_to_recovery_code_step(client)
        response = code_step(client, codes[0], step="backup")
        if attempt == 0:
            assert response.status_code == 302 and client.get("/").status_code == 200
        else:
            assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_devices_of_the_old_flow_still_sign_in_after_the_migration(client, peacekeeper, django_db_blocker):
    """Devices named as the old hand-written flow named them, then the data migration's rename."""
    import importlib

    from django.apps import apps

    device = TOTPDevice.objects.create(user=peacekeeper, name="Authenticator app", confirmed=True)
    static = StaticDevice.objects.create(user=peacekeeper, name="Recovery codes", confirmed=True)
    static.token_set.create(token="oldcode1")
    TOTPDevice.objects.create(user=peacekeeper, name="Authenticator app", confirmed=False)
    importlib.import_module("accounts.migrations.0005_two_factor_device_names").rename(apps, None)

    password_step(client, "grover")
    assert "_auth_user_id" not in client.session
    response = code_step(client, code_for(device))
    assert response.status_code == 302 and client.get("/").status_code == 200
    client.post(reverse("logout"))
    password_step(client, "grover")
    go_to_recovery_code_step(client)
    assert code_step(client, "oldcode1", step="backup").status_code == 302
    assert TOTPDevice.objects.filter(user=peacekeeper).count() == 1


@pytest.mark.parametrize(("persona", "forced"), [("manager", True), ("admin_user", True), ("peacekeeper", False)])
def test_the_setting_makes_it_mandatory_for_managers_and_admins(client, request, settings, persona, forced):
    settings.TWO_FACTOR_REQUIRED = True
    user = request.getfixturevalue(persona)
    password_step(client, user.username)
    response = client.get("/")
    if forced:
        assert response.status_code == 302 and response["Location"].startswith(SETUP)
        assert client.get("/clients/")["Location"].startswith(SETUP)
        assert client.get(SETUP).status_code == 200  # right after the password: no re-entry
    else:
        assert response.status_code == 200


def test_a_first_device_needs_the_password_from_the_last_five_minutes(client, peacekeeper, monkeypatch):
    client.force_login(peacekeeper)  # a session whose password time is unknown
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/confirm-password/")
    wrong = client.post("/accounts/two-factor/confirm-password/?next=" + SETUP, {"password": "nope"})
    assert "That is not your password" in wrong.content.decode()
    client.post("/accounts/two-factor/confirm-password/?next=" + SETUP, {"password": PASSWORD})
    assert client.get(SETUP).status_code == 200
    later = time.time() + 6 * 60
    monkeypatch.setattr(two_factor.time, "time", lambda: later)
    assert client.get(SETUP).status_code == 302


def test_a_session_from_before_the_device_is_signed_out(client, peacekeeper):
    client.force_login(peacekeeper)
    TOTPDevice.objects.create(user=peacekeeper, name="default", confirmed=True)
    response = client.get("/clients/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def _factor_rows(user):
    return list(
        AccessLog.objects.filter(user=user, action=AccessLog.Action.SIGN_IN_FACTOR).values_list("target", flat=True)
    )


def test_every_change_is_logged_and_shown_to_the_user(client, peacekeeper):
    device, _ = _turn_on(client, peacekeeper, "grover")
    page = client.get("/").content.decode()
    assert (
        "A new authenticator app was added on " in page and "If this was not you, tell your administrator now." in page
    )
    client.post(reverse("two_factor:backup_tokens"))
    client.post(reverse("two_factor:device_remove", args=["authenticator", device.pk]))
    assert _factor_rows(peacekeeper) == [
        "Your authenticator app was removed",
        "New recovery codes were made",
        "A new authenticator app was added",
    ]
    assert not StaticDevice.objects.filter(user=peacekeeper).exists()
    profile = client.get(reverse("two_factor:profile")).content.decode()
    assert "New recovery codes were made on " in profile


def test_an_administrator_deleting_a_device_is_logged_and_the_owner_told_at_sign_in(client, admin_user, peacekeeper):
    device = TOTPDevice.objects.create(user=peacekeeper, name="default", confirmed=True)
    client.force_login(admin_user)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert _factor_rows(peacekeeper) == ["An authenticator app was removed by administrator ada"]
    client.post(reverse("logout"))
    password_step(client, "grover")
    assert "An authenticator app was removed by administrator ada on " in client.get("/").content.decode()


def test_recovery_codes_and_turning_off_need_the_second_factor(client, peacekeeper):
    TOTPDevice.objects.create(user=peacekeeper, name="default", confirmed=True)
    client.force_login(peacekeeper)  # password only (not verified)
    for url in (reverse("two_factor:backup_tokens"), reverse("two_factor:disable")):
        client.post(url, {"understand": "on"})
    assert TOTPDevice.objects.filter(user=peacekeeper).exists()
    assert not StaticDevice.objects.filter(user=peacekeeper).exists()


def test_managers_cannot_remove_their_last_factor_when_it_is_required(client, settings, manager):
    settings.TWO_FACTOR_REQUIRED = True
    device, _ = _turn_on(client, manager, "lindsay")
    client.post(reverse("two_factor:device_remove", args=["authenticator", device.pk]))
    client.post(reverse("two_factor:disable"), {"understand": "on"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_another_users_device_cannot_be_removed(client, peacekeeper, other_peacekeeper):
    theirs = TOTPDevice.objects.create(user=other_peacekeeper, name="default", confirmed=True)
    _turn_on(client, peacekeeper, "grover")
    response = client.post(reverse("two_factor:device_remove", args=["authenticator", theirs.pk]))
    assert response.status_code == 404 and TOTPDevice.objects.filter(pk=theirs.pk).exists()
