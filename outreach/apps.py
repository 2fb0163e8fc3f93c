from django.apps import AppConfig


class OutreachConfig(AppConfig):
    """Neighborhoods, clients and the outreach work with them."""

    name = "outreach"
