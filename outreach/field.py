"""Field mode: contacts written on a phone with no signal, sent once when it is back online.

The browser's part is static/js/field.js (the outbox in IndexedDB, each record sealed with the
server's public key: core/sealed.py) and the service worker (templates/field/sw.js). This module is
the server's part of a send: open the envelope, check whose it is and that the client is on the
sender's caseload, then validate it with the contact form and save it with `contact_log`, under the
record's one-time key, exactly as the form page does. The same key again answers with the first row.
"""

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import sealed
from core.form_keys import FIELD, MISSING_KEY, KeyTaken, create_once, parse_key
from core.forms import add_service_errors
from outreach import services
from outreach.forms import ContactForm
from outreach.models import Client, Contact

NOT_ON_CASELOAD = _("Not sent: this client is not on your caseload (any more). Nothing was saved.")
OTHER_WRITER = _("Not sent: this record was written by another user on this phone. Nothing was saved.")
NOT_VALID = _("Not saved: correct it on the contact form, or discard it.")
KEY_REUSED = _(
    "Not saved: this contact's one-time key was already used for a different contact. "
    "Discard it, or write it again on the contact form."
)
# A phone's clock may run a little ahead; a time further ahead than this is the server's time instead.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def keys() -> sealed.KeyPair | None:
    """The server's field-mode key pair, or None when none is configured (field mode off)."""
    return sealed.load(pem=settings.FIELD_MODE_PRIVATE_KEY, path=settings.FIELD_MODE_PRIVATE_KEY_FILE)


def retired_keys() -> tuple[sealed.KeyPair, ...]:
    """Keys rotated out: they open what phones sealed for them before the rotation, nothing else."""
    return sealed.load_retired(settings.FIELD_MODE_RETIRED_KEY_FILES)


@dataclass
class Refused(Exception):
    """A record the server will not save: the status to answer, the message for the phone to show."""

    status: int
    message: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    fields: list[list[str]] = field(default_factory=list)


def _form_data(pairs: object, key: uuid.UUID) -> QueryDict:
    """The record's form fields (name, value pairs as FormData gives them) as a POST would carry them."""
    data = QueryDict(mutable=True)
    if isinstance(pairs, list):
        for pair in pairs:
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair):
                if pair[0] in services.CONTACT_FIELDS:
                    data.appendlist(pair[0], pair[1])
    data[FIELD] = str(key)
    return data


def _digest(client: Client, data: QueryDict) -> str:
    """What a record says, as one value: its client and its form entries (the key aside), in order."""
    entries = [[name, data.getlist(name)] for name in sorted(data) if name != FIELD]
    return hashlib.sha256(json.dumps([client.pk, entries]).encode()).hexdigest()


def _written_at(value: object) -> datetime.datetime:
    """When the phone saved the record (its clock), never later than now."""
    now = timezone.now()
    try:
        written = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return now
    if timezone.is_naive(written):
        return now
    return min(written, now + CLOCK_SKEW)


def _refusal(form: ContactForm, data: QueryDict) -> Refused:
    errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    labels = [f"{form.fields[name].label or name}: " if name in form.fields else "" for name in errors]
    detail = " ".join(f"{label}{' '.join(messages)}" for label, messages in zip(labels, errors.values(), strict=True))
    return Refused(422, f"{NOT_VALID} {detail}".strip(), errors=errors, fields=_entries(data))


def _entries(data: QueryDict) -> list[list[str]]:
    """The writer's own entries, (name, value) pairs, to give back to the writer with a refusal."""
    return [[name, value] for name in data if name != FIELD for value in data.getlist(name)]


def _sent_before(*, by: User, key: uuid.UUID, client_pk: int, data: QueryDict) -> Contact | None:
    """The row this user's phone already saved under `key` for this client, if any: a retry whose
    first answer was lost. It answers with that row even when the client has left the caseload
    since (the phone must learn it was saved, not "nothing was saved"); other content is refused."""
    earlier = Contact.objects.filter(form_key=key, peacekeeper=by, client_id=client_pk).select_related("client").first()
    if earlier is None:
        return None
    if earlier.field_digest and earlier.field_digest != _digest(earlier.client, data):
        raise Refused(422, KEY_REUSED)
    return earlier


def field_contact_send(*, by: User, envelope: object, keys: sealed.KeyPair) -> tuple[Contact, bool]:
    """Save the contact sealed in `envelope`, written offline by `by`: (the row, whether it is new).

    Refused (nothing written) when the envelope does not open, is another user's, names a client
    off `by`'s caseload, or fails the contact form's validation."""
    try:
        # Retired keys are read only for a record that names another key: a broken retired key
        # file must not stop the sends sealed for the current one.
        current = isinstance(envelope, dict) and envelope.get("key_id") == keys.key_id
        record = sealed.open_envelope(keys, envelope, retired=() if current else retired_keys())
    except sealed.SealedError as error:
        raise Refused(400, gettext("Not sent: %(reason)s") % {"reason": error}) from error
    if record.get("owner") != by.pk:
        raise Refused(403, OTHER_WRITER)
    client_pk = record.get("client")
    if type(client_pk) is not int:  # not a bool either: true is no client id
        raise Refused(404, NOT_ON_CASELOAD)
    key = parse_key(record.get(FIELD))
    if key is None:
        raise Refused(400, gettext(MISSING_KEY))
    data = _form_data(record.get("fields"), key)
    sent_before = _sent_before(by=by, key=key, client_pk=client_pk, data=data)
    if sent_before is not None:
        return sent_before, False
    client = Client.objects.visible_to(by).filter(pk=client_pk).first()
    if client is None:
        # With the writer's own entries: the phone shows them, so discarding the record loses nothing.
        raise Refused(404, NOT_ON_CASELOAD, fields=_entries(data))
    digest = _digest(client, data)

    def create() -> Contact:
        form = ContactForm(data=data, instance=Contact(client=client, peacekeeper=by))
        if form.is_valid():
            try:
                return services.contact_log(
                    client=client,
                    by=by,
                    data=form.cleaned_data,
                    form_key=key,
                    written_offline_at=_written_at(record.get("written_at")),
                    field_digest=digest,
                )
            except ValidationError as error:
                add_service_errors(form, error)
        raise _refusal(form, data)

    visible = Contact.objects.filter(client__in=Client.objects.visible_to(by))
    try:
        contact, created = create_once(model=Contact, key=key, visible=lambda: visible, create=create)
    except KeyTaken as error:
        raise Refused(422, gettext(MISSING_KEY)) from error
    # A replay is the same content again; a row the form page saved under this key has no digest.
    if not created and contact.field_digest and contact.field_digest != digest:
        raise Refused(422, KEY_REUSED)
    return contact, created
