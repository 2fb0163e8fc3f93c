"""Field mode's pages: the caseload kept on the phone, the sync endpoint, the service worker and
the web app manifest (outreach/field.py says how a send works)."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import PrefixNode, static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from accounts import roles
from outreach import field
from outreach.models import Client
from outreach.tables import RISK_BADGES

# The caseload kept on the phone: a peacekeeper carries about CASELOAD_CAP clients; the page says
# when there are more than it keeps.
FIELD_CASELOAD_MAX = 100
# What the service worker keeps for offline use, besides the pages field.js stores at a sync.
PRECACHED_STATIC = (
    "vendor/bootstrap/bootstrap.min.css",
    "js/nav.js",
    "css/app.css",
    "js/session.js",
    "js/field.js",
)
# Bump when sw.js changes in a way the browser must notice (its bytes changing is what it checks).
SERVICE_WORKER_VERSION = 3


def _field_user_or_404(request: HttpRequest) -> None:
    if not roles.can_use_field_mode(request.user):
        raise Http404


@require_GET
def field_caseload(request: HttpRequest) -> HttpResponse:
    """The peacekeeper's caseload with a contact form link each: the page kept on the phone."""
    _field_user_or_404(request)
    clients = list(
        Client.objects.on_caseload_of(request.user)
        .current()
        .order_by("last_name", "first_name", "pk")[: FIELD_CASELOAD_MAX + 1]
    )
    rows = [{"client": client, "risk_badge": RISK_BADGES[client.risk_level]} for client in clients]
    return render(
        request,
        "outreach/field_caseload.html",
        {
            "rows": rows[:FIELD_CASELOAD_MAX],
            "more": len(rows) > FIELD_CASELOAD_MAX,
            "field_keys": field.keys(),
            "kept_hours": settings.FIELD_MODE_KEPT_HOURS,
        },
    )


def _refused(refusal: field.Refused) -> JsonResponse:
    body = {"error": refusal.message, "errors": refusal.errors}
    if refusal.fields:
        # The sender's own entries, back over their signed-in connection, so the form can be
        # reopened with them to correct (field.js keeps them in the tab only, as a draft).
        body["fields"] = refusal.fields
    return JsonResponse(body, status=refusal.status)


@require_http_methods(["GET", "POST"])
def field_sync(request: HttpRequest) -> JsonResponse:
    """GET: who is signed in, and a fresh CSRF token for the sends. POST: one sealed record (JSON)."""
    if not roles.can_use_field_mode(request.user):
        return JsonResponse({"error": gettext("Field mode is for peacekeepers.")}, status=403)
    keys = field.keys()
    if keys is None:
        # Not there, rather than a server error: a server without a key has no field mode at all.
        return JsonResponse({"error": gettext("Field mode is off on this server (no key).")}, status=404)
    if request.method == "GET":
        return JsonResponse({"user": request.user.pk, "csrf": get_token(request), "key_id": keys.key_id})
    try:
        envelope = json.loads(request.body)
    except RequestDataTooBig:
        return _refused(field.Refused(413, gettext("Not sent: the record is far larger than a contact can be.")))
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than Python's stack
        return _refused(field.Refused(400, gettext("Not sent: the record is not JSON.")))
    try:
        contact, created = field.field_contact_send(by=request.user, envelope=envelope, keys=keys)
    except field.Refused as refusal:
        return _refused(refusal)
    return JsonResponse(
        {"contact": contact.pk, "url": contact.client.get_absolute_url(), "created": created},
        status=201 if created else 200,
    )


def _offline_page_words() -> dict[str, str]:
    """What the worker's offline page says, in the request's language (the page is built in sw.js)."""
    link = format_html('<a href="{}">{}</a>', reverse("outreach:field_caseload"), gettext("Field mode"))
    return {
        "lang": get_language(),
        "title": gettext("Offline"),
        "heading": gettext("You are offline"),
        "text": format_html(
            gettext(
                "This page is not kept on this phone, or was kept too long ago. {link} (your caseload and its "
                "contact forms) works offline."
            ),
            link=link,
        ),
    }


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js, from the site root so its scope is the whole site. It holds no data (the list of
    static files, the URLs it may answer offline), but is served only to signed-in users: the page
    that registers it is always a signed-in one, and the browser's update checks send the cookie."""
    response = render(
        request,
        "outreach/sw.js",
        {
            "version": SERVICE_WORKER_VERSION,
            "precache": json.dumps([*(static(path) for path in PRECACHED_STATIC), reverse("javascript_catalog")]),
            # The prefix itself: static("") has no manifest entry, and fails with hashed static files.
            "static_prefix": json.dumps(PrefixNode.handle_simple("STATIC_URL")),
            "field_url": json.dumps(reverse("outreach:field_caseload")),
            # The scripts' strings (/jsi18n/): a kept page offline needs them as much as the scripts.
            "catalog_url": json.dumps(reverse("javascript_catalog")),
            "offline": json.dumps(_offline_page_words()),
            "kept_ms": round(settings.FIELD_MODE_KEPT_HOURS * 3600 * 1000),
        },
        content_type="text/javascript",
    )
    # Never kept by the HTTP cache: a new version must reach the browser at its next check.
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest. Public because browsers fetch manifests without cookies; it holds no data."""
    response = JsonResponse(
        {
            "name": gettext("Peacekeeper field mode"),
            "short_name": "Peacekeeper",
            "start_url": reverse("outreach:field_caseload"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1f3a5f",
        },
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
