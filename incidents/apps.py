from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Incidents of violence, the program's responses and mediations, and the counting rules."""

    name = "incidents"

    def ready(self) -> None:
        from core import history
        from incidents.models.conflicts import lapsed_association_events

        history.hide_events(lapsed_association_events)
