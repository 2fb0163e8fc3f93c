"""A client's preferred language, and the language their consent was given in (issue #18)."""

import datetime

import pytest
from django.urls import reverse

from outreach.models import Client, Language, local_today
from tests.factories import ClientFactory

TODAY = local_today()
LIST = reverse("outreach:client_list")

pytestmark = pytest.mark.django_db


def _edit_data(client_record: Client, **overrides) -> dict:
    """The edit form as a peacekeeper sends it, unchanged but for `overrides`."""
    data = {
        "first_name": client_record.first_name,
        "last_name": client_record.last_name,
        "risk_level": client_record.risk_level,
        "referral_source": client_record.referral_source,
        "referred_on": client_record.referred_on.isoformat(),
    }
    data.update(overrides)
    return data


def _post_edit(browser, client_record: Client, **overrides):
    url = reverse("outreach:client_edit", args=[client_record.pk])
    stamp = browser.get(url).context["form"]["loaded_version"].value()
    return browser.post(url, {**_edit_data(client_record, **overrides), "loaded_version": stamp})


def test_the_edit_form_records_both_languages(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    signed = (TODAY - datetime.timedelta(days=30)).isoformat()
    response = _post_edit(client, jamal, preferred_language="es", consent_signed_on=signed, consent_language="es")
    assert response.status_code == 302
    jamal.refresh_from_db()
    assert jamal.preferred_language == Language.SPANISH
    assert jamal.consent_language == Language.SPANISH


def test_both_languages_may_stay_unrecorded(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    assert _post_edit(client, jamal, nickname="J").status_code == 302
    jamal.refresh_from_db()
    assert jamal.preferred_language == "" and jamal.consent_language == ""


def test_a_consent_language_needs_a_consent_date(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    response = _post_edit(client, jamal, consent_language="en")
    assert response.status_code == 200
    assert response.context["form"].errors["consent_language"] == [
        "Give the date the consent was signed, or leave its language empty."
    ]
    jamal.refresh_from_db()
    assert jamal.consent_language == ""


def test_an_unknown_language_is_refused(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    response = _post_edit(client, jamal, preferred_language="fr")
    assert response.status_code == 200 and "preferred_language" in response.context["form"].errors


def test_the_new_client_form_takes_the_preferred_language(client, peacekeeper):
    client.force_login(peacekeeper)
    page = client.get(reverse("outreach:client_create")).content.decode()
    assert 'name="preferred_language"' in page and 'name="consent_language"' in page
    assert "Preferred language" in page and "Consent language" in page


def test_the_client_page_shows_both_languages(client, peacekeeper):
    record = ClientFactory(
        primary_peacekeeper=peacekeeper,
        preferred_language=Language.SPANISH,
        consent_signed_on=TODAY - datetime.timedelta(days=10),
        consent_language=Language.ENGLISH,
    )
    client.force_login(peacekeeper)
    page = client.get(record.get_absolute_url()).content.decode()
    assert '<dd class="preferred-language">Spanish</dd>' in page
    assert ", in English</dd>" in page


def test_the_client_page_says_when_no_language_is_recorded(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert '<dd class="preferred-language">Not recorded</dd>' in page


def test_the_list_filters_by_preferred_language(client, manager, peacekeeper):
    spanish = ClientFactory(primary_peacekeeper=peacekeeper, last_name="Spanish", preferred_language="es")
    english = ClientFactory(primary_peacekeeper=peacekeeper, last_name="English", preferred_language="en")
    unrecorded = ClientFactory(primary_peacekeeper=peacekeeper, last_name="Unrecorded")
    client.force_login(manager)
    shown = list(client.get(LIST, {"preferred_language": "es"}).context["table"].data)
    assert shown == [spanish]
    shown = {c.pk for c in client.get(LIST).context["table"].data}
    assert {spanish.pk, english.pk, unrecorded.pk} <= shown


def test_the_filter_bar_offers_the_languages(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    page = client.get(LIST).content.decode()
    assert 'name="preferred_language"' in page and "Any language" in page


def test_a_peacekeeper_of_another_caseload_gets_404_and_changes_nothing(client, peacekeeper, andre):
    client.force_login(peacekeeper)
    assert client.get(andre.get_absolute_url()).status_code == 404
    url = reverse("outreach:client_edit", args=[andre.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, _edit_data(andre, preferred_language="es"))
    assert response.status_code == 404
    andre.refresh_from_db()
    assert andre.preferred_language == ""
    # Nor does the list's filter reach another caseload.
    andre.preferred_language = "es"
    andre.save()
    assert list(client.get(LIST, {"preferred_language": "es"}).context["table"].data) == []


def test_the_audit_trail_records_the_languages(client, manager, jamal):
    client.force_login(manager)
    signed = (TODAY - datetime.timedelta(days=3)).isoformat()
    response = _post_edit(
        client,
        jamal,
        status="active",
        enrolled_on=jamal.enrolled_on.isoformat(),
        primary_peacekeeper=jamal.primary_peacekeeper_id,
        preferred_language="other",
        consent_signed_on=signed,
        consent_language="es",
    )
    assert response.status_code == 302
    latest = jamal.events.order_by("-pgh_id").first()
    assert latest.preferred_language == "other" and latest.consent_language == "es"
    page = client.get(reverse("outreach:client_history", args=[jamal.pk])).content.decode()
    assert "Preferred language" in page and "Consent language" in page
