from django.contrib import admin
from django.contrib.auth.models import User

from accounts.roles import Role
from outreach.models import Client, Contact, Goal, Neighborhood, Partner, Referral, SecondaryPeacekeeper


@admin.register(Neighborhood)
class NeighborhoodAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


class PeacekeeperLinkInline(admin.TabularInline):
    """A link to a peacekeeper (a row of a many-to-many table), choosing among active peacekeepers."""

    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Inactive peacekeepers too: a case or mediation they were on must still save.
            kwargs["queryset"] = User.objects.filter(groups__name=Role.PEACEKEEPER).order_by("first_name", "last_name")
            kwargs["label"] = "Peacekeeper"
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SecondaryPeacekeeperInline(PeacekeeperLinkInline):
    model = SecondaryPeacekeeper


class ReferralInline(admin.TabularInline):
    model = Referral
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["code", "last_name", "first_name", "nickname", "risk_level", "status", "primary_peacekeeper"]
    list_filter = ["status", "risk_level", "referral_source", "neighborhood"]
    search_fields = ["code", "first_name", "last_name", "nickname", "phone"]
    list_select_related = ["primary_peacekeeper"]
    readonly_fields = ["code", "created_at", "updated_at"]
    autocomplete_fields = ["neighborhood"]
    date_hierarchy = "referred_on"
    inlines = [SecondaryPeacekeeperInline, GoalInline, ReferralInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "client", "peacekeeper", "kind", "duration_minutes", "conflict_risk"]
    list_filter = ["kind", "conflict_risk"]
    search_fields = ["client__code", "client__last_name", "notes"]
    list_select_related = ["client", "peacekeeper"]
    raw_id_fields = ["client"]
    date_hierarchy = "occurred_at"


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["client", "domain", "description", "status", "target_on", "achieved_on"]
    list_filter = ["domain", "status"]
    search_fields = ["client__code", "description"]
    list_select_related = ["client"]
    raw_id_fields = ["client"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "services", "phone", "email"]
    search_fields = ["name", "services"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["client", "partner", "service", "status", "referred_on", "completed_on"]
    list_filter = ["status", "partner"]
    search_fields = ["client__code", "service", "partner__name"]
    list_select_related = ["client", "partner"]
    raw_id_fields = ["client"]
