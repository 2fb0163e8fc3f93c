"""The program standard's default tasks after a homicide or non-fatal shooting (README, "After a shooting").
A program changes them in the admin; later cases follow the table as it then is."""

from django.db import migrations

# (kind, title, when, hours, per person)
DEFAULTS = [
    ("scene", "Scene response", "every", 2, False),
    ("hospital", "Hospital bedside visit", "wounded", 24, False),
    ("family_support", "Family contact", "every", 48, False),
    ("conflict_check", "Conflict check or mediation attempt", "every", 72, False),
    ("at_risk_contact", "Contact a person at risk", "every", 72, True),
    ("follow_up", "Follow-up at one week", "every", 24 * 7, False),
    ("follow_up", "Follow-up at one month", "every", 24 * 30, False),
    ("follow_up", "Follow-up at four months", "every", 24 * 120, False),
]


def add_defaults(apps, schema_editor):
    Standard = apps.get_model("incidents", "ResponseStandard")
    if Standard.objects.exists():
        return
    Standard.objects.bulk_create(
        Standard(kind=kind, title=title, when=when, due_hours=hours, per_person=per_person, position=n)
        for n, (kind, title, when, hours, per_person) in enumerate(DEFAULTS)
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0014_response_cases")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
