"""The admin site: Django's, signed into through the two-factor sign-in, with sections other apps add.

An app adds pages to the admin (reports: the quarterly report in the admin look) by calling
`admin.site.add_section(...)` from its admin.py, so this module imports no app above accounts.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache


@dataclass(frozen=True)
class AdminSection:
    """Pages an app adds to the admin: its URL patterns (given the site, for `admin_view`) and the
    entry on the admin index for a request (None: not shown to this user)."""

    app_label: str
    urls: Callable[[admin.AdminSite], list]
    index_entry: Callable[[HttpRequest], dict | None]


class PeacekeeperAdminSite(admin.AdminSite):
    site_header = _("Peacekeeper administration")
    site_title = _("Peacekeeper admin")
    index_title = _("Administration")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sections: list[AdminSection] = []

    def add_section(self, section: AdminSection) -> None:
        self._sections.append(section)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """No password-only door: the admin signs in through the two-factor sign-in. Someone signed
        in who may not use the admin is refused (sending them to sign in again went round for ever)."""
        if request.user.is_authenticated:
            raise PermissionDenied
        target = request.POST.get("next", request.GET.get("next", ""))
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index")
        return redirect_to_login(target)

    def get_urls(self):
        return [*(url for section in self._sections for url in section.urls(self)), *super().get_urls()]

    def get_app_list(self, request: HttpRequest, app_label: str | None = None):
        app_list = super().get_app_list(request, app_label)
        for section in self._sections:
            if app_label in (None, section.app_label) and (entry := section.index_entry(request)):
                app_list.append(entry)
        return app_list
