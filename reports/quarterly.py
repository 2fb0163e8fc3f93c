"""The quarterly violence and outcome report (SPEC section 6), as plain data.

The HTML page, the CSV and the XLSX exports all render the same `Report`. Violence figures
come from incidents.counting (the one place the counting rules live); program figures are
aggregate queries here, one per table. Nothing is counted in Python loops over rows.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.db.models import Aggregate, Count, Exists, F, FloatField, Func, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from core.quarters import Quarter
from incidents import counting
from incidents.models import (
    OPENS_RESPONSE_CASE,
    Incident,
    Involvement,
    InvolvementRole,
    Mediation,
    MediationOutcome,
    Response,
    ResponseCase,
    ResponseKind,
    ResponseTask,
    TaskStatus,
)
from outreach.models import (
    Client,
    Contact,
    EnrolmentPeriod,
    ExitReason,
    Goal,
    GoalDomain,
    GoalStatus,
    Referral,
    ReferralStatus,
    active_during,
    active_on,
    exited_during,
)
from reports import headlines
from reports.periods import DAY, DAYS_30, FULL_YEAR, QUARTER, YTD, Period, span_text

HISTORY_YEARS = 5
CONTACT_WINDOW_DAYS = 30


@dataclass
class Table:
    """A titled table: row labels, column labels, numbers (None: not applicable)."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[float | int | None]]]
    definition: str = ""
    total: bool = False  # the last row is a total of the rows above it
    # Rows that are not counts of people or events (shares, hours): never suppressed, not summed.
    measure_rows: set[int] = field(default_factory=set)
    # (quarter column, year-to-date column) pairs where year to date = the previous quarter's year
    # to date + this quarter, row by row (counts of events, not of distinct people).
    running: tuple[tuple[int, int], ...] = ()
    # What each figure is, for the tidy CSV: figures[row][column] (None where the value is None).
    figures: list[list["Figure | None"]] = field(default_factory=list)
    # Share rows: {share row: (numerator row, denominator row)}; a share is hidden only with them.
    shares: dict[int, tuple[int, int]] = field(default_factory=dict)
    # A line under a row's label naming its own days (the trend's earlier years).
    row_notes: list[str] = field(default_factory=list)
    # In a public copy, why each hidden cell is hidden: {(row, column): reports.suppression.Reason}.
    hidden: dict = field(default_factory=dict)
    # What a reader knows besides the sums (reports.audit): rows counting distinct people over the column's
    # days, which do not add up over days (clients active, clients contacted)...
    distinct_rows: set[int] = field(default_factory=set)
    # ...and (smaller, larger) pairs of rows, in every column, and of columns, in every counted row.
    at_most_rows: tuple[tuple[int, int], ...] = ()
    at_most_columns: tuple[tuple[int, int], ...] = ()

    @property
    def display_rows(self) -> list[tuple[str, str, list[tuple[object, str]]]]:
        """(label, note under it, [(value, footnote marker or "")]) for the page."""
        notes = self.row_notes or [""] * len(self.rows)
        return [
            (label, note, [(v, getattr(self.hidden.get((r, c)), "marker", "")) for c, v in enumerate(values)])
            for r, ((label, values), note) in enumerate(zip(self.rows, notes, strict=True))
        ]

    @property
    def footnotes(self) -> list:
        """The reasons cells of this table are hidden, each once, in marker order."""
        used = {reason.key: reason for reason in self.hidden.values()}
        return sorted(used.values(), key=lambda reason: reason.marker)


@dataclass(frozen=True)
class Figure:
    """One figure of a table: what is measured, where ("all" or a neighborhood), over which days; and, for a
    neighborhood, its record's id, which stays when the neighborhood is renamed (the audit links a copy's old
    name to a later copy's new one, as a reader of both would; ignored when figures are compared)."""

    measure: str
    place: str
    period: Period
    place_id: int | None = field(default=None, compare=False)


ALL_PLACES = "all"

# Figures of one place and the same days, across tables: the first is at most the second (reports.audit).
AT_MOST_MEASURES = (
    ("Shootings with someone killed or wounded", "Shooting incidents"),
    ("With a peacekeeper response within 24 hours", "Shootings with someone killed or wounded"),
)


def _figures(rows, periods: list[Period], *, measures=None, places=None) -> list[list[Figure | None]]:
    """A figure per cell: the row label is the measure (or `measures[row]`), over each column's period."""
    grid = []
    for r, (label, values) in enumerate(rows):
        measure = measures[r] if measures else label
        place = places[r] if places else ALL_PLACES
        grid.append([None if v is None else Figure(measure, place, p) for v, p in zip(values, periods, strict=True)])
    return grid


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]


@dataclass
class Report:
    quarter: Quarter
    through: datetime.date  # year to date through this day
    computed_at: datetime.datetime
    preliminary: bool
    headline: str
    trend: list[counting.YearRow]
    sections: list[Section]

    @property
    def quarter_period(self) -> Period:
        """The days of the quarter the report covers: to its end, or to today while it runs."""
        return Period(QUARTER, self.quarter.first, self.through)

    @property
    def ytd_period(self) -> Period:
        return Period(YTD, datetime.date(self.quarter.year, 1, 1), self.through)


def periods_of(quarter: Quarter, through: datetime.date) -> tuple[Period, Period]:
    """This quarter's days and the year's days so far, both through `through`."""
    return Period(QUARTER, quarter.first, through), Period(YTD, datetime.date(quarter.year, 1, 1), through)


def build(quarter: Quarter, *, now: datetime.datetime | None = None) -> Report:
    """Every figure of the quarterly report, its words in English whatever the reader's language: they are the
    keys of its figures and of its published copies (reports.display translates them when shown)."""
    with translation.override("en"):
        return _build(quarter, now=now)


def _build(quarter: Quarter, *, now: datetime.datetime | None = None) -> Report:
    now = now or timezone.now()
    today = timezone.localdate(now)
    if quarter.first > today:
        raise ValueError(f"{quarter.label} has not started yet.")
    through = min(quarter.last, today)
    trend = [_through(row, through) for row in counting.violence_by_year(quarter.year - HISTORY_YEARS, through)]
    record = counting.violence_by_year(first_year_on_record(quarter.year), through)
    return Report(
        quarter=quarter,
        through=through,
        computed_at=now,
        preliminary=quarter.last >= today,
        headline=headline("homicide", quarter.year, through, {r.year: r.homicides_ytd for r in record}, record[0].year),
        trend=trend,
        sections=[
            Section("violence", gettext_noop("Violence"), _violence_tables(quarter, through, trend)),
            Section("program", gettext_noop("Program"), _program_tables(quarter, through)),
            Section("outcomes", gettext_noop("Outcomes"), [_outcome_table(quarter, through)]),
        ],
    )


def _through(row: counting.YearRow, through: datetime.date) -> counting.YearRow:
    """The report's own year counts only to the report's last day: a Q3 report's "whole year" is
    the year so far, never the months after the quarter (recorded since)."""
    if row.year != through.year:
        return row
    return replace(row, homicides=row.homicides_ytd, nonfatal_shooting_victims=row.nonfatal_shooting_victims_ytd)


def first_year_on_record(year: int) -> int:
    """The first year the headline compares with: the first year of data (incidents.counting), at
    most 30 years back."""
    first_year = counting.first_year_of_data() or year
    return max(min(first_year, year), year - 30)


def headline(noun: str, year: int, through: datetime.date, ytd_by_year: dict[int, int], first_year: int) -> str:
    """A sentence comparing this year's count to the same months of earlier years, computed (in English, the
    record's language: reports.headlines says it in the reader's)."""
    return sentence(noun, year, through, ytd_by_year, first_year).english()


def sentence(
    noun: str, year: int, through: datetime.date, ytd_by_year: dict[int, int], first_year: int
) -> headlines.Sentence:
    """The comparison of this year's count with the same months of earlier years, as its parts."""
    if noun != "homicide":
        raise ValueError("The sentence counts homicides.")
    count = ytd_by_year.get(year, 0)
    day = datetime.date(year, through.month, through.day)
    earlier = [y for y in range(year - 1, first_year - 1, -1)]
    if not earlier:
        return headlines.Sentence(count, day, headlines.NONE)
    fewer_run = _run(earlier, lambda y: ytd_by_year.get(y, 0) > count)
    more_run = _run(earlier, lambda y: ytd_by_year.get(y, 0) < count)
    if fewer_run == len(earlier) and len(earlier) > 1:
        return headlines.Sentence(count, day, headlines.FEWEST_ALL, first_year)
    if fewer_run >= 2:
        return headlines.Sentence(count, day, headlines.FEWEST, fewer_run)
    if more_run == len(earlier) and len(earlier) > 1:
        return headlines.Sentence(count, day, headlines.MOST_ALL, first_year)
    if more_run >= 2:
        return headlines.Sentence(count, day, headlines.MOST, more_run)
    last = ytd_by_year.get(year - 1, 0)
    if last == count:
        return headlines.Sentence(count, day, headlines.SAME)
    return headlines.Sentence(count, day, headlines.DOWN if count < last else headlines.UP, last)


def _run(years: list[int], holds) -> int:
    """How many of the years, newest first, hold before one does not."""
    run = 0
    for year in years:
        if not holds(year):
            break
        run += 1
    return run


def _violence_tables(quarter: Quarter, through: datetime.date, trend: list[counting.YearRow]) -> list[Table]:
    q_window = counting.window(quarter.first, through)
    ytd_window = counting.year_to_date_window(quarter.year, through)
    q = counting.violence_between(*q_window)
    ytd = counting.violence_between(*ytd_window)
    shootings = _shooting_incidents(q_window, ytd_window)
    periods = periods_of(quarter, through)
    rows = [
        (gettext_noop("Homicides"), [q.homicides, ytd.homicides]),
        (gettext_noop("Non-fatal shooting victims"), [q.nonfatal_shooting_victims, ytd.nonfatal_shooting_victims]),
        ("Shooting incidents", shootings),
    ]
    headline_table = Table(
        "violence_summary",
        gettext_noop("This quarter and year to date"),
        _columns(quarter, periods),
        rows,
        definition=gettext_noop(
            "Homicides count victims killed, not incidents; an incident with anyone killed is a homicide. Non-fatal "
            "shooting victims count people wounded in a shooting incident who survived. Shooting incidents count "
            "incidents with a firearm, and every non-fatal shooting and shots fired whatever the weapon recorded. "
            "Dates are in the program's local time."
        ),
        running=((0, 1),),
        figures=_figures(rows, list(periods)),
    )
    trend_table = _trend_table(trend, through)
    return [headline_table, trend_table, _neighborhood_table(quarter, periods, q_window, ytd_window)]


def _columns(quarter: Quarter, periods: tuple[Period, Period]) -> list[str]:
    """The headings of a quarter column and a year-to-date column, naming their days."""
    return [f"{quarter.label} ({periods[0].text})", f"Year to date ({periods[1].text})"]


def _trend_table(trend: list[counting.YearRow], through: datetime.date) -> Table:
    """Each year's same days and whole year; the report's own year only to its last day."""
    days = span_text(datetime.date(through.year, 1, 1), through).removesuffix(f" {through.year}")
    rows, figures, notes = [], [], []
    for r in trend:
        ytd = Period(YTD, datetime.date(r.year, 1, 1), counting.year_to_date_end(r.year, through))
        whole = Period(FULL_YEAR, datetime.date(r.year, 1, 1), min(datetime.date(r.year, 12, 31), through))
        rows.append(
            (str(r.year), [r.homicides_ytd, r.homicides, r.nonfatal_shooting_victims_ytd, r.nonfatal_shooting_victims])
        )
        figures.append(
            [
                Figure("Homicides", ALL_PLACES, ytd),
                Figure("Homicides", ALL_PLACES, whole),
                Figure("Non-fatal shooting victims", ALL_PLACES, ytd),
                Figure("Non-fatal shooting victims", ALL_PLACES, whole),
            ]
        )
        notes.append(ytd.text if whole.last == datetime.date(r.year, 12, 31) else f"{ytd.text}, the year so far")
    return Table(
        "violence_trend",
        f"The same days in earlier years ({days}) and whole years",
        [
            f"Homicides, {days}",
            gettext_noop("Homicides, whole year"),
            f"Non-fatal shooting victims, {days}",
            gettext_noop("Non-fatal shooting victims, whole year"),
        ],
        rows,
        definition=(
            f"The same days are 1 January to {through.day} {through:%B} of each year (29 February counts as "
            "28 February in other years). This report's year counts only to its last day: its whole-year figure is "
            "the year so far."
        ),
        figures=figures,
        row_notes=notes,
    )


def _shooting_incidents(q_window, ytd_window) -> list[int]:
    totals = Incident.objects.between(ytd_window[0], max(q_window[1], ytd_window[1])).aggregate(
        q=counting.shooting_incidents(Q(occurred_at__gte=q_window[0], occurred_at__lt=q_window[1])),
        ytd=counting.shooting_incidents(Q(occurred_at__lt=ytd_window[1])),
    )
    return [totals["q"], totals["ytd"]]


def _neighborhood_table(quarter: Quarter, periods: tuple[Period, Period], q_window, ytd_window) -> Table:
    in_q = Q(occurred_at__gte=q_window[0], occurred_at__lt=q_window[1])
    found = list(
        Incident.objects.between(*ytd_window)
        .values("neighborhood_id", "neighborhood__name")
        .annotate(
            h_q=counting.homicides(in_q),
            n_q=counting.nonfatal_shooting_victims(in_q),
            s_q=counting.shooting_incidents(in_q),
            h=counting.HOMICIDES,
            n=counting.NONFATAL_SHOOTING_VICTIMS,
            s=counting.SHOOTING_INCIDENTS,
        )
        .order_by("neighborhood__name")
    )
    table_rows = [
        (
            r["neighborhood__name"] or gettext_noop("Not recorded"),
            [r["h_q"], r["n_q"], r["s_q"], r["h"], r["n"], r["s"]],
        )
        for r in found
    ]
    totals = [sum(values[i] for _, values in table_rows) for i in range(6)]
    rows = [*table_rows, (gettext_noop("All neighborhoods"), totals)]
    q_period, ytd_period = periods
    measures = [
        gettext_noop("Homicides"),
        gettext_noop("Non-fatal shooting victims"),
        gettext_noop("Shooting incidents"),
    ] * 2
    column_periods = [q_period] * 3 + [ytd_period] * 3
    places = [label for label, _ in table_rows] + [ALL_PLACES]
    place_ids = [r["neighborhood_id"] for r in found] + [None]
    return Table(
        "violence_by_neighborhood",
        gettext_noop("By neighborhood"),
        [
            *(f"{m}, {quarter.label} ({q_period.text})" for m in measures[:3]),
            *(f"{m}, year to date ({ytd_period.text})" for m in measures[3:]),
        ],
        rows,
        figures=[
            [Figure(m, places[r], p, place_ids[r]) for m, p in zip(measures, column_periods, strict=True)]
            for r in range(len(rows))
        ],
        definition=gettext_noop(
            "Neighborhoods with at least one incident this year: this quarter's days, then the year's. The last row "
            "is the total."
        ),
        total=True,
        running=((0, 3), (1, 4), (2, 5)),
    )


def _program_tables(quarter: Quarter, through: datetime.date) -> list[Table]:
    periods = periods_of(quarter, through)
    ytd_first = periods[1].first
    return [
        _program_summary(quarter, periods, through),
        _grouped(
            ("exits_by_reason", gettext_noop("Clients exited, by reason"), gettext_noop("Clients exited")),
            EnrolmentPeriod.objects.exits_during(ytd_first, through),
            "exit_reason",
            "exited_on",
            ExitReason,
            quarter,
            periods,
        ),
        _grouped(
            (
                "goals_by_domain",
                gettext_noop("Life-plan goals achieved, by domain"),
                gettext_noop("Life-plan goals achieved"),
            ),
            Goal.objects.filter(status=GoalStatus.ACHIEVED, achieved_on__gte=ytd_first, achieved_on__lte=through),
            "domain",
            "achieved_on",
            GoalDomain,
            quarter,
            periods,
        ),
        _grouped(
            ("mediations_by_outcome", gettext_noop("Mediations, by outcome"), gettext_noop("Mediations")),
            Mediation.objects.filter(occurred_on__gte=ytd_first, occurred_on__lte=through),
            "outcome",
            "occurred_on",
            MediationOutcome,
            quarter,
            periods,
        ),
        _response_table(quarter, periods),
        _response_case_table(quarter, periods),
    ]


def _grouped(names, queryset, group_field, date_field, choices, quarter, periods) -> Table:
    key, title, measure = names
    counts = {
        row[group_field]: row
        for row in queryset.values(group_field)
        .annotate(q=Count("pk", filter=Q(**{f"{date_field}__gte": periods[0].first})), ytd=Count("pk"))
        .order_by()
    }
    rows = [
        (str(label), [counts.get(value, {}).get("q", 0), counts.get(value, {}).get("ytd", 0)])
        for value, label in choices.choices
    ]
    totals = [sum(v[0] for _, v in rows), sum(v[1] for _, v in rows)]
    rows.append((gettext_noop("Total"), totals))
    measures = [f"{measure}: {label}" for label, _ in rows[:-1]] + [measure]
    return Table(
        key,
        title,
        _columns(quarter, periods),
        rows,
        total=True,
        running=((0, 1),),
        figures=_figures(rows, list(periods), measures=measures),
    )


def _program_summary(quarter: Quarter, periods: tuple[Period, Period], through: datetime.date) -> Table:
    q_first, ytd_first = periods[0].first, periods[1].first
    clients = Client.objects.aggregate(
        active=Count("pk", filter=active_on(through)),
        enrolled_q=Count("pk", filter=Q(enrolled_on__gte=q_first, enrolled_on__lte=through)),
        enrolled_ytd=Count("pk", filter=Q(enrolled_on__gte=ytd_first, enrolled_on__lte=through)),
        exited_q=Count("pk", filter=exited_during(q_first, through)),
        exited_ytd=Count("pk", filter=exited_during(ytd_first, through)),
    )
    q_start, end = counting.window(q_first, through)
    ytd_start, _ = counting.window(ytd_first, through)
    recent_first = through - datetime.timedelta(days=CONTACT_WINDOW_DAYS - 1)
    contacts = Contact.objects.filter(occurred_at__gte=ytd_start, occurred_at__lt=end).aggregate(
        q=Count("pk", filter=Q(occurred_at__gte=q_start)),
        ytd=Count("pk"),
        minutes_q=Coalesce(Sum("duration_minutes", filter=Q(occurred_at__gte=q_start)), 0),
        minutes_ytd=Coalesce(Sum("duration_minutes"), 0),
    )
    # A COUNT(DISTINCT) of its own: inside the aggregate above it made PostgreSQL sort every contact.
    contacts["recent_clients"] = (
        Contact.objects.filter(occurred_at__gte=counting.local_midnight(recent_first), occurred_at__lt=end)
        .values("client")
        .distinct()
        .count()
    )
    referrals = Referral.objects.filter(
        status=ReferralStatus.COMPLETED, completed_on__gte=ytd_first, completed_on__lte=through
    ).aggregate(q=Count("pk", filter=Q(completed_on__gte=q_first)), ytd=Count("pk"))
    on = f"{through.day} {through:%B} {through.year}"
    rows = [
        (f"Clients active on {on}", [clients["active"], None]),
        (gettext_noop("Clients enrolled"), [clients["enrolled_q"], clients["enrolled_ytd"]]),
        (gettext_noop("Clients exited"), [clients["exited_q"], clients["exited_ytd"]]),
        (gettext_noop("Contacts (mentoring sessions and other touches)"), [contacts["q"], contacts["ytd"]]),
        (
            gettext_noop("Contact hours"),
            [counting.half_up(contacts["minutes_q"], 60), counting.half_up(contacts["minutes_ytd"], 60)],
        ),
        (f"Clients contacted in the {CONTACT_WINDOW_DAYS} days to {on}", [contacts["recent_clients"], None]),
        (gettext_noop("Referrals completed"), [referrals["q"], referrals["ytd"]]),
    ]
    figures = _figures(rows, list(periods))
    figures[0][0] = Figure(gettext_noop("Clients active"), ALL_PLACES, Period(DAY, through, through))
    figures[3] = [Figure(gettext_noop("Contacts"), ALL_PLACES, p) for p in periods]
    figures[5][0] = Figure(gettext_noop("Clients contacted"), ALL_PLACES, Period(DAYS_30, recent_first, through))
    return Table(
        "program_summary",
        gettext_noop("Clients and outreach"),
        _columns(quarter, periods),
        rows,
        definition=gettext_noop(
            "Active: in an enrolment on the date (enrolled on or before it, not exited by it), and not inactive. "
            "Exited: clients who left the program after enrolling. Contact hours are the sum of contact durations, "
            "a half rounded up."
        ),
        # Contacts, hours and referrals are services given, not counts of people: never suppressed.
        measure_rows={3, 4, 6},
        running=((0, 1),),  # rows without a year-to-date figure are left out
        figures=figures,
        distinct_rows={0, 5},
    )


def _response_table(quarter: Quarter, periods: tuple[Period, Period]) -> Table:
    through = periods[0].last
    q_start, end = counting.window(quarter.first, through)
    ytd_start, _ = counting.year_to_date_window(quarter.year, through)
    shootings = (
        Incident.objects.between(ytd_start, end)
        .shootings_with_victims()
        .annotate_responded_in_time()
        .aggregate(
            q=Count("pk", filter=Q(occurred_at__gte=q_start)),
            q_in_time=Count("pk", filter=Q(occurred_at__gte=q_start, responded_in_time=True)),
            ytd=Count("pk"),
            ytd_in_time=Count("pk", filter=Q(responded_in_time=True)),
        )
    )
    rows = [
        (gettext_noop("Shootings with someone killed or wounded"), [shootings["q"], shootings["ytd"]]),
        (
            gettext_noop("With a peacekeeper response within 24 hours"),
            [shootings["q_in_time"], shootings["ytd_in_time"]],
        ),
        (
            gettext_noop("Share responded within 24 hours (%)"),
            [_share(shootings["q_in_time"], shootings["q"]), _share(shootings["ytd_in_time"], shootings["ytd"])],
        ),
    ]
    return Table(
        "shooting_responses",
        gettext_noop("Shooting responses"),
        _columns(quarter, periods),
        rows,
        definition=gettext_noop(
            "A response is a scene, hospital, family-support, vigil or follow-up visit by a peacekeeper."
        ),
        measure_rows={2},
        shares={2: (1, 0)},
        running=((0, 1),),
        figures=_figures(rows, list(periods)),
        at_most_rows=((1, 0),),
    )


class Median(Aggregate):
    """PostgreSQL's median of a number (percentile_cont(0.5)), None over no rows."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _response_case_table(quarter: Quarter, periods: tuple[Period, Period]) -> Table:
    """After shootings (issue #16): the homicides and non-fatal shootings of the period with a response case,
    those whose scene or hospital task was done within its window, the median hours to the first response,
    and incidents recorded as retaliation for an earlier one. As recorded by the report's last day."""
    through = periods[1].last
    q_start, end = counting.window(quarter.first, through)
    ytd_start, _ = counting.year_to_date_window(quarter.year, through)
    in_time = ResponseTask.objects.filter(
        case=OuterRef("pk"),
        kind__in=[ResponseKind.SCENE, ResponseKind.HOSPITAL],
        status=TaskStatus.DONE,
        response__responded_at__lte=F("due_at"),
        response__responded_at__lt=end,
    )
    first = Response.objects.filter(incident=OuterRef("incident"), responded_at__lt=end).order_by("responded_at")
    # A case whose incident was recorded again as something that opens none (shots fired, nobody hit) is not one.
    qualifying = Incident.objects.filter(OPENS_RESPONSE_CASE).values("pk")
    cases = ResponseCase.objects.filter(
        incident__in=qualifying, incident__occurred_at__gte=ytd_start, incident__occurred_at__lt=end
    ).annotate(
        in_time=Exists(in_time),
        hours=Func(
            Subquery(first.values("responded_at")[:1]) - F("incident__occurred_at"),
            template="EXTRACT(EPOCH FROM %(expressions)s) / 3600.0",
            output_field=FloatField(),
        ),
    )
    counts = cases.aggregate(
        q=Count("pk", filter=Q(incident__occurred_at__gte=q_start)),
        ytd=Count("pk"),
        q_in_time=Count("pk", filter=Q(incident__occurred_at__gte=q_start, in_time=True)),
        ytd_in_time=Count("pk", filter=Q(in_time=True)),
        q_hours=Median("hours", filter=Q(incident__occurred_at__gte=q_start)),
        ytd_hours=Median("hours"),
    )
    retaliation = Incident.objects.between(ytd_start, end).filter(retaliation_for__isnull=False)
    retaliatory = retaliation.aggregate(q=Count("pk", filter=Q(occurred_at__gte=q_start)), ytd=Count("pk"))
    rows = [
        (gettext_noop("Homicides and non-fatal shootings with a response case"), [counts["q"], counts["ytd"]]),
        (
            gettext_noop("With the scene or hospital task done in its window"),
            [counts["q_in_time"], counts["ytd_in_time"]],
        ),
        (
            gettext_noop("Share done in its window (%)"),
            [_share(counts["q_in_time"], counts["q"]), _share(counts["ytd_in_time"], counts["ytd"])],
        ),
        (gettext_noop("Median hours to the first response"), [_hours(counts["q_hours"]), _hours(counts["ytd_hours"])]),
        (gettext_noop("Retaliatory incidents recorded"), [retaliatory["q"], retaliatory["ytd"]]),
    ]
    return Table(
        "response_cases",
        gettext_noop("After shootings: response cases"),
        _columns(quarter, periods),
        rows,
        definition=gettext_noop(
            "Every homicide and non-fatal shooting opens a response case. Its scene response and hospital visit are "
            "due within the hours the program standard sets; a case counts as done in its window when either was "
            "recorded by then. Hours run from the incident to the first response recorded. Retaliatory incidents "
            "are incidents recorded as retaliation for an earlier one."
        ),
        measure_rows={2, 3},
        shares={2: (1, 0)},
        running=((0, 1),),
        figures=_figures(rows, list(periods)),
        at_most_rows=((1, 0),),
    )


def _hours(value: float | None) -> float | None:
    return None if value is None else counting.half_up(round(value * 60), 60)


def _share(part: int, whole: int) -> float | None:
    return counting.half_up(100 * part, whole) if whole else None


def _outcome_table(quarter: Quarter, through: datetime.date) -> Table:
    periods = periods_of(quarter, through)
    q_start, end = counting.window(quarter.first, through)
    ytd_start, _ = counting.year_to_date_window(quarter.year, through)
    involved = Involvement.objects.filter(
        client=OuterRef("pk"),
        role__in=[InvolvementRole.VICTIM, InvolvementRole.SUSPECT],
        incident__occurred_at__lt=end,
    ).during_enrolment()
    in_quarter = active_during(quarter.first, through)
    figures = Client.objects.filter(active_during(datetime.date(quarter.year, 1, 1), through)).aggregate(
        active_q=Count("pk", filter=in_quarter),
        involved_q=Count("pk", filter=in_quarter & Q(Exists(involved.filter(incident__occurred_at__gte=q_start)))),
        active_ytd=Count("pk"),
        involved_ytd=Count("pk", filter=Q(Exists(involved.filter(incident__occurred_at__gte=ytd_start)))),
    )
    rows = [
        (gettext_noop("Clients active during the period"), [figures["active_q"], figures["active_ytd"]]),
        (gettext_noop("Involved as victim or suspect"), [figures["involved_q"], figures["involved_ytd"]]),
        (
            gettext_noop("Share involved (%)"),
            [
                _share(figures["involved_q"], figures["active_q"]),
                _share(figures["involved_ytd"], figures["active_ytd"]),
            ],
        ),
    ]
    return Table(
        "outcomes",
        gettext_noop("Clients involved in an incident as victim or suspect"),
        _columns(quarter, periods),
        rows,
        definition=gettext_noop(
            "Active during the period: in an enrolment on some day of it, and not inactive. A client is involved "
            "when an incident in the period, during one of their enrolments, names them as victim or suspect. "
            "Shares round a half up."
        ),
        measure_rows={2},
        shares={2: (1, 0)},
        figures=_figures(rows, list(periods)),
        distinct_rows={0, 1},
        at_most_rows=((1, 0),),
        at_most_columns=((0, 1),),
    )
