"""Conflicts and groups as counts: all that analysts see of them (issue #16). No names, no parties, no
ties between people, never a ranked list: an analyst's dashboard shows how many conflicts are open by
status, how many were identified, mediated and closed this year, and how many groups and current group
associations the program records (expired associations never count)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q

from incidents import counting
from incidents.models import (
    Conflict,
    ConflictStatus,
    ConflictStatusChange,
    Group,
    GroupAssociation,
    GroupStatus,
    Mediation,
)
from outreach.models import local_today


@dataclass(frozen=True)
class ConflictCounts:
    year: int
    through: datetime.date
    open_by_status: list[tuple[str, int]]  # (status label, conflicts whose latest status it is), closed excluded
    open_total: int
    identified: int  # conflicts whose first status change falls in the year so far
    mediated: int  # conflicts that reached "mediated" in the year so far
    reignited: int  # conflicts that reignited in the year so far
    closed: int  # conflicts closed in the year so far
    mediations: int  # mediations this year that name the conflict they worked on
    groups_active: int
    associations_current: int


def conflict_counts(today: datetime.date | None = None) -> ConflictCounts:
    """This year's conflict and group counts through today (five queries)."""
    today = today or local_today()
    start, end = counting.window(datetime.date(today.year, 1, 1), today)
    statuses = dict(
        Conflict.objects.with_status()
        .order_by()
        .values_list("current_status")
        .annotate(n=Count("pk"))
        .values_list("current_status", "n")
    )
    open_statuses = [s for s in ConflictStatus if s != ConflictStatus.CLOSED]
    in_year = Q(changed_at__gte=start, changed_at__lt=end)
    first_changes = ConflictStatusChange.objects.values("conflict").annotate(first=Min("changed_at"))
    changes = ConflictStatusChange.objects.filter(in_year).aggregate(
        **{
            status: Count("conflict", filter=Q(status=status), distinct=True)
            for status in (ConflictStatus.MEDIATED, ConflictStatus.REIGNITED, ConflictStatus.CLOSED)
        },
        identified=Count(
            "conflict",
            filter=Q(conflict__in=first_changes.filter(first__gte=start, first__lt=end).values("conflict")),
            distinct=True,
        ),
    )
    mediations = Mediation.objects.filter(
        conflict__isnull=False, occurred_on__gte=datetime.date(today.year, 1, 1), occurred_on__lte=today
    ).count()
    return ConflictCounts(
        year=today.year,
        through=today,
        open_by_status=[(s.label, statuses.get(s.value, 0)) for s in open_statuses],
        open_total=sum(statuses.get(s.value, 0) for s in open_statuses),
        identified=changes["identified"],
        mediated=changes[ConflictStatus.MEDIATED],
        reignited=changes[ConflictStatus.REIGNITED],
        closed=changes[ConflictStatus.CLOSED],
        mediations=mediations,
        groups_active=Group.objects.filter(status=GroupStatus.ACTIVE).count(),
        associations_current=GroupAssociation.objects.current().count(),
    )
