from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Pieces every app's pages share: tables, forms, list mixins, exports, parameters, audit reading.

    It is the bottom layer: it imports no other app of the project (docs/architecture.md).
    """

    name = "core"
