from django.contrib import admin

from incidents import services
from incidents.models import (
    Conflict,
    ConflictIncident,
    ConflictParty,
    ConflictStatusChange,
    Group,
    GroupAssociation,
    GroupNeighborhood,
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


class GroupNeighborhoodInline(admin.TabularInline):
    model = GroupNeighborhood
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "last_reviewed_on", "next_review_on"]
    list_filter = ["status"]
    search_fields = ["name", "aliases"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [GroupNeighborhoodInline]


@admin.register(GroupAssociation)
class GroupAssociationAdmin(ClientViewLoggingAdmin):
    list_display = ["client", "group", "role", "confirmed_on", "expires_on", "ended_on"]
    list_filter = ["role", "basis"]
    search_fields = ["client__code", "group__name"]
    list_select_related = ["client", "group"]
    raw_id_fields = ["client", "group"]
    readonly_fields = ["entered_by", "reviewed_by", "created_at", "updated_at"]

    def get_queryset(self, request):
        # Expired associations are in no view, the admin's included (the audit trail keeps them).
        return super().get_queryset(request).current()


class ConflictPartyInline(admin.TabularInline):
    model = ConflictParty
    extra = 0
    raw_id_fields = ["client", "group"]


class ConflictStatusChangeInline(admin.TabularInline):
    model = ConflictStatusChange
    extra = 0
    readonly_fields = ["changed_by"]


class ConflictIncidentInline(admin.TabularInline):
    model = ConflictIncident
    extra = 0
    raw_id_fields = ["incident"]


@admin.register(Conflict)
class ConflictAdmin(ClientViewLoggingAdmin):
    list_display = ["__str__", "kind", "neighborhood", "created_at"]
    list_filter = ["kind", "neighborhood"]
    search_fields = ["description"]
    list_select_related = ["neighborhood"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [ConflictPartyInline, ConflictStatusChangeInline, ConflictIncidentInline]

    def logged_client_codes(self, obj) -> list[str]:
        return [code for code in super().logged_client_codes(obj) if code]  # a group party has no client
