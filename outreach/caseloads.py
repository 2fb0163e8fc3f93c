"""Reads for dashboards: a peacekeeper's worklist and the managers' caseload summary."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.expressions import SubqueryCount, SubquerySum
from core.quarters import Quarter
from outreach.models import Client, Contact, Goal, GoalStatus, ReferralStatus, local_today

WORKLIST_LIMIT = 20
OPEN_REFERRAL_STATUSES = (ReferralStatus.PENDING, ReferralStatus.CONNECTED)
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
    hospital_visits_due: list[Client]
    hospital_visits_due_count: int
    active_count: int


# Said on both pages that show the count (the peacekeeper's dashboard and the managers' table), as whole
# sentences: a sentence is not translated in pieces.
CASELOAD_RULE_OWN = _(
    "Counts the active clients you are primary or secondary peacekeeper for; exited and inactive clients "
    "are not counted."
)
CASELOAD_RULE_EACH = _(
    "Counts the active clients each peacekeeper is primary or secondary peacekeeper for; exited and inactive clients "
    "are not counted."
)


def _overdue(clients: QuerySet, today: datetime.date) -> QuerySet:
    """The one overdue rule: active clients past their contact standard."""
    return clients.with_activity().overdue(today)


def _active(clients: QuerySet, today: datetime.date) -> QuerySet:
    return clients.active()


def overdue_clients(peacekeeper: User, *, today: datetime.date | None = None) -> QuerySet:
    """Active clients on the peacekeeper's caseload (primary or secondary) past their contact standard."""
    return _overdue(Client.objects.on_caseload_of(peacekeeper), today or local_today())


def _count_on_each_caseload(rule, today: datetime.date):
    """COUNT(rule(caseload)) for each peacekeeper of a query over users, as primary + secondary
    (one client is never both): the same clients as on_caseload_of, each count using its index."""
    mine = OuterRef("pk")
    primary = rule(Client.objects.primary_of(mine), today).values("pk")
    secondary = rule(Client.objects.secondary_of(mine), today).values("pk")
    return SubqueryCount(primary) + SubqueryCount(secondary)


def peacekeeper_worklist(user: User, *, today: datetime.date | None = None) -> Worklist:
    today = today or local_today()
    caseload = Client.objects.on_caseload_of(user).with_activity()
    due = caseload.follow_up_due(today).order_by("next_follow_up_on", "last_name")
    overdue = overdue_clients(user, today=today).order_by("contact_due_on", "last_name")
    since = timezone.now() - datetime.timedelta(days=FLAG_WINDOW_DAYS)
    flagged = (
        # Only current clients still on the caseload: a reassigned or exited client is not work here.
        Contact.objects.filter(
            peacekeeper=user,
            conflict_risk=True,
            occurred_at__gte=since,
            client__in=Client.objects.on_caseload_of(user).current(),
        )
        .select_related("client")
        .order_by("-occurred_at")
    )
    due_list, due_count = _head_and_count(due)
    overdue_list, overdue_count = _head_and_count(overdue)
    wounded_list, wounded_count = hospital_visits_due(Client.objects.on_caseload_of(user))
    return Worklist(
        follow_ups_due=due_list,
        follow_ups_due_count=due_count,
        overdue=overdue_list,
        overdue_count=overdue_count,
        flagged_contacts=list(flagged[:WORKLIST_LIMIT]),
        hospital_visits_due=wounded_list,
        hospital_visits_due_count=wounded_count,
        active_count=Client.objects.on_caseload_of(user).active().count(),
    )


def hospital_visits_due(clients: QuerySet) -> tuple[list[Client], int]:
    """The clients (of those given) with a hospital visit due, by the caseload badge's rule:
    the first WORKLIST_LIMIT by name and how many there are."""
    return _head_and_count(
        clients.hospital_visit_due().select_related("primary_peacekeeper").order_by("last_name", "first_name")
    )


def _head_and_count(queryset: QuerySet) -> tuple[list, int]:
    """The first WORKLIST_LIMIT rows and the total, with a COUNT query only when there are more."""
    head = list(queryset[: WORKLIST_LIMIT + 1])
    if len(head) <= WORKLIST_LIMIT:
        return head, len(head)
    return head[:WORKLIST_LIMIT], queryset.count()


def caseload_summary(*, today: datetime.date | None = None) -> QuerySet:
    """Every active peacekeeper with their caseload figures, in one query (active and overdue
    clients by the same rule as the peacekeeper's own dashboard)."""
    today = today or local_today()
    since = timezone.now() - datetime.timedelta(days=ACTIVITY_WINDOW_DAYS)
    contacts = Contact.objects.filter(peacekeeper=OuterRef("pk"), occurred_at__gte=since)
    goals = Goal.objects.filter(
        client__primary_peacekeeper=OuterRef("pk"),
        status=GoalStatus.ACHIEVED,
        achieved_on__gte=Quarter.containing(today).first,
    )
    return (
        roles.active_peacekeepers()
        .annotate(
            active_clients=_count_on_each_caseload(_active, today),
            overdue_clients=_count_on_each_caseload(_overdue, today),
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


@dataclass
class CaseInHand:
    """What goes with a case when it is transferred: it stays with the client."""

    open_goals: int
    open_referrals: int
    follow_up_on: datetime.date | None


def pending_follow_up(client: Client) -> datetime.date | None:
    """The client's next follow-up: the follow-up date of the latest contact (None when it set none)."""
    return client.contacts.order_by("-occurred_at", "-pk").values_list("follow_up_on", flat=True).first()


def case_in_hand(client: Client) -> CaseInHand:
    """The open goals, open referrals (pending or connected) and the next follow-up of a client."""
    return CaseInHand(
        open_goals=client.goals.filter(status__in=Goal.OPEN_STATUSES).count(),
        open_referrals=client.referrals.filter(status__in=OPEN_REFERRAL_STATUSES).count(),
        follow_up_on=pending_follow_up(client),
    )
