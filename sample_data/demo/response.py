"""The demo's response to shootings: the program standard, a response case for each homicide and non-fatal
shooting of the last five months (the demo's responses recorded as their tasks, the clients involved as the
people at risk), and the oldest case past its risk window closed with a review."""

import datetime
import random

from django.contrib.auth.models import User
from django.utils import timezone

from accounts import roles
from incidents import response_cases
from incidents.models import CaseStatus, Response, ResponseCase, ResponseTask, Retaliation
from sample_data.demo.incidents import statuses_from_responses

DEMO_DAYS = 150


def seed_response_cases(*, seed: int = 16) -> int:
    response_cases.default_standard()
    before = set(ResponseCase.objects.values_list("pk", flat=True))
    opened = response_cases.open_recent(days=DEMO_DAYS)
    _work_most_tasks(random.Random(seed), ResponseCase.objects.exclude(pk__in=before))
    statuses_from_responses()
    manager = User.objects.filter(username="manager").first()
    over = [
        c
        for c in ResponseCase.objects.filter(status=CaseStatus.OPEN).order_by("opened_at", "incident__occurred_at")
        if c.window_over
    ]
    if manager and over:
        response_cases.response_case_close(
            case=over[0],
            by=manager,
            review=(
                "Scene and family reached in the first days; the victim's brother was in touch with his peacekeeper "
                "weekly. No retaliation is known in the four months since."
            ),
            retaliation=Retaliation.NONE_KNOWN,
        )
    return opened


def _work_most_tasks(rng: random.Random, cases) -> None:
    """Most tasks due more than a day ago were done, most in time: a response by the task's peacekeeper (or
    another) before or a little after it was due. Some are left, as in any program."""
    peacekeepers = list(roles.active_peacekeepers())
    if not peacekeepers:
        return
    now = timezone.now()
    due = (
        ResponseTask.objects.open()
        .filter(case__in=cases, due_at__lt=now - datetime.timedelta(days=1))
        .select_related("case__incident", "standard")
    )
    for task in due:
        if rng.random() < 0.15:
            continue
        early = datetime.timedelta(
            hours=rng.uniform(-0.9, 0.3) * min(48, task.standard.due_hours if task.standard else 24)
        )
        when = max(task.case.incident.occurred_at + datetime.timedelta(minutes=20), task.due_at + early)
        response = Response.objects.create(
            incident=task.case.incident,
            peacekeeper=task.assigned_to or rng.choice(peacekeepers),
            responded_at=min(when, now),
            kind=task.kind,
            notes="",
        )
        response_cases.task_completed_by(response, task)
