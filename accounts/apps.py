from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Roles (groups), sign-in and, later, the access log."""

    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import languages, lockout  # noqa: F401  (lockout connects the lockout access-log receiver)

        user_logged_in.connect(languages.on_sign_in, dispatch_uid="accounts.languages.on_sign_in")
