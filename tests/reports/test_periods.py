"""Reports of any period: the picker, previous and next, headings naming the real days, the tidy
CSV, and what a public copy hides (only counts of people and incidents)."""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core.quarters import Quarter
from incidents.models import Incident
from reports import exports, periods, publication, quarterly
from reports.periods import span_text
from tests.factories import (
    ClientFactory,
    ContactFactory,
    IncidentFactory,
    NeighborhoodFactory,
    ResponseFactory,
    publish_copy,
)

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def at(*args):
    return datetime.datetime(*args, tzinfo=LA)


@pytest.fixture
def la(settings):
    settings.TIME_ZONE = "America/Los_Angeles"


def frozen(monkeypatch, *args):
    """Every reader of the clock sees noon on that local day."""
    moved = at(*args, 12)
    monkeypatch.setattr(timezone, "now", lambda: moved)
    return moved


@pytest.fixture
def since_2012(db, la):
    IncidentFactory(occurred_at=at(2012, 2, 10, 12), killed=1)
    IncidentFactory(occurred_at=at(2018, 8, 1, 12), killed=2)


def test_span_text_names_both_days():
    assert span_text(datetime.date(2018, 7, 1), datetime.date(2018, 9, 30)) == "1 July to 30 September 2018"
    assert span_text(datetime.date(2027, 1, 1), datetime.date(2027, 1, 1)) == "1 January 2027"


class TestThePicker:
    def test_it_opens_any_quarter_on_record(self, client, analyst, since_2012):
        client.force_login(analyst)
        response = client.get(reverse("reports:index"), {"year": "2018", "quarter": "3"})
        assert response.status_code == 302 and response["Location"] == reverse("reports:quarterly", args=[2018, 3])
        page = client.get(reverse("reports:index")).content.decode()
        # Every year from the first incident's to this one is offered.
        for year in (2012, 2015, timezone.localdate().year):
            assert f'<option value="{year}"' in page
        assert '<option value="2011"' not in page
        assert "from Q1 2012 (the first on record)" in page

    def test_a_quarter_before_the_first_incident_is_refused_with_a_message(self, client, analyst, since_2012):
        client.force_login(analyst)
        page = client.get(reverse("reports:index"), {"year": "2012", "quarter": "1"})
        assert page.status_code == 302
        page = client.get(reverse("reports:index"), {"year": "2011", "quarter": "4"}).content.decode()
        assert "Reports exist for the years 2012 to" in page

    def test_a_quarter_not_begun_is_refused_with_a_message(self, client, analyst, db, la, monkeypatch):
        frozen(monkeypatch, 2026, 5, 14)
        IncidentFactory(occurred_at=at(2020, 1, 5, 12))
        client.force_login(analyst)
        page = client.get(reverse("reports:index"), {"year": "2026", "quarter": "3"}).content.decode()
        assert "Q3 2026 has not started yet: the latest report is Q2 2026, in progress." in page

    def test_without_incidents_it_starts_at_the_programs_first_year(self, client, analyst, settings):
        settings.PROGRAM_START_YEAR = 2015
        assert periods.first_quarter() == Quarter(2015, 1)
        client.force_login(analyst)
        assert client.get(reverse("reports:index"), {"year": "2015", "quarter": "1"}).status_code == 302
        assert client.get(reverse("reports:quarterly", args=[2014, 4])).status_code == 404

    @pytest.mark.parametrize(
        "year, quarter",
        [
            ("=cmd|' /C calc'!A0", "3"),
            ("<script>alert(1)</script>", "1"),
            ("2018", "9" * 10_000),
            ("2018\x00", "3"),
            ("2018", "🙂"),
            ("", ""),
            ("１２", "3"),
        ],
    )
    def test_hostile_input_is_a_form_error(self, client, analyst, since_2012, year, quarter):
        client.force_login(analyst)
        response = client.get(reverse("reports:index"), {"year": year, "quarter": quarter})
        assert response.status_code == 200
        page = response.content.decode()
        assert "<script>alert(1)</script>" not in page and "invalid-feedback" in page

    def test_the_list_of_quarters_pages_back_to_the_first(self, client, analyst, since_2012):
        client.force_login(analyst)
        quarters = Quarter.recent(200)
        first_page = client.get(reverse("reports:index")).content.decode()
        assert f">{quarters[0].label}</a>" in first_page and f">{quarters[8].label}</a>" not in first_page
        second = client.get(reverse("reports:index"), {"page": "2"}).content.decode()
        assert f">{quarters[8].label}</a>" in second and "Earlier quarters" in second
        running = Quarter.containing(timezone.localdate())
        pages = -(-((running.year - 2012) * 4 + running.number) // 8)
        last = client.get(reverse("reports:index"), {"page": str(pages)}).content.decode()
        assert ">Q1 2012</a>" in last and ">Q4 2011</a>" not in last
        for hostile in ("<script>", "9" * 10_000, "\x00", "🙂", "-1"):
            assert client.get(reverse("reports:index"), {"page": hostile}).status_code == 200

    def test_peacekeepers_get_404(self, client, peacekeeper):
        client.force_login(peacekeeper)
        assert client.get(reverse("reports:index"), {"year": "2018", "quarter": "3"}).status_code == 404
        client.force_login(peacekeeper)
        assert client.get(reverse("admin:reports_index"), {"year": "2018", "quarter": "3"}).status_code in (302, 404)

    def test_the_index_query_count_stays_flat(self, client, analyst, django_assert_max_num_queries, db, la):
        for size in (1, 8):
            IncidentFactory.create_batch(size, occurred_at=at(2016, 5, 1, 12))
            client.force_login(analyst)
            client.get("/health/")
            with django_assert_max_num_queries(12):
                assert client.get(reverse("reports:index")).status_code == 200


class TestPreviousAndNext:
    def test_a_report_offers_previous_and_next(self, client, analyst, since_2012):
        client.force_login(analyst)
        page = client.get(reverse("reports:quarterly", args=[2018, 3])).content.decode()
        assert f'rel="prev" href="{reverse("reports:quarterly", args=[2018, 2])}"' in page
        assert f'rel="next" href="{reverse("reports:quarterly", args=[2018, 4])}"' in page

    def test_the_first_has_no_previous_and_the_running_no_next(self, client, analyst, since_2012):
        client.force_login(analyst)
        first = client.get(reverse("reports:quarterly", args=[2012, 1])).content.decode()
        assert 'rel="prev"' not in first and 'rel="next"' in first
        running = Quarter.containing(timezone.localdate())
        page = client.get(reverse("reports:quarterly", args=[running.year, running.number])).content.decode()
        assert 'rel="next"' not in page and 'rel="prev"' in page

    def test_quarters_off_the_record_are_404(self, client, analyst, since_2012):
        client.force_login(analyst)
        running = Quarter.containing(timezone.localdate())
        after = Quarter(running.year + 1, 1)
        for year, number in ((2011, 4), (after.year, after.number), (1900, 1)):
            for name in ("reports:quarterly", "reports:quarterly_csv", "reports:quarterly_xlsx"):
                assert client.get(reverse(name, args=[year, number])).status_code == 404, (name, year, number)

    def test_the_admin_has_the_picker_and_previous_and_next(self, client, admin_user, since_2012):
        client.force_login(admin_user)
        response = client.get(reverse("admin:reports_index"), {"year": "2018", "quarter": "3"})
        assert response["Location"] == reverse("admin:reports_quarterly", args=[2018, 3])
        index = client.get(reverse("admin:reports_index"), {"year": "2011", "quarter": "3"}).content.decode()
        assert "Reports exist for the years 2012 to" in index
        page = client.get(reverse("admin:reports_quarterly", args=[2018, 3])).content.decode()
        assert f'rel="prev" href="{reverse("admin:reports_quarterly", args=[2018, 2])}"' in page
        assert f'rel="next" href="{reverse("admin:reports_quarterly", args=[2018, 4])}"' in page
        assert client.get(reverse("admin:reports_quarterly", args=[2011, 4])).status_code == 404


def _tables(report):
    return {t.key: t for s in report.sections for t in s.tables}


def _public(report):
    """The public copy prepare() would publish with nothing published before it."""
    return publication.prepare(report, []).document(report)


def _csv(report, *, public=False):
    copy = _public(report) if public else publication.internal(report)
    return list(csv.DictReader(io.StringIO(exports.to_csv(copy))))


class TestHeadingsNameTheRealDays:
    def test_a_completed_quarter(self, since_2012):
        report = quarterly.build(Quarter(2018, 3))
        tables = _tables(report)
        assert tables["violence_summary"].columns == [
            "Q3 2018 (1 July to 30 September 2018)",
            "Year to date (1 January to 30 September 2018)",
        ]
        assert tables["program_summary"].columns == tables["violence_summary"].columns
        assert (
            tables["violence_by_neighborhood"].columns[3] == "Homicides, year to date (1 January to 30 September 2018)"
        )
        assert report.headline.startswith("2 homicides from 1 January to 30 September 2018")
        trend = tables["violence_trend"]
        assert trend.row_notes[-1] == "1 January to 30 September 2018, the year so far"
        whole = [r for r in _csv(report) if r["table"] == trend.title and r["window"] == "full_year"]
        assert {r["period_end"] for r in whole if r["period_start"] == "2018-01-01"} == {"2018-09-30"}
        assert {r["period_end"] for r in whole if r["period_start"] == "2017-01-01"} == {"2017-12-31"}

    def test_a_past_quarters_report_leaves_out_the_months_after_it(self, since_2012):
        IncidentFactory(occurred_at=at(2018, 11, 1, 12), killed=4)  # after Q3 2018
        trend = dict(_tables(quarterly.build(Quarter(2018, 3)))["violence_trend"].rows)
        assert trend["2018"][:2] == [2, 2]  # the year so far on 30 September, not the 6 of the whole year
        assert dict(_tables(quarterly.build(Quarter(2018, 4)))["violence_trend"].rows)["2018"][:2] == [6, 6]

    def test_the_running_quarter_names_today(self, db, la, monkeypatch, client, analyst):
        frozen(monkeypatch, 2026, 12, 1)
        IncidentFactory(occurred_at=at(2025, 3, 1, 12), killed=3)
        IncidentFactory(occurred_at=at(2026, 10, 5, 12), killed=2)
        report = quarterly.build(Quarter(2026, 4))
        tables = _tables(report)
        assert tables["violence_summary"].columns == [
            "Q4 2026 (1 October to 1 December 2026)",
            "Year to date (1 January to 1 December 2026)",
        ]
        trend = tables["violence_trend"]
        assert trend.columns[0] == "Homicides, 1 January to 1 December"
        notes = dict(zip([label for label, _ in trend.rows], trend.row_notes, strict=True))
        assert notes["2025"] == "1 January to 1 December 2025"
        assert notes["2026"] == "1 January to 1 December 2026, the year so far"
        assert report.headline.startswith("2 homicides from 1 January to 1 December 2026")
        client.force_login(analyst)
        page = client.get(reverse("reports:quarterly", args=[2026, 4])).content.decode()
        assert "Year to date (1 January to 1 December 2026)" in page and "January to December)" not in page
        assert "1 October to 1 December 2026, the quarter so far" in page
        rows = _csv(report)
        ytd_2025 = [r for r in rows if r["table"] == trend.title and r["period_start"] == "2025-01-01"]
        assert {(r["window"], r["period_end"]) for r in ytd_2025} == {
            ("ytd", "2025-12-01"),
            ("full_year", "2025-12-31"),
        }

    def test_across_the_year_boundary(self, db, la, monkeypatch):
        frozen(monkeypatch, 2027, 1, 1)
        IncidentFactory(occurred_at=at(2026, 12, 31, 23), killed=1)  # New Year's Eve: the old year
        report = quarterly.build(Quarter(2027, 1))
        assert _tables(report)["violence_summary"].columns == [
            "Q1 2027 (1 January 2027)",
            "Year to date (1 January 2027)",
        ]
        assert _tables(report)["violence_summary"].rows[0] == ("Homicides", [0, 0])
        last = quarterly.build(Quarter(2026, 4))
        assert _tables(last)["violence_summary"].columns[1] == "Year to date (1 January to 31 December 2026)"
        assert last.headline.startswith("1 homicide in 2026") and not last.preliminary

    def test_on_leap_day(self, db, la, monkeypatch):
        frozen(monkeypatch, 2028, 2, 29)
        IncidentFactory(occurred_at=at(2027, 2, 28, 12), killed=1)
        IncidentFactory(occurred_at=at(2028, 2, 29, 9), killed=1)
        report = quarterly.build(Quarter(2028, 1))
        tables = _tables(report)
        assert tables["violence_summary"].columns[0] == "Q1 2028 (1 January to 29 February 2028)"
        notes = dict(
            zip([label for label, _ in tables["violence_trend"].rows], tables["violence_trend"].row_notes, strict=True)
        )
        assert notes["2027"] == "1 January to 28 February 2027"
        trend_2027 = dict(tables["violence_trend"].rows)["2027"]
        assert trend_2027[0] == 1  # 28 February 2027 is in the same days as 29 February 2028
        assert report.headline.startswith("1 homicide from 1 January to 29 February 2028")


class TestTheTidyCsv:
    def test_every_row_means_the_same_thing(self, db, la, peacekeeper):
        hollow = NeighborhoodFactory(name="=HYPERLINK(1)")
        IncidentFactory(neighborhood=hollow, occurred_at=at(2018, 8, 1, 12), killed=6)
        client_ = ClientFactory(
            primary_peacekeeper=peacekeeper,
            referred_on=datetime.date(2018, 1, 1),
            enrolled_on=datetime.date(2018, 1, 5),
        )
        ContactFactory(client=client_, occurred_at=at(2018, 9, 20, 10), duration_minutes=90)
        report = quarterly.build(Quarter(2018, 3))
        text = exports.to_csv(publication.internal(report))
        assert text.splitlines()[0] == ",".join(exports.CSV_HEADER)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows and all(len(r) == len(exports.CSV_HEADER) for r in rows)
        for row in rows:
            assert row["window"] in {"quarter", "ytd", "full_year", "day", "30_days"}
            first, last = (
                datetime.date.fromisoformat(row["period_start"]),
                datetime.date.fromisoformat(row["period_end"]),
            )
            assert first <= last
            float(row["value"])  # always a number in the internal copy
            assert row["suppressed"] == ""
        neighborhood = [r for r in rows if r["table"] == "By neighborhood" and r["measure"] == "Homicides"]
        assert {(r["place"], r["window"], r["value"]) for r in neighborhood} == {
            ("'=HYPERLINK(1)", "quarter", "6"),
            ("'=HYPERLINK(1)", "ytd", "6"),
            ("all", "quarter", "6"),
            ("all", "ytd", "6"),
        }
        active = next(r for r in rows if r["measure"] == "Clients active")
        assert (active["window"], active["period_start"], active["period_end"]) == ("day", "2018-09-30", "2018-09-30")
        hours = [r for r in rows if r["measure"] == "Contact hours"]
        assert {(r["window"], r["value"]) for r in hours} == {("quarter", "1.5"), ("ytd", "1.5")}
        assert any(r["measure"] == "Clients exited: Moved away" for r in rows)

    def test_a_public_copy_leaves_hidden_values_empty_and_says_why(self, db, la):
        IncidentFactory(occurred_at=at(2018, 8, 1, 12), killed=2)
        rows = _csv(quarterly.build(Quarter(2018, 3)), public=True)
        hidden = [r for r in rows if r["suppressed"]]
        assert hidden and all(r["value"] == "" for r in hidden)
        assert {r["suppressed"] for r in hidden} <= {
            "fewer_than_5",
            "complementary",
            "share_of_hidden_count",
            "same_figure",
        }
        assert all(r["value"] != "" for r in rows if not r["suppressed"])


class TestWhatAPublicCopyHides:
    @pytest.fixture
    def program(self, db, la, peacekeeper):
        """A small program: 2 clients (a small count), 3 contacts, 2.5 hours, 8 shootings, 3 responded."""
        for day in (2, 3):
            person = ClientFactory(
                primary_peacekeeper=peacekeeper,
                referred_on=datetime.date(2018, 7, day),
                enrolled_on=datetime.date(2018, 7, day),
            )
            ContactFactory(client=person, occurred_at=at(2018, 8, day, 10), duration_minutes=60)
        ContactFactory(client=person, occurred_at=at(2018, 8, 9, 10), duration_minutes=30)
        for day in range(1, 9):
            shooting = IncidentFactory(
                kind="nonfatal_shooting", killed=0, injured=1, weapon="firearm", occurred_at=at(2018, 8, day, 1)
            )
            if day <= 3:
                ResponseFactory(incident=shooting, peacekeeper=peacekeeper, responded_at=at(2018, 8, day, 3))
        return quarterly.build(Quarter(2018, 3))

    def test_hours_contacts_and_referrals_are_never_hidden(self, program):
        sections = _public(program).sections
        summary = {t.key: dict(t.rows) for _, ts in sections for t in ts}["program_summary"]
        assert summary["Clients enrolled"] == ["<5", "<5"]
        assert summary["Contact hours"] == [2.5, 2.5]
        assert summary["Contacts (mentoring sessions and other touches)"] == [3, 3]
        assert summary["Referrals completed"] == [0, 0]

    def test_a_share_is_hidden_only_when_it_gives_a_hidden_count_back(self, program):
        sections = _public(program).sections
        tables = {t.key: t for _, ts in sections for t in ts}
        responses = dict(tables["shooting_responses"].rows)
        assert responses["Shootings with someone killed or wounded"] == [8, 8]
        assert responses["With a peacekeeper response within 24 hours"] == ["<5", "<5"]
        assert responses["Share responded within 24 hours (%)"] == ["suppressed", "suppressed"]  # 37.5 % of 8 is 3
        outcomes = dict(tables["outcomes"].rows)
        assert outcomes["Clients active during the period"] == ["<5", "<5"]
        assert outcomes["Share involved (%)"] == ["suppressed", "suppressed"]  # its denominator is hidden

    def test_a_share_of_shown_counts_is_shown(self):
        table = quarterly.Table(
            "t",
            "T",
            ["Q", "YTD"],
            [("Shootings", [20, 40]), ("Responded", [17, 3]), ("Share", [85.0, 7.5])],
            measure_rows={2},
            shares={2: (1, 0)},
        )
        from reports.suppression import suppress

        published, _ = suppress(table)
        assert dict(published.rows)["Share"] == [85.0, "suppressed"]

    def test_the_page_marks_each_hidden_cell_with_its_reason(self, program, client, analyst, manager):
        publish_copy(2018, 3, by=manager)
        client.force_login(analyst)
        page = client.get(reverse("publishing:copy", args=[2018, 3, 1])).content.decode()
        assert '&lt;5<sup class="hidden-mark">*</sup>' in page
        assert "<sup>*</sup> Fewer than 5 people or incidents." in page
        assert '<sup class="hidden-mark">‡</sup>' in page
        assert "<sup>‡</sup> Hidden because the share would give a hidden count back." in page
        internal = client.get(reverse("reports:quarterly", args=[2018, 3])).content.decode()
        assert "hidden-mark" not in internal
        book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(_public(program))))
        cover = [row[0] for row in book["Report"].iter_rows(values_only=True)]
        assert "* Fewer than 5 people or incidents." in cover
        cells = {row[0]: row[1:] for row in book["Program"].iter_rows(values_only=True) if row and row[0]}
        assert cells["Clients enrolled"][:2] == ("<5 *", "<5 *") and cells["Contact hours"][:2] == (2.5, 2.5)


def test_an_incident_stored_before_1900_local_does_not_take_the_reports_down(client, analyst, db, la):
    """Written around the model's rule (an old row, a time zone changed since): the reports stay up."""
    incident = IncidentFactory(occurred_at=at(1900, 1, 2, 12))
    Incident.objects.filter(pk=incident.pk).update(occurred_at=at(1899, 12, 31, 23))
    assert periods.first_quarter() == Quarter(1900, 1)
    client.force_login(analyst)
    assert client.get(reverse("reports:index")).status_code == 200
    assert client.get(reverse("reports:index"), {"year": "2026", "quarter": "4"}).status_code in (200, 302)
