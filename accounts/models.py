import pgtrigger
from axes import models as axes_models
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """Who viewed a client record or exported data, when, and from where."""

    class Action(models.TextChoices):
        VIEW_CLIENT = "view_client", _("Viewed a client record")
        VIEW_REPORT = "view_report", _("Viewed a report")
        EXPORT = "export", _("Exported data")
        SIGN_IN_FACTOR = "sign_in_factor", _("Changed a sign-in factor")
        LOCKOUT = "lockout", _("Account locked after failed sign-ins")
        DUPLICATE_CHECK = "duplicate_check", _("Checked intake for duplicate clients")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=20, choices=Action)
    target = models.CharField(max_length=300, help_text=_("What was viewed or exported."))
    # The client's code, not a foreign key: accounts depends on no other app, and a log line
    # must outlive any change to the record it names.
    client_code = models.CharField(max_length=20, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        # One "Access log" in the admin: django-axes' own log of sign-ins is SignIn below.
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["user", "-at"])]
        # Evidence: the database refuses to change or delete a line, whoever asks.
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()}: {self.target}"


class SignIn(axes_models.AccessLog):
    """django-axes' record of each sign-in and sign-out, named in words in the admin (a proxy: no table)."""

    class Meta:
        proxy = True
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins and sign-outs")


class Preferences(models.Model):
    """A user's own settings: the language the product speaks to them in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    # Blank: the browser's language (Accept-Language), as before sign-in.
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Blank: the language your browser asks for."),
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'}"
