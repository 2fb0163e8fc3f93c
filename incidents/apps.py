from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Incidents of violence, the program's responses and mediations, and the counting rules."""

    name = "incidents"
