"""Reads for dashboards: a peacekeeper's worklist and the managers' caseload summary."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts import roles
from core.expressions import SubqueryCount, SubquerySum
from core.quarters import Quarter
from outreach.models import Client, Contact, Goal, GoalStatus, local_today

WORKLIST_LIMIT = 20
FLAG_WINDOW_DAYS = 7
ACTIVITY_WINDOW_DAYS = 30


@dataclass
class Worklist:
    """What a peacekeeper should act on today."""

    follow_ups_due: list[Client]
    follow_ups_due_count: int
    overdue: list[Client]
    overdue_count: int
    flagged_contacts: list[Contact]


def peacekeeper_worklist(user: User, *, today: datetime.date | None = None) -> Worklist:
    today = today or local_today()
    caseload = Client.objects.on_caseload_of(user).with_activity()
    due = caseload.follow_up_due(today).order_by("next_follow_up_on", "last_name")
    overdue = caseload.overdue(today).order_by("contact_due_on", "last_name")
    since = timezone.now() - datetime.timedelta(days=FLAG_WINDOW_DAYS)
    flagged = (
        # Only clients still on the caseload: a reassigned client's name must not show here.
        Contact.objects.filter(
            peacekeeper=user, conflict_risk=True, occurred_at__gte=since, client__in=Client.objects.on_caseload_of(user)
        )
        .select_related("client")
        .order_by("-occurred_at")
    )
    due_list, due_count = _head_and_count(due)
    overdue_list, overdue_count = _head_and_count(overdue)
    return Worklist(
        follow_ups_due=due_list,
        follow_ups_due_count=due_count,
        overdue=overdue_list,
        overdue_count=overdue_count,
        flagged_contacts=list(flagged[:WORKLIST_LIMIT]),
    )


def _head_and_count(queryset: QuerySet) -> tuple[list, int]:
    """The first WORKLIST_LIMIT rows and the total, with a COUNT query only when there are more."""
    head = list(queryset[: WORKLIST_LIMIT + 1])
    if len(head) <= WORKLIST_LIMIT:
        return head, len(head)
    return head[:WORKLIST_LIMIT], queryset.count()


def caseload_summary(*, today: datetime.date | None = None) -> QuerySet:
    """Every active peacekeeper with their caseload figures, in one query."""
    today = today or local_today()
    since = timezone.now() - datetime.timedelta(days=ACTIVITY_WINDOW_DAYS)
    mine = Client.objects.filter(primary_peacekeeper=OuterRef("pk"))
    contacts = Contact.objects.filter(peacekeeper=OuterRef("pk"), occurred_at__gte=since)
    goals = Goal.objects.filter(
        client__primary_peacekeeper=OuterRef("pk"),
        status=GoalStatus.ACHIEVED,
        achieved_on__gte=Quarter.containing(today).first,
    )
    return (
        roles.active_peacekeepers()
        .annotate(
            active_clients=SubqueryCount(mine.active().values("pk")),
            overdue_clients=SubqueryCount(mine.with_activity().overdue(today).values("pk")),
            contacts_30d=SubqueryCount(contacts.values("pk")),
            minutes_30d=SubquerySum(contacts.values("duration_minutes")),
            goals_achieved_quarter=SubqueryCount(goals.values("pk")),
            hours_30d=ExpressionWrapper(F("minutes_30d") / 60.0, output_field=FloatField()),
            over_cap=ExpressionWrapper(Q(active_clients__gt=settings.CASELOAD_CAP), output_field=BooleanField()),
        )
        .order_by("first_name", "last_name")
    )


def caseload_cap() -> int:
    return settings.CASELOAD_CAP
