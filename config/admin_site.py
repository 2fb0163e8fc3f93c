"""The admin site: Django's, plus a "Reports" section rendering the quarterly report in the admin look."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from accounts import access, roles

REPORT_QUARTERS_LISTED = 4


class PeacekeeperAdminSite(admin.AdminSite):
    site_header = "Peacekeeper administration"
    site_title = "Peacekeeper admin"
    index_title = "Administration"

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
        return [
            path("reports/", self.admin_view(self.reports_index), name="reports_index"),
            path(
                "reports/quarterly/<int:year>/<int:quarter>/",
                self.admin_view(self.quarterly_report),
                name="reports_quarterly",
            ),
            *super().get_urls(),
        ]

    def _quarters(self):
        from reports.quarterly import Quarter

        quarters = [Quarter.containing(timezone.localdate())]
        while len(quarters) < REPORT_QUARTERS_LISTED:
            quarters.append(quarters[-1].previous())
        return quarters

    def get_app_list(self, request: HttpRequest, app_label: str | None = None):
        app_list = super().get_app_list(request, app_label)
        if roles.can_see_reports(request.user) and app_label in (None, "reports"):
            models = [
                {
                    "name": f"Quarterly report {q.label}",
                    "object_name": f"quarterly_{q.year}_{q.number}",
                    "admin_url": reverse("admin:reports_quarterly", args=[q.year, q.number]),
                    "view_only": True,
                    "perms": {"view": True},
                }
                for q in self._quarters()
            ]
            app_list.append(
                {
                    "name": "Reports",
                    "app_label": "reports",
                    "app_url": reverse("admin:reports_index"),
                    "has_module_perms": True,
                    "models": models,
                }
            )
        return app_list

    def reports_index(self, request: HttpRequest) -> HttpResponse:
        if not roles.can_see_reports(request.user):
            raise Http404
        context = {**self.each_context(request), "title": "Reports", "quarters": self._quarters()}
        return TemplateResponse(request, "admin/reports_index.html", context)

    def quarterly_report(self, request: HttpRequest, year: int, quarter: int) -> HttpResponse:
        from reports import quarterly, views

        if not roles.can_see_reports(request.user):
            raise Http404
        q = views.quarter_or_404(year, quarter)
        report = quarterly.build(q)
        access.record(request, access.Action.VIEW_REPORT, f"quarterly {q.label} (admin)")
        context = {
            **self.each_context(request),
            **views.quarterly_context(report, public=False),
            "title": f"Violence and outcome report, {q.label}",
        }
        return TemplateResponse(request, "admin/reports_quarterly.html", context)
