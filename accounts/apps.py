from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Roles (groups), sign-in and, later, the access log."""

    name = "accounts"
