"""The counting definitions of issue #15 that live with the incidents: rounding half up, an incident
with anyone killed is a homicide, and shots fired is a shooting whatever the recorded weapon."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from incidents import counting
from incidents.importer import COLUMNS, import_incidents
from incidents.models import ImportStatus, Incident, IncidentImport, IncidentKind
from tests.factories import IncidentFactory

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
HEADER = ",".join(COLUMNS)
INLINE = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LA)


@pytest.fixture(autouse=True)
def _program_time(settings):
    settings.TIME_ZONE = "America/Los_Angeles"


class TestRoundingHalfUp:
    """Published statistics round a half up: 57.25 shows 57.3 (Python's round() gives 57.2)."""

    @pytest.mark.parametrize(
        ("numerator", "denominator", "shown"),
        [
            (3435, 60, 57.3),  # 57.25 hours
            (1225, 100, 12.3),  # a share of 12.25 %
            (4900, 400, 12.3),  # 49 of 400, as a share: 12.25 %
            (3, 60, 0.1),  # 0.05 hours
            (3429, 60, 57.2),  # 57.15 hours
            (1, 3, 0.3),
            (2, 3, 0.7),
            (0, 7, 0.0),
        ],
    )
    def test_a_half_rounds_up(self, numerator, denominator, shown):
        assert counting.half_up(numerator, denominator) == shown

    def test_it_is_exact_where_float_division_is_not(self):
        # 0.15 is 0.1499999... as a float: round(0.15, 1) is 0.1. As a published figure it is 0.2.
        assert counting.half_up(15, 100) == 0.2
        assert counting.half_up(Decimal("0.15")) == 0.2

    def test_whole_places(self):
        assert counting.half_up(5, 2, places=0) == 3  # round(2.5) is 2
        assert counting.half_up(3, 2, places=0) == 2


def _errors(**values) -> dict:
    incident = IncidentFactory.build(neighborhood=None, **values)
    with pytest.raises(ValidationError) as caught:
        incident.full_clean()
    return caught.value.message_dict


NOT_HOMICIDES = [
    dict(kind="aggravated_assault", weapon="knife", injured=0),
    dict(kind="other", weapon="other", injured=0),
    dict(kind="shots_fired", weapon="firearm", injured=0),
    dict(kind="nonfatal_shooting", weapon="firearm", injured=1),
]


class TestAnyoneKilledIsAHomicide:
    @pytest.mark.parametrize("values", NOT_HOMICIDES, ids=lambda v: v["kind"])
    def test_the_model_refuses_a_killed_in_another_kind(self, db, values):
        message = _errors(killed=1, **values)["killed"]
        kind = IncidentKind(values["kind"]).label.lower()
        assert message == [f"Someone was killed: record the incident as a homicide, not as {kind}."]

    @pytest.mark.parametrize("values", NOT_HOMICIDES, ids=lambda v: v["kind"])
    def test_the_database_refuses_it_too(self, db, values):
        with pytest.raises(IntegrityError, match="incident_killed_is_homicide"), transaction.atomic():
            IncidentFactory(killed=2, **values)

    def test_a_homicide_with_nobody_killed_is_refused_as_before(self, db):
        assert _errors(kind="homicide", killed=0)["killed"] == ["A homicide has at least one person killed."]
        with pytest.raises(IntegrityError), transaction.atomic():
            IncidentFactory(kind="homicide", killed=0)

    def test_the_migration_refuses_rows_that_break_it_and_changes_nothing(self, db):
        """Rows recorded before the rule stop the migration with their case numbers (it cannot know
        whether the kind or the killed count is wrong); nothing is rewritten."""
        import importlib

        from django.apps import apps
        from django.core.exceptions import ImproperlyConfigured
        from django.db import connection

        migration = importlib.import_module("incidents.migrations.0013_killed_is_homicide")
        migration.refuse_killed_outside_homicides(apps, None)  # no row breaks it: nothing to say
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE incidents_incident DROP CONSTRAINT incident_killed_is_homicide")
        IncidentFactory(case_number="SPD-OLD", kind="aggravated_assault", killed=1, weapon="knife")
        with pytest.raises(ImproperlyConfigured, match=r"1 incident\(s\) .* SPD-OLD \(aggravated_assault, 1 killed\)"):
            migration.refuse_killed_outside_homicides(apps, None)
        assert Incident.objects.get().kind == "aggravated_assault"

    def test_the_rule_is_a_property_of_the_kind(self):
        """Only the homicide kind may record people killed today: a kind added outside the homicide
        count (police use of force) must be named in KILLED_NOT_HOMICIDE_KINDS and say so."""
        from incidents.models import HOMICIDE_KINDS, KILLED_NOT_HOMICIDE_KINDS, may_record_killed

        assert HOMICIDE_KINDS == {IncidentKind.HOMICIDE}
        assert KILLED_NOT_HOMICIDE_KINDS == frozenset()
        assert [kind for kind in IncidentKind if may_record_killed(kind)] == [IncidentKind.HOMICIDE]

    def test_the_form_says_so(self, db):
        from incidents.forms import IncidentForm

        data = {"case_number": "SPD-9", "kind": "aggravated_assault", "occurred_at": "2024-01-01T10:00"}
        form = IncidentForm(data={**data, "killed": 1, "injured": 0, "weapon": "knife"})
        assert form.errors["killed"] == [
            "Someone was killed: record the incident as a homicide, not as aggravated assault."
        ]

    def test_the_admin_says_so(self, client, admin_user):
        client.force_login(admin_user)
        data = {
            "case_number": "SPD-9",
            "kind": "other",
            "occurred_at_0": "2024-01-01",
            "occurred_at_1": "10:00",
            "killed": 1,
            "injured": 0,
            "weapon": "other",
            "source": "police",
            "retaliation_risk": "low",
            "status": "open",
            **{f"{prefix}-{name}": value for prefix in ("involvements", "responses") for name, value in INLINE.items()},
        }
        response = client.post(reverse("admin:incidents_incident_add"), data)
        assert response.status_code == 200
        assert "record the incident as a homicide, not as other" in response.content.decode()
        assert not Incident.objects.exists()

    def test_the_import_names_the_line_and_writes_nothing(self, db):
        rows = [
            "SPD-1,2018-03-01,homicide,,,,,1,0,firearm,",
            "SPD-2,2018-03-02,aggravated_assault,,,,,1,0,knife,",
            "SPD-3,2018-03-03,shots_fired,,,,,0,0,firearm,",
            "SPD-4,2018-03-04,other,,,,,2,1,unknown,",
        ]
        report = import_incidents(io.StringIO("\n".join([HEADER, *rows]) + "\n", newline=""), dry_run=False)
        assert not report.applied
        assert [(e.line, e.message) for e in report.errors] == [
            (3, "someone was killed: record the incident as a homicide, not as aggravated assault"),
            (5, "someone was killed: record the incident as a homicide, not as other"),
        ]
        assert not Incident.objects.exists()

    def test_a_reimport_that_changes_a_homicide_to_an_assault_is_refused(self, db):
        IncidentFactory(case_number="SPD-1", kind="homicide", killed=1, occurred_at=at(2018, 3, 1, 12))
        report = import_incidents(
            io.StringIO(f"{HEADER}\nSPD-1,2018-03-01T12:00,aggravated_assault,,,,,1,0,firearm,\n", newline=""),
            dry_run=False,
        )
        assert [e.line for e in report.errors] == [2]
        assert Incident.objects.get().kind == "homicide"

    def test_the_command_refuses_the_file(self, db, tmp_path):
        path = tmp_path / "incidents.csv"
        path.write_text(f"{HEADER}\nSPD-2,2018-03-02,aggravated_assault,,,,,1,0,knife,\n")
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_incidents", str(path), stderr=err)
        assert "line 2: someone was killed: record the incident as a homicide" in err.getvalue()
        assert not Incident.objects.exists()

    def test_the_web_import_refuses_the_file(self, client, analyst, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        client.force_login(analyst)
        upload = io.BytesIO(f"{HEADER}\nSPD-2,2018-03-02,other,,,,,1,0,knife,\n".encode())
        upload.name = "march.csv"
        client.post(reverse("incidents:incident_import"), {"file": upload})
        job = IncidentImport.objects.get()
        assert job.status == ImportStatus.REJECTED
        page = client.get(reverse("incidents:incident_import_job", args=[job.pk])).content.decode()
        assert "record the incident as a homicide, not as other" in page
        assert not Incident.objects.exists()


class TestShotsFiredIsAShooting:
    def test_shots_fired_with_the_weapon_unknown_is_a_shooting_incident(self, db):
        shots = IncidentFactory(kind="shots_fired", killed=0, injured=0, weapon="unknown", occurred_at=at(2018, 3, 1))
        IncidentFactory(kind="aggravated_assault", killed=0, injured=1, weapon="unknown", occurred_at=at(2018, 3, 1))
        assert list(Incident.objects.shootings()) == [shots]
        totals = Incident.objects.aggregate(n=counting.SHOOTING_INCIDENTS)
        assert totals["n"] == 1

    def test_its_wounded_are_non_fatal_shooting_victims(self, db):
        """Someone wounded in shots fired recorded with the weapon unknown was wounded by a firearm."""
        IncidentFactory(kind="shots_fired", killed=0, injured=2, weapon="unknown", occurred_at=at(2018, 3, 1))
        IncidentFactory(kind="aggravated_assault", killed=0, injured=3, weapon="unknown", occurred_at=at(2018, 3, 1))
        assert counting.violence_between(*counting.year_window(2018)).nonfatal_shooting_victims == 2
        assert [
            row.nonfatal_shooting_victims for row in counting.violence_by_year(2018, datetime.date(2018, 12, 31))
        ] == [2]

    def test_with_someone_hit_it_is_measured_on_the_response(self, db):
        shots = IncidentFactory(kind="shots_fired", killed=0, injured=1, weapon="unknown", occurred_at=at(2018, 3, 1))
        assert list(Incident.objects.shootings_with_victims()) == [shots]

    def test_a_non_fatal_shooting_is_with_a_firearm_as_before(self, db):
        """The only other shooting kind: its weapon is always a firearm, so the weapon cannot hide it."""
        assert "weapon" in _errors(kind="nonfatal_shooting", killed=0, injured=1, weapon="unknown")
