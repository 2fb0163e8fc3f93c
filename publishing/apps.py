from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """Public copies of the quarterly report as records: prepared in the background, audited, published
    by a manager, frozen; every later copy is checked against them."""

    name = "publishing"
