"""The counting definitions of issue #15 as the quarterly report shows them: hours and shares round
a half up; the record starts at the configured first year of data; clients active, exits and
clients involved follow the client's enrolment."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from core.quarters import Quarter
from reports import periods, quarterly
from tests.factories import (
    ClientFactory,
    ContactFactory,
    IncidentFactory,
    InvolvementFactory,
    ResponseFactory,
)

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LA)


@pytest.fixture(autouse=True)
def _program_time(settings):
    settings.TIME_ZONE = "America/Los_Angeles"


def _tables(report) -> dict:
    return {t.key: t for s in report.sections for t in s.tables}


class TestRoundingHalfUp:
    def test_contact_hours_of_57_25_show_57_3(self, db, peacekeeper):
        client = ClientFactory(primary_peacekeeper=peacekeeper, referred_on=datetime.date(2018, 1, 1))
        for day, minutes in ((1, 480), (2, 480), (3, 480), (4, 480), (5, 480), (6, 480), (7, 480), (8, 75)):
            ContactFactory(client=client, occurred_at=at(2018, 8, day, 10), duration_minutes=minutes)
        rows = dict(_tables(quarterly.build(Quarter(2018, 3)))["program_summary"].rows)
        assert rows["Contact hours"] == [57.3, 57.3]  # 3,435 minutes; round() gives 57.2

    def test_a_share_of_6_25_shows_6_3(self, db, peacekeeper):
        shootings = [
            IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, occurred_at=at(2018, 8, 1 + n, 1))
            for n in range(16)
        ]
        ResponseFactory(incident=shootings[0], peacekeeper=peacekeeper, responded_at=at(2018, 8, 1, 3))
        rows = dict(_tables(quarterly.build(Quarter(2018, 3)))["shooting_responses"].rows)
        assert rows["Share responded within 24 hours (%)"] == [6.3, 6.3]  # 1 of 16; round() gives 6.2


@pytest.fixture
def stray_2014(db, settings):
    """The program's data begin in 2015; one incident is dated 31 December 2014 late at night."""
    settings.DATA_FIRST_YEAR = 2015
    IncidentFactory(occurred_at=at(2014, 12, 31, 23, 30), killed=1)
    for year, killed in ((2015, 9), (2016, 8), (2017, 7), (2018, 1)):
        IncidentFactory(occurred_at=at(year, 3, 1, 12), killed=killed)


class TestTheRecordStartsAtTheFirstYearOfData:
    def test_on_record_since_is_the_configured_year(self, stray_2014):
        report = quarterly.build(Quarter(2018, 4))
        assert report.headline == "1 homicide in 2018, the fewest in a whole year of any year on record (since 2015)."

    def test_the_stray_incident_still_counts_in_its_own_year(self, stray_2014):
        report = quarterly.build(Quarter(2018, 4))
        assert {row.year: row.homicides for row in report.trend}[2014] == 1

    def test_the_fewest_in_n_years_does_not_reach_before_it(self, stray_2014, settings):
        IncidentFactory(occurred_at=at(2018, 6, 1, 12), killed=1)  # 2 in 2018: still the fewest since 2015
        report = quarterly.build(Quarter(2018, 4))
        assert "any year on record (since 2015)" in report.headline

    def test_the_list_of_reports_starts_at_the_configured_year(self, stray_2014, client, analyst):
        assert periods.first_quarter() == Quarter(2015, 1)
        client.force_login(analyst)
        assert client.get(reverse("reports:quarterly", args=[2015, 1])).status_code == 200
        assert client.get(reverse("reports:quarterly", args=[2014, 4])).status_code == 404

    def test_unset_it_is_the_first_incidents_year_as_before(self, stray_2014, settings):
        settings.DATA_FIRST_YEAR = None
        assert periods.first_quarter() == Quarter(2014, 4)
        assert quarterly.first_year_on_record(2018) == 2014


class TestClientsActiveExitsAndInvolvement:
    def test_an_inactive_client_is_not_active(self, db, peacekeeper):
        ClientFactory(primary_peacekeeper=peacekeeper, status="active", enrolled_on=datetime.date(2018, 1, 5))
        ClientFactory(primary_peacekeeper=peacekeeper, status="inactive", enrolled_on=datetime.date(2018, 1, 5))
        tables = _tables(quarterly.build(Quarter(2018, 3)))
        assert dict(tables["program_summary"].rows)["Clients active on 30 September 2018"] == [1, None]
        assert dict(tables["outcomes"].rows)["Clients active during the period"] == [1, 1]

    def test_a_client_active_in_q1_and_exited_in_q3_was_active_on_31_march(self, db, peacekeeper):
        ClientFactory(
            primary_peacekeeper=peacekeeper,
            referred_on=datetime.date(2017, 12, 1),
            enrolled_on=datetime.date(2018, 1, 5),
            status="exited",
            exited_on=datetime.date(2018, 8, 1),
            exit_reason="moved",
        )
        rows = dict(_tables(quarterly.build(Quarter(2018, 1)))["program_summary"].rows)
        assert rows["Clients active on 31 March 2018"] == [1, None]

    def test_an_exit_without_an_enrolment_is_not_an_exit_of_the_program(self, db, peacekeeper):
        ClientFactory(
            primary_peacekeeper=peacekeeper,
            referred_on=datetime.date(2018, 7, 1),
            enrolled_on=None,
            status="exited",
            exited_on=datetime.date(2018, 8, 1),
            exit_reason="declined",
        )
        ClientFactory(
            primary_peacekeeper=peacekeeper,
            referred_on=datetime.date(2018, 7, 1),
            enrolled_on=datetime.date(2018, 7, 2),
            status="exited",
            exited_on=datetime.date(2018, 8, 1),
            exit_reason="moved",
        )
        tables = _tables(quarterly.build(Quarter(2018, 3)))
        assert dict(tables["program_summary"].rows)["Clients exited"] == [1, 1]
        exits = dict(tables["exits_by_reason"].rows)
        assert exits["Declined services"] == [0, 0] and exits["Total"] == [1, 1]

    def test_only_incidents_during_the_enrolment_involve_a_client(self, db, peacekeeper):
        enrolled = ClientFactory(
            primary_peacekeeper=peacekeeper,
            referred_on=datetime.date(2018, 8, 10),
            enrolled_on=datetime.date(2018, 8, 15),
        )
        left = ClientFactory(
            primary_peacekeeper=peacekeeper,
            referred_on=datetime.date(2018, 1, 1),
            enrolled_on=datetime.date(2018, 1, 2),
            status="exited",
            exited_on=datetime.date(2018, 7, 10),
            exit_reason="moved",
        )
        on_exit_day = ClientFactory(
            primary_peacekeeper=peacekeeper,
            referred_on=datetime.date(2018, 1, 1),
            enrolled_on=datetime.date(2018, 1, 2),
            status="exited",
            exited_on=datetime.date(2018, 7, 10),
            exit_reason="moved",
        )
        before_referral = IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, occurred_at=at(2018, 8, 1, 12))
        after_exit = IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, occurred_at=at(2018, 9, 1, 12))
        exit_day = IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, occurred_at=at(2018, 7, 10, 23, 30))
        InvolvementFactory(incident=before_referral, client=enrolled, role="suspect")
        InvolvementFactory(incident=after_exit, client=left, role="victim")
        InvolvementFactory(incident=exit_day, client=on_exit_day, role="victim")
        outcomes = dict(_tables(quarterly.build(Quarter(2018, 3)))["outcomes"].rows)
        assert outcomes["Clients active during the period"] == [3, 3]
        assert outcomes["Involved as victim or suspect"] == [1, 1]  # only the one on the day they exited

    def test_a_re_enrolled_client_is_counted_from_their_enrolment_periods(self, db, peacekeeper):
        """Enrolled in January, exited in March, enrolled again in August: the client's own dates now
        say August, but in Q1 they were active, exited, and involved in a February incident; in Q2,
        between the two enrolments, they were neither active nor involved."""
        client = ClientFactory(
            primary_peacekeeper=peacekeeper,
            referred_on=datetime.date(2018, 1, 2),
            enrolled_on=datetime.date(2018, 8, 1),
            periods=[
                (datetime.date(2018, 1, 5), datetime.date(2018, 3, 10), "moved"),
                (datetime.date(2018, 8, 1), None, ""),
            ],
        )
        february = IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, occurred_at=at(2018, 2, 1, 12))
        may = IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, occurred_at=at(2018, 5, 1, 12))
        InvolvementFactory(incident=february, client=client, role="victim")
        InvolvementFactory(incident=may, client=client, role="victim")
        q1 = _tables(quarterly.build(Quarter(2018, 1)))
        assert dict(q1["program_summary"].rows)["Clients exited"] == [1, 1]
        assert dict(q1["exits_by_reason"].rows)["Moved away"] == [1, 1]
        assert dict(q1["outcomes"].rows)["Clients active during the period"] == [1, 1]
        assert dict(q1["outcomes"].rows)["Involved as victim or suspect"] == [1, 1]
        q2 = _tables(quarterly.build(Quarter(2018, 2)))
        assert dict(q2["program_summary"].rows)["Clients active on 30 June 2018"] == [0, None]
        assert dict(q2["outcomes"].rows)["Clients active during the period"] == [0, 1]
        assert dict(q2["outcomes"].rows)["Involved as victim or suspect"] == [0, 1]
        q3 = _tables(quarterly.build(Quarter(2018, 3)))
        assert dict(q3["program_summary"].rows)["Clients active on 30 September 2018"] == [1, None]


def test_the_report_index_reads_a_full_width_page_number_as_the_first_page(db, client, analyst, settings):
    """?page=２ is not page 2 (int() would read it so); the index shows the first page, as for any non-number."""
    settings.TIME_ZONE = "America/Los_Angeles"
    IncidentFactory(occurred_at=at(2015, 5, 1, 12))
    client.force_login(analyst)
    first = client.get(reverse("reports:index")).context["page"].number
    assert client.get(reverse("reports:index"), {"page": "２"}).context["page"].number == first == 1
    assert client.get(reverse("reports:index"), {"page": "2"}).context["page"].number == 2
