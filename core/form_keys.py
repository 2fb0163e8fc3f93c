"""One-time keys on create forms: a double submit, or a replayed offline record, never makes a second row.

How it works (SPEC section 7):

- Every model a create form makes has `form_key = form_key_field()`: a UUID, unique, null for rows
  made outside forms (imports, generate_data, seeds, the admin). The unique constraint is the
  real guard: whatever happens above it, one key is at most one row.
- The form (`FormKeyMixin`) carries the key in a hidden field, a fresh UUID4 made when the empty
  form is rendered. A form re-rendered with errors keeps the key it was posted with, so the
  corrected resubmit still counts as the same submission. A missing or malformed key is a form
  error (nothing is saved; the form comes back with the user's entries and a fresh key).
- The view (`SubmitOnceMixin` for class-based views, `@submit_once` for function views) takes a
  transaction-scoped advisory lock on the key, then looks for a row already saved with it. If
  there is one the user may see, the answer is a redirect to it ("Already saved"), exactly as
  the first submit answered; no validation runs again (a second incident with the same case
  number would otherwise be refused as a duplicate although it is the same submission). A
  second submit arriving while the first is still saving waits on the lock, then finds the
  row. An IntegrityError from the save (a writer that did not take the lock) is answered the
  same way when the key's row is there by then. A key whose row the user may not see is
  treated as no key at all: the same form error, so it reveals nothing.

For the offline field mode: the browser may make the key itself (`crypto.randomUUID()`) when a
record is captured without a network, store it with the record in IndexedDB, and post it as
`form_key` with the other fields when it replays. The server accepts any valid UUID, so
replaying the same record twice, or replaying a record whose first post did reach the server
before the connection dropped, answers with the row the first post made: a redirect (302) to
its page, like a first save.

Create and edit forms carry `autocomplete="off"`: Back after a save otherwise lets the browser
refill the form's fields on a freshly loaded page, under a new key, and a second Save would make a
second row (tests/browser/test_form_keys.py).
"""

import functools
import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db import IntegrityError, connection, models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_noop

FIELD = "form_key"
# The English words (tests and the browser tests compare them); said with gettext() where shown.
ALREADY_SAVED = gettext_noop("Already saved: this form was sent twice, and it was saved once.")
MISSING_KEY = gettext_noop(
    "Nothing was saved: the one-time key of this form was missing or not valid. Check the entries below and save again."
)


def form_key_field() -> models.UUIDField:
    """The model field: null for rows made outside a form, unique otherwise."""
    return models.UUIDField(
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="The one-time key of the form that created this row (none for imports and generated data).",
    )


class KeyInput(forms.HiddenInput):
    """The one-time key's hidden input, with no id: it has no label, and a page with several create
    forms (a conflict's parties and incidents) would otherwise repeat `id_form_key`."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("id", None)
        return context


class FormKeyMixin(forms.ModelForm):
    """A create form's one-time key, in a hidden field (not on edit forms: editing is idempotent)."""

    form_key = forms.CharField(widget=KeyInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields[FIELD]
        elif not self.is_bound:
            self.initial[FIELD] = str(uuid.uuid4())

    def clean(self):
        cleaned = super().clean()
        if FIELD not in self.fields:
            return cleaned
        key = parse_key(cleaned.get(FIELD))
        if key is None:
            # Give the re-rendered form a key of its own, so saving again after a look works.
            self.data = self.data.copy()
            self.data[self.add_prefix(FIELD)] = str(uuid.uuid4())
            raise forms.ValidationError(gettext(MISSING_KEY), code="form_key")
        cleaned[FIELD] = key
        return cleaned

    def save(self, commit: bool = True):
        if FIELD in self.fields:
            self.instance.form_key = self.cleaned_data[FIELD]
        return super().save(commit)


def parse_key(value: object) -> uuid.UUID | None:
    """A UUID from a posted value, or None when it is missing or malformed."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _lock(key: uuid.UUID) -> None:
    """Queue concurrent submits of one key until the transaction that holds it ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(key.bytes[:8], "big", signed=True)])


def _saved_with(model: type[models.Model], key: uuid.UUID) -> models.Model | None:
    return model._default_manager.filter(form_key=key).first()


def handle_once(
    request: HttpRequest,
    *,
    model: type[models.Model],
    visible: Callable[[], models.QuerySet],
    saved_url: Callable[[models.Model], str],
    save: Callable[[], HttpResponse],
    message_tags: str = "",
) -> HttpResponse:
    """Run `save` (the view's POST handling) unless this form's key already made a row.

    `visible` gives the rows of `model` this user may see; `saved_url` where to send them for a
    row already saved.
    """
    key = parse_key(request.POST.get(FIELD))
    if key is None:
        return save()  # the form says the key is missing
    with transaction.atomic():
        _lock(key)
        earlier = _saved_with(model, key)
        if earlier is None:
            try:
                with transaction.atomic():
                    return save()
            except IntegrityError:
                earlier = _saved_with(model, key)
                if earlier is None or not visible().filter(pk=earlier.pk).exists():
                    raise
        elif not visible().filter(pk=earlier.pk).exists():
            # Someone else's row: answer as for a form without a key, saying nothing about it.
            request.POST = request.POST.copy()
            request.POST[FIELD] = ""
            return save()
    messages.info(request, gettext(ALREADY_SAVED), extra_tags=message_tags)
    return redirect(saved_url(earlier))


def submit_once(
    model: type[models.Model],
    *,
    visible: Callable[[HttpRequest], models.QuerySet],
    saved_url: Callable[[models.Model], str] = lambda row: row.get_absolute_url(),
):
    """Decorator for a function view that creates a `model` row from a FormKeyMixin form."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            return handle_once(
                request,
                model=model,
                visible=lambda: visible(request),
                saved_url=saved_url,
                save=lambda: view(request, *args, **kwargs),
            )

        return wrapped

    return decorator


class SubmitOnceMixin:
    """For a CreateView whose form is a FormKeyMixin form: a second submit answers with the first row."""

    form_key_message_tags = ""

    def form_key_visible(self) -> models.QuerySet:
        """The rows this user may see (override to scope)."""
        return self.model._default_manager.all()

    def form_key_saved_url(self, row: models.Model) -> str:
        self.object = row
        return self.get_success_url()

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        post = super().post
        return handle_once(
            request,
            model=self.model,
            visible=self.form_key_visible,
            saved_url=self.form_key_saved_url,
            save=lambda: post(request, *args, **kwargs),
            message_tags=self.form_key_message_tags,
        )


class KeyTaken(Exception):
    """The one-time key already made a row this user may not see."""


def create_once(
    *,
    model: type[models.Model],
    key: uuid.UUID,
    visible: Callable[[], models.QuerySet],
    create: Callable[[], models.Model],
) -> tuple[models.Model, bool]:
    """Make a row with `create()` unless `key` already made one: (the row, whether it is new).

    The same lock and look-up as `handle_once`, for callers that answer with data rather than a
    redirect (field mode's sync endpoint). A key whose row this user may not see raises KeyTaken,
    so the caller can answer as for a missing key.
    """
    with transaction.atomic():
        _lock(key)
        earlier = _saved_with(model, key)
        if earlier is None:
            try:
                with transaction.atomic():
                    return create(), True
            except IntegrityError:
                earlier = _saved_with(model, key)
                if earlier is None:
                    raise
        if not visible().filter(pk=earlier.pk).exists():
            raise KeyTaken
        return earlier, False
