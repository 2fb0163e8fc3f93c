from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import primary_role


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home page, built for their role."""
    return render(request, "reports/dashboard.html", {"dashboard_role": primary_role(request.user)})
