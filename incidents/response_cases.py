"""The writes of the response to a shooting (issue #16): opening the one response case a homicide or
non-fatal shooting gets, whatever recorded it (the incident form and edit, the web import, the command
import), with its tasks from the program standard; adding the people at risk as they are recorded;
completing a task by a response; assigning, taking, setting aside tasks; closing a case with its review.
The models are in incidents/models/response_cases.py."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from accounts import roles
from core.people import display_name
from core.services import audited_by
from incidents.models import (
    OPENS_RESPONSE_CASE,
    STANDARD_TITLES,
    CaseStatus,
    ConflictIncident,
    Incident,
    Involvement,
    InvolvementOutcome,
    InvolvementRole,
    Response,
    ResponseCase,
    ResponseKind,
    ResponseStandard,
    ResponseTask,
    Retaliation,
    TaskStatus,
    at_risk_from_conflicts_and_groups,
    due_after,
    reasons,
    window_end,
)
from outreach.models import Client, ContactKind

# The standard task a recorded person takes over (the wounded client to visit in hospital, the family of
# one killed), rather than a task of their own.
PERSON_TAKES = {
    InvolvementOutcome.WOUNDED: ResponseKind.HOSPITAL,
    InvolvementOutcome.KILLED: ResponseKind.FAMILY_SUPPORT,
}


# The program standard's defaults (migration 0015 wrote the same rows, frozen there): (kind, title, when, hours,
# one per person at risk). Where they come from: the README, "After a shooting".
DEFAULT_STANDARD = [
    (ResponseKind.SCENE, STANDARD_TITLES["scene"], "every", 2, False),
    (ResponseKind.HOSPITAL, STANDARD_TITLES["hospital"], "wounded", 24, False),
    (ResponseKind.FAMILY_SUPPORT, STANDARD_TITLES["family"], "every", 48, False),
    (ResponseKind.CONFLICT_CHECK, STANDARD_TITLES["conflict"], "every", 72, False),
    (ResponseKind.AT_RISK_CONTACT, STANDARD_TITLES["at_risk"], "every", 72, True),
    (ResponseKind.FOLLOW_UP, STANDARD_TITLES["week"], "every", 24 * 7, False),
    (ResponseKind.FOLLOW_UP, STANDARD_TITLES["month"], "every", 24 * 30, False),
    (ResponseKind.FOLLOW_UP, STANDARD_TITLES["four_months"], "every", 24 * 120, False),
]


def default_standard() -> None:
    """The default program standard, where there is none (a database emptied by tests, a new demo)."""
    if not ResponseStandard.objects.exists():
        ResponseStandard.objects.bulk_create(
            ResponseStandard(kind=kind, title=title, when=when, due_hours=hours, per_person=per_person, position=n)
            for n, (kind, title, when, hours, per_person) in enumerate(DEFAULT_STANDARD)
        )


def task_due(incident: Incident, standard: ResponseStandard) -> datetime.datetime:
    """When a task of the standard falls due for a case of `incident`: its hours after the incident, whole days
    on the local calendar (models.due_after: a follow-up at four months at the incident's local time of day)."""
    return due_after(incident.occurred_at, standard.due_hours)


def case_tasks(
    incident: Incident, standards: Iterable[ResponseStandard]
) -> list[tuple[ResponseStandard, datetime.datetime]]:
    """The tasks a new case of `incident` gets, with when each is due: the standards (the active ones, read once
    by the caller) not per person that apply to it. No query, so a bulk caller (generate_data) can plan many."""
    return [(s, task_due(incident, s)) for s in standards if not s.per_person and s.applies_to(incident)]


@transaction.atomic
def response_cases_open(*, incidents: QuerySet[Incident], by: User | None = None) -> int:
    """Open a case for each of `incidents` that opens one (a homicide or a non-fatal shooting) and has none:
    its tasks from the active program standard, the people already recorded, and the responses already
    recorded as the tasks they did. Opening again opens nothing. The number of cases opened."""
    new = list(incidents.filter(OPENS_RESPONSE_CASE, response_case__isnull=True).order_by("pk"))
    if not new:
        return 0
    now = timezone.now()
    with audited_by(by):
        ResponseCase.objects.bulk_create(
            [ResponseCase(incident=i, opened_at=now, window_ends_at=window_end(i)) for i in new], ignore_conflicts=True
        )
        cases = list(ResponseCase.objects.filter(incident__in=new, opened_at=now).select_related("incident"))
        standards = list(ResponseStandard.objects.filter(active=True))
        ResponseTask.objects.bulk_create(
            [
                ResponseTask(case=case, standard=standard, kind=standard.kind, title=standard.title, due_at=due)
                for case in cases
                for standard, due in case_tasks(case.incident, standards)
            ],
            ignore_conflicts=True,
        )
    with_people = set(Involvement.objects.filter(incident__in=new).values_list("incident", flat=True))
    with_people |= set(ConflictIncident.objects.filter(incident__in=new).values_list("incident", flat=True))
    for case in cases:
        if case.incident_id in with_people:
            response_case_add_people(case=case, by=by)
    for response in Response.objects.filter(incident__in=new, task__isnull=True).order_by("responded_at", "pk"):
        _complete(response, task=None)
    return len(cases)


@transaction.atomic
def response_cases_follow(*, incidents: QuerySet[Incident], by: User | None = None) -> None:
    """After incidents were edited or re-imported: an open case's due times follow its incident's corrected
    time (and its window with them); a case whose incident no longer opens one (recorded again as shots fired
    with nobody hit) is closed, its open tasks not needed, when someone is named to have done it."""
    cases = ResponseCase.objects.open().filter(incident__in=incidents).select_related("incident")
    standards = {s.pk: s for s in ResponseStandard.objects.all()}
    by_title = {s.title: s for s in standards.values()}
    _reopen_a_shooting_again(incidents, by=by)
    for case in cases:
        incident = case.incident
        if not Incident.objects.filter(OPENS_RESPONSE_CASE, pk=incident.pk).exists():
            if by is not None:
                _close_not_a_shooting(case, by=by)
            continue
        with audited_by(by):
            if case.window_ends_at != window_end(incident):
                case.window_ends_at = window_end(incident)
                case.save(update_fields=["window_ends_at", "updated_at"])
            for task in case.tasks.filter(status=TaskStatus.OPEN):
                standard = standards.get(task.standard_id) or by_title.get(task.title)
                due = task_due(incident, standard) if standard else task.due_at
                if due != task.due_at:
                    task.due_at = due
                    task.save(update_fields=["due_at", "updated_at"])


def _reopen_a_shooting_again(incidents: QuerySet[Incident], *, by: User | None) -> None:
    """A case closed because its incident was recorded again as something that opens none, whose incident is a
    homicide or a non-fatal shooting once more (a correction corrected): open again, with the tasks it closed
    (the recheck: the case stayed closed, every task "not needed", for a real shooting)."""
    closed = ResponseCase.objects.filter(
        incident__in=incidents.filter(OPENS_RESPONSE_CASE), status=CaseStatus.CLOSED, review__startswith=NOT_A_SHOOTING
    )
    with audited_by(by):
        for case in closed:
            case.tasks.filter(status=TaskStatus.NOT_NEEDED, note__startswith=NOT_NEEDED_NOT_A_SHOOTING).update(
                status=TaskStatus.OPEN, note="", updated_at=timezone.now()
            )
            case.status, case.closed_at, case.closed_by, case.retaliation, case.review = (
                CaseStatus.OPEN,
                None,
                None,
                "",
                "",
            )
            case.save()


NOT_A_SHOOTING = "Closed when the incident was recorded again as"
NOT_NEEDED_NOT_A_SHOOTING = "Not needed: the incident was recorded again as"


def _close_not_a_shooting(case: ResponseCase, *, by: User) -> None:
    kind = case.incident.get_kind_display().lower()
    note = f"{NOT_NEEDED_NOT_A_SHOOTING} {kind}, which opens no response case."
    with audited_by(by):
        for task in case.tasks.filter(status=TaskStatus.OPEN):
            task.status, task.note = TaskStatus.NOT_NEEDED, note
            task.save(update_fields=["status", "note", "updated_at"])
        case.status, case.closed_at, case.closed_by = CaseStatus.CLOSED, timezone.now(), by
        case.retaliation = Retaliation.UNKNOWN
        case.review = f"{NOT_A_SHOOTING} {kind}: it opens no response case."
        case.save()


@transaction.atomic
def response_case_add_people(*, case: ResponseCase, by: User | None = None) -> None:
    """The people recorded in the case's incident, each with their task: a wounded client takes the hospital
    visit, the family of a client killed the family contact, each associate a contact of their own (from
    the standard's tasks for each person at risk), assigned to the client's primary peacekeeper."""
    incident = case.incident
    involvements = Involvement.objects.filter(incident=incident).select_related("client").order_by("pk")
    per_person = [s for s in ResponseStandard.objects.filter(active=True, per_person=True)]
    with audited_by(by):
        for involvement in involvements:
            client = involvement.client
            kind = PERSON_TAKES.get(involvement.outcome) if involvement.role == InvolvementRole.VICTIM else None
            if kind:
                _person_takes(case, kind, client, reason=reasons.IN_THE_INCIDENT[involvement.outcome])
            elif involvement.role == InvolvementRole.ASSOCIATE:
                for standard in per_person:
                    _person_task(case, standard, client, reason=reasons.ASSOCIATE_OF_THE_PEOPLE)
        # The victims' groups and the other side of the open conflicts the incident is linked to.
        for client, reason in at_risk_from_conflicts_and_groups(incident):
            for standard in per_person:
                _person_task(case, standard, client, reason=reason)


def _person_takes(case: ResponseCase, kind: str, client: Client, *, reason: str) -> None:
    """The case's own task of this kind, still without a person, becomes this client's; else a task of its own."""
    if ResponseTask.objects.filter(case=case, kind=kind, person=client).exists():
        return
    task = ResponseTask.objects.filter(case=case, kind=kind, person__isnull=True, status=TaskStatus.OPEN).first()
    if task is not None:
        task.person, task.reason = client, reason
        task.assigned_to = task.assigned_to or client.primary_peacekeeper
        task.save(update_fields=["person", "reason", "assigned_to", "updated_at"])
        return
    model = ResponseTask.objects.filter(case=case, kind=kind).first()
    if model is None:
        return  # the standard has no task of this kind
    ResponseTask.objects.create(
        case=case,
        kind=kind,
        title=model.title,
        due_at=model.due_at,
        person=client,
        reason=reason,
        assigned_to=client.primary_peacekeeper,
    )


def _person_task(case: ResponseCase, standard: ResponseStandard, client: Client, *, reason: str) -> None:
    ResponseTask.objects.get_or_create(
        case=case,
        person=client,
        kind=standard.kind,
        defaults={
            "standard": standard,
            "title": standard.title,
            "due_at": task_due(case.incident, standard),
            "reason": reason[:300],
            "assigned_to": client.primary_peacekeeper,
        },
    )


def people_at_risk(*, case: ResponseCase, people: Iterable[tuple[Client, str]], by: User | None = None) -> None:
    """Add people at risk found elsewhere (a victim's group, the other side of a conflict), each with the
    standard's tasks for each person at risk."""
    per_person = list(ResponseStandard.objects.filter(active=True, per_person=True))
    with audited_by(by):
        for client, reason in people:
            for standard in per_person:
                _person_task(case, standard, client, reason=reason)


def task_completed_by(response: Response, task: ResponseTask | None) -> ResponseTask | None:
    """Record that `response` did `task` (or, with none named, the open task of its kind the response most
    likely did: the one assigned to its peacekeeper, else the first due). None when no task fits."""
    return _complete(response, task=task)


def _complete(response: Response, *, task: ResponseTask | None) -> ResponseTask | None:
    tasks = ResponseTask.objects.select_for_update().filter(case__incident=response.incident_id).open()
    if task is not None:
        task = tasks.filter(pk=task.pk, kind=response.kind).first()
        if task is None:
            raise ValidationError(gettext("That task is done already, closed, or of another kind than this response."))
    else:
        task = _likely_task(response, tasks)
    if task is None:
        return None
    task.response, task.status = response, TaskStatus.DONE
    task.assigned_to = task.assigned_to or response.peacekeeper
    task.save(update_fields=["response", "status", "assigned_to", "updated_at"])
    return task


def _likely_task(response: Response, tasks) -> ResponseTask | None:
    """The open task a response names no task for most likely did, if any: of its kind, one its peacekeeper
    may act on (their own, an unassigned one, their caseload's), never a person's task someone else holds (a
    response names nobody: a person at risk on another caseload stays on their peacekeeper's list until
    contacted), the earliest due first, and a later milestone (the follow-up at four months) only once the
    one before it was due."""
    fitting = (
        tasks.filter(kind=response.kind)
        .visible_to(response.peacekeeper)
        .filter(Q(person__isnull=True) | Q(assigned_to=response.peacekeeper_id))
        .order_by("due_at", "pk")
    )
    fitting = list(fitting)
    # Every due time of the case's tasks of this kind, read once (not a query per candidate).
    dues = ResponseTask.objects.filter(case__incident=response.incident_id, kind=response.kind).values_list(
        "person", "due_at"
    )
    due_times: dict = {}
    for person, due in dues:
        due_times.setdefault(person, []).append(due)
    for task in fitting:
        before = max((due for due in due_times.get(task.person_id, []) if due < task.due_at), default=None)
        if before is None or response.responded_at >= before:
            return task
    return None


def hospital_contact_logged(*, contact, by: User) -> None:
    """A hospital-visit contact with a client does their open hospital-visit task (outreach.services.
    CONTACT_LOGGED): recorded as the response it is, so the task, the incident's responses and the client's
    "hospital visit due" all say the visit happened (the walk: one visit had to be recorded twice)."""
    from incidents import services  # services call this module: imported when the hook runs

    if contact.kind != ContactKind.HOSPITAL_VISIT:
        return
    tasks = ResponseTask.objects.open().filter(
        kind=ResponseKind.HOSPITAL, person=contact.client_id, case__incident__occurred_at__lte=contact.occurred_at
    )
    for task in tasks.select_related("case__incident").order_by("due_at"):
        data = {"kind": ResponseKind.HOSPITAL, "responded_at": contact.occurred_at, "notes": HOSPITAL_CONTACT_NOTE}
        if contact.peacekeeper_id != by.pk:
            data["peacekeeper"] = contact.peacekeeper
        services.response_log(incident=task.case.incident, by=by, data=data, task=task)


HOSPITAL_CONTACT_NOTE = "Recorded as a hospital-visit contact with the client."


@transaction.atomic
def response_task_take(*, task: ResponseTask, by: User) -> ResponseTask:
    """A peacekeeper takes an unassigned task."""
    if not roles.is_peacekeeper(by):
        raise PermissionDenied(gettext("Peacekeepers take tasks; managers assign them."))
    task = ResponseTask.objects.select_for_update().get(pk=task.pk)
    if task.assigned_to_id and task.assigned_to_id != by.pk:
        raise ValidationError(gettext("Someone has taken this task already."))
    if task.status != TaskStatus.OPEN:
        raise ValidationError(gettext("This task is no longer open."))
    task.assigned_to = by
    with audited_by(by):
        task.save(update_fields=["assigned_to", "updated_at"])
    return task


@transaction.atomic
def response_task_assign(*, task: ResponseTask, to: User | None, by: User) -> ResponseTask:
    """A manager assigns a task to a peacekeeper (or back to nobody)."""
    _require_manager(by)
    if to is not None and not roles.is_peacekeeper(to):
        raise ValidationError({"to": gettext("Tasks are assigned to active peacekeepers.")})
    task = ResponseTask.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise ValidationError(gettext("This task is no longer open."))
    if to is not None and task.person_id and not Client.objects.visible_to(to).filter(pk=task.person_id).exists():
        # They would see "a client on another caseload" and could not know whom to contact (the walk).
        raise ValidationError(
            {
                "to": gettext(
                    "%(name)s does not have this client on their caseload, so could not see whom to contact: add "
                    "them to the client's team first, or choose one of the client's peacekeepers."
                )
                % {"name": display_name(to)}
            }
        )
    task.assigned_to = to
    with audited_by(by):
        task.save(update_fields=["assigned_to", "updated_at"])
    return task


@transaction.atomic
def response_task_set_aside(*, task: ResponseTask, note: str, by: User) -> ResponseTask:
    """A manager marks an open task not needed, saying why."""
    _require_manager(by)
    task = ResponseTask.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise ValidationError(gettext("This task is no longer open."))
    task.status, task.note = TaskStatus.NOT_NEEDED, note.strip()
    with audited_by(by):
        task.full_clean()
        task.save(update_fields=["status", "note", "updated_at"])
    return task


@transaction.atomic
def response_case_close(*, case: ResponseCase, by: User, review: str, retaliation: str) -> ResponseCase:
    """A manager closes a case with its review: once the risk window is over, or earlier when no task is left
    open."""
    _require_manager(by)
    case = ResponseCase.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        return case
    open_tasks = case.tasks.filter(status=TaskStatus.OPEN).count()
    if not case.window_over and open_tasks:
        # Translators: a date format (Django's date filter letters): the day with two digits, month, year.
        end = date_format(timezone.localtime(case.window_ends_at), gettext("d F Y"))
        raise ValidationError(
            ngettext(
                "The risk window runs to %(end)s and %(n)s task is still open: do them, or mark them not needed, "
                "first.",
                "The risk window runs to %(end)s and %(n)s tasks are still open: do them, or mark them not needed, "
                "first.",
                open_tasks,
            )
            % {"end": end, "n": open_tasks}
        )
    errors = {}
    if not review.strip():
        errors["review"] = gettext("Write the closing review: what was done, and what is known of retaliation.")
    if not retaliation:
        errors["retaliation"] = gettext("Say whether retaliation is known to have occurred.")
    if errors:
        raise ValidationError(errors)
    case.status, case.closed_at, case.closed_by = CaseStatus.CLOSED, timezone.now(), by
    case.review, case.retaliation = review.strip(), retaliation
    with audited_by(by):
        case.full_clean()
        case.save()
        # What was left undone is closed out with the case, not left "late" and "to do" forever (the walk).
        case.tasks.filter(status=TaskStatus.OPEN).update(
            status=TaskStatus.NOT_NEEDED, note=CLOSED_UNDONE, updated_at=timezone.now()
        )
    return case


CLOSED_UNDONE = "Not done when the case was closed after its risk window."


def _require_manager(user: User) -> None:
    if not roles.can_see_all_clients(user):
        raise PermissionDenied(gettext("Managers assign tasks and close response cases."))


def open_recent(*, days: int, by: User | None = None) -> int:
    """Open the cases of the homicides and non-fatal shootings of the last `days` days that have none (after
    upgrading, and for demo data): `manage.py open_response_cases`."""
    since = timezone.now() - datetime.timedelta(days=days)
    return response_cases_open(incidents=Incident.objects.filter(Q(occurred_at__gte=since)), by=by)


def follow_open(*, by: User | None = None) -> int:
    """Bring every open case in line with its incident as it is now (after upgrading from a version that left
    due times an hour off across a change of clocks, or kept a case open for an incident recorded again as shots
    fired): `manage.py open_response_cases --follow`. The number of open cases looked at."""
    open_cases = ResponseCase.objects.open()
    count = open_cases.count()
    response_cases_follow(incidents=Incident.objects.filter(response_case__in=open_cases), by=by)
    return count
