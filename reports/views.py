import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import primary_role
from incidents.models import Incident
from outreach import caseloads

RESPONSE_GAP_DAYS = 30
RESPONSE_GAP_LIMIT = 20


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home page, built for their role."""
    role = primary_role(request.user)
    context: dict = {"dashboard_role": role}
    if role == "peacekeeper":
        context["worklist"] = caseloads.peacekeeper_worklist(request.user)
    elif role in ("manager", "admin"):
        context["caseloads"] = caseloads.caseload_summary()
        context["caseload_cap"] = caseloads.caseload_cap()
        since = timezone.now() - datetime.timedelta(days=RESPONSE_GAP_DAYS)
        gaps = Incident.objects.response_gaps().filter(occurred_at__gte=since).select_related("neighborhood")
        context["response_gaps"] = list(gaps[:RESPONSE_GAP_LIMIT])
        context["response_gap_days"] = RESPONSE_GAP_DAYS
    return render(request, "reports/dashboard.html", context)
