"""Signing in through /accounts/login/ as a browser would: the password step of the two-factor
wizard (django-two-factor-auth's LoginView), then, for a user with a device, the code step."""

from django.test import Client
from django.urls import reverse

from accounts.models import Preferences
from tests.factories import PASSWORD

# The wizard's management form is named after the view class (formtools: "login_view").
STEP_FIELD = "login_view-current_step"


def password_step(client: Client, username: str, password: str = PASSWORD, **extra):
    """POST the username and password (the wizard's first step); returns the response."""
    data = {STEP_FIELD: "auth", "auth-username": username, "auth-password": password}
    return client.post(reverse("login"), data, **extra)


def code_step(client: Client, code: str, *, step: str = "token"):
    """POST a code from an authenticator app (step "token") or a recovery code (step "backup")."""
    return client.post(reverse("login"), {STEP_FIELD: step, f"{step}-otp_token": code})


def go_to_recovery_code_step(client: Client):
    return client.post(reverse("login"), {STEP_FIELD: "token", "wizard_goto_step": "backup"})


def sign_in_in_spanish(client: Client, user) -> Client:
    """The user prefers Spanish (accounts.Preferences) and is signed in: every page after this is in Spanish."""
    Preferences.objects.create(user=user, language="es")
    client.force_login(user)
    return client
