"""The demo server (DEBUG on) shows the product's own error pages, never Django's technical
pages that list every URL of the project; a developer can still ask for those."""

import logging

import pytest
from django.urls import reverse

from tests.factories import ContactFactory

TECHNICAL_404 = "Using the URLconf defined in"


@pytest.fixture
def demo(settings):
    """The settings `make run` uses: DJANGO_DEBUG=1, nothing else."""
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = False
    return settings


def assert_product_page(response, status: int, heading: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert heading in page and 'class="navbar-brand"' in page, page[:500]
    assert TECHNICAL_404 not in page and "urlpatterns" not in page and "Traceback" not in page
    return page


def test_an_unknown_address_shows_the_products_404_in_the_base_look(client, demo, manager):
    client.force_login(manager)
    page = assert_product_page(client.get("/no-such-page/"), 404, "Page not found")
    assert "/clients/" in page  # the signed-in navigation: the base look, with its menu


def test_an_unknown_address_shows_the_products_404_before_sign_in_too(client, demo):
    assert_product_page(client.get("/no-such-page/<script>alert(1)</script>"), 404, "Page not found")


def test_an_out_of_scope_record_shows_the_products_404(client, demo, peacekeeper, andre):
    client.force_login(peacekeeper)
    assert_product_page(client.get(andre.get_absolute_url()), 404, "Page not found")


def test_a_refusal_shows_the_products_403(client, demo, peacekeeper, other_peacekeeper, jamal):
    contact = ContactFactory(client=jamal, peacekeeper=other_peacekeeper)
    client.force_login(peacekeeper)
    response = client.get(reverse("outreach:contact_edit", args=[jamal.pk, contact.pk]))
    assert_product_page(response, 403, "Not allowed")


def test_a_server_error_shows_the_products_500_and_logs_the_traceback(client, demo, manager, caplog):
    demo.ROOT_URLCONF = "tests.config.error_urls"
    client.raise_request_exception = False
    client.force_login(manager)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert_product_page(response, 500, "Something went wrong")
    assert any(record.exc_info and "a bug in a view" in str(record.exc_info[1]) for record in caplog.records)


def test_a_missing_slash_is_still_added_before_any_404(client, demo, manager):
    client.force_login(manager)
    response = client.get("/clients")
    assert response.status_code == 301 and response["Location"] == "/clients/"


def test_a_developer_can_ask_for_djangos_technical_pages(client, demo, manager):
    demo.TECHNICAL_ERROR_PAGES = True
    client.force_login(manager)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and TECHNICAL_404 in response.content.decode()


def test_with_debug_off_the_products_pages_are_djangos_own_choice(client, settings, manager):
    settings.DEBUG = False
    client.force_login(manager)
    assert_product_page(client.get("/no-such-page/"), 404, "Page not found")
