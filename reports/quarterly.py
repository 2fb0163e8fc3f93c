"""The quarterly violence and outcome report (SPEC section 6), as plain data.

The HTML page, the CSV and the XLSX exports all render the same `Report`. Violence figures
come from incidents.counting (the one place the counting rules live); program figures are
aggregate queries here, one per table. Nothing is counted in Python loops over rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.quarters import Quarter
from incidents import counting
from incidents.models import Incident, Involvement, InvolvementRole, Mediation, MediationOutcome
from outreach.models import Client, Contact, ExitReason, Goal, GoalDomain, GoalStatus, Referral, ReferralStatus

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


def build(quarter: Quarter, *, now: datetime.datetime | None = None) -> Report:
    """Every figure of the quarterly report."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if quarter.first > today:
        raise ValueError(f"{quarter.label} has not started yet.")
    through = min(quarter.last, today)
    trend = counting.violence_by_year(quarter.year - HISTORY_YEARS, through)
    record = counting.violence_by_year(first_year_on_record(quarter.year), through)
    return Report(
        quarter=quarter,
        through=through,
        computed_at=now,
        preliminary=quarter.last >= today,
        headline=headline("homicide", quarter.year, through, {r.year: r.homicides_ytd for r in record}, record[0].year),
        trend=trend,
        sections=[
            Section("violence", "Violence", _violence_tables(quarter, through, trend)),
            Section("program", "Program", _program_tables(quarter, through)),
            Section("outcomes", "Outcomes", [_outcome_table(quarter, through)]),
        ],
    )


def first_year_on_record(year: int) -> int:
    first = Incident.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    first_year = timezone.localdate(first).year if first else year
    return max(min(first_year, year), year - 30)


def headline(noun: str, year: int, through: datetime.date, ytd_by_year: dict[int, int], first_year: int) -> str:
    """A sentence comparing this year's count to the same months of earlier years, computed."""
    count = ytd_by_year.get(year, 0)
    nouns = f"{count} {noun}{'' if count == 1 else 's'}"
    month_end = (through + datetime.timedelta(days=1)).day == 1
    if through.month == 12 and through.day == 31:
        months, lead = "the whole year", f"{nouns} in {year}"
    elif month_end:
        months = "January" if through.month == 1 else f"January to {through:%B}"
        lead = f"{nouns} from {months} {year}"
    else:  # a running period: name the day
        months = f"1 January to {through.day} {through:%B}"
        lead = f"{nouns} from {months} {year}"
    earlier = [y for y in range(year - 1, first_year - 1, -1)]
    if not earlier:
        return f"{lead}; there are no earlier years on record to compare with."
    fewer_run = _run(earlier, lambda y: ytd_by_year.get(y, 0) > count)
    more_run = _run(earlier, lambda y: ytd_by_year.get(y, 0) < count)
    same = "the same months" if months != "the whole year" else "a whole year"
    if fewer_run == len(earlier) and len(earlier) > 1:
        return f"{lead}, the fewest in {same} of any year on record (since {first_year})."
    if fewer_run >= 2:
        return f"{lead}, the fewest in {same} of any of the previous {fewer_run} years."
    if more_run == len(earlier) and len(earlier) > 1:
        return f"{lead}, the most in {same} of any year on record (since {first_year})."
    if more_run >= 2:
        return f"{lead}, the most in {same} of any of the previous {more_run} years."
    last = ytd_by_year.get(year - 1, 0)
    if last == count:
        return f"{lead}, the same as in {same} of {year - 1}."
    direction = "down" if count < last else "up"
    return f"{lead}, {direction} from {last} in {same} of {year - 1}."


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
    headline_table = Table(
        "violence_summary",
        "This quarter and year to date",
        [quarter.label, f"Year to date ({quarter.ytd_months})"],
        [
            ("Homicides", [q.homicides, ytd.homicides]),
            ("Non-fatal shooting victims", [q.nonfatal_shooting_victims, ytd.nonfatal_shooting_victims]),
            ("Shooting incidents", shootings),
        ],
        definition=(
            "Homicides count victims killed, not incidents. Non-fatal shooting victims count people wounded by a "
            "firearm who survived. Shooting incidents count incidents with a firearm. Dates are in the program's "
            "local time."
        ),
        running=((0, 1),),
    )
    trend_table = Table(
        "violence_trend",
        f"The same months in earlier years ({quarter.ytd_months}) and whole years",
        [
            "Homicides, year to date",
            "Homicides, whole year",
            "Non-fatal shooting victims, year to date",
            "Non-fatal shooting victims, whole year",
        ],
        [
            (
                str(r.year),
                [r.homicides_ytd, r.homicides, r.nonfatal_shooting_victims_ytd, r.nonfatal_shooting_victims],
            )
            for r in trend
        ],
        definition=(
            f"Year to date is 1 January through {through:%B} {through.day} of each year (29 February counts as "
            "28 February in other years). The current year's whole-year figure is the year so far."
        ),
    )
    return [headline_table, trend_table, _neighborhood_table(quarter, q_window, ytd_window)]


def _shooting_incidents(q_window, ytd_window) -> list[int]:
    totals = Incident.objects.between(ytd_window[0], max(q_window[1], ytd_window[1])).aggregate(
        q=counting.shooting_incidents(Q(occurred_at__gte=q_window[0], occurred_at__lt=q_window[1])),
        ytd=counting.shooting_incidents(Q(occurred_at__lt=ytd_window[1])),
    )
    return [totals["q"], totals["ytd"]]


def _neighborhood_table(quarter: Quarter, q_window, ytd_window) -> Table:
    in_q = Q(occurred_at__gte=q_window[0], occurred_at__lt=q_window[1])
    rows = (
        Incident.objects.between(*ytd_window)
        .values("neighborhood__name")
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
        (r["neighborhood__name"] or "Not recorded", [r["h_q"], r["n_q"], r["s_q"], r["h"], r["n"], r["s"]])
        for r in rows
    ]
    totals = [sum(values[i] for _, values in table_rows) for i in range(6)]
    return Table(
        "violence_by_neighborhood",
        "By neighborhood",
        [
            f"Homicides, {quarter.label}",
            f"Non-fatal shooting victims, {quarter.label}",
            f"Shooting incidents, {quarter.label}",
            "Homicides, year to date",
            "Non-fatal shooting victims, year to date",
            "Shooting incidents, year to date",
        ],
        [*table_rows, ("All neighborhoods", totals)],
        definition="Neighborhoods with at least one incident this year. The last row is the total.",
        total=True,
        running=((0, 3), (1, 4), (2, 5)),
    )


def _program_tables(quarter: Quarter, through: datetime.date) -> list[Table]:
    q_first, ytd_first = quarter.first, datetime.date(quarter.year, 1, 1)
    return [
        _program_summary(quarter, q_first, ytd_first, through),
        _grouped(
            "exits_by_reason",
            "Clients exited, by reason",
            Client.objects.filter(exited_on__gte=ytd_first, exited_on__lte=through),
            "exit_reason",
            "exited_on",
            ExitReason,
            q_first,
            quarter,
        ),
        _grouped(
            "goals_by_domain",
            "Life-plan goals achieved, by domain",
            Goal.objects.filter(status=GoalStatus.ACHIEVED, achieved_on__gte=ytd_first, achieved_on__lte=through),
            "domain",
            "achieved_on",
            GoalDomain,
            q_first,
            quarter,
        ),
        _grouped(
            "mediations_by_outcome",
            "Mediations, by outcome",
            Mediation.objects.filter(occurred_on__gte=ytd_first, occurred_on__lte=through),
            "outcome",
            "occurred_on",
            MediationOutcome,
            q_first,
            quarter,
        ),
        _response_table(quarter, through),
    ]


def _grouped(key, title, queryset, group_field, date_field, choices, q_first, quarter) -> Table:
    counts = {
        row[group_field]: row
        for row in queryset.values(group_field)
        .annotate(q=Count("pk", filter=Q(**{f"{date_field}__gte": q_first})), ytd=Count("pk"))
        .order_by()
    }
    rows = [
        (label, [counts.get(value, {}).get("q", 0), counts.get(value, {}).get("ytd", 0)])
        for value, label in choices.choices
    ]
    totals = [sum(v[0] for _, v in rows), sum(v[1] for _, v in rows)]
    return Table(key, title, [quarter.label, "Year to date"], [*rows, ("Total", totals)], total=True, running=((0, 1),))


def _program_summary(quarter: Quarter, q_first: datetime.date, ytd_first: datetime.date, through) -> Table:
    clients = Client.objects.aggregate(
        active=Count("pk", filter=Q(enrolled_on__lte=through) & (Q(exited_on__isnull=True) | Q(exited_on__gt=through))),
        enrolled_q=Count("pk", filter=Q(enrolled_on__gte=q_first, enrolled_on__lte=through)),
        enrolled_ytd=Count("pk", filter=Q(enrolled_on__gte=ytd_first, enrolled_on__lte=through)),
        exited_q=Count("pk", filter=Q(exited_on__gte=q_first, exited_on__lte=through)),
        exited_ytd=Count("pk", filter=Q(exited_on__gte=ytd_first, exited_on__lte=through)),
    )
    q_start, end = counting.window(q_first, through)
    ytd_start, _ = counting.window(ytd_first, through)
    recent_start = counting.local_midnight(through - datetime.timedelta(days=CONTACT_WINDOW_DAYS - 1))
    contacts = Contact.objects.filter(occurred_at__gte=ytd_start, occurred_at__lt=end).aggregate(
        q=Count("pk", filter=Q(occurred_at__gte=q_start)),
        ytd=Count("pk"),
        minutes_q=Coalesce(Sum("duration_minutes", filter=Q(occurred_at__gte=q_start)), 0),
        minutes_ytd=Coalesce(Sum("duration_minutes"), 0),
    )
    # A COUNT(DISTINCT) of its own: inside the aggregate above it made PostgreSQL sort every contact.
    contacts["recent_clients"] = (
        Contact.objects.filter(occurred_at__gte=recent_start, occurred_at__lt=end).values("client").distinct().count()
    )
    referrals = Referral.objects.filter(
        status=ReferralStatus.COMPLETED, completed_on__gte=ytd_first, completed_on__lte=through
    ).aggregate(q=Count("pk", filter=Q(completed_on__gte=q_first)), ytd=Count("pk"))
    return Table(
        "program_summary",
        "Clients and outreach",
        [quarter.label, "Year to date"],
        [
            (f"Clients active on {through:%B} {through.day}", [clients["active"], None]),
            ("Clients enrolled", [clients["enrolled_q"], clients["enrolled_ytd"]]),
            ("Clients exited", [clients["exited_q"], clients["exited_ytd"]]),
            ("Contacts (mentoring sessions and other touches)", [contacts["q"], contacts["ytd"]]),
            ("Contact hours", [round(contacts["minutes_q"] / 60, 1), round(contacts["minutes_ytd"] / 60, 1)]),
            (
                f"Clients contacted in the {CONTACT_WINDOW_DAYS} days to {through:%B} {through.day}",
                [contacts["recent_clients"], None],
            ),
            ("Referrals completed", [referrals["q"], referrals["ytd"]]),
        ],
        definition=(
            "Active: enrolled on or before the date and not exited by it. Contact hours are the sum of contact "
            "durations."
        ),
        measure_rows={4},
        running=((0, 1),),  # rows without a year-to-date figure are left out
    )


def _response_table(quarter: Quarter, through: datetime.date) -> Table:
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
    return Table(
        "shooting_responses",
        "Shooting responses",
        [quarter.label, "Year to date"],
        [
            ("Shootings with someone killed or wounded", [shootings["q"], shootings["ytd"]]),
            ("With a peacekeeper response within 24 hours", [shootings["q_in_time"], shootings["ytd_in_time"]]),
            (
                "Share responded within 24 hours (%)",
                [_share(shootings["q_in_time"], shootings["q"]), _share(shootings["ytd_in_time"], shootings["ytd"])],
            ),
        ],
        definition="A response is a scene, hospital, family-support, vigil or follow-up visit by a peacekeeper.",
        measure_rows={2},
        running=((0, 1),),
    )


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _outcome_table(quarter: Quarter, through: datetime.date) -> Table:
    q_start, end = counting.window(quarter.first, through)
    ytd_start, _ = counting.year_to_date_window(quarter.year, through)
    involved = Involvement.objects.filter(
        client=OuterRef("pk"),
        role__in=[InvolvementRole.VICTIM, InvolvementRole.SUSPECT],
        incident__occurred_at__lt=end,
    )
    in_quarter = Q(exited_on__isnull=True) | Q(exited_on__gte=quarter.first)
    figures = Client.objects.filter(
        Q(enrolled_on__lte=through) & (Q(exited_on__isnull=True) | Q(exited_on__gte=datetime.date(quarter.year, 1, 1)))
    ).aggregate(
        active_q=Count("pk", filter=in_quarter),
        involved_q=Count("pk", filter=in_quarter & Q(Exists(involved.filter(incident__occurred_at__gte=q_start)))),
        active_ytd=Count("pk"),
        involved_ytd=Count("pk", filter=Q(Exists(involved.filter(incident__occurred_at__gte=ytd_start)))),
    )
    return Table(
        "outcomes",
        "Clients involved in an incident as victim or suspect",
        [quarter.label, "Year to date"],
        [
            ("Clients active during the period", [figures["active_q"], figures["active_ytd"]]),
            ("Involved as victim or suspect", [figures["involved_q"], figures["involved_ytd"]]),
            (
                "Share involved (%)",
                [
                    _share(figures["involved_q"], figures["active_q"]),
                    _share(figures["involved_ytd"], figures["active_ytd"]),
                ],
            ),
        ],
        definition=(
            "Active during the period: enrolled by its end and not exited before its start. An incident counts in "
            "the period it occurred."
        ),
        measure_rows={2},
    )
