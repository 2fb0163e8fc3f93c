from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, OuterRef
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import access, roles
from core import history
from core.exports import csv_writer
from core.expressions import SubqueryCount
from core.form_keys import SubmitOnceMixin, submit_once
from core.forms import add_service_errors
from core.lists import FilteredListMixin
from core.views import ServiceFormMixin
from incidents import importer, services
from incidents.filters import IncidentFilter, MediationFilter
from incidents.forms import (
    ImportUploadForm,
    IncidentForm,
    InvolvementForm,
    MediationForm,
    NewNeighborhoodsForm,
    ResponseForm,
)
from incidents.models import (
    Conflict,
    ImportStatus,
    Incident,
    IncidentImport,
    Involvement,
    Mediation,
    Response,
    ResponseCase,
)
from incidents.tables import IncidentTable, MediationTable
from outreach.models import Client

RETALIATIONS_LISTED = 20  # an incident's page lists at most this many incidents answering it

IMPORT_ERRORS_SHOWN = 200
# When the import page says the worker seems late, or stopped.
WORKER_LATE_SECONDS = 15
STALLED_SECONDS = 120


class IncidentPagesMixin:
    """Incident pages are for every role (peacekeepers, managers, analysts, admins); 404 otherwise."""

    def dispatch(self, request, *args, **kwargs):
        if not roles.can_log_incidents(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _require_incident_role(request: HttpRequest) -> None:
    if not roles.can_log_incidents(request.user):
        raise Http404


def _with_response_count(queryset):
    return queryset.annotate(
        response_count=SubqueryCount(Response.objects.filter(incident=OuterRef("pk")).values("pk"))
    )


class IncidentListView(IncidentPagesMixin, FilteredListMixin, access.LoggedExportMixin, SingleTableMixin, FilterView):
    table_class = IncidentTable
    filterset_class = IncidentFilter
    template_name = "incidents/incident_list.html"
    table_pagination = {"per_page": 25}
    export_name = "incidents"
    export_label = "incident list"

    def may_export(self) -> bool:
        return roles.can_see_reports(self.request.user)

    def get_queryset(self):
        return _with_response_count(Incident.objects.select_related("neighborhood"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_import"] = context["may_export"] = roles.can_see_reports(self.request.user)
        return context


class IncidentCreateView(IncidentPagesMixin, SubmitOnceMixin, ServiceFormMixin, CreateView):
    model = Incident
    form_class = IncidentForm
    template_name = "incidents/incident_form.html"
    success_message = _("Incident {0.case_number} logged.")

    def save(self, form) -> Incident:
        data = form.cleaned_data
        return services.incident_create(by=self.request.user, data=data, form_key=data["form_key"])

    def get_success_message(self) -> str:
        # Whoever logs a shooting is told its response started (the walk: the analyst was not).
        case = ResponseCase.objects.filter(incident=self.object).first()
        if case is None:
            return super().get_success_message()
        tasks = case.tasks.count()
        opened = ngettext(
            "A response case is open with %(n)s task for the program's peacekeepers.",
            "A response case is open with %(n)s tasks for the program's peacekeepers.",
            tasks,
        ) % {"n": tasks}
        return f"{super().get_success_message()} {opened}"


class IncidentUpdateView(IncidentPagesMixin, ServiceFormMixin, UpdateView):
    model = Incident
    form_class = IncidentForm
    template_name = "incidents/incident_form.html"
    success_message = _("Incident {0.case_number} saved.")

    def save(self, form) -> Incident:
        return services.incident_update(incident=self.object, by=self.request.user, data=form.cleaned_data)


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_incident_role(request)
    incident = get_object_or_404(Incident.objects.select_related("neighborhood", "logged_by", "retaliation_for"), pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    involvements = list(incident.involvements.select_related("client"))
    visible = set(
        Client.objects.visible_to(request.user)
        .filter(pk__in=[i.client_id for i in involvements])
        .values_list("pk", flat=True)
    )
    named = [i for i in involvements if i.client_id in visible]
    # Analysts see how many clients were involved, without names. A peacekeeper sees only their own:
    # even a count of the rest would confirm that someone known from the street is on another caseload.
    hidden = 0
    if roles.can_see_reports(request.user):  # the same test as "counts_every_client" below
        hidden = len({i.client_id for i in involvements if i.client_id not in visible})
    # The page names these clients and their part in the incident: that is a view of their record.
    for code in dict.fromkeys(i.client.code for i in named):
        access.client_viewed(request, code, f"involved in incident {incident.case_number}")
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "named_involvements": named,
            "hidden_clients": hidden,
            "counts_every_client": roles.can_see_reports(request.user),
            "responses": incident.responses.select_related("peacekeeper"),
            "mediations": incident.mediations.select_related("neighborhood"),
            # Incidents recorded as retaliation for this one (the walk: the link showed nowhere).
            "retaliations": incident.retaliations.order_by("occurred_at", "pk")[:RETALIATIONS_LISTED],
            "response_case": ResponseCase.objects.visible_to(request.user).filter(incident=incident).first(),
            "response_form": ResponseForm(user=request.user) if roles.can_record_responses(request.user) else None,
            "may_set_status": roles.can_log_incidents(request.user),
            "manages": roles.can_see_all_clients(request.user),
            # Notes may name people: analysts see no client names or notes (SPEC section 3).
            "show_notes": roles.can_see_clients(request.user),
            "involvement_form": InvolvementForm(user=request.user) if roles.can_see_clients(request.user) else None,
        },
    )


@require_GET
def incident_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit trail of an incident, its responses and involvements: managers and admins only."""
    if not roles.can_see_all_clients(request.user):
        raise Http404
    incident = get_object_or_404(Incident, pk=pk)
    return history.history_page(request, incident, label=gettext("incident %(case)s") % {"case": incident.case_number})


def _call_service(form: ModelForm, service: Callable[..., Model], **kwargs) -> Model | None:
    """For the function views: the row `service` made from a valid form, or None with the form's
    (or the service's) errors on the form."""
    if not form.is_valid():
        return None
    try:
        return service(data=form.cleaned_data, form_key=form.cleaned_data["form_key"], **kwargs)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _visible_responses(request: HttpRequest):
    """For a second submit of a response form: every response, for the users of incident pages."""
    return Response.objects.all() if roles.can_log_incidents(request.user) else Response.objects.none()


@require_POST
@submit_once(Response, visible=_visible_responses, saved_url=lambda row: row.incident.get_absolute_url())
def response_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_incident_role(request)
    incident = get_object_or_404(Incident, pk=pk)
    if not roles.can_record_responses(request.user):
        raise PermissionDenied(gettext("Peacekeepers, managers and admins record responses; analysts do not."))
    form = ResponseForm(request.POST, instance=Response(incident=incident), user=request.user)
    if response := _call_service(form, services.response_log, incident=incident, by=request.user):
        messages.success(request, gettext("%(kind)s recorded.") % {"kind": response.get_kind_display()})
        return redirect(incident)
    return render(
        request,
        "incidents/incident_subform.html",
        {"incident": incident, "form": form, "title": gettext("Record a response")},
    )


@require_POST
def incident_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an incident, or reopen it: the one-click action beside the edit form's status field."""
    _require_incident_role(request)
    incident = get_object_or_404(Incident, pk=pk)
    try:
        services.incident_set_status(incident=incident, by=request.user, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("Incident %(case)s is now %(status)s.")
            % {"case": incident.case_number, "status": incident.get_status_display().lower()},
        )
    return redirect(incident)


@require_POST
@submit_once(
    Involvement,
    visible=lambda request: Involvement.objects.filter(client__in=Client.objects.visible_to(request.user)),
    saved_url=lambda row: row.incident.get_absolute_url(),
)
def involvement_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_incident_role(request)
    incident = get_object_or_404(Incident, pk=pk)
    if not roles.can_see_clients(request.user):
        raise PermissionDenied(gettext("Only staff who see clients can link them to incidents."))
    form = InvolvementForm(request.POST, instance=incident.involvements.model(incident=incident), user=request.user)
    if _call_service(form, services.involvement_create, incident=incident, by=request.user):
        messages.success(request, gettext("Client linked to the incident."))
        return redirect(incident)
    return render(
        request,
        "incidents/incident_subform.html",
        {"incident": incident, "form": form, "title": gettext("Link a client")},
    )


class MediationListView(IncidentPagesMixin, FilteredListMixin, SingleTableMixin, FilterView):
    table_class = MediationTable
    filterset_class = MediationFilter
    template_name = "incidents/mediation_list.html"
    table_pagination = {"per_page": 25}

    def get_table_kwargs(self):
        # The parties are free text about people: not for analysts (SPEC section 3).
        return {} if roles.can_see_clients(self.request.user) else {"exclude": ("parties",)}

    def get_queryset(self):
        clients = Mediation.clients.through.objects.filter(mediation=OuterRef("pk"))
        user = self.request.user
        if roles.can_see_clients(user) and not roles.can_see_all_clients(user):
            # A peacekeeper counts their own caseload's clients only, as the mediation's page names
            # them: how many others a mediation involved is not theirs to know.
            clients = clients.filter(client__in=Client.objects.visible_to(user))
        clients = clients.values("pk")
        return (
            Mediation.objects.visible_to(self.request.user)
            .select_related("neighborhood", "incident")
            .annotate(client_count=SubqueryCount(clients))
        )


class MediationCreateView(IncidentPagesMixin, SubmitOnceMixin, ServiceFormMixin, CreateView):
    model = Mediation
    form_class = MediationForm
    template_name = "incidents/mediation_form.html"
    success_url = reverse_lazy("incidents:mediation_list")
    success_message = _("Mediation recorded.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if roles.is_peacekeeper(self.request.user):
            kwargs.setdefault("initial", {})["peacekeepers"] = [self.request.user.pk]
        return kwargs

    def save(self, form) -> Mediation:
        data = form.cleaned_data
        return services.mediation_create(by=self.request.user, data=data, form_key=data["form_key"])


def _visible_mediations(request: HttpRequest):
    return Mediation.objects.visible_to(request.user)


@require_GET
def mediation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A mediation: clients named only to those who may see them (analysts get a count), the
    parties and notes only to the roles that see clients (SPEC section 3)."""
    mediation = get_object_or_404(
        _visible_mediations(request).select_related("neighborhood", "incident", "conflict", "logged_by"), pk=pk
    )
    clients = list(mediation.clients.order_by("last_name", "first_name"))
    visible = set(
        Client.objects.visible_to(request.user).filter(pk__in=[c.pk for c in clients]).values_list("pk", flat=True)
    )
    named = [c for c in clients if c.pk in visible]
    for client in named:
        access.client_viewed(request, client.code, f"in mediation {mediation.pk}")
    return render(
        request,
        "incidents/mediation_detail.html",
        {
            "mediation": mediation,
            "peacekeepers": mediation.peacekeepers.order_by("first_name", "last_name"),
            "named_clients": named,
            # As on the incident page: a peacekeeper is not told of clients on other caseloads.
            "hidden_clients": len(clients) - len(named) if roles.can_see_reports(request.user) else 0,
            "counts_every_client": roles.can_see_reports(request.user),
            "show_notes": roles.can_see_clients(request.user),
            "may_edit": roles.can_see_clients(request.user),
            "may_see_conflict": mediation.conflict_id
            and Conflict.objects.visible_to(request.user).filter(pk=mediation.conflict_id).exists(),
            "manages": roles.can_see_all_clients(request.user),
        },
    )


class MediationUpdateView(IncidentPagesMixin, ServiceFormMixin, UpdateView):
    """Correct a mediation: for the roles that see its parties and clients (not analysts)."""

    model = Mediation
    form_class = MediationForm
    template_name = "incidents/mediation_form.html"
    success_message = _("Mediation saved.")

    def get_queryset(self):
        if not roles.can_see_clients(self.request.user):
            return Mediation.objects.none()
        return _visible_mediations(self.request).select_related("incident")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def save(self, form) -> Mediation:
        return services.mediation_update(mediation=self.object, by=self.request.user, data=form.cleaned_data)


@require_GET
def mediation_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit trail of a mediation and of who was put on or taken off it: managers and admins."""
    if not roles.can_see_all_clients(request.user):
        raise Http404
    mediation = get_object_or_404(_visible_mediations(request), pk=pk)
    return history.history_page(
        request, mediation, label=gettext("the mediation of %(day)s") % {"day": date_format(mediation.occurred_on)}
    )


def _require_importer(request: HttpRequest) -> None:
    """Imports are for analysts, managers and admins."""
    if not roles.can_see_reports(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
def incident_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV; a background job checks it (a dry run) and the job's page shows the preview."""
    _require_importer(request)
    posted = request.method == "POST"
    data, files = (request.POST, request.FILES) if posted else (None, None)
    # Set by config.uploads while the body was read (just above, or by the CSRF check).
    refused = getattr(request, "upload_refused", "")
    form = ImportUploadForm(data, files, refused=refused)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            form.add_error("file", gettext("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."))
        else:
            job = services.import_start(filename=upload.name, content=content, by=request.user)
            return redirect("incidents:incident_import_job", pk=job.pk)
    recent = IncidentImport.objects.filter(uploaded_by=request.user).defer("content", "summary")[:5]
    return render(
        request,
        "incidents/incident_import.html",
        {"form": form, "columns": ",".join(importer.COLUMNS), "recent": recent},
    )


def _my_import(request: HttpRequest, pk: int) -> IncidentImport:
    """An import job of the signed-in user's own: anyone else's answers 404."""
    _require_importer(request)
    return get_object_or_404(IncidentImport.objects.defer("content"), pk=pk, uploaded_by=request.user)


@require_GET
def incident_import_template(request: HttpRequest) -> HttpResponse:
    """A CSV to start from: the import's header and one example row."""
    _require_importer(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incidents-template.csv"'
    writer = csv_writer(response, lineterminator="\n")
    writer.writerow(importer.COLUMNS)
    writer.writerow(importer.EXAMPLE_ROW)
    return response


def _neighborhoods_form(job: IncidentImport, data=None) -> NewNeighborhoodsForm:
    return NewNeighborhoodsForm(data, names=(job.summary or {}).get("new_neighborhoods", []))


@require_GET
def incident_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress while it runs; then the preview (and the confirmation) or the result."""
    job = _my_import(request, pk)
    return _import_job_page(request, job, _neighborhoods_form(job))


def _import_job_page(request: HttpRequest, job: IncidentImport, form: NewNeighborhoodsForm) -> HttpResponse:
    summary = job.summary or {}
    changes = summary.get("changes", [])
    return render(
        request,
        "incidents/incident_import_job.html",
        {
            "job": job,
            "summary": summary,
            "rows": sum(summary.get(k, 0) for k in ("created", "updated", "unchanged")),
            "errors_shown": summary.get("errors", [])[:IMPORT_ERRORS_SHOWN],
            "status": import_status(job),
            "neighborhoods_form": form,
            "changes": changes,
            "changes_left": summary.get("updated", 0) - len(changes),
            "unchanged_left": summary.get("unchanged", 0) - len(summary.get("unchanged_cases", [])),
        },
    )


@require_GET
def incident_import_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the job page polls: status, rows read, bad rows so far, ETA."""
    return JsonResponse(import_status(_my_import(request, pk)))


def import_status(job: IncidentImport) -> dict:
    now = timezone.now()
    last = job.progress_at or job.uploaded_at
    waiting = job.status in (ImportStatus.WAITING, ImportStatus.IMPORT_WAITING)
    note = ""
    if waiting and (now - last).total_seconds() > WORKER_LATE_SECONDS:
        note = gettext(
            "The background worker has not picked this up yet: it may be busy with another import, or not running."
        )
    elif job.active and (now - last).total_seconds() > STALLED_SECONDS:
        note = gettext(
            "No progress for over two minutes: the background worker may have stopped. "
            "Nothing is written unless it finishes."
        )
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "active": job.active,
        "rows_read": job.rows_read,
        "rows_total": job.rows_total,
        "errors": job.error_count,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "eta_seconds": job.eta_seconds(),
        "note": note,
        "failure": job.failure,
    }


@require_POST
def incident_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _my_import(request, pk)
    if job.status != ImportStatus.READY:
        raise Http404  # not checked yet, refused, or already confirmed
    form = _neighborhoods_form(job, request.POST)
    if not form.is_valid():
        return _import_job_page(request, job, form)
    try:
        confirmed = services.import_confirm(job=job, neighborhoods=form.choices())
    except ValidationError as error:
        add_service_errors(form, error)
        return _import_job_page(request, job, form)
    if not confirmed:
        raise Http404
    messages.info(request, gettext("Importing %(name)s: this page shows the progress.") % {"name": job.filename})
    return redirect("incidents:incident_import_job", pk=job.pk)
