"""The dashboards' reads of the response to shootings: a peacekeeper's tasks due, the managers' open cases."""

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from incidents.models import ResponseCase, ResponseTask, TaskStatus
from outreach.models import Client

LISTED = 20


def tasks_due(user, *, limit: int = LISTED) -> tuple[list[ResponseTask], int, set[int]]:
    """The open tasks a peacekeeper works: theirs and their caseload's first, then the unassigned ones offered
    to every peacekeeper; in each, the first due (so the late) first. With the count, and the people at risk
    this user may see by name."""
    caseload = Client.objects.visible_to(user).values("pk")
    tasks = (
        ResponseTask.objects.visible_to(user)
        .open()
        .annotate(
            offered=Case(
                When(Q(assigned_to=user) | Q(person__in=caseload), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("case__incident__neighborhood", "person", "assigned_to")
        .order_by("offered", "due_at", "pk")
    )
    listed = list(tasks[:limit])
    visible = set(
        Client.objects.visible_to(user)
        .filter(pk__in=[t.person_id for t in listed if t.person_id])
        .values_list("pk", flat=True)
    )
    return listed, tasks.count(), visible


def open_cases(*, limit: int = LISTED) -> tuple[list[ResponseCase], int]:
    """Open cases, those with late tasks first, then the oldest incident: for managers."""
    now = timezone.now()
    cases = (
        ResponseCase.objects.open()
        .annotate(
            open_count=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN)),
            late_count=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN, tasks__due_at__lt=now)),
        )
        .select_related("incident__neighborhood")
        .order_by("-late_count", "incident__occurred_at")
    )
    return list(cases[:limit]), ResponseCase.objects.open().count()


def late_tasks(queryset: QuerySet[ResponseTask]) -> int:
    return queryset.late().count()
