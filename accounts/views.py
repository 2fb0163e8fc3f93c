import ipaddress

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import languages, lockout, roles
from accounts.filters import AccessLogFilter
from accounts.forms import LanguageForm, PreferencesForm
from accounts.middleware import touch
from accounts.models import AccessLog, Preferences
from accounts.services import preferences_update
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
            return HttpResponseBadRequest(_("That is not an address."))
    elif not username:
        return HttpResponseBadRequest(_("Say which account or address to unlock."))
    lockout.lockout_lift(request=request, username=username, address=address)
    if address:
        messages.success(request, _("Sign-in from %(address)s is open again.") % {"address": address})
    else:
        messages.success(request, _("%(username)s can sign in again.") % {"username": username})
    return redirect("dashboard")


def preferences(request: HttpRequest) -> HttpResponse:
    """Your own preferences: the language the product speaks to you in (every role)."""
    instance = Preferences.objects.filter(user=request.user).first() or Preferences(user=request.user)
    form = PreferencesForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        response = redirect("preferences")
        _language_save(request, response, form.cleaned_data["language"])
        messages.success(request, _("Your preferences are saved."))
        return response
    return render(request, "accounts/preferences.html", {"form": form})


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The navigation's language selector, signed in: saved as the user's preference."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose English or Spanish."))
    target = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("dashboard")
    response = redirect(target)
    _language_save(request, response, form.cleaned_data["language"])
    return response


def _language_save(request: HttpRequest, response: HttpResponse, language: str) -> None:
    preferences_update(user=request.user, language=language)
    languages.remember(request, language)
    languages.set_cookie(response, language)
    # The confirmation (and the rest of this request) in the language just chosen.
    languages.activate_for(request, language or languages.browser_language(request))
