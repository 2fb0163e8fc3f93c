# The tables Django made for Mediation.peacekeepers and Mediation.clients become explicit models
# (same tables, same columns: nothing changes in the database), so that the audit trail can track them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_audit_statement_triggers"),
        ("outreach", "0006_secondary_peacekeeper_model"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MediationPeacekeeper",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "mediation",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="incidents.mediation"),
                        ),
                        (
                            "user",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL),
                        ),
                    ],
                    options={
                        "verbose_name": "mediation peacekeeper",
                        "db_table": "incidents_mediation_peacekeepers",
                        "unique_together": {("mediation", "user")},
                    },
                ),
                migrations.CreateModel(
                    name="MediationClient",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "mediation",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="incidents.mediation"),
                        ),
                        (
                            "client",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="outreach.client"),
                        ),
                    ],
                    options={
                        "verbose_name": "mediation client",
                        "db_table": "incidents_mediation_clients",
                        "unique_together": {("mediation", "client")},
                    },
                ),
                migrations.AlterField(
                    model_name="mediation",
                    name="peacekeepers",
                    field=models.ManyToManyField(
                        related_name="mediations", through="incidents.MediationPeacekeeper", to=settings.AUTH_USER_MODEL
                    ),
                ),
                migrations.AlterField(
                    model_name="mediation",
                    name="clients",
                    field=models.ManyToManyField(
                        blank=True, related_name="mediations", through="incidents.MediationClient", to="outreach.client"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
