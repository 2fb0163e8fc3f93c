"""Implausible incidents are refused by the model's rules (form, admin, imports) and constraints."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from incidents.models import Incident
from tests.factories import IncidentFactory


def _errors(**values) -> dict:
    incident = IncidentFactory.build(neighborhood=None, **values)
    with pytest.raises(ValidationError) as caught:
        incident.full_clean()
    return caught.value.message_dict


def test_more_than_100_killed_or_injured_is_refused(db):
    assert "killed" in _errors(killed=101)
    assert "injured" in _errors(kind="aggravated_assault", killed=0, injured=150, weapon="knife")
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(killed=101)


def test_an_incident_before_1900_is_refused(db):
    early = datetime.datetime(1899, 12, 29, tzinfo=datetime.UTC)
    assert _errors(occurred_at=early)["occurred_at"] == ["The incident cannot be before 1900."]
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(occurred_at=early)


def test_before_1900_is_in_the_programs_local_time(db, settings):
    """31 December 1899 at 23:59 in Los Angeles is already 1900 in UTC: still refused (it took every
    report page down, as the first quarter on record would be Q4 1899)."""
    settings.TIME_ZONE = "America/Los_Angeles"
    late_1899 = datetime.datetime(1899, 12, 31, 23, 59, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    assert _errors(occurred_at=late_1899)["occurred_at"] == ["The incident cannot be before 1900."]
    first_1900 = datetime.datetime(1900, 1, 1, 0, 1, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    IncidentFactory.build(neighborhood=None, occurred_at=first_1900).full_clean()


def test_case_numbers_that_differ_only_in_letter_case_are_one_incident(db):
    IncidentFactory(case_number="SPD-1")
    assert "already exists" in str(_errors(case_number="spd-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(case_number="Spd-1")
    assert Incident.objects.count() == 1


VICTIM_CASES = [(101, "More than 100 killed"), (40_000, "More than 100 killed"), (-1, "cannot be negative")]


@pytest.mark.parametrize(("killed", "message"), VICTIM_CASES)
def test_the_form_says_the_victims_rule_in_the_models_words(db, killed, message):
    """One rule, one message: the browser's bound is the rule's, and the form says what the model says."""
    from incidents.forms import IncidentForm
    from incidents.models import MAX_VICTIMS, too_many_victims_message

    assert f'max="{MAX_VICTIMS}"' in str(IncidentForm()["killed"])
    data = {"case_number": "SPD-9", "kind": "shots_fired", "occurred_at": "2024-01-01T10:00", "injured": 0}
    form = IncidentForm(data={**data, "killed": killed, "weapon": "firearm"})
    assert len(form.errors["killed"]) == 1 and message in form.errors["killed"][0]
    if killed > MAX_VICTIMS:
        assert form.errors["killed"] == [too_many_victims_message("killed")] == _errors(killed=101)["killed"]
