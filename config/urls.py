from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog, set_language

from accounts.views import AccessLogView
from config import views
from reports import views as reports_views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("accounts/", include("accounts.urls")),
    # The language selector before sign-in (a cookie; signed in, accounts' language_set saves a preference),
    # and the JavaScript strings (the sign-in page's scripts need them too). The catalogue is the same
    # for everyone in a language: cached a day (the cache key carries the active language).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path(
        "jsi18n/",
        login_not_required(cache_page(86400, key_prefix="jsi18n")(JavaScriptCatalog.as_view())),
        name="javascript_catalog",
    ),
    path("admin/", admin.site.urls),
    path("audit/", AccessLogView.as_view(), name="access_log"),
    path("", include("outreach.urls")),
    path("", include("incidents.urls")),
    path("", include("reports.urls")),
    path("", include("publishing.urls")),
    path("", reports_views.dashboard, name="dashboard"),
]
