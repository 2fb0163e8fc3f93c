from django.contrib import admin
from django.urls import include, path

from accounts.views import AccessLogView
from config import views
from reports import views as reports_views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("audit/", AccessLogView.as_view(), name="access_log"),
    path("", include("outreach.urls")),
    path("", include("incidents.urls")),
    path("", include("reports.urls")),
    path("", include("publishing.urls")),
    path("", reports_views.dashboard, name="dashboard"),
]
