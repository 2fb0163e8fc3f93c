"""Pages of groups, group associations, conflicts and the network view (issue #16).

For the program roles that see clients (peacekeepers, managers, admins): a record out of the user's
scope answers 404, GET or POST. Analysts see conflicts and groups only as counts, never these pages.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from accounts import access, roles
from core.expressions import SubqueryCount
from core.form_keys import SubmitOnceMixin, handle_once, submit_once
from core.forms import add_service_errors
from core.lists import FilteredListMixin
from core.parameters import parse_whole_number
from core.views import ServiceFormMixin
from incidents import conflict_services as services
from incidents import network as networks
from incidents.conflict_filters import ConflictFilter, GroupFilter
from incidents.conflict_forms import (
    AssociationForm,
    ConflictForm,
    ConflictStatusForm,
    GroupForm,
    LinkIncidentForm,
    NetworkDateForm,
    PartyForm,
)
from incidents.conflict_tables import ConflictTable, ExpiringAssociationTable, GroupTable
from incidents.models import (
    Conflict,
    ConflictIncident,
    ConflictParty,
    ConflictStatusChange,
    Group,
    GroupAssociation,
)
from incidents.models.conflicts import long_day
from outreach.models import Client, local_today

EXPIRING_DAYS = 60


class ProgramPagesMixin:
    """Pages for the roles that see clients; 404 for analysts and anyone else."""

    def dispatch(self, request, *args, **kwargs):
        _require_program_role(request)
        return super().dispatch(request, *args, **kwargs)


def _require_program_role(request: HttpRequest) -> None:
    if not roles.can_see_clients(request.user):
        raise Http404


def _group(request: HttpRequest, pk: int) -> Group:
    _require_program_role(request)
    return get_object_or_404(Group.objects.visible_to(request.user), pk=pk)


def _conflict(request: HttpRequest, pk: int) -> Conflict:
    _require_program_role(request)
    return get_object_or_404(Conflict.objects.visible_to(request.user).with_status(), pk=pk)


def _client(request: HttpRequest, pk: int) -> Client:
    _require_program_role(request)
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


def _only(request: HttpRequest, method: str) -> HttpResponse | None:
    """After the scope check (a record out of scope answers 404 whatever the method): 405 for another method."""
    allowed = ["GET", "HEAD"] if method == "GET" else ["POST"]
    return None if request.method in allowed else HttpResponseNotAllowed(allowed)


def _service_errors(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# Groups


class GroupListView(ProgramPagesMixin, FilteredListMixin, SingleTableMixin, FilterView):
    table_class = GroupTable
    filterset_class = GroupFilter
    template_name = "incidents/group_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        associations = GroupAssociation.objects.current().visible_to(self.request.user)
        count = SubqueryCount(associations.filter(group=OuterRef("pk")).values("pk"))
        return Group.objects.visible_to(self.request.user).annotate(association_count=count)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["manages"] = roles.can_see_all_clients(self.request.user)
        return context | {"association_years": settings.GROUP_ASSOCIATION_YEARS}


class GroupCreateView(ProgramPagesMixin, SubmitOnceMixin, ServiceFormMixin, CreateView):
    model = Group
    form_class = GroupForm
    template_name = "incidents/group_form.html"
    success_message = _("Group {0.name} recorded.")

    def form_key_visible(self):
        return Group.objects.visible_to(self.request.user)

    def save(self, form) -> Group:
        data = form.cleaned_data
        return services.group_create(by=self.request.user, data=data, form_key=data["form_key"])


class GroupUpdateView(ProgramPagesMixin, ServiceFormMixin, UpdateView):
    model = Group
    form_class = GroupForm
    template_name = "incidents/group_form.html"
    success_message = _("Group {0.name} saved.")

    def get_queryset(self):
        return Group.objects.visible_to(self.request.user)

    def save(self, form) -> Group:
        return services.group_update(group=self.object, by=self.request.user, data=form.cleaned_data)


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    if not_allowed := _only(request, "GET"):
        return not_allowed
    associations = list(
        GroupAssociation.objects.current()
        .visible_to(request.user)
        .filter(group=group)
        .select_related("client", "group", "entered_by", "reviewed_by")
        .order_by("client__code")
    )
    access.clients_viewed(request, [a.client.code for a in associations], f"associated with group {group.pk}")
    conflicts = Conflict.objects.visible_to(request.user).with_status().filter(parties__group=group).distinct()
    return render(
        request,
        "incidents/group_detail.html",
        {
            "group": group,
            "neighborhoods": group.neighborhoods.order_by("name"),
            "associations": associations,
            "conflicts": conflicts.select_related("neighborhood"),
            "association_form": AssociationForm(user=request.user, group=group),
        },
    )


# Associations


def _association_page(request, form, *, client=None, group=None) -> HttpResponse:
    if client is not None:
        access.client_viewed(request, client.code, "group association form")
    context = {"form": form, "client": client, "group": group, "association_years": settings.GROUP_ASSOCIATION_YEARS}
    return render(request, "incidents/association_form.html", context)


def _add_association(request: HttpRequest, *, client: Client | None, group: Group | None) -> HttpResponse:
    form = AssociationForm(request.POST or None, user=request.user, client=client, group=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = client or data["client"]
        try:
            association = services.association_add(client=target, by=request.user, data=data, form_key=data["form_key"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{association.client.code} associated with {association.group.name}.")
            return redirect(client or group)
    return _association_page(request, form, client=client, group=group)


def _visible_associations(request: HttpRequest):
    if not roles.can_see_clients(request.user):
        return GroupAssociation.objects.none()
    return GroupAssociation.objects.visible_to(request.user)


def _once(request: HttpRequest, view):
    return handle_once(
        request,
        model=GroupAssociation,
        visible=lambda: _visible_associations(request),
        saved_url=lambda row: row.client.get_absolute_url(),
        save=view,
    )


def association_create_for_client(request: HttpRequest, pk: int) -> HttpResponse:
    """Associate the client with a group (from the client's page)."""
    client = _client(request, pk)
    if request.method == "POST":
        return _once(request, lambda: _add_association(request, client=client, group=None))
    return _add_association(request, client=client, group=None)


def association_create_for_group(request: HttpRequest, pk: int) -> HttpResponse:
    """Associate a client with the group (from the group's page)."""
    group = _group(request, pk)
    if request.method == "POST":
        return _once(request, lambda: _add_association(request, client=None, group=group))
    return _add_association(request, client=None, group=group)


def _association(request: HttpRequest, pk: int) -> GroupAssociation:
    _require_program_role(request)
    return get_object_or_404(
        GroupAssociation.objects.current().visible_to(request.user).select_related("client", "group"), pk=pk
    )


def _back(request: HttpRequest, association: GroupAssociation):
    """Back to the page the button was on: the group's or the client's."""
    back = request.POST.get("back")
    if back == "group":
        return redirect(association.group)
    if back == "network":
        return redirect("incidents:client_network", pk=association.client_id)
    if back == "expiring" and roles.can_see_all_clients(request.user):
        return redirect("incidents:association_expiring")
    return redirect(association.client)


def association_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    association = _association(request, pk)
    if not_allowed := _only(request, "POST"):
        return not_allowed
    try:
        services.association_confirm(association=association, by=request.user)
    except ValidationError as error:
        _service_errors(request, error)
    else:
        messages.success(
            request,
            gettext("Association confirmed: it now expires on %(day)s.") % {"day": long_day(association.expires_on)},
        )
    return _back(request, association)


def association_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End an association, in two steps: the "End" button asks, naming the client and the group; only
    the answer (confirm=yes) ends it. One tap next to "Confirm" must not undo a record."""
    association = _association(request, pk)
    if not_allowed := _only(request, "POST"):
        return not_allowed
    if request.POST.get("confirm") != "yes":
        access.client_viewed(request, association.client.code, "ending a group association")
        context = {"association": association, "back": request.POST.get("back", "")}
        return render(request, "incidents/association_end.html", context)
    try:
        services.association_end(association=association, by=request.user)
    except ValidationError as error:
        _service_errors(request, error)
    else:
        messages.success(
            request,
            gettext("%(code)s is no longer associated with %(group)s.")
            % {"code": association.client.code, "group": association.group.name},
        )
    return _back(request, association)


@require_GET
def association_expiring(request: HttpRequest) -> HttpResponse:
    """Managers: the associations expiring soon, to confirm or let lapse (codes, not names)."""
    if not roles.can_see_all_clients(request.user):
        raise Http404
    try:
        days = parse_whole_number(request.GET.get("days") or str(EXPIRING_DAYS), name=gettext("Days"), low=1, high=365)
    except ValueError as error:
        messages.error(request, str(error))
        days = EXPIRING_DAYS
    rows = GroupAssociation.objects.expiring_within(days).select_related("client", "group").order_by("expires_on", "pk")
    table = ExpiringAssociationTable(rows)
    # As every list: a page past the end shows the last, one that is no number the first (not a 500).
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    context = {"table": table, "days": days, "association_years": settings.GROUP_ASSOCIATION_YEARS}
    return render(request, "incidents/association_expiring.html", context)


# Conflicts


class ConflictListView(ProgramPagesMixin, FilteredListMixin, SingleTableMixin, FilterView):
    table_class = ConflictTable
    filterset_class = ConflictFilter
    template_name = "incidents/conflict_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return Conflict.objects.visible_to(self.request.user).with_status().select_related("neighborhood")


class ConflictCreateView(ProgramPagesMixin, SubmitOnceMixin, ServiceFormMixin, CreateView):
    model = Conflict
    form_class = ConflictForm
    template_name = "incidents/conflict_form.html"
    success_message = _("Conflict recorded: add its parties.")

    def form_key_visible(self):
        return Conflict.objects.visible_to(self.request.user)

    def save(self, form) -> Conflict:
        data = form.cleaned_data
        return services.conflict_create(
            by=self.request.user, data=data, note=data.get("note", ""), form_key=data["form_key"]
        )


class ConflictUpdateView(ProgramPagesMixin, ServiceFormMixin, UpdateView):
    model = Conflict
    form_class = ConflictForm
    template_name = "incidents/conflict_form.html"
    success_message = _("Conflict saved.")

    def get_queryset(self):
        return Conflict.objects.visible_to(self.request.user)

    def save(self, form) -> Conflict:
        return services.conflict_update(conflict=self.object, by=self.request.user, data=form.cleaned_data)


def _conflict_page(request: HttpRequest, conflict: Conflict, **forms) -> HttpResponse:
    parties = list(conflict.parties.select_related("client", "group"))
    client_ids = [p.client_id for p in parties if p.client_id]
    visible = set(Client.objects.visible_to(request.user).filter(pk__in=client_ids).values_list("pk", flat=True))
    # A peacekeeper is not told of clients on other caseloads (as on the incident page).
    shown = [p for p in parties if p.group_id or p.client_id in visible]
    access.clients_viewed(request, [p.client.code for p in shown if p.client_id], f"party to conflict {conflict.pk}")
    groups = Group.objects.visible_to(request.user).filter(conflict_parties__conflict=conflict)
    side_choices = ConflictParty._meta.get_field("side").choices
    context = {
        "conflict": conflict,
        "sides": [(label, [p for p in shown if p.side == value]) for value, label in side_choices],
        "visible_groups": set(groups.values_list("pk", flat=True)),
        "history": conflict.status_changes.select_related("changed_by").order_by("-changed_at", "-pk"),
        "links": ConflictIncident.objects.filter(conflict=conflict)
        .select_related("incident")
        .order_by("-incident__occurred_at"),
        "mediations": conflict.mediations.select_related("neighborhood").order_by("-occurred_on"),
        "status_form": forms.get("status_form") or ConflictStatusForm(),
        "party_form": forms.get("party_form") or PartyForm(user=request.user),
        "link_form": forms.get("link_form") or LinkIncidentForm(),
    }
    return render(request, "incidents/conflict_detail.html", context)


def conflict_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = _conflict(request, pk)
    if not_allowed := _only(request, "GET"):
        return not_allowed
    return _conflict_page(request, conflict)


def _on_visible_conflict(model):
    """A conflict page form's one-time key: a replay answers with the conflict of the row it made."""

    def visible(request: HttpRequest):
        if not roles.can_see_clients(request.user):
            return model.objects.none()
        return model.objects.filter(conflict__in=Conflict.objects.visible_to(request.user))

    return submit_once(model, visible=visible, saved_url=lambda row: row.conflict.get_absolute_url())


@_on_visible_conflict(ConflictStatusChange)
def conflict_status(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = _conflict(request, pk)
    if not_allowed := _only(request, "POST"):
        return not_allowed
    form = ConflictStatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.conflict_set_status(
                conflict=conflict, by=request.user, status=data["status"], note=data["note"], form_key=data["form_key"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Conflict #%(pk)s is now %(status)s.")
                % {"pk": conflict.pk, "status": conflict.get_status_display().lower()},
            )
            return redirect(conflict)
    return _conflict_page(request, conflict, status_form=form)


@_on_visible_conflict(ConflictParty)
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = _conflict(request, pk)
    if not_allowed := _only(request, "POST"):
        return not_allowed
    form = PartyForm(request.POST, user=request.user, instance=ConflictParty(conflict=conflict))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.party_add(conflict=conflict, by=request.user, data=data, form_key=data["form_key"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Party added."))
            return redirect(conflict)
    return _conflict_page(request, conflict, party_form=form)


def party_remove(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    conflict = _conflict(request, pk)
    if not_allowed := _only(request, "POST"):
        return not_allowed
    # Only a party the user may see: a client of theirs, or a group they may see (else 404).
    parties = conflict.parties.filter(
        Q(client__in=Client.objects.visible_to(request.user)) | Q(group__in=Group.objects.visible_to(request.user))
    )
    party = get_object_or_404(parties, pk=party_pk)
    services.party_remove(party=party, by=request.user)
    messages.success(request, gettext("Party removed."))
    return redirect(conflict)


@_on_visible_conflict(ConflictIncident)
def conflict_link_incident(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = _conflict(request, pk)
    if not_allowed := _only(request, "POST"):
        return not_allowed
    form = LinkIncidentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.conflict_link_incident(
                conflict=conflict, incident=data["case_number"], by=request.user, form_key=data["form_key"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Incident linked."))
            return redirect(conflict)
    return _conflict_page(request, conflict, link_form=form)


def conflict_unlink_incident(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    conflict = _conflict(request, pk)
    if not_allowed := _only(request, "POST"):
        return not_allowed
    link = get_object_or_404(ConflictIncident.objects.filter(conflict=conflict), pk=link_pk)
    services.conflict_unlink_incident(link=link, by=request.user)
    messages.success(request, gettext("Incident unlinked."))
    return redirect(conflict)


# The network view


def _network_page(request: HttpRequest, *, title: str, build, back, target: str, code: str = "") -> HttpResponse:
    form = NetworkDateForm(request.GET if "on" in request.GET else None)
    on = form.cleaned_data["on"] if form.is_valid() else local_today()
    network = build(on)
    # Every view is in the access log: the page itself, and each client it names.
    access.record(request, access.Action.VIEW_CLIENT, f"network of {target} on {on.isoformat()}", client_code=code)
    access.clients_viewed(request, [c for c in network.client_codes if c != code], f"in the network of {target}")
    return render(
        request,
        "incidents/network.html",
        {
            "title": title,
            "form": form if form.is_bound else NetworkDateForm(initial={"on": on}),
            "on": on,
            "network": network,
            "elements": network.elements(),
            "back": back,
        },
    )


def client_network(request: HttpRequest, pk: int) -> HttpResponse:
    """A client's current groups and conflicts, as a graph and a table. In the access log; never exported."""
    client = _client(request, pk)
    if not_allowed := _only(request, "GET"):
        return not_allowed
    return _network_page(
        request,
        title=gettext("Network of %(name)s (%(code)s)") % {"name": client.full_name, "code": client.code},
        build=lambda on: networks.client_network(client, user=request.user, on=on),
        back=client,
        target=f"client {client.code}",
        code=client.code,
    )


def group_network(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's current members and associates (those the user may see) and its conflicts."""
    group = _group(request, pk)
    if not_allowed := _only(request, "GET"):
        return not_allowed
    return _network_page(
        request,
        title=gettext("Network of %(name)s") % {"name": group.name},
        build=lambda on: networks.group_network(group, user=request.user, on=on),
        back=group,
        target=f"group {group.pk}",
    )
