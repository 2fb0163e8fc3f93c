"""Field mode's server side: the sealed record's envelope, and the sync endpoint that saves it once."""

import base64
import datetime
import json
import os
import subprocess
import sys
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.test import Client as HttpClient
from django.utils import timezone

from core import sealed
from outreach.models import Client, Contact
from tests.factories import ClientFactory

SYNC = "/field/sync/"
NOTES = "Talked about the beef on 5th street; he agreed to stay in tonight."


def record(user, client, *, key=None, notes=NOTES, when=None, **overrides):
    when = when or timezone.localtime() - datetime.timedelta(hours=1)
    fields = [
        ["occurred_at", when.strftime("%Y-%m-%dT%H:%M")],
        ["duration_minutes", "30"],
        ["kind", "in_person"],
        ["location", "Corner store"],
        ["topics", "conflict_resolution"],
        ["topics", "family"],
        ["notes", notes],
        ["next_steps", ""],
        ["follow_up_on", ""],
    ]
    body = {
        "owner": user.pk,
        "client": client.pk,
        "form_key": str(key or uuid.uuid4()),
        "written_at": (when + datetime.timedelta(minutes=2)).isoformat(),
        "fields": fields,
    }
    return {**body, **overrides}


def envelope(keys, payload):
    return sealed.seal(keys.public_der, keys.key_id, payload)


def send(http, sealed_record):
    return http.post(SYNC, data=json.dumps(sealed_record), content_type="application/json")


@pytest.fixture
def grover(client, peacekeeper):
    client.force_login(peacekeeper)
    return client


def test_a_sealed_record_opens_with_the_private_key_only(field_keys, field_mode_pem):
    payload = {"notes": NOTES}
    box = envelope(field_keys, payload)
    assert NOTES not in json.dumps(box)
    assert sealed.open_envelope(field_keys, box) == payload
    other = sealed.load(pem=sealed.generate_pem().decode(), path=None)
    with pytest.raises(sealed.SealedError, match="key this server does not hold"):
        sealed.open_envelope(other, box)
    with pytest.raises(sealed.SealedError, match="could not be decrypted"):
        sealed.open_envelope(other, {**box, "key_id": other.key_id})


def test_make_run_writes_a_private_key_file_once_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "data" / "field-mode-key.pem"
    assert sealed.ensure_key_file(path) is True
    first = path.read_bytes()
    assert sealed.ensure_key_file(path) is False and path.read_bytes() == first
    assert path.stat().st_mode & 0o077 == 0
    assert sealed.load(pem=None, path=path).key_id


def test_the_first_send_saves_the_contact_with_both_times(grover, peacekeeper, jamal, field_keys):
    payload = record(peacekeeper, jamal)
    response = send(grover, envelope(field_keys, payload))
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert response.json() == {"contact": contact.pk, "url": jamal.get_absolute_url(), "created": True}
    assert contact.form_key == uuid.UUID(payload["form_key"])
    assert (contact.client, contact.peacekeeper, contact.notes) == (jamal, peacekeeper, NOTES)
    assert contact.topics == ["conflict_resolution", "family"]
    # Its time of contact is the one written offline; it arrived (created_at) later than it was written.
    assert timezone.localtime(contact.occurred_at).strftime("%Y-%m-%dT%H:%M") == payload["fields"][0][1]
    assert contact.written_offline_at == datetime.datetime.fromisoformat(payload["written_at"])
    assert contact.created_at > contact.written_offline_at
    event = Contact.pgh_event_model.objects.get(pgh_obj=contact)
    assert event.pgh_context.metadata["user"] == peacekeeper.pk
    assert event.written_offline_at == contact.written_offline_at


def test_a_replay_answers_with_the_first_row_and_saves_no_second(grover, peacekeeper, jamal, field_keys):
    key = uuid.uuid4()
    first = send(grover, envelope(field_keys, record(peacekeeper, jamal, key=key)))
    again = send(grover, envelope(field_keys, record(peacekeeper, jamal, key=key)))
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["contact"] == again.json()["contact"] and again.json()["created"] is False
    assert Contact.objects.count() == 1 and Contact.objects.get().notes == NOTES


def test_the_same_key_with_other_content_is_refused(grover, peacekeeper, jamal, field_keys):
    key = uuid.uuid4()
    assert send(grover, envelope(field_keys, record(peacekeeper, jamal, key=key))).status_code == 201
    other = send(grover, envelope(field_keys, record(peacekeeper, jamal, key=key, notes="other words")))
    assert other.status_code == 422
    assert "already used for a different contact" in other.json()["error"]
    assert Contact.objects.count() == 1 and Contact.objects.get().notes == NOTES


def test_a_record_saved_by_the_form_first_is_not_saved_twice(grover, peacekeeper, jamal, field_keys):
    """The form post reached the server but its answer was lost: the outbox's send finds that row."""
    key = uuid.uuid4()
    payload = record(peacekeeper, jamal, key=key)
    form = dict(payload["fields"][:6]) | {"topics": ["family"], "form_key": str(key)}
    assert grover.post(f"/clients/{jamal.pk}/contacts/new/", form).status_code == 302
    response = send(grover, envelope(field_keys, payload))
    assert response.status_code == 200 and response.json()["contact"] == Contact.objects.get().pk


def test_another_users_record_is_refused_and_nothing_written(client, other_peacekeeper, peacekeeper, field_keys):
    shared = ClientFactory(primary_peacekeeper=peacekeeper, secondary_peacekeepers=[other_peacekeeper])
    client.force_login(other_peacekeeper)
    response = send(client, envelope(field_keys, record(peacekeeper, shared)))
    assert response.status_code == 403
    assert "another user" in response.json()["error"]
    assert not Contact.objects.exists()


def test_a_key_that_saved_another_caseloads_contact_is_refused(
    grover, client, peacekeeper, other_peacekeeper, jamal, andre, field_keys
):
    key = uuid.uuid4()
    maria = HttpClient()
    maria.force_login(other_peacekeeper)
    assert send(maria, envelope(field_keys, record(other_peacekeeper, andre, key=key))).status_code == 201
    response = send(grover, envelope(field_keys, record(peacekeeper, jamal, key=key)))
    assert response.status_code == 422
    assert "one-time key" in response.json()["error"]
    assert list(Contact.objects.values_list("client", flat=True)) == [andre.pk]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda box: {**box, "ciphertext": box["ciphertext"][:-8] + "AAAAAAA="},
        lambda box: {**box, "wrapped_key": box["wrapped_key"][::-1]},
        lambda box: {**box, "iv": "not base64!"},
        lambda box: {**box, "key_id": "0" * 16},
        lambda box: ["not", "an", "envelope"],
    ],
    ids=["ciphertext", "wrapped-key", "iv", "key-id", "shape"],
)
def test_a_damaged_record_is_refused_and_nothing_written(grover, peacekeeper, jamal, field_keys, spoil):
    response = send(grover, spoil(envelope(field_keys, record(peacekeeper, jamal))))
    assert response.status_code == 400
    assert response.json()["error"].startswith("Not sent:")
    assert not Contact.objects.exists()


def test_a_body_that_is_not_json_is_refused(grover, field_keys):
    response = grover.post(SYNC, data="{nope", content_type="application/json")
    assert response.status_code == 400 and not Contact.objects.exists()


def test_a_client_off_the_caseload_is_refused_as_the_form_refuses_it(grover, peacekeeper, andre, field_keys):
    response = send(grover, envelope(field_keys, record(peacekeeper, andre)))
    assert response.status_code == 404
    assert response.json()["error"].startswith("Not sent: this client is not on your caseload")
    assert grover.post(f"/clients/{andre.pk}/contacts/new/", {}).status_code == 404
    assert not Contact.objects.exists()


def test_a_client_reassigned_away_since_the_sync_is_refused(grover, peacekeeper, other_peacekeeper, jamal, field_keys):
    Client.objects.filter(pk=jamal.pk).update(primary_peacekeeper=other_peacekeeper)
    assert send(grover, envelope(field_keys, record(peacekeeper, jamal))).status_code == 404
    assert not Contact.objects.exists()


def test_a_record_the_form_refuses_comes_back_with_its_message_and_entries(grover, peacekeeper, jamal, field_keys):
    future = timezone.localtime() + datetime.timedelta(days=2)
    payload = record(peacekeeper, jamal, when=future)
    response = send(grover, envelope(field_keys, payload))
    assert response.status_code == 422
    answer = response.json()
    assert "Date and time: A contact cannot be in the future." in answer["error"]
    assert answer["errors"] == {"occurred_at": ["A contact cannot be in the future."]}
    assert ["notes", NOTES] in answer["fields"]
    assert not Contact.objects.exists()
    # The form's own checks too (a duration out of range), with the form's wording.
    payload = record(peacekeeper, jamal)
    payload["fields"][1] = ["duration_minutes", "0"]
    answer = send(grover, envelope(field_keys, payload)).json()
    assert answer["errors"] == {"duration_minutes": ["Enter a duration between 1 and 720 minutes (12 hours)."]}
    assert not Contact.objects.exists()


def test_a_send_without_the_csrf_token_is_refused(peacekeeper, jamal, field_keys):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(peacekeeper)
    box = envelope(field_keys, record(peacekeeper, jamal))
    assert send(http, box).status_code == 403
    assert not Contact.objects.exists()
    token = http.get(SYNC).json()["csrf"]
    response = http.post(SYNC, data=json.dumps(box), content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 201 and Contact.objects.count() == 1


def test_the_sync_get_names_the_user_and_the_key(grover, peacekeeper, field_keys):
    answer = grover.get(SYNC).json()
    assert answer["user"] == peacekeeper.pk and answer["key_id"] == field_keys.key_id and answer["csrf"]


@pytest.mark.parametrize("persona", ["manager", "analyst", "admin_user", "no_role_user"])
def test_field_mode_is_for_peacekeepers_only(client, request, persona, jamal, peacekeeper, field_keys):
    client.force_login(request.getfixturevalue(persona))
    assert send(client, envelope(field_keys, record(peacekeeper, jamal))).status_code == 403
    assert client.get("/field/").status_code == 404
    assert 'data-field-key="' not in client.get("/accounts/password/change/").content.decode()
    assert not Contact.objects.exists()


def test_without_a_key_field_mode_is_off(grover, peacekeeper, settings, tmp_path):
    settings.FIELD_MODE_PRIVATE_KEY = None
    settings.FIELD_MODE_PRIVATE_KEY_FILE = tmp_path / "missing.pem"
    assert grover.get(SYNC).status_code == 404
    page = grover.get("/field/").content.decode()
    assert "Field mode is off on this server" in page and "data-field-key=" not in page


def test_the_field_page_lists_the_own_caseload_with_its_contact_forms(grover, peacekeeper, jamal, andre, field_keys):
    page = grover.get("/field/").content.decode()
    assert f'href="/clients/{jamal.pk}/contacts/new/"' in page and jamal.code in page
    assert andre.code not in page
    assert f'data-field-key="{field_keys.public_b64}"' in page


@pytest.mark.parametrize("size", [2, 12])
def test_the_field_page_query_count_stays_flat(grover, peacekeeper, field_keys, size, django_assert_max_num_queries):
    ClientFactory.create_batch(size, primary_peacekeeper=peacekeeper)
    with django_assert_max_num_queries(12):
        assert grover.get("/field/").status_code == 200


def test_the_service_worker_is_served_from_the_root_and_never_cached(grover, field_keys):
    response = grover.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"/static/js/field.js"' in body and "caches" in body
    assert body.count('"/jsi18n/"') == 2  # precached, and answered from the cache offline


def test_the_manifest_is_public_and_holds_no_data(client, db):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.json()["scope"] == "/" and response.json()["start_url"] == "/field/"


def test_make_run_makes_the_key_where_the_setting_points_unless_a_pem_is_given(tmp_path, monkeypatch):
    from config import run

    path = tmp_path / "key.pem"
    monkeypatch.setenv("FIELD_MODE_PRIVATE_KEY_FILE", str(path))
    monkeypatch.setenv("FIELD_MODE_PRIVATE_KEY", "-----BEGIN PRIVATE KEY----- (given) -----END PRIVATE KEY-----")
    run.ensure_field_mode_key()
    assert not path.exists()
    monkeypatch.delenv("FIELD_MODE_PRIVATE_KEY")
    run.ensure_field_mode_key()
    assert sealed.load(pem=None, path=path) is not None


# After one send (the first request of a session does its own bookkeeping), at two sizes.
@pytest.mark.parametrize("earlier", [1, 40])
def test_a_send_costs_the_same_queries_whatever_the_caseload(
    grover, peacekeeper, jamal, field_keys, earlier, django_assert_max_num_queries
):
    for _ in range(earlier):
        send(grover, envelope(field_keys, record(peacekeeper, ClientFactory(primary_peacekeeper=peacekeeper))))
    # 26: the contact and what it does to a response case's hospital task are one transaction (a savepoint);
    # 27: the look-up of a row this user's phone already sent under the key (a retry after a lost answer)
    with django_assert_max_num_queries(27):
        assert send(grover, envelope(field_keys, record(peacekeeper, jamal))).status_code == 201


def test_after_a_rotation_a_record_sealed_for_the_retired_key_still_arrives(
    grover, peacekeeper, jamal, field_keys, settings, tmp_path
):
    # A record sealed on the phone before the rotation, with the key its kept page then carried.
    old_pem = tmp_path / "old.pem"
    old_pem.write_bytes(sealed.generate_pem())
    old = sealed.load(pem=None, path=old_pem)
    before = envelope(old, record(peacekeeper, jamal))
    refused = send(grover, before)
    assert refused.status_code == 400 and "key this server does not hold" in refused.json()["error"]

    settings.FIELD_MODE_RETIRED_KEY_FILES = [old_pem]
    assert send(grover, before).status_code == 201
    # The pages hand out the current key only: nothing new is sealed for the retired one.
    page = grover.get("/field/").content.decode()
    assert field_keys.public_b64 in page and old.public_b64 not in page
    assert grover.get(SYNC).json()["key_id"] == field_keys.key_id
    assert Contact.objects.count() == 1


def test_an_unreadable_retired_key_is_the_servers_fault_and_the_phone_keeps_the_record(
    peacekeeper, jamal, field_keys, settings, tmp_path
):
    broken = tmp_path / "broken.pem"
    broken.write_text("not a key")
    settings.FIELD_MODE_RETIRED_KEY_FILES = [broken]
    http = HttpClient(raise_request_exception=False)
    http.force_login(peacekeeper)
    older = sealed.load(pem=sealed.generate_pem().decode(), path=None)
    response = send(http, envelope(older, record(peacekeeper, jamal)))
    # A 5xx: field.js keeps the record as waiting and tries again (a 4xx would mark it refused).
    assert response.status_code == 500
    assert not Contact.objects.exists()
    # Records sealed for the current key still arrive: the broken file is read only when needed.
    assert send(http, envelope(field_keys, record(peacekeeper, jamal))).status_code == 201


def test_a_retired_key_file_that_is_missing_stops_the_server_at_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "FIELD_MODE_RETIRED_KEY_FILES": str(tmp_path / "gone.pem")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "FIELD_MODE_RETIRED_KEY_FILES names" in result.stderr


def test_the_field_page_says_how_long_it_is_kept(grover, field_keys, settings):
    settings.FIELD_MODE_KEPT_HOURS = 8
    assert 'data-field-kept-hours="8"' in grover.get("/field/").content.decode()


def test_the_service_worker_is_served_with_the_production_hashed_static_files(grover, field_keys, settings, tmp_path):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    response = grover.get("/sw.js")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'var STATIC_PREFIX = "/static/";' in body
    assert "/static/js/field." in body and '"/static/js/field.js"' not in body  # the hashed name


def test_a_retry_after_a_lost_answer_finds_its_row_even_once_the_client_has_left_the_caseload(
    grover, peacekeeper, other_peacekeeper, jamal, field_keys
):
    sealed_record = envelope(field_keys, record(peacekeeper, jamal))
    first = send(grover, sealed_record)  # saved; the answer never reached the phone
    assert first.status_code == 201
    Client.objects.filter(pk=jamal.pk).update(primary_peacekeeper=other_peacekeeper)
    again = send(grover, sealed_record)
    # "Saved" (so the phone drops it), never "nothing was saved" for a contact that was.
    assert again.status_code == 200 and again.json()["contact"] == first.json()["contact"]
    assert Contact.objects.count() == 1


def test_a_client_id_of_true_is_no_client(grover, peacekeeper, jamal, field_keys):
    payload = {**record(peacekeeper, jamal), "client": True}
    response = send(grover, envelope(field_keys, payload))
    assert response.status_code == 404 and not Contact.objects.exists()


@pytest.mark.parametrize("inside", [False, True])
def test_deeply_nested_json_is_refused_not_a_server_error(peacekeeper, jamal, field_keys, inside):
    http = HttpClient(raise_request_exception=False)
    http.force_login(peacekeeper)
    deep = "[" * 100_000 + "]" * 100_000
    if inside:
        body = _seal_text(field_keys, deep)  # sealed as the browser would, around the nesting
        response = http.post(SYNC, data=json.dumps(body), content_type="application/json")
    else:
        response = http.post(SYNC, data=deep, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"].startswith("Not sent")


def _seal_text(keys, text: str) -> dict:
    content_key = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(12)
    public = serialization.load_der_public_key(keys.public_der)
    return {
        "key_id": keys.key_id,
        "wrapped_key": base64.b64encode(public.encrypt(content_key, sealed._OAEP)).decode(),
        "iv": base64.b64encode(iv).decode(),
        "ciphertext": base64.b64encode(AESGCM(content_key).encrypt(iv, text.encode(), None)).decode(),
    }


def test_a_body_over_the_request_limit_is_refused_in_json(grover, field_keys, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = grover.post(SYNC, data="x" * 5000, content_type="application/json")
    assert response.status_code == 413 and "larger" in response.json()["error"]


def test_head_of_the_service_worker_and_manifest_answers(grover, field_keys):
    assert grover.head("/sw.js").status_code == 200
    assert grover.head("/manifest.webmanifest").status_code == 200


def test_a_contact_form_kept_for_offline_use_says_so_in_the_access_log(grover, peacekeeper, jamal, field_keys):
    from accounts.models import AccessLog

    grover.get(f"/clients/{jamal.pk}/contacts/new/", headers={"X-Peacekeeper-Field-Keep": "1"})
    grover.get(f"/clients/{jamal.pk}/contacts/new/")
    targets = list(AccessLog.objects.filter(client_code=jamal.code).order_by("pk").values_list("target", flat=True))
    assert targets == [
        f"client {jamal.code} (contact form kept on the phone for offline use)",
        f"client {jamal.code} (new contact form)",
    ]


def test_a_contact_form_kept_for_offline_use_says_nothing_of_the_last_save(grover, peacekeeper, jamal, field_keys):
    from tests.factories import ContactFactory

    ContactFactory(client=jamal, peacekeeper=peacekeeper)
    form = f"/clients/{jamal.pk}/contacts/new/"
    assert "You saved a contact" in grover.get(form).content.decode()
    assert "You saved a contact" not in grover.get(form, headers={"X-Peacekeeper-Field-Keep": "1"}).content.decode()
