"""Two-factor sign-in, tested with real TOTP codes computed here."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _turn_on(client, user) -> tuple[TOTPDevice, list[str]]:
    client.force_login(user)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": code_for(device)})
    assert "Two-factor sign-in is on" in response.content.decode()
    return device, response.context["codes"]


def test_any_user_turns_it_on_with_a_real_code_and_gets_recovery_codes(client, peacekeeper):
    device, codes = _turn_on(client, peacekeeper)
    device.refresh_from_db()
    assert device.confirmed and len(codes) == 10
    assert StaticToken.objects.filter(device__user=peacekeeper).count() == 10


def test_a_wrong_code_does_not_turn_it_on(client, peacekeeper):
    client.force_login(peacekeeper)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_after_the_password_a_code_is_needed(client, peacekeeper):
    device, _ = _turn_on(client, peacekeeper)
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "grover", "password": PASSWORD})
    response = client.get("/clients/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    # The setup code was used and TOTP refuses replays: use the next time step's code.
    response = client.post(reverse("two_factor_verify"), {"token": code_for(device, offset=1), "next": "/clients/"})
    assert response.status_code == 302 and response["Location"] == "/clients/"
    assert client.get("/clients/").status_code == 200


def test_a_recovery_code_works_once(client, peacekeeper):
    _, codes = _turn_on(client, peacekeeper)
    client.post(reverse("logout"))
    for attempt in range(2):
        client.post(reverse("login"), {"username": "grover", "password": PASSWORD})
        response = client.post(reverse("two_factor_verify"), {"token": codes[0]})
        if attempt == 0:
            assert response.status_code == 302
            client.post(reverse("logout"))
        else:
            assert "That code is not right" in response.content.decode()


@pytest.mark.parametrize(("persona", "forced"), [("manager", True), ("admin_user", True), ("peacekeeper", False)])
def test_the_setting_makes_it_mandatory_for_managers_and_admins(client, request, settings, persona, forced):
    settings.TWO_FACTOR_REQUIRED = True
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    if forced:
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    else:
        assert response.status_code == 200
