"""The admin, and the libraries' apps named in words on the admin index.

A library's section name is its AppConfig's verbose_name ("Otp_Totp"); Django's way to rename it
is an AppConfig subclass listed in INSTALLED_APPS instead of the library's own (same label, so
migrations and permissions are unchanged).
"""

from axes.apps import AppConfig as AxesConfig
from django.contrib.admin.apps import AdminConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig
from django_tasks_db.apps import TasksAppConfig
from pghistory.apps import PGHistoryConfig
from two_factor.plugins.webauthn.apps import TwoFactorWebauthnConfig


class PeacekeeperAdminConfig(AdminConfig):
    """Django admin, with the reports reachable from its index."""

    default_site = "accounts.admin_site.PeacekeeperAdminSite"


class SignInLockoutsConfig(AxesConfig):
    verbose_name = "Sign-in lockouts"


class TwoFactorDevicesConfig(OTPTOTPConfig):
    verbose_name = "Two-factor devices"


class RecoveryCodesConfig(OTPStaticConfig):
    verbose_name = "Two-factor recovery codes"


class PasskeysConfig(TwoFactorWebauthnConfig):
    verbose_name = "Two-factor passkeys"


class AuditTrailConfig(PGHistoryConfig):
    verbose_name = "Audit trail"


class BackgroundJobsConfig(TasksAppConfig):
    verbose_name = "Background jobs"
