from django.urls import path, register_converter

from reports import views


class QuarterConverter:
    regex = "[1-4]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


register_converter(QuarterConverter, "quarter")
register_converter(YearConverter, "year")

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/quarterly/<year:year>/<quarter:quarter>/", views.quarterly_report, name="quarterly"),
    path(
        "reports/quarterly/<year:year>/<quarter:quarter>.csv",
        views.quarterly_export,
        {"file_format": "csv"},
        name="quarterly_csv",
    ),
    path(
        "reports/quarterly/<year:year>/<quarter:quarter>.xlsx",
        views.quarterly_export,
        {"file_format": "xlsx"},
        name="quarterly_xlsx",
    ),
    path("reports/violence-trend.csv", views.violence_trend_csv, name="violence_trend_csv"),
]
