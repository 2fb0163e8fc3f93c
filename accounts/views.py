import ipaddress

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import lockout, roles
from accounts.filters import AccessLogFilter
from accounts.middleware import touch
from accounts.models import AccessLog
from accounts.tables import AccessLogTable
from core.lists import FilteredListMixin


class AccessLogView(FilteredListMixin, SingleTableMixin, FilterView):
    """Who viewed which client and exported what: managers and admins review it."""

    table_class = AccessLogTable
    filterset_class = AccessLogFilter
    template_name = "accounts/access_log.html"
    table_pagination = {"per_page": 50}

    def dispatch(self, request, *args, **kwargs):
        if not roles.can_see_all_clients(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return AccessLog.objects.select_related("user")


@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": the idle timer starts again (anonymous users are sent to login first)."""
    touch(request.session)
    return HttpResponse(status=204)


@require_POST
def lockout_unlock(request: HttpRequest) -> HttpResponse:
    """An administrator lifts a sign-in lockout, of an account or of an address, from the dashboard."""
    if not roles.is_admin(request.user):
        raise Http404
    username = request.POST.get("username", "").strip()
    address = request.POST.get("address", "").strip()
    if address:
        try:
            address = str(ipaddress.ip_address(address))
        except ValueError:
            return HttpResponseBadRequest("That is not an address.")
    elif not username:
        return HttpResponseBadRequest("Say which account or address to unlock.")
    lockout.lockout_lift(request=request, username=username, address=address)
    messages.success(request, f"Sign-in from {address} is open again." if address else f"{username} can sign in again.")
    return redirect("dashboard")
