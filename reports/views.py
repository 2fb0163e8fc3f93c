import datetime
import io

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accounts import access, lockout, roles
from accounts.roles import primary_role
from core import parameters
from core.exports import csv_writer
from core.quarters import Quarter
from core.routers import replica_reads
from incidents import conflict_reads, counting, response_reads
from incidents.models import Incident, Involvement
from outreach import caseloads
from outreach.models import Client, PossibleDuplicate
from reports import display, exports, periods, publication, quarterly
from reports.forms import QuarterPickerForm

RESPONSE_GAP_DAYS = 30
RESPONSE_GAP_LIMIT = 20
DUPLICATE_REVIEWS_LISTED = 20
DEATH_NOTICES_LISTED = 20
TREND_YEARS_DEFAULT, TREND_YEARS_MAX = 5, 30
TREND_HEADER = ["year", "homicides", "nonfatal_shooting_victims", "homicides_ytd", "nonfatal_shooting_victims_ytd"]
INDEX_TREND_YEARS = 10


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home page, built for their role."""
    role = primary_role(request.user)
    context: dict = {"dashboard_role": role}
    if role == "peacekeeper":
        context["worklist"] = caseloads.peacekeeper_worklist(request.user)
        context["tasks_due"], context["tasks_due_count"], context["tasks_named"] = response_reads.tasks_due(
            request.user
        )
        context["caseload_rule"] = caseloads.CASELOAD_RULE_OWN
    if role in ("peacekeeper", "manager", "admin"):
        # A client's peacekeepers and the managers are told of a client recorded as killed.
        notices = Involvement.objects.death_notices(clients=Client.objects.visible_to(request.user))
        context["death_notices"] = list(notices[:DEATH_NOTICES_LISTED])
    if role in ("manager", "admin"):
        context["caseload_rule"] = caseloads.CASELOAD_RULE_EACH
        context["caseloads"] = caseloads.caseload_summary()
        context["caseload_cap"] = caseloads.caseload_cap()
        since = timezone.now() - datetime.timedelta(days=RESPONSE_GAP_DAYS)
        gaps = Incident.objects.response_gaps().filter(occurred_at__gte=since).select_related("neighborhood")
        context["response_gaps"] = list(gaps[:RESPONSE_GAP_LIMIT])
        context["response_gap_days"] = RESPONSE_GAP_DAYS
        context["hospital_visits_due"], context["hospital_visits_due_count"] = caseloads.hospital_visits_due(
            Client.objects.visible_to(request.user)
        )
        context["duplicate_reviews"] = PossibleDuplicate.objects.waiting()[:DUPLICATE_REVIEWS_LISTED]
        context["open_cases"], context["open_cases_count"] = response_reads.open_cases()
    if role in ("manager", "analyst", "admin"):
        context.update(_headline_figures())
    if role == "analyst":  # conflicts and groups only as counts: analysts have no conflict or group pages
        context["conflict_counts"] = conflict_reads.conflict_counts()
    if role == "admin":
        context["lockouts"] = lockout.recent_lockouts()
    return render(request, "reports/dashboard.html", context)


def _headline_figures() -> dict:
    """This year's headline sentence, this quarter's figures and the trend (three queries)."""
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    record = counting.violence_by_year(quarterly.first_year_on_record(today.year), today)
    rows = record[-INDEX_TREND_YEARS:]
    sentence = quarterly.sentence(
        "homicide", today.year, today, {r.year: r.homicides_ytd for r in record}, record[0].year
    ).text()
    return {
        "current_quarter": quarter,
        "quarter_figures": counting.violence_between(*counting.window(quarter.first, today)),
        "headline": sentence,
        "trend": rows,
        "trend_chart": _trend_chart(rows, today),
        "trend_through": today,  # the running year's "whole year" is the year so far (as the report says)
    }


def _trend_chart(rows: list[counting.YearRow], through: datetime.date) -> dict:
    """Chart data for the violence trend (drawn by static/js/charts.js; the table beside it has the same figures)."""
    figures = [
        (str(r.year), [r.homicides_ytd, r.homicides, r.nonfatal_shooting_victims_ytd, r.nonfatal_shooting_victims])
        for r in rows
    ]
    return publication.chart_data(figures, through)


def _require_reports(request: HttpRequest) -> None:
    if not roles.can_see_reports(request.user):
        raise Http404


REPORT_INDEX_QUARTERS = 8


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The reports: a year-and-quarter picker reaching every quarter on record, the recent ones, the trend."""
    _require_reports(request)
    first = periods.first_quarter()
    picker = QuarterPickerForm(request.GET if picking(request) else None, first=first)
    if picker.is_bound and picker.is_valid():
        picked = picker.cleaned_data["picked"]
        return redirect("reports:quarterly", picked.year, picked.number)
    today = timezone.localdate()
    page = Paginator(all_quarters(first), REPORT_INDEX_QUARTERS).get_page(
        parameters.page_number(request.GET.get("page"))
    )
    context = {
        "picker": picker,
        "page": page,
        "quarters": periods.listed(list(page.object_list)),
        "first_quarter": first,
        "today": today,
        **_headline_figures(),
    }
    return render(request, "reports/index.html", context)


def picking(request: HttpRequest) -> bool:
    return "year" in request.GET or "quarter" in request.GET


def recent_quarters(count: int, first: Quarter) -> list[Quarter]:
    """The running quarter and those before it, newest first, back to the first with a report."""
    return [q for q in Quarter.recent(count) if (q.year, q.number) >= (first.year, first.number)]


def all_quarters(first: Quarter) -> list[Quarter]:
    """Every quarter with a report, newest first (no query: first is known)."""
    running = periods.running_quarter()
    count = (running.year - first.year) * 4 + running.number - first.number + 1
    return Quarter.recent(max(count, 1))


def quarter_or_404(year: int, quarter: int, *, first: Quarter) -> Quarter:
    """The quarter a report URL names (also the admin's copy): 404 unless it has a report, that is
    from the first quarter on record (reports.periods.first_quarter) to the running quarter."""
    try:
        q = Quarter(year, quarter)
    except (ValueError, OverflowError):
        raise Http404 from None
    if not periods.in_range(q, first):
        raise Http404
    return q


class UnknownLanguage(ValueError):
    pass


def asked_language(request: HttpRequest) -> str | None:
    """The language `?lang=` asks the report in (en or es), or None to follow the reader's own."""
    lang = request.GET.get("lang")
    if lang is None:
        return None
    if lang not in dict(settings.LANGUAGES):
        raise UnknownLanguage(
            gettext("Unknown language %(lang)s: ask for lang=en (English) or lang=es (Spanish).") % {"lang": lang[:20]}
        )
    return lang


def in_language(view):
    """A report view answering in the language `?lang=` asks for (400 for one it does not know), else the
    reader's; its links to the files and to other quarters keep the language asked for."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            lang = asked_language(request)
        except UnknownLanguage as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        if lang is None:
            return view(request, *args, **kwargs)
        with translation.override(lang):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):  # a TemplateResponse renders here, in the language
                response.render()
        response.headers["Content-Language"] = lang
        return response

    wrapped.__doc__, wrapped.__name__ = view.__doc__, view.__name__
    return wrapped


def language_links(request: HttpRequest) -> dict:
    """The report page's language choice: the same page in each language; and the query string the
    page's own links keep ("?lang=es" when the page was asked in one)."""
    current = translation.get_language()
    return {
        "report_languages": [
            {"code": code, "name": name, "current": current.startswith(code)} for code, name in settings.LANGUAGES
        ],
        "lang_query": f"?lang={request.GET['lang']}" if "lang" in request.GET else "",
    }


@require_GET
@in_language
def quarterly_report(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    """The program's own copy of the report (every figure). Public copies are records of their own
    (publishing), served from what was published."""
    _require_reports(request)
    with replica_reads():
        first = periods.first_quarter()
        q = quarter_or_404(year, quarter, first=first)
        if asks_public(request):
            return redirect("publishing:copies", year, quarter)
        report = quarterly.build(q)
    access.record(request, access.Action.VIEW_REPORT, f"quarterly {report.quarter.label}")
    context = quarterly_context(publication.internal(report), first=first) | language_links(request)
    return render(request, "reports/quarterly.html", context)


def asks_public(request: HttpRequest) -> bool:
    """An old link to a public copy (`?public=1`, before public copies were records): it must never be
    answered with the program's own copy, which has every figure."""
    return "public" in request.GET


def quarterly_context(copy: publication.Document, *, first: Quarter) -> dict:
    """What the HTML report shows, for the program's copy or a published public copy (also used by the
    admin's copy of the page), in the reader's language."""
    copy = display.document(copy)
    report = copy.report
    return {
        "copy": copy,
        "report": report,
        "headline": copy.headline,
        "sections": copy.sections,
        "public": copy.public,
        "suppressed": copy.notes,
        "trend_chart": publication.trend_chart(copy.sections, report.through),
        "previous": periods.previous_quarter(report.quarter, first),
        "next": periods.next_quarter(report.quarter),
    }


EXPORT_FORMATS = {
    "csv": (exports.to_csv, "text/csv; charset=utf-8"),
    "xlsx": (exports.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def file_response(copy: publication.Document, file_format: str, filename: str) -> HttpResponse:
    """A copy of the report as a CSV or XLSX download, in the reader's language (the same figures)."""
    render_file, content_type = EXPORT_FORMATS[file_format]
    response = HttpResponse(render_file(display.document(copy)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


@require_GET
@in_language
def quarterly_export(request: HttpRequest, year: int, quarter: int, file_format: str) -> HttpResponse:
    """The program's copy of the quarterly report as a CSV or XLSX download (recorded in the access log)."""
    _require_reports(request)
    q = quarter_or_404(year, quarter, first=periods.first_quarter())
    if asks_public(request):
        return redirect("publishing:copies", year, quarter)
    with replica_reads():
        report = quarterly.build(q)
    access.record(request, access.Action.EXPORT, f"quarterly {report.quarter.label} {file_format}")
    return file_response(publication.internal(report), file_format, filename(report))


def filename(report: quarterly.Report, suffix: str = "") -> str:
    return f"peacekeeper-{report.quarter.year}-q{report.quarter.number}{suffix}"


@require_GET
def violence_trend_csv(request: HttpRequest) -> HttpResponse:
    """SPEC section 5: one row per calendar year, oldest first, ending with the year of `through`."""
    _require_reports(request)
    try:
        through = _parse_through(request.GET.get("through"))
        years = _parse_years(request.GET.get("years"))
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    access.record(request, access.Action.EXPORT, f"violence trend through {through} ({years} years)")
    with replica_reads():
        rows = counting.violence_by_year(through.year - years + 1, through)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(TREND_HEADER)
    writer.writerows(
        [r.year, r.homicides, r.nonfatal_shooting_victims, r.homicides_ytd, r.nonfatal_shooting_victims_ytd]
        for r in rows
    )
    return HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")


def _parse_through(text: str | None) -> datetime.date:
    today = timezone.localdate()
    if text is None:
        return today
    through = parameters.parse_date(text, name="through", latest=datetime.date.max)
    if through > today:
        raise ValueError("through cannot be in the future.")
    return through


def _parse_years(text: str | None) -> int:
    if text is None:
        return TREND_YEARS_DEFAULT
    return parameters.parse_whole_number(text, name="years", low=1, high=TREND_YEARS_MAX)
