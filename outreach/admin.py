from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.utils.translation import gettext_lazy as _
from pghistory.admin import EventsAdmin
from phonenumber_field.modelfields import PhoneNumberField

from accounts import access, roles
from core.forms import PhoneField, PhoneInput
from core.phones import phone_number
from outreach.models import (
    Client,
    ClientTransfer,
    Contact,
    EnrolmentPeriod,
    Goal,
    Neighborhood,
    Partner,
    Referral,
    SecondaryPeacekeeper,
)


def _client_field(model) -> str | None:
    """The name of the model's foreign key to Client, if it has one."""
    links = (f.name for f in model._meta.fields if isinstance(f, models.ForeignKey) and f.related_model is Client)
    return next(links, None)


class ClientViewLoggingAdmin(admin.ModelAdmin):
    """An admin whose record pages show a client (the client, a record of theirs, or an inline of
    such records): opening one writes a client view to the access log, as in the app."""

    def logged_client_codes(self, obj) -> list[str]:
        if isinstance(obj, Client):
            return [obj.code]
        if field := _client_field(type(obj)):
            return [getattr(obj, field).code]
        codes = []
        for inline in self.inlines:
            if _client_field(inline.model):
                link = next(f.name for f in inline.model._meta.fields if f.related_model is type(obj))
                rows = inline.model.objects.filter(**{link: obj}).values_list("client__code", flat=True)
                codes += [code for code in rows if code not in codes]
        return codes

    def _log_view(self, request, object_id: str, page: str) -> None:
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return
        for code in self.logged_client_codes(obj):
            access.client_viewed(request, code, f"admin {self.opts.verbose_name} {page}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._log_view(request, object_id, "page")
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._log_view(request, object_id, "history")
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._log_view(request, object_id, "delete page")
        return super().delete_view(request, object_id, extra_context)


def _codes_of(model_label: str, pk: str) -> list[str]:
    """The client a tracked record belongs to, for an audit-event filter ("outreach.Contact:12")."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return []
    if model is Client:
        field = "code"
    elif client_field := _client_field(model):
        field = f"{client_field}__code"
    else:
        return []
    try:
        return list(model.objects.filter(pk=pk).values_list(field, flat=True))
    except (ValueError, TypeError):
        return []


class LoggedEventsAdmin(EventsAdmin):
    """pghistory's audit-event pages, with each view of a client's events in the access log
    (PGHISTORY_ADMIN_CLASS names this class)."""

    def changelist_view(self, request, extra_context=None):
        model_label, _, pk = request.GET.get("obj", "").partition(":")
        for code in _codes_of(model_label, pk) if pk else []:
            access.client_viewed(request, code, f"admin audit events of {model_label}")
        if not pk and (request.GET.get("model") or request.GET.get("event_model")):
            # A whole model's events: many clients at once, logged as one row naming the query.
            query = request.GET.urlencode()
            access.record(request, access.Action.VIEW_CLIENT, f"admin audit events ({query})")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self.get_object(request, unquote(object_id))
        if event is not None:
            for code in _codes_of(event.pgh_obj_model, event.pgh_obj_id):
                access.client_viewed(request, code, f"admin audit event {event.pgh_model}")
        return super().change_view(request, object_id, form_url, extra_context)


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
            kwargs["queryset"] = roles.peacekeepers().order_by("first_name", "last_name")
            kwargs["label"] = _("Peacekeeper")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SecondaryPeacekeeperInline(PeacekeeperLinkInline):
    model = SecondaryPeacekeeper


class ReferralInline(admin.TabularInline):
    model = Referral
    extra = 0
    autocomplete_fields = ["partner"]


class ReadOnlyInline(admin.TabularInline):
    """Shown, not edited here: exits, re-enrolments and transfers are actions on the client's page,
    which keep the client's own enrolment dates in step."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EnrolmentPeriodInline(ReadOnlyInline):
    model = EnrolmentPeriod
    fields = ["enrolled_on", "exited_on", "exit_reason", "closing_note"]
    readonly_fields = fields


class ClientTransferInline(ReadOnlyInline):
    model = ClientTransfer
    fk_name = "client"
    fields = ["created_at", "from_peacekeeper", "to_peacekeeper", "transferred_by", "note"]
    readonly_fields = fields


@admin.register(Client)
class ClientAdmin(ClientViewLoggingAdmin):
    list_display = ["code", "last_name", "first_name", "nickname", "risk_level", "status", "primary_peacekeeper"]
    list_filter = ["status", "risk_level", "referral_source", "neighborhood"]
    search_fields = ["code", "first_name", "last_name", "nickname", "phone"]
    list_select_related = ["primary_peacekeeper"]
    readonly_fields = ["code", "phone_before_check", "created_at", "updated_at"]
    # The phone as people write it, not the stored E.164 (the admin's own CharField widget would show
    # that), and the form's one message.
    formfield_overrides = {PhoneNumberField: {"form_class": PhoneField, "widget": PhoneInput}}
    autocomplete_fields = ["neighborhood"]
    date_hierarchy = "referred_on"
    inlines = [SecondaryPeacekeeperInline, EnrolmentPeriodInline, ClientTransferInline, GoalInline, ReferralInline]

    def get_search_results(self, request, queryset, search_term):
        """A phone number typed as people write it finds the number stored in E.164 too."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = phone_number(search_term)
        if number is not None:
            results |= queryset.filter(phone=number.as_e164)
        return results, may_have_duplicates


@admin.register(Contact)
class ContactAdmin(ClientViewLoggingAdmin):
    list_display = ["occurred_at", "client", "peacekeeper", "kind", "duration_minutes", "conflict_risk"]
    list_filter = ["kind", "conflict_risk"]
    search_fields = ["client__code", "client__last_name", "notes"]
    list_select_related = ["client", "peacekeeper"]
    raw_id_fields = ["client"]
    date_hierarchy = "occurred_at"


@admin.register(Goal)
class GoalAdmin(ClientViewLoggingAdmin):
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
class ReferralAdmin(ClientViewLoggingAdmin):
    list_display = ["client", "partner", "service", "status", "referred_on", "completed_on"]
    list_filter = ["status", "partner"]
    search_fields = ["client__code", "service", "partner__name"]
    list_select_related = ["client", "partner"]
    raw_id_fields = ["client"]
