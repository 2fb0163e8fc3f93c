"""Every date and number parameter of every list and report is validated: a form error on a list,
400 (or 404 for a report that is not on record) from a report, never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.filters import AccessLogFilter
from core.parameters import EARLIEST_DATE, latest_date, parse_date, parse_whole_number
from incidents.filters import IncidentFilter, MediationFilter
from outreach.filters import ClientFilter
from outreach.models import Client


class TestTheSharedParsers:
    @pytest.mark.parametrize(
        "text", ["9999-12-31", "0001-01-01", "1899-12-31", "2018-13-01", "2018-2-1", "²⁰¹⁸-01-01", "٢٠١٨-٠١-٠١", "\x00"]
    )
    def test_a_date_outside_the_range_or_not_written_iso_is_refused(self, text):
        with pytest.raises(ValueError, match="^The date must be a date"):
            parse_date(text, name="The date")

    def test_the_edges_of_the_range_are_dates(self):
        assert parse_date("1900-01-01", name="d") == EARLIEST_DATE
        assert parse_date(latest_date().isoformat(), name="d") == latest_date()

    @pytest.mark.parametrize("text", ["²", "٥", "-1", "0", "31", "1e3", " 5", "5\x00", "9" * 40, ""])
    def test_a_number_outside_its_bounds_or_not_in_ascii_digits_is_refused(self, text):
        with pytest.raises(ValueError, match="^years must be a whole number from 1 to 30"):
            parse_whole_number(text, name="years", low=1, high=30)


class TestTheFindings:
    def test_a_filter_date_at_the_end_of_the_calendar_is_a_form_error(self, client, analyst):
        client.force_login(analyst)
        response = client.get(reverse("incidents:incident_list"), {"occurred_before": "9999-12-31"})
        assert response.status_code == 200
        assert "must be a date from 1900-01-01" in str(response.context["filter"].errors)

    @pytest.mark.parametrize("name", ["enrolled_after", "enrolled_before"])
    def test_client_list_dates_are_bounded(self, client, manager, name):
        client.force_login(manager)
        response = client.get(reverse("outreach:client_list"), {name: "0001-01-01"})
        assert response.status_code == 200 and response.context["filter"].errors

    @pytest.mark.parametrize("through", ["0001-01-01", "1899-12-31", "٢٠١٨-٠١-٠١", "2018-01-01\x00"])
    def test_a_trend_through_before_the_record_answers_400(self, client, analyst, through):
        client.force_login(analyst)
        response = client.get(reverse("reports:violence_trend_csv"), {"through": through})
        assert response.status_code == 400
        assert response.content.decode().startswith("through must be a date")

    @pytest.mark.parametrize("years", ["²", "٥", "9" * 30])
    def test_trend_years_in_other_digits_answer_400(self, client, analyst, years):
        client.force_login(analyst)
        response = client.get(reverse("reports:violence_trend_csv"), {"years": years})
        assert response.status_code == 400
        assert response.content.decode() == "years must be a whole number from 1 to 30."

    @pytest.mark.parametrize("name", ["reports:quarterly", "reports:quarterly_csv", "reports:quarterly_xlsx"])
    def test_the_first_quarter_on_record_renders_and_the_one_before_is_404(self, client, analyst, name, settings):
        # With no incident, the first quarter on record is the program's first (reports.periods).
        settings.PROGRAM_START_YEAR = 1900
        client.force_login(analyst)
        assert client.get(reverse(name, args=[1900, 1])).status_code == 200
        assert client.get(reverse(name, args=[1899, 4])).status_code == 404

    @pytest.mark.parametrize("year", [1899, 1900, 0, 99999999999])
    def test_the_admin_copy_takes_the_same_quarters(self, client, admin_user, year, settings):
        settings.PROGRAM_START_YEAR = 1900
        client.force_login(admin_user)
        response = client.get(reverse("admin:reports_quarterly", args=[year, 1]))
        assert response.status_code == (200 if year == 1900 else 404)

    @pytest.mark.parametrize("value", ["\x00", "pdf", "CSV", "json"])
    def test_an_unknown_export_format_answers_400_and_is_not_logged(self, client, manager, value):
        from accounts.models import AccessLog

        client.force_login(manager)
        response = client.get(reverse("outreach:client_list"), {"_export": value})
        assert response.status_code == 400
        assert not AccessLog.objects.exists()

    def test_an_export_with_invalid_filters_answers_400(self, client, manager, jamal):
        client.force_login(manager)
        response = client.get(reverse("outreach:client_list"), {"_export": "csv", "enrolled_after": "9999-12-31"})
        assert response.status_code == 400


def _parameter_names(filterset_class) -> list[str]:
    """Every query-string name a FilterSet reads (a range filter reads name_after and name_before)."""
    names = []
    for name, field in filterset_class(request=None).form.fields.items():
        suffixes = getattr(field.widget, "suffixes", [""])
        names += [f"{name}_{suffix}" if suffix else name for suffix in suffixes]
    return names


LISTS = [
    ("outreach:client_list", ClientFilter, ["_export"]),
    ("incidents:incident_list", IncidentFilter, ["_export"]),
    ("incidents:mediation_list", MediationFilter, []),
    ("access_log", AccessLogFilter, []),
]
PAGING = ["page", "sort", "per_page"]

EXTREME_DATES = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
    datetime.date.isoformat
)
UNICODE_DIGITS = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=10)
NASTY = st.one_of(
    EXTREME_DATES,
    UNICODE_DIGITS,
    UNICODE_DIGITS.map(lambda d: f"{d}-01-01"),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=20),
    st.sampled_from(["\x00", "2018-02-30", "9999-12-31", "0001-01-01", "csv", "xlsx", "-name", "1e309", "NaN", ""]),
)
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize(("url_name", "filterset_class", "extra"), LISTS)
def test_no_list_parameter_causes_a_500(client, manager, jamal, url_name, filterset_class, extra):
    names = _parameter_names(filterset_class) + PAGING + extra
    url = reverse(url_name)
    client.force_login(manager)

    def check(params):
        response = client.get(url, params)
        assert response.status_code in (200, 400, 404), (params, response.status_code)

    # One or two parameters at a time: with many, one invalid field would mask the others (a FilterSet
    # with errors filters nothing). The calendar's edges are always tried on every date parameter.
    sweep = given(params=st.dictionaries(st.sampled_from(names), NASTY, min_size=1, max_size=2))(check)
    for name in (n for n in names if n.endswith(("_after", "_before"))):
        for edge in ("9999-12-31", "0001-01-01"):
            sweep = example(params={name: edge})(sweep)
    FUZZ(sweep)()


REPORT_PARAMETERS = st.fixed_dictionaries({}, optional={"through": NASTY, "years": NASTY, "public": NASTY})


def test_no_report_parameter_causes_a_500(client, analyst, admin_user):
    today = timezone.localdate()
    client.force_login(admin_user)

    @FUZZ
    @example(year=1900, quarter=1, params={"through": "0001-01-01"})
    @example(year=2018, quarter=3, params={"years": "²"})
    @given(
        year=st.one_of(st.integers(min_value=0, max_value=9999), st.integers(min_value=-(10**20), max_value=10**20)),
        quarter=st.integers(min_value=-5, max_value=9),
        params=REPORT_PARAMETERS,
    )
    def sweep(year, quarter, params):
        urls = [reverse("reports:violence_trend_csv")]
        if 0 <= year <= 9999 and 1 <= quarter <= 4:
            urls += [reverse(n, args=[year, quarter]) for n in ("reports:quarterly", "reports:quarterly_csv")]
        if year >= 0 and quarter >= 0:
            urls.append(reverse("admin:reports_quarterly", args=[year, quarter]))
        for url in urls:
            response = client.get(url, params)
            assert response.status_code in (200, 400, 404), (url, params, response.status_code)
            if response.status_code == 200 and "quarterly" in url:
                assert 1900 <= year <= today.year

    sweep()


def test_the_client_timeline_page_number_never_fails(client, peacekeeper, jamal):
    client.force_login(peacekeeper)

    @FUZZ
    @given(page=NASTY)
    def sweep(page):
        assert client.get(Client.objects.get().get_absolute_url(), {"page": page}).status_code == 200

    sweep()


class TestOnlyAsciiDigits:
    """Issue #15: a number or date written in other digits (full-width １, Arabic-Indic ٣) is refused,
    never read as the number it looks like."""

    OTHER_DIGITS = ["１", "٣", "３０", "१"]

    @pytest.mark.parametrize("years", OTHER_DIGITS)
    def test_trend_years_answer_400_with_a_plain_message(self, client, analyst, years):
        client.force_login(analyst)
        response = client.get(reverse("reports:violence_trend_csv"), {"years": years})
        assert response.status_code == 400
        assert response.content.decode() == "years must be a whole number from 1 to 30."

    @pytest.mark.parametrize("through", ["２０１８-01-01", "2018-0١-01", "２018-01-01"])
    def test_trend_through_answers_400(self, client, analyst, through):
        client.force_login(analyst)
        response = client.get(reverse("reports:violence_trend_csv"), {"through": through})
        assert response.status_code == 400
        assert response.content.decode() == "through must be a date written YYYY-MM-DD."

    @pytest.mark.parametrize(
        ("url", "name"),
        [
            ("incidents:incident_list", "occurred_after"),
            ("incidents:incident_list", "occurred_before"),
            ("incidents:mediation_list", "occurred_after"),
            ("outreach:client_list", "enrolled_after"),
            ("outreach:client_list", "enrolled_before"),
        ],
    )
    def test_list_dates_are_a_form_error(self, client, manager, url, name):
        client.force_login(manager)
        response = client.get(reverse(url), {name: "２０１８-01-01"})
        assert response.status_code == 200
        assert "must be a date written YYYY-MM-DD" in str(response.context["filter"].errors)

    def test_the_access_log_date_is_a_form_error(self):
        assert not AccessLogFilter({"at_after": "２０１８-01-01"}).is_valid()

    @pytest.mark.parametrize("text", OTHER_DIGITS)
    def test_a_page_number_in_other_digits_is_no_page_number(self, text):
        from core.parameters import page_number

        assert page_number(text) is None
        assert page_number("2") == "2" and page_number(None) is None and page_number("last") == "last"

    def test_the_client_timeline_does_not_read_a_full_width_page(self, client, peacekeeper, jamal):
        from tests.factories import ContactFactory

        ContactFactory.create_batch(30, client=jamal, peacekeeper=peacekeeper)
        client.force_login(peacekeeper)
        assert client.get(jamal.get_absolute_url(), {"page": "2"}).context["contacts"].number == 2
        assert client.get(jamal.get_absolute_url(), {"page": "２"}).context["contacts"].number == 1

    def test_a_list_does_not_read_a_full_width_page(self, client, manager):
        from tests.factories import IncidentFactory

        IncidentFactory.create_batch(30)
        client.force_login(manager)
        assert client.get(reverse("incidents:incident_list"), {"page": "2"}).context["table"].page.number == 2
        assert client.get(reverse("incidents:incident_list"), {"page": "２"}).context["table"].page.number == 1
        table = client.get(reverse("incidents:incident_list"), {"per_page": "１０"}).context["table"]
        assert table.paginator.per_page == 25  # not 10
