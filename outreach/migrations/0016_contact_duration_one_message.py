"""The contact duration says one message (1 to 720 minutes) wherever it is broken, and its label
says the unit (the history pages show it)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0015_form_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="duration_minutes",
            field=models.PositiveSmallIntegerField(
                verbose_name="duration (minutes)",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Enter a duration between 1 and 720 minutes (12 hours)."
                    ),
                    django.core.validators.MaxValueValidator(
                        720, "Enter a duration between 1 and 720 minutes (12 hours)."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="contactevent",
            name="duration_minutes",
            field=models.PositiveSmallIntegerField(
                verbose_name="duration (minutes)",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Enter a duration between 1 and 720 minutes (12 hours)."
                    ),
                    django.core.validators.MaxValueValidator(
                        720, "Enter a duration between 1 and 720 minutes (12 hours)."
                    ),
                ],
            ),
        ),
    ]
