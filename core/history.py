"""Reading the audit trail that database triggers (django-pghistory) write for tracked models.

The trail stores rows as the database holds them (column names, stored choice values, ids, UTC
times). This module turns it into what a manager reads: one entry per save (every row the save
wrote, in the same transaction and audit context, together), field labels, choice labels, names
instead of ids (one query per related model for the whole page), local times, and who did it.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Model, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pghistory.models import MiddlewareEvents
from phonenumber_field.phonenumber import PhoneNumber

from core import parameters
from core.people import display_name
from core.phones import phone_display

# Saves per page: an entry with a table of changes is tall on a phone (50 made a 25,000 px page).
PER_PAGE = 20
# Columns that mean nothing to a reader: keys, stamps, the one-time form key, the caches the
# database keeps.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "form_key", "last_contact_at"}
# A part's title: the row's model and what the save did to it ("Client changed").
ACTIONS = {"insert": _("%(model)s created"), "update": _("%(model)s changed"), "delete": _("%(model)s deleted")}
# A link row (a through model such as a client's secondary peacekeepers) said as a sentence. A model
# may name its own verbs with HISTORY_VERBS = ("put on the case", "taken off the case").
LINK_VERBS = (_("added"), _("removed"))
EMPTY = "—"
# What an import's audit context said before it carried `import_file` (older rows).
LEGACY_IMPORT_PREFIXES = ("web import ", "import_incidents ")


@dataclass
class Change:
    """One field of one row: its label and its values before and after, as text."""

    label: str
    before: str
    after: str


@dataclass
class Part:
    """What one save did to one row: created, changed or deleted, and its fields."""

    title: str
    action: str = "update"
    description: str = ""
    changes: list[Change] = field(default_factory=list)


@dataclass
class Entry:
    """One save: when, who, and what it did to each row (the links it made or removed as sentences)."""

    when: datetime.datetime
    who: str
    parts: list[Part] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def _tracked_model(event_model: str) -> type[Model] | None:
    try:
        return apps.get_model(event_model).pgh_tracked_model
    except LookupError:
        return None


def _model_label(event_model: str) -> str:
    """ "Secondary peacekeeper" for outreach.SecondaryPeacekeeperEvent (its name if it is gone)."""
    model = _tracked_model(event_model)
    if model is None:
        return event_model.split(".")[-1].removesuffix("Event")
    return capfirst(model._meta.verbose_name)


def _columns(model: type[Model] | None) -> dict[str, models.Field]:
    """The model's fields by column name (the audit rows' keys)."""
    return {f.column: f for f in model._meta.concrete_fields} if model else {}


def _is_link(model: type[Model] | None) -> bool:
    """A through model: two foreign keys and nothing else a reader needs."""
    if model is None:
        return False
    shown = [f for f in model._meta.concrete_fields if f.column not in HIDDEN_FIELDS]
    return len(shown) == 2 and all(f.is_relation for f in shown)


class _Names:
    """The names of every row the page's events point to, fetched in one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[Model], set] = defaultdict(set)
        self.found: dict[type[Model], dict] = {}

    def want(self, model: type[Model], pk) -> None:
        if pk not in (None, ""):
            self.wanted[model].add(pk)

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            clean = set()
            for pk in pks:
                try:
                    clean.add(model._meta.pk.to_python(pk))
                except ValidationError:
                    continue
            queryset = model._default_manager.filter(pk__in=clean)
            if model is User:
                queryset = queryset.only("username", "first_name", "last_name")
            self.found[model] = {obj.pk: obj for obj in queryset}

    def obj(self, model: type[Model], pk):
        try:
            return self.found.get(model, {}).get(model._meta.pk.to_python(pk))
        except ValidationError:
            return None

    def name(self, model: type[Model], pk) -> str:
        obj = self.obj(model, pk)
        if obj is None:
            return gettext("%(model)s #%(pk)s (no longer exists)") % {
                "model": capfirst(model._meta.verbose_name),
                "pk": pk,
            }
        if isinstance(obj, User):
            return display_name(obj)
        if isinstance(getattr(obj, "code", None), str):  # a client is known by its code
            return obj.code
        return str(obj)


def _as_text(model_field: models.Field | None, value, names: _Names) -> str:
    """A stored value as a reader says it: labels for choices, Yes/No, names, local times."""
    if value is None or value == "" or value == []:
        return EMPTY
    if model_field is None:
        return str(value)
    if model_field.is_relation:
        return names.name(model_field.related_model, value)
    if isinstance(model_field, ArrayField):
        return ", ".join(_as_text(model_field.base_field, item, names) for item in value) or EMPTY
    if model_field.choices:
        label = dict(model_field.flatchoices).get(value)
        # Some labels are plain English msgids (outreach.ExitReason says why): translated here too.
        return gettext(str(label)) if label else str(value)
    if isinstance(model_field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    try:
        parsed = model_field.to_python(value)
    except ValidationError:
        return str(value)
    if isinstance(parsed, PhoneNumber):
        return phone_display(parsed)
    if isinstance(parsed, datetime.datetime):
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, datetime.UTC)
        return formats.date_format(timezone.localtime(parsed), "DATETIME_FORMAT")
    if isinstance(parsed, datetime.date):
        return formats.date_format(parsed, "DATE_FORMAT")
    return str(parsed)


def _who(context: dict | None, names: _Names) -> str:
    """The person who made the change, the import file it came from, or the system."""
    context = context or {}
    user = names.obj(User, context["user"]) if context.get("user") else None
    person = (
        display_name(user)
        if user
        else (gettext("user #%(id)s") % {"id": context["user"]} if context.get("user") else "")
    )
    import_file = context.get("import_file") or next(
        (
            source.removeprefix(prefix)
            for prefix in LEGACY_IMPORT_PREFIXES
            if (source := str(context.get("source") or "")).startswith(prefix)
        ),
        "",
    )
    if import_file:
        if person:
            return gettext("by the import of %(file)s (uploaded by %(person)s)") % {
                "file": import_file,
                "person": person,
            }
        return gettext("by the import of %(file)s") % {"file": import_file}
    return person or gettext("by the system")


@dataclass
class _Row:
    """The events of one row within one save, merged: first label, last data, combined diff."""

    event_model: str
    obj_id: str | None
    labels: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    first_data: dict = field(default_factory=dict)
    diff: dict = field(default_factory=dict)

    def add(self, event) -> None:
        if not self.labels:
            self.first_data = event.pgh_data or {}
        self.labels.append(event.pgh_label)
        self.data = event.pgh_data or {}
        for name, (before, after) in (event.pgh_diff or {}).items():
            self.diff[name] = (self.diff[name][0] if name in self.diff else before, after)

    @property
    def action(self) -> str:
        if self.labels[-1] == "delete":
            return "delete"
        return "insert" if self.labels[0] == "insert" else "update"

    def values(self) -> list[tuple[str, object, object]]:
        """(column, before, after) of what this save did to the row."""
        if self.action == "insert":
            return [(name, None, value) for name, value in self.data.items()]
        if self.action == "delete":
            return [(name, value, None) for name, value in self.first_data.items()]
        return [(name, before, after) for name, (before, after) in self.diff.items() if before != after]


def _rows(events) -> dict[tuple, list[_Row]]:
    """The page's events by save (transaction time and audit context), then by row."""
    saves: dict[tuple, dict[tuple, _Row]] = defaultdict(dict)
    for event in sorted(events, key=lambda e: (e.pgh_created_at, e.pgh_model, e.pgh_id)):
        key = (event.pgh_created_at, event.pgh_context_id)
        row_key = (event.pgh_model, event.pgh_obj_id)
        saves[key].setdefault(row_key, _Row(event.pgh_model, event.pgh_obj_id)).add(event)
    return {key: list(rows.values()) for key, rows in saves.items()}


def _label(column: str, model_field: models.Field | None) -> str:
    """The field's label; for a column the model no longer has, its name in words."""
    if model_field is not None:
        return capfirst(str(model_field.verbose_name))
    return capfirst(column.removesuffix("_id").replace("_", " "))


def _shown(row: _Row, record: Model) -> list[tuple[str, models.Field | None, object, object]]:
    """The row's changes a reader needs: not hidden columns, not the link back to the page's record."""
    model = _tracked_model(row.event_model)
    columns = _columns(model)
    shown = []
    for column, before, after in row.values():
        model_field = columns.get(column)
        if column in HIDDEN_FIELDS or (model_field is not None and model_field.primary_key):
            continue
        if model is not type(record) and model_field is not None and model_field.is_relation:
            if model_field.related_model is type(record) and str(before or after) == str(record.pk):
                continue
        if before in (None, "", []) and after in (None, "", []):
            continue
        shown.append((_label(column, model_field), model_field, before, after))
    # The model's order (the form's, mostly); columns it no longer has last.
    return sorted(shown, key=lambda item: item[1].creation_counter if item[1] else float("inf"))


def _describe(row: _Row, model: type[Model] | None, names: _Names) -> str:
    """The row as its own __str__ says it, built from the audit data and the names already fetched
    (no query): "Phone with C-2026-0001 on 2026-11-30"."""
    if model is None:
        return ""
    data = row.data if row.action != "delete" else row.first_data
    instance = model()
    try:
        for column, model_field in _columns(model).items():
            if column not in data:
                continue
            if model_field.is_relation:
                related = names.obj(model_field.related_model, data[column])
                if related is None and data[column] is not None:
                    return ""
                setattr(instance, model_field.name, related)
            else:
                setattr(instance, model_field.attname, model_field.to_python(data[column]))
        return str(instance)
    except (ValidationError, ObjectDoesNotExist, AttributeError, TypeError, ValueError):
        return ""


def _entries(events, record: Model, keys: list[tuple]) -> list[Entry]:
    """The page's entries, in the order of `keys` (the page's saves)."""
    names = _Names()
    saves = _rows(events)
    for rows in saves.values():
        for row in rows:
            # Every row the event names, changed or not: the rows' descriptions use them too.
            columns = _columns(_tracked_model(row.event_model))
            for data in (row.first_data, row.data, {k: before for k, (before, _after) in row.diff.items()}):
                for column, value in data.items():
                    model_field = columns.get(column)
                    if model_field is not None and model_field.is_relation:
                        names.want(model_field.related_model, value)
    for event in events:
        if (event.pgh_context or {}).get("user"):
            names.want(User, event.pgh_context["user"])
    names.fetch()
    contexts = {(e.pgh_created_at, e.pgh_context_id): e.pgh_context for e in events}
    entries = []
    for key in keys:
        rows = saves.get(key, [])
        entry = Entry(when=key[0], who=_who(contexts.get(key), names))
        # The page's own record first, then the rows that refer to it.
        for row in sorted(rows, key=lambda r: _tracked_model(r.event_model) is not type(record)):
            _add_row(entry, row, record, names)
        entries.append(entry)
    return entries


def _add_row(entry: Entry, row: _Row, record: Model, names: _Names) -> None:
    model = _tracked_model(row.event_model)
    shown = _shown(row, record)
    if _is_link(model) and row.action in ("insert", "delete") and shown:
        put_on, taken_off = getattr(model, "HISTORY_VERBS", LINK_VERBS)
        verb = put_on if row.action == "insert" else taken_off
        others = gettext(" and ").join(
            _as_text(f, before if after is None else after, names) for _column, f, before, after in shown
        )
        entry.links.append(
            gettext("%(names)s %(verb)s (%(model)s)")
            % {"names": others, "verb": verb, "model": model._meta.verbose_name}
        )
        return
    if row.action == "update" and not shown:
        return  # saved with nothing a reader would see changed (only its stamps)
    title = ACTIONS[row.action] % {"model": _model_label(row.event_model)} if row.action in ACTIONS else row.action
    part = Part(title=title, action=row.action)
    if model is not type(record):
        part.description = _describe(row, model, names)
    # A model may say how a field's values read (HISTORY_DISPLAY: a note stored in English, read in the reader's
    # language).
    shown_as = getattr(model, "HISTORY_DISPLAY", {})
    part.changes = [
        Change(
            label=label,
            before=_shown_as(shown_as, f, _as_text(f, before, names)),
            after=_shown_as(shown_as, f, _as_text(f, after, names)),
        )
        for label, f, before, after in shown
    ]
    entry.parts.append(part)


def _shown_as(shown_as: dict, model_field: models.Field | None, text: str) -> str:
    show = shown_as.get(model_field.name) if model_field is not None else None
    return show(text) if show and text != EMPTY else text


# Events no history page may show, which only a higher app knows: each rule returns a Q over the events
# to leave out, added by that app's AppConfig.ready() (incidents: the events of a group association that
# expired or ended, which appears on no page once it has).
HIDDEN_EVENTS: list[Callable[[], Q]] = []


def hide_events(rule: Callable[[], Q]) -> Callable[[], Q]:
    """Add a rule of events no history page shows (HIDDEN_EVENTS)."""
    HIDDEN_EVENTS.append(rule)
    return rule


def events_for(obj: Model, *, page: str | int | None = 1) -> Page:
    """The saves that changed a record or the records that refer to it (a client's contacts, say),
    newest first, one entry each: who, when, and what changed, as a reader says it.

    The same queries however long the history: the number of saves, the page's saves, their
    events, and the names the page needs (one query per related model: users, clients, ...)."""
    events = MiddlewareEvents.objects.references(obj)
    for rule in HIDDEN_EVENTS:
        events = events.exclude(rule())
    saves = (
        events.values("pgh_created_at", "pgh_context_id")
        .annotate(rows=Count("pgh_slug"))
        .order_by("-pgh_created_at", "pgh_context_id")
    )
    page_of = Paginator(saves, PER_PAGE).get_page(page)
    keys = [(save["pgh_created_at"], save["pgh_context_id"]) for save in page_of]
    page_events = list(events.filter(pgh_created_at__in={time for time, _ in keys})) if keys else []
    page_of.object_list = _entries(page_events, obj, keys)
    return page_of


def last_change_by(obj: Model) -> User | None:
    """Who made the latest change to this record through the web (None when unknown)."""
    event = obj.events.order_by("-pgh_id").select_related("pgh_context").first()
    if event is None or event.pgh_context is None:
        return None
    user_id = event.pgh_context.metadata.get("user")
    return User.objects.filter(pk=user_id).first() if user_id else None


def history_page(request: HttpRequest, record: Model, *, label: str) -> HttpResponse:
    """The page of a record's audit trail (includes/history_page.html): the caller has checked that
    the user may see it."""
    context = {
        "events": events_for(record, page=parameters.page_number(request.GET.get("page"))),
        "label": label,
        "back_url": record.get_absolute_url(),
    }
    return render(request, "includes/history_page.html", context)
