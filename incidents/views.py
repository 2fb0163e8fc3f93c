from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import access, history, roles
from config.exports import ListExportMixin
from config.expressions import SubqueryCount
from config.form_keys import SubmitOnceMixin, submit_once
from config.lists import FilteredListMixin
from incidents import importer
from incidents.filters import IncidentFilter, MediationFilter
from incidents.forms import ImportUploadForm, IncidentForm, InvolvementForm, MediationForm, ResponseForm
from incidents.models import Incident, IncidentImport, Involvement, Mediation, Response
from incidents.tables import IncidentTable, MediationTable
from outreach.models import Client

IMPORT_ERRORS_SHOWN = 200


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


class IncidentListView(IncidentPagesMixin, FilteredListMixin, ListExportMixin, SingleTableMixin, FilterView):
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


class IncidentCreateView(IncidentPagesMixin, SubmitOnceMixin, CreateView):
    model = Incident
    form_class = IncidentForm
    template_name = "incidents/incident_form.html"

    def form_valid(self, form):
        form.instance.logged_by = self.request.user
        response = super().form_valid(form)
        messages.success(self.request, f"Incident {self.object.case_number} logged.")
        return response


class IncidentUpdateView(IncidentPagesMixin, UpdateView):
    model = Incident
    form_class = IncidentForm
    template_name = "incidents/incident_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"Incident {self.object.case_number} saved.")
        return response


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_incident_role(request)
    incident = get_object_or_404(Incident.objects.select_related("neighborhood", "logged_by"), pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    involvements = list(incident.involvements.select_related("client"))
    visible = set(
        Client.objects.visible_to(request.user)
        .filter(pk__in=[i.client_id for i in involvements])
        .values_list("pk", flat=True)
    )
    named = [i for i in involvements if i.client_id in visible]
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
            "responses": incident.responses.select_related("peacekeeper"),
            "mediations": incident.mediations.select_related("neighborhood"),
            "response_form": ResponseForm() if roles.is_peacekeeper(request.user) else None,
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
    return render(
        request,
        "includes/history_page.html",
        {
            "events": history.events_for(incident, page=request.GET.get("page")),
            "label": f"incident {incident.case_number}",
            "back_url": incident.get_absolute_url(),
        },
    )


def _visible_responses(request: HttpRequest):
    """For a second submit of a response form: every response, for the users of incident pages."""
    return Response.objects.all() if roles.can_log_incidents(request.user) else Response.objects.none()


@require_POST
@submit_once(Response, visible=_visible_responses, saved_url=lambda row: row.incident.get_absolute_url())
def response_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_incident_role(request)
    incident = get_object_or_404(Incident, pk=pk)
    if not roles.is_peacekeeper(request.user):
        raise PermissionDenied("Only peacekeepers record responses.")
    form = ResponseForm(request.POST, instance=Response(incident=incident, peacekeeper=request.user))
    if form.is_valid():
        form.save()
        messages.success(request, f"{form.instance.get_kind_display()} recorded.")
        return redirect(incident)
    return render(
        request, "incidents/incident_subform.html", {"incident": incident, "form": form, "title": "Record a response"}
    )


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
        raise PermissionDenied("Only staff who see clients can link them to incidents.")
    form = InvolvementForm(request.POST, instance=incident.involvements.model(incident=incident), user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, "Client linked to the incident.")
        return redirect(incident)
    return render(
        request, "incidents/incident_subform.html", {"incident": incident, "form": form, "title": "Link a client"}
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
        clients = Mediation.clients.through.objects.filter(mediation=OuterRef("pk")).values("pk")
        return Mediation.objects.select_related("neighborhood", "incident").annotate(
            client_count=SubqueryCount(clients)
        )


class MediationCreateView(IncidentPagesMixin, SubmitOnceMixin, CreateView):
    model = Mediation
    form_class = MediationForm
    template_name = "incidents/mediation_form.html"
    success_url = reverse_lazy("incidents:mediation_list")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if roles.is_peacekeeper(self.request.user):
            kwargs.setdefault("initial", {})["peacekeepers"] = [self.request.user.pk]
        return kwargs

    def form_valid(self, form):
        form.instance.logged_by = self.request.user
        form.save()
        messages.success(self.request, "Mediation recorded.")
        return redirect(self.success_url)


def _require_importer(request: HttpRequest) -> None:
    """Imports are for analysts, managers and admins."""
    if not roles.can_see_reports(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
def incident_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV and see what it would do (a dry run); confirming is a second step."""
    _require_importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "columns": ",".join(importer.COLUMNS)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            report = importer.import_incidents(importer.decode_upload(data), dry_run=True)
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        else:
            batch = IncidentImport.objects.create(
                filename=upload.name[:255], content=data, uploaded_by=request.user, summary=report.as_dict()
            )
            context.update(report=report, batch=batch, errors_shown=report.errors[:IMPORT_ERRORS_SHOWN])
    return render(request, "incidents/incident_import.html", context)


@require_POST
def incident_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    batch = get_object_or_404(IncidentImport, pk=pk, uploaded_by=request.user, applied_at__isnull=True)
    report = importer.import_incidents(
        importer.decode_upload(bytes(batch.content)),
        dry_run=False,
        logged_by=request.user,
        source=f"web import {batch.filename}",
    )
    if not report.ok:
        # The data changed between preview and confirmation (or someone else imported): show it again.
        messages.error(request, "The file no longer imports cleanly: nothing was written. See the new preview.")
        return render(
            request,
            "incidents/incident_import.html",
            {
                "form": ImportUploadForm(),
                "report": report,
                "batch": None,
                "errors_shown": report.errors[:IMPORT_ERRORS_SHOWN],
            },
        )
    batch.applied_at = timezone.now()
    batch.summary = report.as_dict()
    batch.save(update_fields=["applied_at", "summary"])
    messages.success(
        request,
        f"Imported {batch.filename}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged.",
    )
    return redirect(reverse("incidents:incident_list"))
