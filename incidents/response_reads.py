"""The dashboards' reads of the response to shootings: a peacekeeper's tasks due, the managers' open cases."""

import datetime

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from incidents.models import ResponseCase, ResponseTask, TaskStatus
from outreach.models import Client

LISTED = 20


# An unassigned task this many days late is no longer offered to every peacekeeper (a scene response for a
# shooting in July is not work for December): it stays on its case's page for the managers.
OFFERED_DAYS_LATE = 7


def tasks_due_queryset(user) -> QuerySet[ResponseTask]:
    """The open tasks a peacekeeper works, late ones first (theirs and their caseload's before the unassigned),
    then the rest the same way, each the first due first."""
    caseload = Client.objects.visible_to(user).values("pk")
    now = timezone.now()
    stale = Q(assigned_to__isnull=True, due_at__lt=now - datetime.timedelta(days=OFFERED_DAYS_LATE))
    theirs = Q(assigned_to=user) | Q(person__in=caseload)
    return (
        ResponseTask.objects.visible_to(user)
        .open()
        .exclude(stale & ~Q(person__in=caseload))
        .annotate(
            late_first=Case(When(due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()),
            offered=Case(When(theirs, then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
        .select_related("case__incident__neighborhood", "person", "assigned_to")
        .order_by("late_first", "offered", "due_at", "pk")
    )


def named_to(user, tasks) -> set[int]:
    """The people at risk among `tasks` this user may see by name."""
    return set(
        Client.objects.visible_to(user)
        .filter(pk__in=[t.person_id for t in tasks if t.person_id])
        .values_list("pk", flat=True)
    )


def tasks_due(user, *, limit: int = LISTED) -> tuple[list[ResponseTask], int, set[int]]:
    """The first of a peacekeeper's tasks due (tasks_due_queryset), with their count and the people at risk
    this user may see by name."""
    tasks = tasks_due_queryset(user)
    listed = list(tasks[:limit])
    return listed, tasks.count(), named_to(user, listed)


def open_cases(*, limit: int = LISTED) -> tuple[list[ResponseCase], int]:
    """Open cases, the newest incident first (the race against retaliation is in its first hours), each with
    its late and open tasks counted: for managers."""
    now = timezone.now()
    cases = (
        ResponseCase.objects.open()
        .annotate(
            open_count=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN)),
            late_count=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN, tasks__due_at__lt=now)),
        )
        .select_related("incident__neighborhood")
        .order_by("-incident__occurred_at", "-pk")
    )
    return list(cases[:limit]), ResponseCase.objects.open().count()


def late_tasks(queryset: QuerySet[ResponseTask]) -> int:
    return queryset.late().count()
