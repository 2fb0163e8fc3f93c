"""Client phones: validated and stored in one format (E.164), shown in the national format."""

import importlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from core.phones import PHONE_MESSAGE
from outreach.models import Client
from tests.factories import ClientFactory
from tests.forms import keyed
from tests.outreach.test_client_views import _client_data, post_edit

E164 = re.compile(r"^\+1\d{10}$")
migration = importlib.import_module("outreach.migrations.0017_client_phone_e164")


@pytest.mark.parametrize("typed", ["(209) 555-0142", "209-555-0142", "209.555.0142", "2095550142", "+1 209 555 0142"])
def test_every_way_of_typing_a_number_is_stored_the_same(jamal, typed):
    jamal.phone = typed
    jamal.full_clean()
    jamal.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM outreach_client WHERE id = %s", [jamal.pk])
        assert cursor.fetchone()[0] == "+12095550142"
    jamal.refresh_from_db()
    assert jamal.phone_display == "(209) 555-0142" and jamal.phone_tel == "+12095550142"


NOT_NUMBERS = ["555-0101", "(209) 123-4567", "call me", "=cmd|' /C calc'!A0", "<script>", "9" * 40, "🙂"]
NOT_STORABLE = ["(209) 555-0142 x3", "9" * 10_000, "209\x00555-0142"]


@pytest.mark.parametrize("typed", NOT_NUMBERS + NOT_STORABLE[:1])
def test_a_number_that_is_not_one_is_refused_with_one_clear_message(jamal, typed):
    jamal.phone = typed
    with pytest.raises(ValidationError) as refused:
        jamal.full_clean()
    assert refused.value.message_dict["phone"] == [PHONE_MESSAGE]


@pytest.mark.parametrize("typed", NOT_NUMBERS + NOT_STORABLE)
def test_the_form_says_one_message_whatever_is_wrong(typed):
    from outreach.forms import ClientForm

    data = {"first_name": "A", "last_name": "B", "risk_level": "high", "referral_source": "police", "phone": typed}
    form = ClientForm(data=data, manages=False)
    assert form.errors["phone"] == [PHONE_MESSAGE]


def test_the_form_says_the_message_and_keeps_the_input(client, manager, jamal):
    client.force_login(manager)
    url = reverse("outreach:client_edit", args=[jamal.pk])
    data = _client_data(first_name=jamal.first_name, last_name=jamal.last_name, phone="555-01")
    response = post_edit(client, url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "Enter a US phone number such as (209) 555-0142." in page
    assert 'value="555-01"' in page and 'type="tel"' in page


def test_the_client_page_shows_the_national_format_and_a_tel_link_without_spaces(client, peacekeeper, jamal):
    jamal.phone = "209 555 0142"
    jamal.save()
    client.force_login(peacekeeper)
    page = client.get(jamal.get_absolute_url()).content.decode()
    assert '<a href="tel:+12095550142">(209) 555-0142</a>' in page


def test_the_edit_form_shows_the_number_as_people_write_it(client, manager, jamal):
    jamal.phone = "+12095550142"
    jamal.save()
    client.force_login(manager)
    page = client.get(reverse("outreach:client_edit", args=[jamal.pk])).content.decode()
    assert 'value="(209) 555-0142"' in page


def test_the_duplicate_check_matches_a_number_however_it_was_typed(client, peacekeeper, jamal):
    jamal.phone = "(209) 555-0177"
    jamal.save()
    assert list(Client.objects.similar_to(first_name="X", last_name="Y", date_of_birth=None, phone="209.555.0177")) == [
        jamal
    ]
    assert not Client.objects.similar_to(first_name="X", last_name="Y", date_of_birth=None, phone="209-555-0178")
    assert not Client.objects.similar_to(first_name="X", last_name="Y", date_of_birth=None, phone="")
    client.force_login(peacekeeper)
    response = client.post(
        reverse("outreach:client_create"), keyed(_client_data(phone="2095550177", date_of_birth="")), follow=True
    )
    assert "Possible duplicate" in response.content.decode() and jamal.code in response.content.decode()


def _set_raw(record: Client, phone: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE outreach_client SET phone = %s WHERE id = %s", [phone, record.pk])


def test_the_migration_converts_what_reads_as_a_number_and_keeps_what_does_not(db):
    readable, unreadable, empty, already = ClientFactory.create_batch(4)
    _set_raw(readable, "(209) 555-0142 ")
    _set_raw(unreadable, "ask his mother")
    _set_raw(already, "+12095550143")
    with_extension = ClientFactory()
    _set_raw(with_extension, "209-555-0144 ext 7")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.phones_to_e164(None, editor)
    for record in (readable, unreadable, empty, already):
        record.refresh_from_db()
    assert (str(readable.phone), readable.phone_before_check) == ("+12095550142", "")
    assert (str(unreadable.phone), unreadable.phone_before_check) == ("", "ask his mother")
    assert (str(empty.phone), empty.phone_before_check) == ("", "")
    assert str(already.phone) == "+12095550143"
    with_extension.refresh_from_db()
    assert (str(with_extension.phone), with_extension.phone_before_check) == ("", "209-555-0144 ext 7")
    # Every client still passes validation (an exit or a merge is never refused for an old value).
    for record in (readable, unreadable, empty, already):
        record.full_clean()
    # The audit trail says what happened and why.
    event = unreadable.events.filter(pgh_label="update").latest("pgh_id")
    assert event.phone_before_check == "ask his mother"
    assert event.pgh_context.metadata["source"] == "phone numbers to E.164 (migration)"
    # And back.
    migration.before_check_back_to_phone(None, editor)
    unreadable.refresh_from_db()
    assert (str(unreadable.phone), unreadable.phone_before_check) == ("ask his mother", "")


def test_an_unreadable_old_phone_is_shown_escaped_to_be_corrected(client, manager, jamal):
    jamal.phone = ""
    jamal.phone_before_check = "<b>ask</b> his mother"
    jamal.save()
    client.force_login(manager)
    detail = client.get(jamal.get_absolute_url()).content.decode()
    assert "recorded before as “&lt;b&gt;ask&lt;/b&gt; his mother”, which could not be stored" in detail
    form = client.get(reverse("outreach:client_edit", args=[jamal.pk])).content.decode()
    assert "Recorded before as “&lt;b&gt;ask&lt;/b&gt; his mother”" in form and "<b>ask" not in form


def test_the_demo_and_the_synthetic_data_store_valid_phones(db):
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    call_command("generate_data", scale=0.02, seed=3, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM outreach_client WHERE phone <> ''")
        phones = [row[0] for row in cursor.fetchall()]
    assert phones and all(E164.match(phone) for phone in phones)
    for record in Client.objects.exclude(phone="")[:200]:
        record.full_clean()


def test_the_admin_finds_a_client_by_a_number_as_people_write_it(client, admin_user, jamal, andre):
    jamal.phone = "2095550142"
    jamal.save()
    client.force_login(admin_user)
    response = client.get(reverse("admin:outreach_client_changelist"), {"q": "(209) 555-0142"})
    assert list(response.context["cl"].result_list) == [jamal]
    edit = client.get(reverse("admin:outreach_client_change", args=[jamal.pk]))
    assert edit.status_code == 200 and 'value="(209) 555-0142"' in edit.content.decode()
