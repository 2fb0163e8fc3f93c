"""django-two-factor-auth asks for the device named "default" and keeps recovery codes in a
StaticDevice named "backup": rename the devices the old hand-written flow made, and drop its
unconfirmed authenticator keys (set-ups never finished)."""

from django.db import migrations

OLD_AUTHENTICATOR, OLD_RECOVERY = "Authenticator app", "Recovery codes"


def rename(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    TOTPDevice.objects.filter(confirmed=False).delete()
    TOTPDevice.objects.filter(confirmed=True, name=OLD_AUTHENTICATOR).update(name="default")
    StaticDevice.objects.filter(name=OLD_RECOVERY).update(name="backup")


def unrename(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    TOTPDevice.objects.filter(name="default").update(name=OLD_AUTHENTICATOR)
    StaticDevice.objects.filter(name="backup").update(name=OLD_RECOVERY)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_access_log_append_only"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(rename, unrename)]
