# The table Django made for Client.secondary_peacekeepers becomes an explicit model (same table,
# same columns: nothing changes in the database), so that the audit trail can track it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0005_audit_statement_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SecondaryPeacekeeper",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "client",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="outreach.client"),
                        ),
                        (
                            "user",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL),
                        ),
                    ],
                    options={
                        "verbose_name": "secondary peacekeeper",
                        "db_table": "outreach_client_secondary_peacekeepers",
                        "unique_together": {("client", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="client",
                    name="secondary_peacekeepers",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="secondary_clients",
                        through="outreach.SecondaryPeacekeeper",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
