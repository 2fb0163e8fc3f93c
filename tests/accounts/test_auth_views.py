import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import PASSWORD
from tests.login import password_step


def test_a_user_signs_in_with_the_login_form_and_lands_on_the_dashboard(client, peacekeeper):
    response = password_step(client, "grover", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, peacekeeper):
    response = password_step(client, "grover", "wrong")
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post(client, peacekeeper):
    client.force_login(peacekeeper)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_user_changes_their_password(client, peacekeeper):
    client.force_login(peacekeeper)
    new = "a-much-longer-new-passphrase"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=peacekeeper.pk).check_password(new)


def test_a_short_new_password_is_refused(client, peacekeeper):
    client.force_login(peacekeeper)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("peacekeeper", "Follow-ups due"),
        ("manager", "Caseloads"),
        ("analyst", "Violence and outcomes"),
        ("admin_user", "Administration"),
        ("no_role_user", "Your account has no role yet"),
    ],
)
def test_the_dashboard_is_built_for_the_role(client, request, persona, heading):
    client.force_login(request.getfixturevalue(persona))
    assert heading in client.get("/").content.decode()


def test_only_admins_see_the_admin_link(client, manager, admin_user):
    client.force_login(manager)
    assert 'href="/admin/"' not in client.get("/").content.decode()
    client.force_login(admin_user)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_an_unknown_page_is_a_404_in_the_site_look(client, manager):
    client.force_login(manager)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Sign out" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(client, manager):
    client.force_login(manager)
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_403_page_has_the_site_look(rf, manager):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = manager
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
