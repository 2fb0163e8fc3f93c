"""generate_data after shootings (issue #16): a response case for each homicide and non-fatal shooting, its
tasks from the program standard, groups, associations and conflicts, in proportion, valid and reproducible."""

from collections import Counter

import pytest
from django.apps import apps
from django.db.models import Count, F, Max
from django.utils import timezone

from accounts import roles
from incidents.models import (
    OPENS_RESPONSE_CASE,
    CaseStatus,
    Conflict,
    ConflictIncident,
    ConflictParty,
    ConflictStatus,
    ConflictStatusChange,
    Group,
    GroupAssociation,
    Incident,
    IncidentStatus,
    Mediation,
    Response,
    ResponseCase,
    ResponseStandard,
    ResponseTask,
    TaskStatus,
)
from incidents.response_cases import case_tasks
from tests.sample_data.test_generate_data import generate

NEW_MODELS = (ResponseCase, ResponseTask, Group, GroupAssociation, Conflict, ConflictParty, ConflictStatusChange)


def test_it_opens_one_case_for_each_homicide_and_nonfatal_shooting(db):
    generate(seed=2)
    opening = set(Incident.objects.filter(OPENS_RESPONSE_CASE).values_list("pk", flat=True))
    assert opening and set(ResponseCase.objects.values_list("incident", flat=True)) == opening
    generate(seed=2)  # a second run adds its own incidents' cases, and none for the first run's
    opening = set(Incident.objects.filter(OPENS_RESPONSE_CASE).values_list("pk", flat=True))
    per_incident = Counter(ResponseCase.objects.values_list("incident", flat=True))
    assert set(per_incident) == opening and set(per_incident.values()) == {1}


def test_a_case_gets_the_standards_tasks_due_when_the_product_says(db):
    generate(seed=4)
    standards = list(ResponseStandard.objects.filter(active=True))
    assert standards
    for case in ResponseCase.objects.select_related("incident").order_by("pk")[::5]:
        made = case.tasks.filter(person__isnull=True).values_list("standard", "due_at")
        assert sorted(made) == sorted((s.pk, due) for s, due in case_tasks(case.incident, standards))


def test_old_cases_are_worked_and_closed_and_recent_ones_open_with_late_tasks(db):
    generate(scale=0.2, seed=6)
    now = timezone.now()
    closed = ResponseCase.objects.filter(status=CaseStatus.CLOSED)
    assert closed.count() > 0.8 * ResponseCase.objects.filter(window_ends_at__lt=now).count()
    assert not closed.filter(window_ends_at__gt=now).exists()
    assert not closed.filter(review="").exists() and not closed.filter(retaliation="").exists()
    assert all(roles.can_see_all_clients(case.closed_by) for case in closed.select_related("closed_by")[:20])
    old = ResponseTask.objects.filter(case__status=CaseStatus.CLOSED)
    done = old.filter(status=TaskStatus.DONE)
    assert done.count() > 0.7 * old.count()
    assert 0 < done.filter(response__responded_at__gt=F("due_at")).count() < 0.3 * done.count()  # some late
    assert old.filter(status=TaskStatus.NOT_NEEDED).exclude(note="").exists()
    # The dashboards have work: open cases, tasks due, some of them late.
    assert ResponseCase.objects.open().exists()
    assert ResponseTask.objects.open().filter(due_at__gt=now).exists()
    assert ResponseTask.objects.late().exists()


def test_incidents_with_a_case_are_as_the_services_leave_them(db):
    generate(scale=0.2, seed=8)
    cases = Incident.objects.filter(response_case__isnull=False).annotate(n=Count("responses"))
    assert not cases.filter(status=IncidentStatus.OPEN, n__gt=0).exists()
    assert not cases.filter(status=IncidentStatus.RESPONDED, n=0).exists()
    assert cases.filter(status=IncidentStatus.RESPONDED).exists()
    # Every response to such an incident did a task of its kind; only done tasks have one.
    answered = Response.objects.filter(incident__response_case__isnull=False)
    assert answered.count() == ResponseTask.objects.filter(status=TaskStatus.DONE).count()
    assert not answered.filter(task__isnull=True).exists()
    assert not answered.exclude(kind=F("task__kind")).exists()
    assert not answered.exclude(task__case__incident=F("incident")).exists()
    assert not Response.objects.filter(responded_at__lt=F("incident__occurred_at")).exists()
    assert not Response.objects.filter(responded_at__gt=timezone.now()).exists()
    # The rest: responded only with a response.
    others = Incident.objects.filter(response_case__isnull=True).annotate(n=Count("responses"))
    assert not others.filter(status=IncidentStatus.RESPONDED, n=0).exists()
    assert not others.filter(status=IncidentStatus.OPEN, n__gt=0).exists()


@pytest.mark.parametrize("scale", [0.05, 0.1])
def test_cases_groups_associations_and_conflicts_are_in_proportion(db, scale):
    generate(scale=scale, seed=10)
    incidents = Incident.objects.count()
    assert 0.12 * incidents <= ResponseCase.objects.count() <= 0.24 * incidents
    assert 5 <= ResponseTask.objects.filter(person__isnull=True).count() / ResponseCase.objects.count() <= 8
    assert Group.objects.count() == round(40 * scale)
    assert 0.85 * round(300 * scale) <= GroupAssociation.objects.count() <= round(300 * scale)
    assert Conflict.objects.count() == round(100 * scale)
    assert Mediation.objects.filter(conflict__isnull=False).exists()


def test_groups_associations_and_conflicts_look_real(db):
    generate(scale=0.2, seed=12)
    today = timezone.localdate()
    associations = GroupAssociation.objects
    assert associations.current().count() > 0.6 * associations.count()
    assert associations.filter(expires_on__lt=today).exists()  # expired: on no page
    assert associations.expiring_within(90).exists()
    assert associations.filter(ended_on__isnull=False).exists()
    sizes = sorted(Group.objects.annotate(n=Count("associations")).values_list("n", flat=True))
    assert sizes[-1] >= 3 * max(sizes[len(sizes) // 2], 1)  # a few big groups, many small
    for conflict in Conflict.objects.prefetch_related("parties", "status_changes"):
        assert {p.side for p in conflict.parties.all()} == {"a", "b"}
        history = list(conflict.status_changes.all())
        assert history[0].status == ConflictStatus.IDENTIFIED
        assert [c.changed_at for c in history] == sorted(c.changed_at for c in history)
    assert Conflict.objects.open().exists()
    assert Conflict.objects.with_status().filter(current_status=ConflictStatus.CLOSED).exists()
    assert ConflictIncident.objects.exists()
    assert ConflictParty.objects.filter(group__isnull=False).exists()
    # A second run's groups have names of their own.
    generate(scale=0.2, seed=12)
    assert Group.objects.values("name").distinct().count() == Group.objects.count() == 16


def test_its_new_rows_obey_the_model_rules(db):
    generate(seed=14)
    for model in (*NEW_MODELS, ConflictIncident, Mediation):
        rows = model.objects.order_by("pk")
        for row in rows[:: max(1, rows.count() // 60)]:
            row.full_clean()
    assert ResponseTask.objects.filter(person__isnull=False).exists()  # the people at risk of open cases


def test_the_same_seed_gives_the_same_cases_and_conflicts(db):
    def made(after: dict) -> tuple:
        tasks = ResponseTask.objects.filter(case__pk__gt=after["case"]).order_by("case__incident__occurred_at", "pk")
        conflicts = Conflict.objects.filter(pk__gt=after["conflict"]).order_by("pk")
        return (
            list(tasks.values_list("kind", "status", "due_at", "case__status")),
            list(conflicts.values_list("kind", "created_at")),
            list(GroupAssociation.objects.filter(pk__gt=after["association"]).values_list("started_on", "expires_on")),
        )

    runs = []
    for seed in (7, 7, 9):
        after = {
            "case": ResponseCase.objects.aggregate(m=Max("pk"))["m"] or 0,
            "conflict": Conflict.objects.aggregate(m=Max("pk"))["m"] or 0,
            "association": GroupAssociation.objects.aggregate(m=Max("pk"))["m"] or 0,
        }
        generate(seed=seed)
        runs.append(made(after))
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_it_writes_their_audit_trail_as_the_triggers_would(db):
    generate(seed=5)
    for model in NEW_MODELS:
        event_model = next(m for m in apps.get_models() if getattr(m, "pgh_tracked_model", None) is model)
        assert model.objects.exists(), model
        assert event_model.objects.filter(pgh_label="insert").count() == model.objects.count(), model
