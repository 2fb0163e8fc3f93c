"""Client phones validated and stored in one format (E.164, django-phonenumber-field, region US).

Existing values are converted where they read as a number ("(209) 555-0142" becomes "+12095550142").
A value that does not read as one (or has an extension, which E.164 would drop) is not lost and does
not block the migration: it moves to `phone_before_check` (shown on the client's page and the edit
form, to be entered again) and `phone` is left empty, so every client still passes validation (an
exit or a merge is never refused for an old typo). The changes go through the audit triggers, with
the context source "phone numbers to E.164 (migration)": each client's history shows its phone
before and after. Reversing puts those values back in `phone` (converted numbers stay in E.164,
which fits the old column).
"""

import pghistory
import pgtrigger.compiler
import pgtrigger.migrations
import phonenumber_field.modelfields
import phonenumbers
from django.db import migrations, models

import core.phones

REGION = "US"
BATCH = 1000


def e164_or_none(value: str) -> str | None:
    """The number in E.164, or None when it does not read as a valid number."""
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or number.extension:
        return None  # not a number, or one whose extension E.164 would drop
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _update(cursor, rows: list[tuple[int, str, str]]) -> None:
    """One UPDATE per batch (the statement-level audit trigger writes the batch's events at once)."""
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    cursor.execute(
        f"UPDATE outreach_client SET phone = v.phone, phone_before_check = v.before_check "  # noqa: S608
        f"FROM (VALUES {values}) AS v(id, phone, before_check) WHERE outreach_client.id = v.id",
        [item for row in rows for item in row],
    )


def phones_to_e164(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, phone FROM outreach_client WHERE phone <> '' ORDER BY id")
        changed = []
        for pk, phone in cursor.fetchall():
            e164 = e164_or_none(phone)
            if e164 is None:
                changed.append((pk, "", phone))
            elif e164 != phone:
                changed.append((pk, e164, ""))
    with pghistory.context(source="phone numbers to E.164 (migration)"):
        with schema_editor.connection.cursor() as cursor:
            for start in range(0, len(changed), BATCH):
                _update(cursor, changed[start : start + BATCH])


def before_check_back_to_phone(apps, schema_editor) -> None:
    with pghistory.context(source="phone numbers to E.164 (migration reversed)"):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE outreach_client SET phone = phone_before_check, phone_before_check = '' "
                "WHERE phone_before_check <> '' AND phone = ''"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0016_contact_duration_one_message"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="client",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="client",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="client",
            name="delete_delete",
        ),
        migrations.AddField(
            model_name="client",
            name="phone_before_check",
            field=models.CharField(
                blank=True, editable=False, max_length=30, verbose_name="phone as recorded before phones were checked"
            ),
        ),
        migrations.AddField(
            model_name="clientevent",
            name="phone_before_check",
            field=models.CharField(
                blank=True, editable=False, max_length=30, verbose_name="phone as recorded before phones were checked"
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="phone",
            field=phonenumber_field.modelfields.PhoneNumberField(
                blank=True,
                error_messages={"invalid": "Enter a US phone number such as (209) 555-0142."},
                max_length=128,
                region=None,
                validators=[core.phones.validate_plain_number],
            ),
        ),
        migrations.AlterField(
            model_name="clientevent",
            name="phone",
            field=phonenumber_field.modelfields.PhoneNumberField(
                blank=True,
                error_messages={"invalid": "Enter a US phone number such as (209) 555-0142."},
                max_length=128,
                region=None,
                validators=[core.phones.validate_plain_number],
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="client",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "outreach_clientevent" ("address", "code", "consent_signed_on", "created_at", "date_of_birth", "enrolled_on", "exit_reason", "exited_on", "first_name", "form_key", "gender", "id", "last_name", "neighborhood_id", "nickname", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "phone_before_check", "primary_peacekeeper_id", "referral_source", "referred_on", "risk_level", "status", "updated_at") SELECT new_values."address", new_values."code", new_values."consent_signed_on", new_values."created_at", new_values."date_of_birth", new_values."enrolled_on", new_values."exit_reason", new_values."exited_on", new_values."first_name", new_values."form_key", new_values."gender", new_values."id", new_values."last_name", new_values."neighborhood_id", new_values."nickname", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."phone", new_values."phone_before_check", new_values."primary_peacekeeper_id", new_values."referral_source", new_values."referred_on", new_values."risk_level", new_values."status", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="c17ca499f72d08058f399228b41edd8a40821afc",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_87655",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="outreach_client",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="client",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "outreach_clientevent" ("address", "code", "consent_signed_on", "created_at", "date_of_birth", "enrolled_on", "exit_reason", "exited_on", "first_name", "form_key", "gender", "id", "last_name", "neighborhood_id", "nickname", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "phone_before_check", "primary_peacekeeper_id", "referral_source", "referred_on", "risk_level", "status", "updated_at") SELECT new_values."address", new_values."code", new_values."consent_signed_on", new_values."created_at", new_values."date_of_birth", new_values."enrolled_on", new_values."exit_reason", new_values."exited_on", new_values."first_name", new_values."form_key", new_values."gender", new_values."id", new_values."last_name", new_values."neighborhood_id", new_values."nickname", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."phone", new_values."phone_before_check", new_values."primary_peacekeeper_id", new_values."referral_source", new_values."referred_on", new_values."risk_level", new_values."status", new_values."updated_at" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."address" IS DISTINCT FROM (new_values."address") OR old_values."code" IS DISTINCT FROM (new_values."code") OR old_values."consent_signed_on" IS DISTINCT FROM (new_values."consent_signed_on") OR old_values."created_at" IS DISTINCT FROM (new_values."created_at") OR old_values."date_of_birth" IS DISTINCT FROM (new_values."date_of_birth") OR old_values."enrolled_on" IS DISTINCT FROM (new_values."enrolled_on") OR old_values."exit_reason" IS DISTINCT FROM (new_values."exit_reason") OR old_values."exited_on" IS DISTINCT FROM (new_values."exited_on") OR old_values."first_name" IS DISTINCT FROM (new_values."first_name") OR old_values."form_key" IS DISTINCT FROM (new_values."form_key") OR old_values."gender" IS DISTINCT FROM (new_values."gender") OR old_values."id" IS DISTINCT FROM (new_values."id") OR old_values."last_name" IS DISTINCT FROM (new_values."last_name") OR old_values."neighborhood_id" IS DISTINCT FROM (new_values."neighborhood_id") OR old_values."nickname" IS DISTINCT FROM (new_values."nickname") OR old_values."phone" IS DISTINCT FROM (new_values."phone") OR old_values."phone_before_check" IS DISTINCT FROM (new_values."phone_before_check") OR old_values."primary_peacekeeper_id" IS DISTINCT FROM (new_values."primary_peacekeeper_id") OR old_values."referral_source" IS DISTINCT FROM (new_values."referral_source") OR old_values."referred_on" IS DISTINCT FROM (new_values."referred_on") OR old_values."risk_level" IS DISTINCT FROM (new_values."risk_level") OR old_values."status" IS DISTINCT FROM (new_values."status") OR old_values."updated_at" IS DISTINCT FROM (new_values."updated_at")) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="36f8aedc801fd786a10594466021843d5b5d1779",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_41495",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="outreach_client",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="client",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "outreach_clientevent" ("address", "code", "consent_signed_on", "created_at", "date_of_birth", "enrolled_on", "exit_reason", "exited_on", "first_name", "form_key", "gender", "id", "last_name", "neighborhood_id", "nickname", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "phone_before_check", "primary_peacekeeper_id", "referral_source", "referred_on", "risk_level", "status", "updated_at") SELECT old_values."address", old_values."code", old_values."consent_signed_on", old_values."created_at", old_values."date_of_birth", old_values."enrolled_on", old_values."exit_reason", old_values."exited_on", old_values."first_name", old_values."form_key", old_values."gender", old_values."id", old_values."last_name", old_values."neighborhood_id", old_values."nickname", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."phone", old_values."phone_before_check", old_values."primary_peacekeeper_id", old_values."referral_source", old_values."referred_on", old_values."risk_level", old_values."status", old_values."updated_at" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="e220ec1fd3f4e86e9908b083409bb37a93093bb6",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_37798",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="outreach_client",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunPython(phones_to_e164, before_check_back_to_phone, elidable=False),
    ]
