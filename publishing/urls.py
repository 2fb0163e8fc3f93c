from django.urls import path, register_converter

import reports.urls  # noqa: F401 (registers the year and quarter converters these paths use)
from publishing import views


class VersionConverter:
    regex = "[1-9][0-9]{0,3}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(VersionConverter, "version")

app_name = "publishing"

QUARTER = "reports/quarterly/<year:year>/<quarter:quarter>/public"

urlpatterns = [
    path(f"{QUARTER}/", views.copy_list, name="copies"),
    path(f"{QUARTER}/prepare/", views.copy_prepare, name="prepare"),
    path(f"{QUARTER}/v<version:version>/", views.copy_detail, name="copy"),
    path(f"{QUARTER}/v<version:version>.csv", views.copy_export, {"file_format": "csv"}, name="copy_csv"),
    path(f"{QUARTER}/v<version:version>.xlsx", views.copy_export, {"file_format": "xlsx"}, name="copy_xlsx"),
    path("reports/public-copies/<int:pk>/", views.draft, name="draft"),
    path("reports/public-copies/<int:pk>/status/", views.draft_status, name="draft_status"),
    path("reports/public-copies/<int:pk>/publish/", views.draft_publish, name="publish"),
    path("reports/public-copies/<int:pk>/discard/", views.draft_discard, name="discard"),
]
