"""The quarterly report's figures of the response to shootings (issue #16), on a hand-built quarter."""

import datetime
import zoneinfo

import pytest

from core.quarters import Quarter
from incidents import response_cases
from incidents.models import Incident
from reports import publication, quarterly
from tests.factories import IncidentFactory, ResponseFactory

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def at(*args):
    return datetime.datetime(*args, tzinfo=LA)


@pytest.fixture
def quarter(db, settings, peacekeeper):
    settings.TIME_ZONE = "America/Los_Angeles"
    response_cases.default_standard()
    a = IncidentFactory(
        kind="nonfatal_shooting", killed=0, injured=1, weapon="firearm", occurred_at=at(2025, 7, 10, 22)
    )
    b = IncidentFactory(kind="homicide", killed=1, injured=0, weapon="firearm", occurred_at=at(2025, 8, 1, 1))
    c = IncidentFactory(kind="nonfatal_shooting", killed=0, injured=2, weapon="firearm", occurred_at=at(2025, 9, 1, 12))
    IncidentFactory(kind="shots_fired", killed=0, injured=0, weapon="unknown", occurred_at=at(2025, 9, 2, 12))
    Incident.objects.filter(pk=c.pk).update(retaliation_for=a)
    response_cases.response_cases_open(incidents=Incident.objects.all())
    for incident, hours in ((a, 1), (b, 5)):  # the scene within its 2 hours, and late
        response = ResponseFactory(
            incident=incident,
            peacekeeper=peacekeeper,
            kind="scene",
            responded_at=incident.occurred_at + datetime.timedelta(hours=hours),
        )
        response_cases.task_completed_by(response, None)
    # A response after the quarter's end counts in no figure of it.
    ResponseFactory(incident=c, peacekeeper=peacekeeper, kind="scene", responded_at=at(2025, 10, 5, 12))
    return quarterly.build(Quarter(2025, 3))


def test_the_figures_of_the_quarter(quarter):
    table = next(t for s in quarter.sections for t in s.tables if t.key == "response_cases")
    rows = dict(table.rows)
    assert rows["Homicides and non-fatal shootings with a response case"] == [3, 3]
    assert rows["With the scene or hospital task done in its window"] == [1, 1]
    assert rows["Share done in its window (%)"] == [33.3, 33.3]
    assert rows["Median hours to the first response"] == [3.0, 3.0]
    assert rows["Retaliatory incidents recorded"] == [1, 1]


def test_its_counts_are_suppressed_in_a_public_copy_and_its_hours_are_not(quarter):
    copy = publication.prepare(quarter, [])
    rows = next(dict(t.rows) for _, ts in copy.sections for t in ts if t.key == "response_cases")
    assert rows["Homicides and non-fatal shootings with a response case"] == ["<5", "<5"]
    assert rows["Median hours to the first response"] == [3.0, 3.0]
    assert rows["Share done in its window (%)"] == ["suppressed", "suppressed"]
