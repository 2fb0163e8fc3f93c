from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class ReportsConfig(AppConfig):
    """Dashboards, the quarterly report and exports. Reads only."""

    name = "reports"

    def ready(self) -> None:
        from reports import analyst

        # The analysts' views (manage.py analyst_access) are dropped around migrations and made again.
        pre_migrate.connect(analyst.before_migrate, sender=self, dispatch_uid="analyst_views_before_migrate")
        post_migrate.connect(analyst.after_migrate, sender=self, dispatch_uid="analyst_views_after_migrate")
