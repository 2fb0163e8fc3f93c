from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import primary_role
from outreach import caseloads


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
    return render(request, "reports/dashboard.html", context)
