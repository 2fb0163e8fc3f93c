"""The admin index names its sections in words, and shows one "Access log"."""

import re

from django.urls import reverse

SECTION = re.compile(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', re.S)
MODEL_ROW = re.compile(r'<th scope="row" id="[^"]+">\s*(?:<a [^>]*>)?([^<]+)', re.S)


def admin_index(client, admin_user) -> str:
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_sections_are_named_in_words(client, admin_user):
    sections = SECTION.findall(admin_index(client, admin_user))
    for words in ("Two-factor devices", "Two-factor recovery codes", "Two-factor passkeys", "Sign-in lockouts"):
        assert words in sections
    for raw in ("Otp_Totp", "Otp_Static", "Axes", "Pghistory", "Tasks Database Backend"):
        assert raw not in sections
    # No library's code name or "Django ... Method" left: every section reads as words.
    assert all(re.fullmatch(r"[A-Z][a-z-]*( [a-zA-Z-]+)*", name.strip()) for name in sections), sections
    assert not any("Django" in name or "_" in name for name in sections), sections


def test_the_admin_has_one_access_log_and_the_sign_ins_apart(client, admin_user):
    rows = [row.strip() for row in MODEL_ROW.findall(admin_index(client, admin_user))]
    assert rows.count("Access log") == 1
    assert "Access logs" not in rows
    assert "Sign-ins and sign-outs" in rows


def test_the_renamed_sign_in_log_opens_and_is_read_only(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:accounts_signin_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_accesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_signin_add")).status_code == 403


def test_the_renamed_apps_keep_their_labels(db):
    from django.apps import apps

    for label in ("otp_totp", "otp_static", "axes", "pghistory", "django_tasks_database", "two_factor_webauthn"):
        assert apps.is_installed(apps.get_app_config(label).name)
