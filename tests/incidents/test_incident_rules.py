"""Implausible incidents are refused by the model's rules (form, admin, imports) and constraints."""

import datetime

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
    early = datetime.datetime(1899, 12, 31, tzinfo=datetime.UTC)
    assert _errors(occurred_at=early)["occurred_at"] == ["The incident cannot be before 1900."]
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(occurred_at=early)


def test_case_numbers_that_differ_only_in_letter_case_are_one_incident(db):
    IncidentFactory(case_number="SPD-1")
    assert "already exists" in str(_errors(case_number="spd-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(case_number="Spd-1")
    assert Incident.objects.count() == 1
