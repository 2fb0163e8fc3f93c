from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Incidents of violence, the program's responses and mediations, and the counting rules."""

    name = "incidents"

    def ready(self) -> None:
        from core import history
        from incidents.models.conflicts import lapsed_association_events
        from incidents.response_cases import hospital_contact_logged
        from outreach import services

        history.hide_events(lapsed_association_events)
        services.CONTACT_LOGGED.append(hospital_contact_logged)
