"""Reading the audit trail that database triggers (django-pghistory) write for tracked models."""

from django.apps import apps
from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from pghistory.models import MiddlewareEvents

from core.people import display_name

PER_PAGE = 50
HIDDEN_FIELDS = {"updated_at", "created_at", "id"}
ACTIONS = {"insert": "created", "update": "changed", "delete": "deleted"}
# Columns holding a user's id: the history shows the name.
USER_FIELDS = {"user_id", "peacekeeper_id", "primary_peacekeeper_id", "logged_by_id"}


def _changes(event) -> list[tuple[str, object, object]]:
    """(field, before, after) rows: the diff of an update, the values of a creation."""
    if event.pgh_diff:
        pairs = ((field, before, after) for field, (before, after) in event.pgh_diff.items())
    elif event.pgh_label == "insert":
        pairs = ((field, None, value) for field, value in (event.pgh_data or {}).items() if value not in (None, "", []))
    elif event.pgh_label == "delete":  # what was removed (a peacekeeper taken off a case, say)
        pairs = ((field, value, None) for field, value in (event.pgh_data or {}).items() if value not in (None, "", []))
    else:
        pairs = ()
    return sorted(p for p in pairs if p[0] not in HIDDEN_FIELDS)


def _model_label(event_model: str) -> str:
    """ "Secondary peacekeeper" for outreach.SecondaryPeacekeeperEvent (its name if it is gone)."""
    try:
        return apps.get_model(event_model).pgh_tracked_model._meta.verbose_name.capitalize()
    except LookupError:
        return event_model.split(".")[-1].removesuffix("Event")


def _name(user: User | None, user_id) -> str:
    return display_name(user) if user else f"user #{user_id}"


def events_for(obj: Model, *, page: str | int | None = 1) -> Page:
    """The changes to a record and to the records that refer to it (a client's contacts, say),
    newest first, with who made each change when it was made through the web."""
    events = MiddlewareEvents.objects.references(obj).order_by("-pgh_created_at", "-pgh_id")
    page_of = Paginator(events, PER_PAGE).get_page(page)
    for event in page_of:
        event.changes = _changes(event)
    # Who made each change, and the people changes name by id (a case's peacekeepers), in one query.
    ids = {e.pgh_context.get("user") for e in page_of if e.pgh_context}
    ids |= {v for e in page_of for field, *values in e.changes if field in USER_FIELDS for v in values if v}
    users = {u.pk: u for u in User.objects.filter(pk__in=ids - {None})}
    for event in page_of:
        context = event.pgh_context or {}
        event.who = users.get(context.get("user"))
        event.source = context.get("source") or context.get("url") or "database"
        event.changes = [
            (field, *(_name(users.get(v), v) if v and field in USER_FIELDS else v for v in values))
            for field, *values in event.changes
        ]
        event.model_label = _model_label(event.pgh_model)
        event.action = ACTIONS.get(event.pgh_label, event.pgh_label)
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
        "events": events_for(record, page=request.GET.get("page")),
        "label": label,
        "back_url": record.get_absolute_url(),
    }
    return render(request, "includes/history_page.html", context)
