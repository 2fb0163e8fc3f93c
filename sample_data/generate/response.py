"""Synthetic responses to shootings (issue #16): the one response case each homicide and non-fatal shooting
opens, by the product's own rules (which incidents: `OPENS_RESPONSE_CASE`, asked of the database; which tasks,
due when: `incidents.response_cases.case_tasks` on the active program standard; the risk window:
`window_end`). Most tasks due were done by a response (some late, a few set aside with a note); the open
incidents have none yet, as `response_log` would leave them; cases past their window are closed by a manager
with a review, all but a few that ended lately. The cases still open get their people at risk from the
product's own `response_case_add_people`: it reads today's associations and conflicts, true only of them."""

import datetime
from typing import NamedTuple

from incidents import response_cases
from incidents.models import (
    OPENS_RESPONSE_CASE,
    CaseStatus,
    ConflictIncident,
    Incident,
    IncidentStatus,
    Involvement,
    Response,
    ResponseCase,
    ResponseStandard,
    ResponseTask,
    Retaliation,
    TaskStatus,
    window_end,
)
from sample_data.generate.base import Run
from sample_data.generate.incidents import IncidentRow, ResponseRow

RETALIATION = [(Retaliation.NONE_KNOWN, 60), (Retaliation.UNKNOWN, 30), (Retaliation.OCCURRED, 10)]
REVIEWS = [
    "Scene and family reached in the first days; the victim's friends were in touch with their peacekeepers.",
    "Hospital visit and family contact done; the conflict check found no plan to retaliate.",
    "Most tasks done in time; the one-month follow-up was late. No further incident is known.",
    "The family moved away after the funeral; the associates were contacted and stayed in the program.",
]
NOT_NEEDED = ["The family asked not to be contacted.", "The victim left the hospital before the visit."]
# What became of a task once due: done in time, done late, set aside, never done.
OUTCOMES = [("in_time", 70), ("late", 15), ("not_needed", 5), ("missed", 10)]


class CaseRow(NamedTuple):
    id: int
    incident_id: int
    opened_at: datetime.datetime
    window_ends_at: datetime.datetime
    status: str
    closed_at: datetime.datetime | None
    closed_by_id: int | None
    retaliation: str
    review: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class TaskRow(NamedTuple):
    case_id: int
    standard_id: int
    kind: str
    title: str
    due_at: datetime.datetime
    reason: str
    assigned_to_id: int | None
    status: str
    response_id: int | None
    note: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class Work(NamedTuple):
    """A task's planned fate: its status, and the response that did it (when, by whom)."""

    status: str
    responded_at: datetime.datetime | None = None
    by: int | None = None


def opening_cases(incidents: list[IncidentRow]) -> list[IncidentRow]:
    """The run's incidents that open a response case by the product's rule and have none yet."""
    by_pk = {i.id: i for i in incidents}
    if not by_pk:
        return []
    opening = Incident.objects.filter(
        OPENS_RESPONSE_CASE, response_case__isnull=True, pk__gte=min(by_pk), pk__lte=max(by_pk)
    ).values_list("pk", flat=True)
    return [by_pk[pk] for pk in sorted(opening) if pk in by_pk]


def response_cases_and_tasks(run: Run, incidents: list[IncidentRow]) -> tuple[set[int], set[int]]:
    """The cases, their tasks and the responses that did them. The incidents that got a case, and those whose
    case is still open."""
    response_cases.default_standard()
    standards = list(ResponseStandard.objects.filter(active=True))
    opening = opening_cases(incidents)
    cases, planned = [], []
    for pk, item in zip(run.load.reserve_ids(ResponseCase, len(opening)), opening, strict=True):
        case = _case(run, pk, item)
        cases.append(case)
        work = [(standard, due, _work(run, item, due)) for standard, due in response_cases.case_tasks(item, standards)]
        if work and item.status == IncidentStatus.RESPONDED and not any(w.responded_at for _, _, w in work):
            standard, due, _ = work[0]  # responded: someone went (the first task, the scene, as a rule)
            work[0] = (standard, due, Work(TaskStatus.DONE, _between(run, item.occurred_at, run.now), _anyone(run)))
        planned += [(case, item, standard, due, w) for standard, due, w in work]
    ids = iter(run.load.reserve_ids(Response, sum(1 for *_, w in planned if w.responded_at)))
    tasks, responses = [], []
    for case, item, standard, due, w in planned:
        response_id = next(ids) if w.responded_at else None
        if response_id:
            made = max(w.responded_at, item.created_at)
            responses.append(ResponseRow(response_id, item.id, w.by, w.responded_at, standard.kind, "", made, made))
        changed = max(case.opened_at, w.responded_at or case.opened_at)
        assigned = w.by if w.status == TaskStatus.DONE else (_anyone(run) if run.rng.random() < 0.4 else None)
        note = run.rng.choice(NOT_NEEDED) if w.status == TaskStatus.NOT_NEEDED else ""
        tasks.append(
            TaskRow(
                case.id,
                standard.pk,
                standard.kind,
                standard.title,
                due,
                "",
                assigned,
                w.status,
                response_id,
                note,
                case.opened_at,
                changed,
            )
        )
    run.load.copy(ResponseCase, cases)
    run.load.copy(Response, responses)
    run.load.copy(ResponseTask, tasks)
    return {item.id for item in opening}, {c.incident_id for c in cases if c.status == CaseStatus.OPEN}


def _case(run: Run, pk: int, item: IncidentRow) -> CaseRow:
    rng = run.rng
    ends = window_end(item)
    # Past the window: closed with a review, a few days or weeks on; a few that ended lately still wait.
    closed_at = min(ends + datetime.timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 8)), run.now)
    closed = ends < run.now and (run.now - ends > datetime.timedelta(days=30) or rng.random() < 0.5)
    return CaseRow(
        id=pk,
        incident_id=item.id,
        opened_at=item.created_at,
        window_ends_at=ends,
        status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
        closed_at=closed_at if closed else None,
        closed_by_id=rng.choice(run.managers) if closed else None,
        retaliation=run.pick(RETALIATION) if closed else "",
        review=rng.choice(REVIEWS) if closed else "",
        created_at=item.created_at,
        updated_at=closed_at if closed else item.created_at,
    )


def _work(run: Run, item: IncidentRow, due: datetime.datetime) -> Work:
    """Open until due; once due, most done in time, some late, a few set aside or never done. An open incident
    has no response yet, so all its tasks are open."""
    if item.status == IncidentStatus.OPEN or due > run.now:
        return Work(TaskStatus.OPEN)
    outcome = run.pick(OUTCOMES)
    if outcome == "in_time":
        return Work(TaskStatus.DONE, _between(run, item.occurred_at, due), _anyone(run))
    if outcome == "late":
        late = due + datetime.timedelta(hours=run.rng.randint(1, 96))
        return Work(TaskStatus.DONE, min(late, run.now), _anyone(run))
    return Work(TaskStatus.NOT_NEEDED if outcome == "not_needed" else TaskStatus.OPEN)


def _between(run: Run, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
    """A moment from 20 minutes after `start` (the time to get there) to `end`."""
    first = start + datetime.timedelta(minutes=20)
    if end <= first:
        return end
    return first + datetime.timedelta(seconds=run.rng.randint(0, int((end - first).total_seconds())))


def _anyone(run: Run) -> int:
    return run.rng.choice(run.peacekeepers)


def people_at_risk(run: Run, still_open: set[int]) -> None:
    """The people at risk of the cases still open (of these incidents), by the product's own rule
    (`response_case_add_people`): for the incidents with people recorded or a conflict linked, as
    `response_cases_open` does it. Saved one by one (a few hundred at scale 10), so their audit events are
    dated today."""
    ids = sorted(still_open)
    with_people = set(Involvement.objects.filter(incident__in=ids).values_list("incident", flat=True))
    with_people |= set(ConflictIncident.objects.filter(incident__in=ids).values_list("incident", flat=True))
    cases = ResponseCase.objects.filter(incident__in=sorted(with_people)).select_related("incident").order_by("pk")
    before = ResponseTask.objects.count()
    # The foreign keys of every row copied so far are checked at commit; until then each statement here would
    # walk that queue (3 ms an insert at scale 10, not 0.3). Checking them now costs what the commit would.
    run.load.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    run.load.cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for case in cases:
        response_cases.response_case_add_people(case=case)
    run.load.result.add(ResponseTask, ResponseTask.objects.count() - before)
