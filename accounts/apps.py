from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Roles (groups), sign-in and, later, the access log."""

    name = "accounts"

    def ready(self) -> None:
        from accounts import lockout  # noqa: F401  (connects the lockout access-log receiver)
