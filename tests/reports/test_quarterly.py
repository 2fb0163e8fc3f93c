import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.quarters import Quarter
from incidents.models import Response
from reports import publication, quarterly
from reports.quarterly import headline
from reports.suppression import suppress
from tests.factories import (
    ClientFactory,
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    InvolvementFactory,
    MediationFactory,
    NeighborhoodFactory,
    ResponseFactory,
    publish_copy,
)

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def at(*args):
    return datetime.datetime(*args, tzinfo=LA)


SEPT_30 = datetime.date(2018, 9, 30)


class TestTheHeadline:
    def test_the_fewest_in_four_years_as_in_the_story(self):
        counts = {2013: 20, 2014: 37, 2015: 37, 2016: 37, 2017: 41, 2018: 31}
        assert headline("homicide", 2018, SEPT_30, counts, 2013) == (
            "31 homicides from 1 January to 30 September 2018, the fewest in the same months of any of the previous "
            "4 years."
        )

    def test_the_most(self):
        counts = {2015: 10, 2016: 12, 2017: 20, 2018: 31}
        assert "the most in the same months of any year on record (since 2015)" in headline(
            "homicide", 2018, SEPT_30, counts, 2015
        )

    def test_a_tie_with_last_year(self):
        counts = {2016: 40, 2017: 31, 2018: 31}
        assert headline("homicide", 2018, SEPT_30, counts, 2016).endswith("the same as in the same months of 2017.")

    def test_up_from_last_year(self):
        counts = {2016: 40, 2017: 30, 2018: 31}
        assert headline("homicide", 2018, SEPT_30, counts, 2016).endswith("up from 30 in the same months of 2017.")

    def test_no_history(self):
        assert headline("homicide", 2018, SEPT_30, {2018: 1}, 2018) == (
            "1 homicide from 1 January to 30 September 2018; there are no earlier years on record to compare with."
        )

    def test_a_running_period_names_the_day(self):
        assert headline("homicide", 2026, datetime.date(2026, 11, 24), {2026: 2}, 2026).startswith(
            "2 homicides from 1 January to 24 November 2026"
        )


@pytest.fixture
def story(db, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    for year, ytd, rest in [(2014, 37, 12), (2015, 37, 12), (2016, 37, 12), (2017, 41, 14), (2018, 31, 0)]:
        IncidentFactory(occurred_at=at(year, 3, 1, 12), killed=ytd)
        if rest:
            IncidentFactory(occurred_at=at(year, 11, 1, 12), killed=rest)
    # New Year's Eve 2017 at 23:30 local is 2018 in UTC: it belongs to 2017.
    IncidentFactory(occurred_at=datetime.datetime(2018, 1, 1, 7, 30, tzinfo=datetime.UTC), killed=1)
    IncidentFactory(kind="nonfatal_shooting", killed=0, injured=3, weapon="firearm", occurred_at=at(2018, 8, 1, 20))


def test_the_report_computes_the_storys_sentence_and_numbers(story):
    report = quarterly.build(Quarter(2018, 3))
    assert report.headline.startswith("31 homicides from 1 January to 30 September 2018, the fewest")
    assert not report.preliminary
    summary = report.sections[0].tables[0]
    assert summary.rows[0] == ("Homicides", [0, 31])
    assert summary.rows[1] == ("Non-fatal shooting victims", [3, 3])
    trend = {r.year: r for r in report.trend}
    assert trend[2017].homicides == 41 + 14 + 1 and trend[2017].homicides_ytd == 41


def test_the_running_quarter_is_preliminary(db):
    report = quarterly.build(Quarter.containing(timezone.localdate()))
    assert report.preliminary and report.through == timezone.localdate()


def test_a_future_quarter_is_refused(db):
    with pytest.raises(ValueError):
        quarterly.build(Quarter(timezone.localdate().year + 1, 1))


def test_program_figures(db, peacekeeper):
    q = Quarter(2018, 3)
    active = ClientFactory(
        primary_peacekeeper=peacekeeper, referred_on=datetime.date(2018, 1, 1), enrolled_on=datetime.date(2018, 1, 5)
    )
    ClientFactory(
        primary_peacekeeper=peacekeeper,
        referred_on=datetime.date(2018, 7, 1),
        enrolled_on=datetime.date(2018, 7, 2),
        status="exited",
        exited_on=datetime.date(2018, 8, 1),
        exit_reason="moved",
    )
    ContactFactory(client=active, occurred_at=at(2018, 9, 20, 10), duration_minutes=90)
    ContactFactory(client=active, occurred_at=at(2018, 2, 20, 10), duration_minutes=30)
    GoalFactory(client=active, domain="education", status="achieved", achieved_on=datetime.date(2018, 8, 1))
    shooting = IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, occurred_at=at(2018, 8, 1, 1))
    ResponseFactory(incident=shooting, peacekeeper=peacekeeper, responded_at=at(2018, 8, 1, 3))
    IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1, occurred_at=at(2018, 8, 2, 1))
    InvolvementFactory(incident=shooting, client=active, role="victim")
    MediationFactory(occurred_on=datetime.date(2018, 8, 3))
    report = quarterly.build(q)
    tables = {t.key: t for s in report.sections for t in s.tables}
    rows = dict(tables["program_summary"].rows)
    assert rows["Clients active on 30 September 2018"] == [1, None]
    assert rows["Clients enrolled"] == [1, 2] and rows["Clients exited"] == [1, 1]
    assert rows["Contacts (mentoring sessions and other touches)"] == [1, 2]
    assert rows["Contact hours"] == [1.5, 2.0]
    assert rows["Clients contacted in the 30 days to 30 September 2018"] == [1, None]
    assert dict(tables["exits_by_reason"].rows)["Moved away"] == [1, 1]
    assert dict(tables["goals_by_domain"].rows)["Education"] == [1, 1]
    assert dict(tables["mediations_by_outcome"].rows)["Resolved"] == [1, 1]
    responses = dict(tables["shooting_responses"].rows)
    assert responses["Share responded within 24 hours (%)"] == [50.0, 50.0]
    outcomes = dict(tables["outcomes"].rows)
    assert outcomes["Clients active during the period"] == [2, 2]
    assert outcomes["Involved as victim or suspect"] == [1, 1]


class TestSuppression:
    def _table(self, rows, total=True):
        return quarterly.Table("t", "T", ["Q", "YTD"], rows, total=total)

    def test_small_counts_become_less_than_five_and_zeros_stay(self):
        table, notes = suppress(self._table([("A", [0, 12]), ("B", [3, 40]), ("C", [7, 9]), ("Total", [10, 61])]))
        values = dict(table.rows)
        assert values["A"] == [0, 12] and values["B"][0] == "<5"
        # Complementary: B could be recovered as 10 - 0 - 7, so the smallest other non-zero cell goes too.
        assert values["C"][0] == "suppressed" and values["Total"] == [10, 61]
        assert {(n.row, n.column) for n in notes} == {("B", "Q"), ("C", "Q")}

    def test_a_lone_small_cell_beside_zeros_hides_the_total(self):
        table, _ = suppress(self._table([("A", [0, 1]), ("B", [2, 0]), ("Total", [2, 1])]))
        values = dict(table.rows)
        assert values["B"][0] == "<5" and values["Total"][0] == "<5"

    def test_no_suppressed_cell_can_be_recovered_from_its_column(self):
        rows = [("A", [1, 30]), ("B", [25, 2]), ("C", [30, 3]), ("D", [6, 50]), ("Total", [62, 85])]
        table, _ = suppress(self._table(rows))
        for column in range(2):
            hidden = [label for label, values in table.rows[:-1] if isinstance(values[column], str)]
            assert len(hidden) != 1 or isinstance(table.rows[-1][1][column], str)

    def _running(self, rows, total=False):
        return quarterly.Table("t", "T", ["Q", "YTD"], rows, total=total, running=((0, 1),))

    def test_a_small_quarter_cannot_be_worked_out_from_last_quarters_copy(self):
        last_quarter = self._running([("A", [9, 20])])  # its copy published 20 for the year so far
        table, _ = suppress(self._running([("A", [3, 23])]), [last_quarter])
        assert dict(table.rows)["A"] == ["<5", "suppressed"]  # else 23 - 20 = 3

    def test_last_quarters_small_year_to_date_cannot_be_worked_out_from_this_one(self):
        last_quarter, _ = suppress(self._running([("A", [1, 3]), ("B", [9, 40])]))
        assert dict(last_quarter.rows)["A"] == ["<5", "<5"]
        table, _ = suppress(self._running([("A", [10, 13]), ("B", [9, 49])]), [last_quarter])
        assert dict(table.rows) == {"A": ["suppressed", 13], "B": [9, 49]}  # else 13 - 10 = 3

    def test_cells_hidden_last_quarter_stay_hidden_when_nothing_is_small_now(self):
        rows = [("A", [1, 2]), ("B", [9, 30]), ("Total", [10, 32])]
        last_quarter, _ = suppress(self._running(rows, total=True))
        assert dict(last_quarter.rows)["B"][1] == "suppressed"  # it protected A's 2 from 32 - 30
        rows = [("A", [5, 7]), ("B", [10, 40]), ("Total", [15, 47])]
        values = dict(suppress(self._running(rows, total=True), [last_quarter])[0].rows)
        # Published as they are, 7 - 5 and 40 - 10 would give last quarter's 2 and 30.
        assert isinstance(values["A"][0], str) and isinstance(values["B"][0], str)
        assert values["Total"] == [15, 47]

    def test_a_total_hidden_for_the_quarter_before_is_not_given_back_by_its_column(self):
        last_quarter, _ = suppress(self._running([("A", [2, 2]), ("B", [5, 5]), ("Total", [7, 7])], total=True))
        rows = [("A", [3, 5]), ("B", [0, 5]), ("Total", [3, 10])]
        values = dict(suppress(self._running(rows, total=True), [last_quarter])[0].rows)
        assert isinstance(values["Total"][1], str)  # else 10 - 7 = 3, this quarter's total
        hidden_ytd = [label for label in ("A", "B") if isinstance(values[label][1], str)]
        assert hidden_ytd  # else 5 + 5 gives the hidden total back

    def test_no_figure_of_two_public_copies_is_the_difference_of_two_others(self, story):
        # Two homicides in one neighborhood by June ("<5" in Q2's copy), six more there in August.
        hollow = NeighborhoodFactory(name="Hollow")
        IncidentFactory(neighborhood=hollow, occurred_at=at(2018, 5, 1, 12), killed=2)
        IncidentFactory(neighborhood=hollow, occurred_at=at(2018, 8, 1, 12), killed=6)
        copy = publication.prepare(quarterly.build(Quarter(2018, 2)), [])
        q2 = copy.sections
        released = [publication.Released("2018 Q2", 2018, 2, False, q2, tuple(copy.hidden_values))]
        q3 = publication.prepare(quarterly.build(Quarter(2018, 3)), released).sections
        before = {t.key: dict(t.rows) for _, tables in q2 for t in tables}
        checked = 0
        for _, tables in q3:
            for table in tables:
                for label, values in table.rows:
                    for quarter, ytd in table.running:
                        earlier = before[table.key].get(label, [0] * len(values))[ytd]
                        figures = [earlier, values[quarter], values[ytd]]
                        if None not in figures:
                            checked += 1
                            assert sum(isinstance(f, str) for f in figures) != 1, (table.key, label)
        assert checked > 20

    def test_the_trend_row_of_this_year_hides_what_the_summary_hides(self, db, settings):
        settings.TIME_ZONE = "America/Los_Angeles"
        IncidentFactory(occurred_at=at(2018, 2, 1, 12), killed=10)
        IncidentFactory(occurred_at=at(2018, 5, 1, 12), killed=3)
        report = quarterly.build(Quarter(2018, 2))
        sections = publication.prepare(report, []).sections
        tables = {t.key: dict(t.rows) for _, ts in sections for t in ts}
        assert tables["violence_summary"]["Homicides"] == ["<5", "suppressed"]  # 13 - 10 would give 3
        assert tables["violence_trend"]["2018"][:2] == ["suppressed", "suppressed"]  # the same 13 again
        chart = publication.trend_chart(sections, report.through)
        assert chart["datasets"][0]["data"][-1] is None and chart["labels"][-1] == "2018"

    def test_a_public_headline_never_states_a_small_count(self, client, analyst, manager, settings):
        settings.TIME_ZONE = "America/Los_Angeles"
        IncidentFactory(occurred_at=at(2017, 5, 1, 12), killed=20)
        IncidentFactory(occurred_at=at(2018, 5, 1, 12), killed=3)
        client.force_login(analyst)
        internal = client.get(reverse("reports:quarterly", args=[2018, 3])).content.decode()
        assert "3 homicides from 1 January to 30 September 2018" in internal
        publish_copy(2018, 3, by=manager)
        public = client.get(reverse("publishing:copy", args=[2018, 3, 1])).content.decode()
        assert "3 homicides" not in public and "left out of this public copy" in public
        book = openpyxl.load_workbook(
            io.BytesIO(client.get(reverse("publishing:copy_xlsx", args=[2018, 3, 1])).content)
        )
        assert "3 homicides" not in str(book["Report"]["A2"].value)

    def test_tables_without_totals_get_primary_suppression_only(self):
        table, _ = suppress(self._table([("2017", [3, 9]), ("2018", [8, 9])], total=False))
        assert dict(table.rows) == {"2017": ["<5", 9], "2018": [8, 9]}


class TestThePages:
    def test_peacekeepers_get_404_on_reports(self, client, peacekeeper):
        client.force_login(peacekeeper)
        for url in (
            reverse("reports:index"),
            reverse("reports:quarterly", args=[2018, 3]),
            reverse("reports:quarterly_csv", args=[2018, 3]),
            reverse("reports:quarterly_xlsx", args=[2018, 3]),
            reverse("reports:violence_trend_csv"),
        ):
            assert client.get(url).status_code == 404, url

    def test_an_analyst_reads_the_report(self, client, analyst, story):
        client.force_login(analyst)
        page = client.get(reverse("reports:quarterly", args=[2018, 3])).content.decode()
        assert "31 homicides from 1 January to 30 September 2018, the fewest" in page
        assert "How we count" in page and "Preliminary" not in page

    def test_a_future_quarter_is_404(self, client, analyst):
        client.force_login(analyst)
        assert client.get(reverse("reports:quarterly", args=[2999, 1])).status_code == 404

    def test_the_csv_is_tidy_and_the_public_copy_suppresses(self, client, manager, story):
        client.force_login(manager)
        body = client.get(reverse("reports:quarterly_csv", args=[2018, 3])).content.decode()
        lines = body.splitlines()
        assert lines[0] == "section,table,measure,place,period_start,period_end,window,value,suppressed"
        row = "Violence,This quarter and year to date,Non-fatal shooting victims,all,2018-07-01,2018-09-30,quarter"
        assert f"{row},3," in lines
        publish_copy(2018, 3, by=manager)
        public = client.get(reverse("publishing:copy_csv", args=[2018, 3, 1])).content.decode()
        assert f"{row},,fewer_than_5" in public.splitlines()

    def test_the_xlsx_has_a_sheet_per_section_typed_numbers_and_definitions(self, client, manager, story):
        client.force_login(manager)
        response = client.get(reverse("reports:quarterly_xlsx", args=[2018, 3]))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["Report", "Violence", "Program", "Outcomes", "Definitions"]
        cells = {row[0]: row[1:] for row in book["Violence"].iter_rows(values_only=True) if row and row[0]}
        assert cells["Homicides"][:2] == (0, 31)
        assert book["Violence"].freeze_panes == "A3"

    @pytest.mark.parametrize("size", [1, 5])
    def test_the_report_query_count_stays_flat(self, client, analyst, django_assert_max_num_queries, size):
        for year in range(2013, 2019):
            IncidentFactory.create_batch(size, occurred_at=at(year, 5, 1, 12))
        client.force_login(analyst)
        client.get("/health/")
        with django_assert_max_num_queries(25):  # + the first quarter on record (previous / next), 2 for response cases
            assert client.get(reverse("reports:quarterly", args=[2018, 3])).status_code == 200


class TestTheTrendCsv:
    url = reverse("reports:violence_trend_csv")

    def test_it_follows_the_contract(self, client, analyst, story):
        client.force_login(analyst)
        response = client.get(self.url, {"through": "2018-09-30", "years": "5"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        body = response.content.decode("utf-8")
        assert not body.startswith("\ufeff")
        lines = body.splitlines()
        assert lines[0] == "year,homicides,nonfatal_shooting_victims,homicides_ytd,nonfatal_shooting_victims_ytd"
        assert [line.split(",")[0] for line in lines[1:]] == ["2014", "2015", "2016", "2017", "2018"]
        assert lines[-1] == "2018,31,3,31,3"
        assert lines[-2] == "2017,56,0,41,0"

    def test_defaults_are_five_years_through_today(self, client, analyst):
        client.force_login(analyst)
        lines = client.get(self.url).content.decode().splitlines()
        assert len(lines) == 6 and lines[-1].startswith(f"{timezone.localdate().year},")

    @pytest.mark.parametrize(
        "params",
        [
            {"years": "0"},
            {"years": "31"},
            {"years": "x"},
            {"through": "2018-13-01"},
            {"through": "yesterday"},
            {"through": "2999-01-01"},
        ],
    )
    def test_bad_parameters_answer_400_with_a_plain_message(self, client, analyst, params):
        client.force_login(analyst)
        response = client.get(self.url, params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")

    def test_its_query_count_does_not_grow_with_years(self, client, analyst, django_assert_max_num_queries):
        client.force_login(analyst)
        client.get("/health/")
        with django_assert_max_num_queries(7):  # session, user, roles, grouped query, access log (+ savepoints)
            client.get(self.url, {"years": "30"})


def test_the_command_writes_both_formats(story, tmp_path):
    out = io.StringIO()
    call_command(
        "export_report",
        "--year",
        "2018",
        "--quarter",
        "3",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "r.csv"),
        stdout=out,
    )
    assert (
        (tmp_path / "r.csv")
        .read_text()
        .startswith("section,table,measure,place,period_start,period_end,window,value,suppressed\n")
    )
    assert "Wrote Q3 2018 (final" in out.getvalue()
    call_command(
        "export_report",
        "--year",
        "2018",
        "--quarter",
        "3",
        "--format",
        "xlsx",
        "--output",
        str(tmp_path / "r.xlsx"),
        stdout=out,
    )
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["Report", "Violence", "Program", "Outcomes", "Definitions"]  # the program's copy
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "export_report",
            "--year",
            "2018",
            "--quarter",
            "3",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "no" / "r.csv"),
        )


@pytest.mark.parametrize(("year", "quarter"), [(1900, 1), (2013, 4), (2099, 1)])
def test_the_command_refuses_a_quarter_without_a_report(story, tmp_path, year, quarter):
    """The story's first incident is in Q1 2014: a quarter before it, or one not begun, has no report."""
    with pytest.raises(CommandError, match="There is no report for"):
        call_command(
            "export_report",
            *("--year", str(year), "--quarter", str(quarter), "--format", "csv"),
            *("--output", str(tmp_path / "r.csv")),
        )
    assert not (tmp_path / "r.csv").exists()


class TestTheAdmin:
    def test_the_reports_are_reachable_from_the_admin_index(self, client, admin_user):
        client.force_login(admin_user)
        page = client.get(reverse("admin:index")).content.decode()
        assert "Reports" in page and reverse("admin:reports_index") in page
        quarter = Quarter.containing(timezone.localdate())
        assert f"Quarterly report {quarter.label}" in page

    def test_the_admin_index_links_only_quarters_that_have_a_report(self, client, admin_user):
        """A new install whose first incident is this quarter: no link to last quarter's 404."""
        IncidentFactory(occurred_at=timezone.now() - datetime.timedelta(minutes=5))
        client.force_login(admin_user)
        page = client.get(reverse("admin:index")).content.decode()
        running = Quarter.containing(timezone.localdate())
        assert f"Quarterly report {running.label}" in page
        assert f"Quarterly report {running.previous().label}" not in page

    def test_the_report_renders_in_the_admin_look(self, client, admin_user, story):
        client.force_login(admin_user)
        page = client.get(reverse("admin:reports_quarterly", args=[2018, 3])).content.decode()
        assert "31 homicides from 1 January to 30 September 2018" in page and "Peacekeeper administration" in page

    def test_staff_without_a_reports_role_get_404(self, client, peacekeeper):
        peacekeeper.is_staff = True
        peacekeeper.save()
        client.force_login(peacekeeper)
        assert client.get(reverse("admin:reports_quarterly", args=[2018, 3])).status_code == 404


@pytest.mark.parametrize("size", [1, 10])
def test_exports_and_trend_query_counts_do_not_grow(client, analyst, django_assert_num_queries, size):
    """Equal counts at two data sizes for the .xlsx, the .csv and the trend CSV."""
    for year in range(2014, 2019):
        IncidentFactory.create_batch(size, occurred_at=at(year, 5, 1, 12))
    client.force_login(analyst)
    client.get("/health/")
    for url, expected in (
        (reverse("reports:quarterly_xlsx", args=[2018, 3]), 25),
        (reverse("reports:quarterly_csv", args=[2018, 3]), 25),
        (reverse("reports:violence_trend_csv") + "?through=2018-09-30&years=10", 7),
    ):
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


def test_a_knife_is_never_a_shooting_in_the_report(db, peacekeeper, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    IncidentFactory(kind="aggravated_assault", killed=0, injured=2, weapon="knife", occurred_at=at(2018, 8, 1, 1))
    IncidentFactory(kind="homicide", killed=1, injured=0, weapon="knife", occurred_at=at(2018, 8, 2, 1))
    shooting = IncidentFactory(
        kind="nonfatal_shooting", killed=0, injured=1, weapon="firearm", occurred_at=at(2018, 8, 3, 1)
    )
    Response.objects.create(incident=shooting, peacekeeper=peacekeeper, kind="scene", responded_at=at(2018, 8, 3, 3))
    tables = {t.key: t for s in quarterly.build(Quarter(2018, 3)).sections for t in s.tables}
    summary = dict(tables["violence_summary"].rows)
    assert summary["Homicides"] == [1, 1]  # the knife homicide is a homicide
    assert summary["Non-fatal shooting victims"] == [1, 1]
    assert summary["Shooting incidents"] == [1, 1]
    neighborhoods = dict(tables["violence_by_neighborhood"].rows)
    assert neighborhoods["All neighborhoods"] == [1, 1, 1, 1, 1, 1]
    responses = dict(tables["shooting_responses"].rows)
    assert responses["Shootings with someone killed or wounded"] == [1, 1]
    assert responses["Share responded within 24 hours (%)"] == [100.0, 100.0]
