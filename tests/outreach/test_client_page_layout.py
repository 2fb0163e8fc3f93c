"""Where a peacekeeper lands after saving a contact, "Log contact" from the lists, long notes
folding. The layout itself (contacts first on a phone) is measured in tests/browser/test_layout.py."""

import datetime
import uuid

from django.urls import reverse
from django.utils import timezone

from outreach.filters import ALL_STATUSES
from outreach.models import ClientStatus, Contact, local_today
from outreach.views import NOTE_FOLD_CHARS, TIMELINE_PER_PAGE
from tests.factories import ClientFactory, ContactFactory
from tests.forms import keyed


def contact_data(**overrides) -> dict:
    return {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 20,
        "kind": "phone",
        **overrides,
    }


def test_a_contact_logged_late_lands_on_the_timeline_page_that_holds_it(client, peacekeeper, jamal):
    now = timezone.now()
    for hours in range(TIMELINE_PER_PAGE):
        ContactFactory(client=jamal, occurred_at=now - datetime.timedelta(hours=hours + 1))
    client.force_login(peacekeeper)
    last_month = (timezone.localtime() - datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("outreach:contact_create", args=[jamal.pk]), keyed(contact_data(occurred_at=last_month))
    )
    contact = Contact.objects.get(client=jamal, occurred_at__lt=now - datetime.timedelta(days=2))
    assert response["Location"] == f"{jamal.get_absolute_url()}?page=2#contact-{contact.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="contact-{contact.pk}"' in page


def test_a_second_submit_of_the_same_form_lands_on_the_same_contact(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    url = reverse("outreach:contact_create", args=[jamal.pk])
    key = uuid.uuid4()
    first = client.post(url, keyed(contact_data(), key))
    again = client.post(url, keyed(contact_data(), key))
    contact = Contact.objects.get(client=jamal)
    assert first["Location"] == again["Location"] == f"{jamal.get_absolute_url()}#contact-{contact.pk}"


def test_a_corrected_contact_lands_on_itself(client, peacekeeper, jamal):
    contact = ContactFactory(client=jamal, peacekeeper=peacekeeper)
    client.force_login(peacekeeper)
    url = reverse("outreach:contact_edit", args=[jamal.pk, contact.pk])
    stamp = client.get(url).context["form"]["loaded_version"].value()
    local = timezone.localtime(contact.occurred_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {**contact_data(occurred_at=local, notes="Fixed."), "loaded_version": stamp})
    assert response["Location"] == f"{jamal.get_absolute_url()}#contact-{contact.pk}"


def test_an_out_of_scope_client_still_answers_404_to_the_contact_form(client, peacekeeper, andre):
    client.force_login(peacekeeper)
    response = client.post(reverse("outreach:contact_create", args=[andre.pk]), keyed(contact_data()))
    assert response.status_code == 404
    assert not Contact.objects.filter(client=andre).exists()


def test_a_long_note_folds_behind_show_more_and_a_short_one_does_not(client, peacekeeper, jamal):
    hostile = "<script>alert(1)</script> =cmd|' /C calc'!A0 🙂 " + "word " * 2000
    ContactFactory(client=jamal, notes=hostile)
    ContactFactory(client=jamal, notes="Short note.", occurred_at=timezone.now())
    client.force_login(peacekeeper)
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert page.count('<details class="note-fold') == 1
    assert "Show more" in page and "Short note." in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert len(hostile) > NOTE_FOLD_CHARS


def test_the_note_at_the_fold_length_is_not_folded(client, peacekeeper, jamal):
    ContactFactory(client=jamal, notes="x" * NOTE_FOLD_CHARS)
    client.force_login(peacekeeper)
    assert "note-fold" not in client.get(jamal.get_absolute_url()).content.decode()


def test_the_caseload_list_offers_log_contact_for_each_client_except_exited_ones(client, peacekeeper, jamal):
    gone = ClientFactory(
        primary_peacekeeper=peacekeeper, status=ClientStatus.EXITED, exited_on=local_today(), exit_reason="moved"
    )
    client.force_login(peacekeeper)
    # Exited clients may be off the default list: ask for every status.
    page = client.get(reverse("outreach:client_list"), {"status": ALL_STATUSES}).content.decode()
    assert gone.full_name in page
    assert f'href="{reverse("outreach:contact_create", args=[jamal.pk])}"' in page
    assert f'href="{reverse("outreach:contact_create", args=[gone.pk])}"' not in page


def test_the_log_contact_column_is_not_in_the_export(client, manager, jamal):
    client.force_login(manager)
    csv = client.get(reverse("outreach:client_list"), {"_export": "csv"}).content.decode()
    header = csv.splitlines()[0]
    assert "Log" not in header and "contact_create" not in csv


def test_the_peacekeepers_worklist_offers_log_contact(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("outreach:contact_create", args=[jamal.pk])}"' in page


def test_the_contact_form_says_a_contact_was_just_saved(client, peacekeeper, other_peacekeeper, jamal):
    """Back after a save reloads an empty form: it says the contact is saved, with a link to it."""
    url = reverse("outreach:contact_create", args=[jamal.pk])
    client.force_login(peacekeeper)
    assert "just-saved" not in client.get(url).content.decode()
    old = ContactFactory(client=jamal, peacekeeper=peacekeeper)
    Contact.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    ContactFactory(client=jamal, peacekeeper=other_peacekeeper)  # someone else's: not "you saved"
    assert "just-saved" not in client.get(url).content.decode()
    fresh = ContactFactory(client=jamal, peacekeeper=peacekeeper)
    page = client.get(url).content.decode()
    assert "You saved a contact with Jamal Johnson" in page and f"#contact-{fresh.pk}" in page
