import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import access, roles
from core import history, parameters
from core.form_keys import SubmitOnceMixin, submit_once
from core.forms import add_service_errors, form_helper
from core.lists import FilteredListMixin
from core.people import display_name
from core.views import ServiceFormMixin
from outreach import caseloads, services
from outreach.filters import ClientFilter
from outreach.forms import (
    ClientExitForm,
    ClientForm,
    ClientReenrolForm,
    ClientTransferForm,
    ContactForm,
    GoalForm,
    ReferralForm,
)
from outreach.models import (
    PHONE_MATCH_MIN_DIGITS,
    Client,
    ClientStatus,
    Contact,
    EnrolmentPeriod,
    Goal,
    PossibleDuplicate,
    Referral,
)
from outreach.tables import RISK_BADGES, STATUS_BADGES, ClientTable

# Sent by static/js/field.js with the pages it keeps on the phone (the access log names them so).
FIELD_KEEP_HEADER = "X-Peacekeeper-Field-Keep"

TIMELINE_PER_PAGE = 25
# Longer notes fold on the client page behind "Show more" (a <details>), so the timeline stays scannable.
NOTE_FOLD_CHARS = 280
DUPLICATE_MATCHES_LIMIT = 10


def _long_date(day: datetime.date) -> str:
    """A date in words, as the page's language writes it ("3 December 2026", "3 de diciembre de 2026")."""
    return date_format(day, pgettext("long date format", "j F Y"))


def visible_client(request: HttpRequest, pk: int) -> Client:
    """The client, if this user may see it; 404 otherwise (for every role, GET and POST)."""
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


class ClientPagesMixin:
    """Client pages exist only for peacekeepers, managers and admins: 404 for anyone else."""

    def dispatch(self, request, *args, **kwargs):
        if not roles.can_see_clients(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ClientListView(ClientPagesMixin, FilteredListMixin, access.LoggedExportMixin, SingleTableMixin, FilterView):
    table_class = ClientTable
    filterset_class = ClientFilter
    template_name = "outreach/client_list.html"
    export_name = "clients"
    export_label = "client list"  # the access log says it (in English)
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            Client.objects.visible_to(self.request.user)
            .with_activity()
            .with_wounded()
            .prefetch_related(
                Prefetch("primary_peacekeeper", User.objects.only("username", "first_name", "last_name")),
                "neighborhood",
            )
        )

    def get_table_kwargs(self):
        manages = roles.can_see_all_clients(self.request.user)
        return {
            "caption": gettext("All clients") if manages else gettext("My caseload"),
            "exclude": () if manages else ("primary_peacekeeper",),
        }

    def may_export(self) -> bool:
        return roles.can_see_all_clients(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["manages"] = roles.can_see_all_clients(self.request.user)
        context["standard_high"] = settings.CONTACT_STANDARD_HIGH_DAYS
        context["standard_other"] = settings.CONTACT_STANDARD_OTHER_DAYS
        context["searching"] = bool(self.request.GET.get("q", "").strip())  # every status (ClientFilter.qs)
        return context


def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Scope first, method second: a POST to someone else's client answers 404 like a GET.
    if not roles.can_see_clients(request.user):
        raise Http404
    client = get_object_or_404(
        Client.objects.visible_to(request.user)
        .with_activity()
        .with_wounded()
        .select_related("primary_peacekeeper", "neighborhood")
        .prefetch_related("secondary_peacekeepers"),
        pk=pk,
    )
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    access.client_viewed(request, client.code, "record")
    contacts = Paginator(client.contacts.select_related("peacekeeper"), TIMELINE_PER_PAGE).get_page(
        parameters.page_number(request.GET.get("page"))
    )
    for contact in contacts:
        contact.correctable = contact.may_be_corrected_by(request.user)
    return render(
        request,
        "outreach/client_detail.html",
        {
            "client": client,
            "risk_badge": RISK_BADGES[client.risk_level],
            "status_badge": STATUS_BADGES[client.status],
            "contacts": contacts,
            "note_fold_chars": NOTE_FOLD_CHARS,
            "goals": client.goals.all(),
            "referrals": client.referrals.select_related("partner"),
            # Reverse relations from the incidents app (which depends on this one, not the reverse).
            "involvements": client.involvements.select_related("incident").order_by("-incident__occurred_at"),
            "mediations": client.mediations.order_by("-occurred_on"),
            # Only current associations: an expired one is on no page (issue #16).
            "group_associations": client.group_associations.current().select_related("group"),
            "manages": roles.can_see_all_clients(request.user),
            "periods": _periods(client),
            "transfers": client.transfers.select_related("from_peacekeeper", "to_peacekeeper", "transferred_by"),
        },
    )


def _periods(client: Client) -> list[EnrolmentPeriod]:
    """The client's enrolment periods, newest first; one from the client's own dates for a record
    loaded without them (generated data)."""
    # A period that was never enrolled (left while referred) is the oldest, not the newest.
    periods = list(client.periods.order_by(F("enrolled_on").desc(nulls_last=True), "-pk"))
    if not periods and (client.enrolled_on or client.exited_on):
        periods = [EnrolmentPeriod(client=client, enrolled_on=client.enrolled_on, exited_on=client.exited_on)]
        periods[0].exit_reason = client.exit_reason
    return periods


def managed_client(request: HttpRequest, pk: int) -> Client:
    """A client for a case-ending action: managers and admins close, reopen and transfer cases
    (SPEC: managers close cases); 404 for anyone else, GET or POST, as for a client out of scope."""
    if not roles.can_see_all_clients(request.user):
        raise Http404
    return visible_client(request, pk)


def _action_page(
    request: HttpRequest, client: Client, form, *, page: str, title: str, button: str, **extra
) -> HttpResponse:
    # `page` names it in the access log, which is in English whatever the language of the page.
    access.client_viewed(request, client.code, page)
    context = {"client": client, "form": form, "title": title, "button": button, **extra}
    return render(request, "outreach/client_action_form.html", context)


@require_http_methods(["GET", "POST"])
def client_exit(request: HttpRequest, pk: int) -> HttpResponse:
    """Exit from the program (or correct the exit of a client who has left): date, reason, note."""
    client = managed_client(request, pk)
    form = ClientExitForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            on, reason, note = data["exited_on"], data["exit_reason"], data["closing_note"]
            services.client_exit(client=client, by=request.user, on=on, reason=reason, note=note)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("%(code)s exited from the program.") % {"code": client.code})
            return redirect(client)
    correcting = client.status == ClientStatus.EXITED
    return _action_page(
        request,
        client,
        form,
        page="correct the exit" if correcting else "exit from the program",
        title=gettext("Correct the exit") if correcting else gettext("Exit from the program"),
        button=gettext("Save the exit") if correcting else gettext("Exit from the program"),
        explanation=gettext(
            "The client leaves the default client list and every worklist; their record, contacts, goals and "
            "referrals stay. A manager can undo the exit or re-enrol the client later."
        ),
        left_open=None if correcting else caseloads.case_in_hand(client),
    )


@require_http_methods(["GET", "POST"])
def client_exit_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """A mistaken exit: the client's latest enrolment runs again (GET asks to confirm)."""
    client = managed_client(request, pk)
    if request.method != "POST":
        explanation = (
            gettext(
                "%(name)s is recorded as exited on %(date)s (%(reason)s). Undoing the exit puts them back on the "
                "caseload and the worklists, in the same enrolment period; the history keeps the exit that was "
                "undone. To record a new enrolment after a real exit, use Re-enrol instead."
            )
            % {
                "name": client.full_name,
                "date": _long_date(client.exited_on),
                "reason": gettext(client.get_exit_reason_display()),
            }
            if client.exited_on
            else gettext("This client has not exited: there is no exit to undo.")
        )
        form = forms.Form()
        form.helper = form_helper()
        return _action_page(
            request,
            client,
            form,
            page="undo the exit",
            title=gettext("Undo the exit"),
            button=gettext("Undo the exit"),
            explanation=explanation,
        )
    try:
        services.client_exit_undo(client=client, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("The exit of %(code)s was undone: the client is back on the caseload.") % {"code": client.code},
        )
    return redirect(client)


@require_http_methods(["GET", "POST"])
@submit_once(
    EnrolmentPeriod,
    visible=lambda request: EnrolmentPeriod.objects.filter(client__in=Client.objects.visible_to(request.user)),
)
def client_reenrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-enrol an exited client: a new enrolment period; the earlier ones stay in the history."""
    client = managed_client(request, pk)
    form = ClientReenrolForm(request.POST or None, instance=EnrolmentPeriod(client=client))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.client_reenrol(client=client, by=request.user, on=data["enrolled_on"], form_key=data["form_key"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, gettext("%(code)s re-enrolled: a new enrolment period has started.") % {"code": client.code}
            )
            return redirect(client)
    return _action_page(
        request,
        client,
        form,
        page="re-enrol",
        title=gettext("Re-enrol"),
        button=gettext("Re-enrol"),
        explanation=(
            gettext(
                "%(name)s left the program on %(date)s (%(reason)s). Re-enrolling starts a new enrolment period; "
                "the earlier periods stay in the client's history."
            )
            % {
                "name": client.full_name,
                "date": _long_date(client.exited_on),
                "reason": gettext(client.get_exit_reason_display()),
            }
            if client.exited_on
            else ""
        ),
    )


@require_http_methods(["GET", "POST"])
def client_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the case to another primary peacekeeper, saying what goes with it."""
    client = managed_client(request, pk)
    form = ClientTransferForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.client_transfer(
                client=client, by=request.user, to=data["to_peacekeeper"], note=data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("%(code)s transferred to %(name)s.")
                % {"code": client.code, "name": display_name(transfer.to_peacekeeper)},
            )
            return redirect(client)
    return _action_page(
        request,
        client,
        form,
        page="transfer the case",
        title=gettext("Transfer the case"),
        button=gettext("Transfer"),
        in_hand=caseloads.case_in_hand(client),
    )


@require_GET
def client_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit trail of a client and their records: managers and admins only."""
    if not roles.can_see_all_clients(request.user):
        raise Http404
    client = visible_client(request, pk)
    access.client_viewed(request, client.code, "history")
    return history.history_page(request, client, label=f"{client.full_name} ({client.code})")


def _save_client(request: HttpRequest, form: ClientForm, possible_duplicate_of: list[Client] = ()) -> Client | None:
    """Run the client service; put its refusals on the form. Returns the client when saved."""
    client = form.save(commit=False)
    secondary = list(form.cleaned_data["secondary_peacekeepers"]) if "secondary_peacekeepers" in form.fields else None
    try:
        return services.client_save(
            client=client,
            secondary_peacekeepers=secondary,
            possible_duplicate_of=possible_duplicate_of,
            by=request.user,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@require_http_methods(["GET", "POST"])
@submit_once(Client, visible=lambda request: Client.objects.visible_to(request.user))
def client_create(request: HttpRequest) -> HttpResponse:
    if not roles.can_see_clients(request.user):
        raise Http404
    manages = roles.can_see_all_clients(request.user)
    instance = Client() if manages else Client(primary_peacekeeper=request.user)
    form = ClientForm(request.POST or None, instance=instance, manages=manages)
    matches = None
    if request.method == "POST" and form.is_valid():
        visible, hidden = _duplicate_check(request, form.cleaned_data)
        if visible and not request.POST.get("not_a_duplicate"):
            matches = visible
            form = ClientForm(request.POST, instance=instance, manages=manages, ask_duplicates=True)
            form.is_valid()
        elif client := _save_client(request, form, possible_duplicate_of=hidden):
            messages.success(request, gettext("Client %(code)s created.") % {"code": client.code})
            return redirect(client)
    return render(request, "outreach/client_form.html", {"form": form, "matches": matches, "creating": True})


def _duplicate_check(request: HttpRequest, data: dict) -> tuple[list[Client], list[Client]]:
    """The intake duplicate check, in the access log: (matches this user may see, the others).

    Matches on other caseloads are never shown or counted to a peacekeeper (that would tell them
    who is on another caseload): the new client goes to a manager's review instead.
    """
    searched = Client.objects.similar_to(
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
        phone=data["phone"],
    ).order_by("code")
    mine = Client.objects.visible_to(request.user).values("pk")
    visible = list(searched.filter(pk__in=mine).select_related("primary_peacekeeper")[:DUPLICATE_MATCHES_LIMIT])
    hidden = list(searched.exclude(pk__in=mine)[:DUPLICATE_MATCHES_LIMIT])
    by = []
    if data["date_of_birth"]:
        by.append("name and birth date")
    if sum(ch.isdigit() for ch in str(data["phone"] or "")) >= PHONE_MATCH_MIN_DIGITS:
        by.append("phone")
    codes = ", ".join(c.code for c in visible + hidden) or "no match"
    target = f"intake duplicate check by {' or '.join(by) or 'nothing'}: {codes}"
    access.record(request, access.Action.DUPLICATE_CHECK, target)
    return visible, hidden


@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not roles.can_see_clients(request.user):
        raise Http404
    client = visible_client(request, pk)
    form = ClientForm(request.POST or None, instance=client, manages=roles.can_see_all_clients(request.user))
    if request.method == "POST" and form.is_valid() and _save_client(request, form):
        messages.success(request, gettext("Client %(code)s saved.") % {"code": client.code})
        return redirect(client)
    access.client_viewed(request, client.code, "edit form")
    return render(request, "outreach/client_form.html", {"form": form, "client": client})


# What the record pages say, for each kind of record: (new page's title, edit page's title, its
# button, the message once saved).
RECORD_WORDS = {
    "contact": (_("New contact"), _("Edit contact"), _("Save contact"), _("Contact saved for %(code)s.")),
    "goal": (_("New goal"), _("Edit goal"), _("Save goal"), _("Goal saved for %(code)s.")),
    "referral": (_("New referral"), _("Edit referral"), _("Save referral"), _("Referral saved for %(code)s.")),
}


class ClientRecordMixin(ClientPagesMixin, ServiceFormMixin):
    """Create or edit a record that belongs to one client (contact, goal, referral)."""

    template_name = "outreach/client_record_form.html"
    noun = "record"
    # "draft-saved" tells static/js/session.js to forget the draft kept in the browser tab.
    success_message_tags = "draft-saved"

    def dispatch(self, request, *args, **kwargs):
        if roles.can_see_clients(request.user):
            self.client = visible_client(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model.objects.filter(client=self.client)

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["item_pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if kwargs.get("instance") is None:
            kwargs["instance"] = self.new_instance()
        return kwargs

    def new_instance(self):
        return self.model(client=self.client)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editing = bool(getattr(self, "object", None))
        verb = "Edit" if editing else "New"
        new_title, edit_title, save_label, _saved = RECORD_WORDS[self.noun]
        context.update(client=self.client, title=edit_title if editing else new_title, save_label=save_label)
        # Every form page names the client; an edit form shows the record's notes too. Field mode's
        # sync fetches each client's contact form to keep on the phone, and says so (FIELD_KEEP_HEADER),
        # so the access log tells a form kept for offline use from one a person opened.
        kept = self.request.headers.get(FIELD_KEEP_HEADER) == "1" and not getattr(self, "object", None)
        where = f"{self.noun} form kept on the phone for offline use" if kept else f"{verb.lower()} {self.noun} form"
        access.client_viewed(self.request, self.client.code, where)
        return context

    def get_success_message(self) -> str:
        return RECORD_WORDS[self.noun][3] % {"code": self.client.code}

    def get_success_url(self):
        return self.client.get_absolute_url()


class ClientRecordCreateMixin(ClientRecordMixin, SubmitOnceMixin):
    """Create a client's record once per form, whatever the number of submits."""

    form_key_message_tags = "draft-saved"

    def form_key_visible(self):
        return self.model.objects.filter(client__in=Client.objects.visible_to(self.request.user))

    def form_key_saved_url(self, row) -> str:
        return row.client.get_absolute_url()


JUST_SAVED = datetime.timedelta(minutes=15)


def contact_on_timeline_url(contact: Contact) -> str:
    """The client page at the timeline page holding this contact, scrolled to it (#contact-<id>)."""
    newer = contact.client.contacts.filter(
        Q(occurred_at__gt=contact.occurred_at) | Q(occurred_at=contact.occurred_at, pk__gt=contact.pk)
    ).count()
    page = newer // TIMELINE_PER_PAGE + 1
    query = f"?page={page}" if page > 1 else ""
    return f"{contact.client.get_absolute_url()}{query}#contact-{contact.pk}"


class ContactCreateView(ClientRecordCreateMixin, CreateView):
    model = Contact
    form_class = ContactForm
    noun = "contact"

    def get_success_url(self):
        return contact_on_timeline_url(self.object)

    def form_key_saved_url(self, row) -> str:
        return contact_on_timeline_url(row)

    def new_instance(self):
        return Contact(client=self.client, peacekeeper=self.request.user)

    def get_form_kwargs(self):
        # The next follow-up is the latest contact's: the form offers the pending one, so a contact
        # logged without a date does not silently clear it.
        return {**super().get_form_kwargs(), "pending_follow_up": caseloads.pending_follow_up(self.client)}

    def get_context_data(self, **kwargs):
        # Back after a save shows an empty form (a fresh one-time key): say the contact is saved, so
        # a peacekeeper who wonders does not save a second one.
        since = timezone.now() - JUST_SAVED
        just_saved = (
            self.client.contacts.filter(peacekeeper=self.request.user, created_at__gte=since)
            .order_by("-created_at")
            .first()
        )
        if self.request.headers.get(FIELD_KEEP_HEADER) == "1":
            just_saved = None  # a copy kept for offline use would say it for hours, with a link dead offline
        return {**super().get_context_data(**kwargs), "just_saved": just_saved}

    def save(self, form) -> Contact:
        data = form.cleaned_data
        return services.contact_log(client=self.client, by=self.request.user, data=data, form_key=data["form_key"])


class ContactUpdateView(ClientRecordMixin, UpdateView):
    model = Contact
    form_class = ContactForm
    noun = "contact"

    def get_success_url(self):
        return contact_on_timeline_url(self.object)

    def get_object(self, queryset=None):
        contact = super().get_object(queryset)
        if not contact.may_be_corrected_by(self.request.user):
            days = Contact.CORRECTION_DAYS
            raise PermissionDenied(
                gettext("A contact can be corrected by its author for %(days)s days; then ask a manager.")
                % {"days": days}
            )
        return contact

    def save(self, form) -> Contact:
        return services.contact_update(contact=self.object, by=self.request.user, data=form.cleaned_data)


class GoalCreateView(ClientRecordCreateMixin, CreateView):
    model = Goal
    form_class = GoalForm
    noun = "goal"

    def save(self, form) -> Goal:
        data = form.cleaned_data
        return services.goal_create(client=self.client, by=self.request.user, data=data, form_key=data["form_key"])


class GoalUpdateView(ClientRecordMixin, UpdateView):
    model = Goal
    form_class = GoalForm
    noun = "goal"

    def save(self, form) -> Goal:
        return services.goal_update(goal=self.object, by=self.request.user, data=form.cleaned_data)


class ReferralCreateView(ClientRecordCreateMixin, CreateView):
    model = Referral
    form_class = ReferralForm
    noun = "referral"

    def save(self, form) -> Referral:
        data = form.cleaned_data
        return services.referral_create(client=self.client, by=self.request.user, data=data, form_key=data["form_key"])


class ReferralUpdateView(ClientRecordMixin, UpdateView):
    model = Referral
    form_class = ReferralForm
    noun = "referral"

    def save(self, form) -> Referral:
        return services.referral_update(referral=self.object, by=self.request.user, data=form.cleaned_data)


def _open_review_for(request: HttpRequest, pk: int) -> PossibleDuplicate:
    """An open duplicate review, for managers and admins; 404 for anyone else, GET or POST."""
    if not roles.can_see_all_clients(request.user):
        raise Http404
    return get_object_or_404(PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN), pk=pk)


def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """The same person: fold the new record into the chosen match."""
    review = _open_review_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    into_pk = request.POST.get("into", "")
    into = review.matches.filter(pk=int(into_pk)).first() if into_pk.isdigit() else None
    try:
        if into is None:
            raise ValidationError(gettext("That record is not one of the possible matches."))
        kept = services.client_merge(review=review, into=into, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("%(code)s merged into %(kept)s.") % {"code": review.client_code, "kept": kept.code}
        )
    return redirect("dashboard")


def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Different people: close the review, keep both records."""
    review = _open_review_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.possible_duplicate_dismiss(review=review, by=request.user)
    messages.success(request, gettext("%(code)s kept as a different person.") % {"code": review.client_code})
    return redirect("dashboard")
