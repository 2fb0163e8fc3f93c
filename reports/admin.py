"""The reports' own pages in the admin: a year-and-quarter picker with the recent quarters, and the
quarterly report in the admin look (previous and next quarter), added to the admin site as a
section (accounts.admin_site)."""

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from accounts import access, roles
from accounts.admin_site import AdminSection
from reports import display, periods, publication, quarterly, views
from reports.forms import QuarterPickerForm

QUARTERS_LISTED = 4


def _urls(site: admin.AdminSite) -> list:
    def reports_index(request: HttpRequest) -> HttpResponse:
        if not roles.can_see_reports(request.user):
            raise Http404
        first = periods.first_quarter()
        picker = QuarterPickerForm(request.GET if views.picking(request) else None, first=first)
        if picker.is_bound and picker.is_valid():
            picked = picker.cleaned_data["picked"]
            return redirect("admin:reports_quarterly", picked.year, picked.number)
        context = {
            **site.each_context(request),
            "title": gettext("Reports"),
            "picker": picker,
            "first_quarter": first,
            "quarters": periods.listed(views.recent_quarters(QUARTERS_LISTED, first)),
        }
        return TemplateResponse(request, "admin/reports_index.html", context)

    def quarterly_report(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
        if not roles.can_see_reports(request.user):
            raise Http404
        first = periods.first_quarter()
        q = views.quarter_or_404(year, quarter, first=first)
        report = quarterly.build(q)
        access.record(request, access.Action.VIEW_REPORT, f"quarterly {q.label} (admin)")
        context = {
            **site.each_context(request),
            **views.quarterly_context(publication.internal(report), first=first),
            "title": gettext("Violence and outcome report, %(quarter)s") % {"quarter": display.quarter_label(q.label)},
        }
        return TemplateResponse(request, "admin/reports_quarterly.html", context)

    return [
        path("reports/", site.admin_view(reports_index), name="reports_index"),
        path(
            "reports/quarterly/<int:year>/<int:quarter>/", site.admin_view(quarterly_report), name="reports_quarterly"
        ),
    ]


def _index_entry(request: HttpRequest) -> dict | None:
    if not roles.can_see_reports(request.user):
        return None
    models = [
        {
            "name": gettext("Quarterly report %(quarter)s") % {"quarter": display.quarter_label(q.label)},
            "object_name": f"quarterly_{q.year}_{q.number}",
            "admin_url": reverse("admin:reports_quarterly", args=[q.year, q.number]),
            "view_only": True,
            "perms": {"view": True},
        }
        # Only quarters that have a report: on a new install the first incident may be recent.
        for q in views.recent_quarters(QUARTERS_LISTED, periods.first_quarter())
    ]
    return {
        "name": gettext("Reports"),
        "app_label": "reports",
        "app_url": reverse("admin:reports_index"),
        "has_module_perms": True,
        "models": models,
    }


admin.site.add_section(AdminSection(app_label="reports", urls=_urls, index_entry=_index_entry))
