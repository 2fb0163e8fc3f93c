"""The pages of the response to a shooting: the cases (managers list them; the program roles open one),
a task's page where its response is recorded, and the managers' actions (assign, set aside, close).
Writes go through incidents.response_cases; a record a user may not see answers 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import access, roles
from core.form_keys import submit_once
from core.lists import FilteredListMixin
from core.parameters import page_number
from core.people import display_name
from incidents import response_cases, response_reads, services
from incidents.filters import ResponseCaseFilter
from incidents.forms import CaseCloseForm, ResponseForm, TaskAssignForm, TaskSetAsideForm
from incidents.models import CaseStatus, Response, ResponseCase, ResponseTask, TaskStatus
from incidents.tables import ResponseCaseTable
from outreach.models import Client


def _require_program(request: HttpRequest) -> None:
    if not roles.can_record_responses(request.user):
        raise Http404


def with_counts(queryset):
    """Cases with their open and late tasks counted (one query for the list)."""
    now = timezone.now()
    return queryset.annotate(
        # A closed case has nothing late or to do, whatever was left undone in it.
        open_count=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN, status=CaseStatus.OPEN)),
        late_count=Count(
            "tasks", filter=Q(tasks__status=TaskStatus.OPEN, status=CaseStatus.OPEN, tasks__due_at__lt=now)
        ),
    )


def response_task_list(request: HttpRequest) -> HttpResponse:
    """Every open task a peacekeeper works (the dashboard lists the first), late ones first, a page at a time."""
    _require_program(request)
    if request.method not in ("GET", "HEAD"):
        raise Http404
    tasks = Paginator(response_reads.tasks_due_queryset(request.user), 25).get_page(
        page_number(request.GET.get("page"))
    )
    return render(
        request,
        "incidents/response_task_list.html",
        {"page_obj": tasks, "tasks": tasks.object_list, "named": response_reads.named_to(request.user, tasks)},
    )


class ResponseCaseListView(FilteredListMixin, SingleTableMixin, FilterView):
    """Every response case, open first, for managers and admins."""

    table_class = ResponseCaseTable
    filterset_class = ResponseCaseFilter
    template_name = "incidents/response_case_list.html"
    table_pagination = {"per_page": 25}

    def dispatch(self, request, *args, **kwargs):
        if not roles.can_see_all_clients(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return with_counts(ResponseCase.objects.select_related("incident__neighborhood")).order_by(
            "-status", "incident__occurred_at"
        )


def response_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A case: the incident, the risk window, each task (a person at risk is named only to those who may see
    them), the managers' actions."""
    _require_program(request)
    if request.method not in ("GET", "HEAD"):
        raise Http404
    case = get_object_or_404(ResponseCase.objects.visible_to(request.user).select_related("incident"), pk=pk)
    tasks = list(case.tasks.select_related("person", "assigned_to", "response__peacekeeper"))
    visible = set(
        Client.objects.visible_to(request.user)
        .filter(pk__in=[t.person_id for t in tasks if t.person_id])
        .values_list("pk", flat=True)
    )
    codes = sorted({t.person.code for t in tasks if t.person_id in visible})  # one statement, however many
    access.clients_viewed(request, codes, f"at risk after incident {case.incident.case_number}")
    workable = set(ResponseTask.objects.visible_to(request.user).filter(case=case).values_list("pk", flat=True))
    manages = roles.can_see_all_clients(request.user)
    # A peacekeeper sees the tasks they may work (their own, their caseload's, the unassigned), and of the
    # others only how many there are: not whose they are, nor who holds them.
    shown = tasks if manages else [t for t in tasks if t.pk in workable]
    return render(
        request,
        "incidents/response_case_detail.html",
        {
            "case": case,
            "rows": [(t, t.person_id in visible, t.pk in workable) for t in shown],
            "others": len(tasks) - len(shown),
            "manages": manages,
            "close_form": CaseCloseForm() if manages and case.status == CaseStatus.OPEN else None,
            "open_tasks": sum(t.status == TaskStatus.OPEN for t in tasks),
        },
    )


def _task(request: HttpRequest, pk: int) -> ResponseTask:
    _require_program(request)
    return get_object_or_404(
        ResponseTask.objects.visible_to(request.user).select_related("case__incident", "person", "assigned_to"), pk=pk
    )


def _task_responses(request: HttpRequest):
    return Response.objects.all() if roles.can_record_responses(request.user) else Response.objects.none()


@submit_once(Response, visible=_task_responses, saved_url=lambda row: row.incident.response_case.get_absolute_url())
def response_task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One task, and the form recording the response that does it (its kind fixed to the task's)."""
    task = _task(request, pk)
    incident = task.case.incident
    person_visible = task.person_id and Client.objects.visible_to(request.user).filter(pk=task.person_id).exists()
    if person_visible:
        access.client_viewed(request, task.person.code, f"response task for incident {incident.case_number}")
    form = None
    if task.status == TaskStatus.OPEN and task.case.status == CaseStatus.OPEN:
        data = request.POST if request.method == "POST" else None
        form = ResponseForm(data, instance=Response(incident=incident), user=request.user, initial={"kind": task.kind})
        form.fields["kind"].disabled = True
        if request.method == "POST" and form.is_valid():
            try:
                services.response_log(
                    incident=incident,
                    by=request.user,
                    data=form.cleaned_data,
                    form_key=form.cleaned_data["form_key"],
                    task=task,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, gettext("%(task)s: done.") % {"task": task.display_title})
                return redirect(task.case)
    elif request.method == "POST":
        messages.info(request, gettext("This task is no longer open."))
        return redirect(task.case)
    manages = roles.can_see_all_clients(request.user)
    context = {
        "task": task,
        "incident": incident,
        "form": form,
        "person_visible": person_visible,
        "can_take": roles.is_peacekeeper(request.user),  # the task's own page offers it too (the walk)
        # Assigning is done here, one list of peacekeepers, not in each of a case's tasks: a case of 601 tasks
        # drew 600,000 options (the benchmark at scale 40).
        "assign_form": TaskAssignForm(initial={"peacekeeper": task.assigned_to_id}) if manages and form else None,
    }
    return render(request, "incidents/response_task_detail.html", context, status=400 if form and form.errors else 200)


def _act(request: HttpRequest, task: ResponseTask, action, done: str, **kwargs) -> HttpResponse:
    try:
        action(task=task, by=request.user, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, done)
    return redirect(task.case)


@require_POST
def response_task_take(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    return _act(
        request,
        task,
        response_cases.response_task_take,
        gettext("%(task)s: it is yours.") % {"task": task.display_title},
    )


@require_POST
def response_task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    if not roles.can_see_all_clients(request.user):
        raise Http404
    form = TaskAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a peacekeeper."))
        return redirect(task.case)
    to = form.cleaned_data["peacekeeper"]
    if to is None and task.assigned_to_id is None:
        messages.error(request, gettext("Choose a peacekeeper: the task is not assigned to anyone yet."))
        return redirect(task.case)
    if to:
        done = gettext("%(task)s: assigned to %(name)s.") % {"task": task.display_title, "name": display_name(to)}
    else:
        done = gettext("%(task)s: no longer assigned to anyone.") % {"task": task.display_title}
    return _act(request, task, response_cases.response_task_assign, done, to=to)


@require_POST
def response_task_set_aside(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    if not roles.can_see_all_clients(request.user):
        raise Http404
    form = TaskSetAsideForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(
        request,
        task,
        response_cases.response_task_set_aside,
        gettext("%(task)s: not needed.") % {"task": task.display_title},
        note=note,
    )


@require_POST
def response_case_close(request: HttpRequest, pk: int) -> HttpResponse:
    if not roles.can_see_all_clients(request.user):
        raise Http404
    case = get_object_or_404(ResponseCase, pk=pk)
    form = CaseCloseForm(request.POST)
    if form.is_valid():
        try:
            response_cases.response_case_close(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, gettext("The response to %(case)s is closed.") % {"case": case.incident.case_number}
            )
    else:  # each message names its field: "This field is required." twice said nothing (the walk)
        labels = {name: form.fields[name].label or name for name in form.fields}
        messages.error(
            request,
            " ".join(
                f"{labels.get(name, '')}: {m}".lstrip(": ") for name, errors in form.errors.items() for m in errors
            ),
        )
    return redirect(case)
