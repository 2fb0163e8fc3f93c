from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Dashboards, the quarterly report and exports. Reads only."""

    name = "reports"
