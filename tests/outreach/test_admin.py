"""The admin's pages for clients and mediations, whose peacekeeper links are inlines."""

from django.urls import reverse

from tests.factories import MediationFactory


def _inline_users(response) -> set:
    forms = [form for formset in response.context["inline_admin_formsets"] for form in formset.formset.forms]
    return {user for form in forms if "user" in form.fields for user in form.fields["user"].queryset}


def test_a_clients_secondary_peacekeepers_are_an_inline_offering_former_peacekeepers_too(
    client, admin_user, jamal, other_peacekeeper
):
    jamal.secondary_peacekeepers.add(other_peacekeeper)
    other_peacekeeper.is_active = False  # left the program; the link is history and must still save
    other_peacekeeper.save()
    client.force_login(admin_user)
    response = client.get(reverse("admin:outreach_client_change", args=[jamal.pk]))
    assert response.status_code == 200
    assert "Secondary peacekeepers" in response.content.decode()
    assert other_peacekeeper in _inline_users(response)


def test_a_mediations_links_are_inlines(client, admin_user, peacekeeper, jamal):
    mediation = MediationFactory(peacekeepers=[peacekeeper], clients=[jamal])
    client.force_login(admin_user)
    response = client.get(reverse("admin:incidents_mediation_change", args=[mediation.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Mediation peacekeepers" in page and "Mediation clients" in page
