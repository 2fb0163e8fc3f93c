from django.contrib import admin

from incidents import services
from incidents.models import (
    Incident,
    IncidentImport,
    Involvement,
    InvolvementOutcome,
    Mediation,
    MediationClient,
    MediationPeacekeeper,
    Response,
    ResponseStandard,
)
from outreach.admin import ClientViewLoggingAdmin, PeacekeeperLinkInline


class InvolvementInline(admin.TabularInline):
    model = Involvement
    extra = 0
    raw_id_fields = ["client"]


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0


@admin.register(Incident)
class IncidentAdmin(ClientViewLoggingAdmin):
    list_display = ["case_number", "occurred_at", "kind", "neighborhood", "killed", "injured", "weapon", "status"]
    list_filter = ["kind", "weapon", "status", "retaliation_risk", "source", "neighborhood"]
    search_fields = ["case_number", "address", "description"]
    list_select_related = ["neighborhood"]
    date_hierarchy = "occurred_at"
    readonly_fields = ["logged_by", "created_at", "updated_at"]
    inlines = [InvolvementInline, ResponseInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # A client recorded as killed here is exited as deceased, as through the app.
        for involvement in form.instance.involvements.filter(outcome=InvolvementOutcome.KILLED):
            services.involvement_follow_outcome(involvement=involvement, by=request.user)


@admin.register(Involvement)
class InvolvementAdmin(ClientViewLoggingAdmin):
    list_display = ["incident", "client", "role", "outcome"]
    list_filter = ["role", "outcome"]
    search_fields = ["incident__case_number", "client__code", "client__last_name"]
    raw_id_fields = ["incident", "client"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.involvement_follow_outcome(involvement=obj, by=request.user)


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["incident", "kind", "peacekeeper", "responded_at"]
    list_filter = ["kind"]
    search_fields = ["incident__case_number", "notes"]
    raw_id_fields = ["incident"]


class MediationPeacekeeperInline(PeacekeeperLinkInline):
    model = MediationPeacekeeper
    min_num = 1  # a mediation is led by at least one peacekeeper, as in the app's form


class MediationClientInline(admin.TabularInline):
    model = MediationClient
    extra = 0
    raw_id_fields = ["client"]


@admin.register(Mediation)
class MediationAdmin(ClientViewLoggingAdmin):
    list_display = ["occurred_on", "neighborhood", "outcome", "incident"]
    list_filter = ["outcome", "neighborhood"]
    search_fields = ["parties", "notes", "incident__case_number"]
    raw_id_fields = ["incident"]
    inlines = [MediationPeacekeeperInline, MediationClientInline]


@admin.register(IncidentImport)
class IncidentImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "uploaded_by", "uploaded_at", "applied_at"]
    readonly_fields = ["filename", "uploaded_by", "uploaded_at", "applied_at", "summary"]
    exclude = ["content"]


@admin.register(ResponseStandard)
class ResponseStandardAdmin(admin.ModelAdmin):
    """The program standard: the tasks after a homicide or non-fatal shooting and their windows (cases opened
    afterwards follow it; open cases keep the tasks they were given)."""

    list_display = ["title", "kind", "when", "due_hours", "per_person", "active", "position"]
    list_editable = ["due_hours", "active", "position"]
    list_filter = ["active", "when"]
