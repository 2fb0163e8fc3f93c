"""Who may see which client: the rule of SPEC section 3, on every client URL, GET and POST."""

import pytest
from django.urls import reverse

from outreach.models import Client
from tests.factories import ClientFactory, ContactFactory, GoalFactory, ReferralFactory

CLIENT_URLS = [
    "outreach:client_detail",
    "outreach:client_edit",
    "outreach:contact_create",
    "outreach:goal_create",
    "outreach:referral_create",
]


def _urls_for(client_record):
    urls = [reverse(name, args=[client_record.pk]) for name in CLIENT_URLS]
    goal = GoalFactory(client=client_record)
    referral = ReferralFactory(client=client_record)
    contact = ContactFactory(client=client_record)
    urls.append(reverse("outreach:contact_edit", args=[client_record.pk, contact.pk]))
    urls.append(reverse("outreach:goal_edit", args=[client_record.pk, goal.pk]))
    urls.append(reverse("outreach:referral_edit", args=[client_record.pk, referral.pk]))
    return urls


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_peacekeeper_gets_404_for_another_caseload_on_every_client_url(client, peacekeeper, andre, method):
    client.force_login(peacekeeper)
    for url in _urls_for(andre):
        assert getattr(client, method)(url).status_code == 404, url
    assert andre.contacts.count() == 1  # the one made for the contact-edit URL; no POST added another


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_analyst_gets_404_on_every_client_page(client, analyst, jamal, method):
    client.force_login(analyst)
    for url in [*_urls_for(jamal), reverse("outreach:client_list"), reverse("outreach:client_create")]:
        assert getattr(client, method)(url).status_code == 404, url


def test_a_peacekeeper_opens_every_page_of_their_own_client(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    for url in _urls_for(jamal):
        assert client.get(url).status_code == 200, url


def test_a_secondary_peacekeeper_sees_the_client_too(client, other_peacekeeper, jamal):
    jamal.secondary_peacekeepers.add(other_peacekeeper)
    client.force_login(other_peacekeeper)
    assert client.get(jamal.get_absolute_url()).status_code == 200


def test_a_manager_sees_every_client(client, manager, jamal, andre):
    client.force_login(manager)
    for record in (jamal, andre):
        assert client.get(record.get_absolute_url()).status_code == 200
    page = client.get(reverse("outreach:client_list")).content.decode()
    assert "Jamal Johnson" in page and "Andre Lewis" in page


def test_the_caseload_list_shows_only_the_peacekeepers_clients(client, peacekeeper, jamal, andre):
    client.force_login(peacekeeper)
    page = client.get(reverse("outreach:client_list")).content.decode()
    assert "Jamal Johnson" in page
    assert "Andre Lewis" not in page
    assert "My caseload" in page


def test_visible_to_is_the_one_rule(peacekeeper, other_peacekeeper, manager, analyst, admin_user, jamal, andre):
    both = ClientFactory(primary_peacekeeper=other_peacekeeper, secondary_peacekeepers=[peacekeeper])
    assert set(Client.objects.visible_to(peacekeeper)) == {jamal, both}
    assert set(Client.objects.visible_to(manager)) == {jamal, andre, both}
    assert set(Client.objects.visible_to(admin_user)) == {jamal, andre, both}
    assert not Client.objects.visible_to(analyst).exists()


def test_the_caseload_has_no_duplicate_rows_for_a_client_with_two_secondaries(peacekeeper, other_peacekeeper, jamal):
    jamal.secondary_peacekeepers.add(other_peacekeeper)
    assert Client.objects.visible_to(peacekeeper).count() == 1


def test_the_caseload_is_read_through_its_ids_never_an_or_over_every_client(peacekeeper):
    """Issue #20: `primary = me OR id IN (my secondaries)` can use no index, so a peacekeeper's pages read the
    whole program's clients and grew with it (a seq scan, 5 ms at scale 10 and 13 at scale 40); the union of
    the two id lists reads only the caseload."""
    sql = str(Client.objects.on_caseload_of(peacekeeper).query)
    where = sql.split(" WHERE ", 1)[1]
    assert "UNION" in where and " OR " not in where


def test_a_peacekeeper_cannot_export_the_client_list(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    assert client.get(reverse("outreach:client_list"), {"_export": "csv"}).status_code == 403


def test_a_manager_exports_the_filtered_list(client, manager, jamal, andre):
    client.force_login(manager)
    response = client.get(reverse("outreach:client_list"), {"_export": "csv", "q": "Jamal"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Jamal" in body and "Andre" not in body
    assert "High" in body  # human labels, not raw values


def test_reassigning_a_client_takes_it_off_the_old_caseload(client, manager, peacekeeper, other_peacekeeper, jamal):
    client.force_login(manager)
    data = {
        "first_name": jamal.first_name,
        "last_name": jamal.last_name,
        "risk_level": jamal.risk_level,
        "referral_source": jamal.referral_source,
        "referred_on": jamal.referred_on.isoformat(),
        "status": jamal.status,
        "enrolled_on": jamal.enrolled_on.isoformat(),
        "primary_peacekeeper": other_peacekeeper.pk,
    }
    url = reverse("outreach:client_edit", args=[jamal.pk])
    data["loaded_version"] = client.get(url).context["form"]["loaded_version"].value()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    client.force_login(peacekeeper)
    assert client.get(jamal.get_absolute_url()).status_code == 404


def test_a_manager_exports_excel_with_the_same_scope(client, manager, jamal, andre):
    import io

    import openpyxl

    client.force_login(manager)
    response = client.get(reverse("outreach:client_list"), {"_export": "xlsx", "q": "Lewis"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Andre Lewis"]
