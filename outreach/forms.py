import datetime

from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.form_keys import FormKeyMixin
from core.forms import (
    DateInput,
    DateTimeInput,
    LongSelect,
    PhoneField,
    StaleActionMixin,
    StaleEditMixin,
    form_helper,
    row,
)
from core.people import display_name
from outreach import services
from outreach.models import (
    CLOSING_NOTE_MAX,
    CONTACT_MAX_MINUTES,
    Client,
    ClientStatus,
    Contact,
    EnrolmentPeriod,
    ExitReason,
    Goal,
    Referral,
    Topic,
    local_today,
)
from outreach.models.contacts import CONTACT_DURATION_HELP, CONTACT_DURATION_MESSAGE


def _model_label(model, name: str):
    """The model field's name as a form label, translated when shown (lazy)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def peacekeeper_choices():
    return roles.active_peacekeepers().only("username", "first_name", "last_name").order_by("first_name", "last_name")


def peacekeeper_options() -> list[tuple[int, str]]:
    """(id, name) of the active peacekeepers, for a picker that needs no User objects (a filter bar)."""
    return [(user.pk, display_name(user)) for user in peacekeeper_choices()]


class PeacekeeperChoiceField(forms.ModelChoiceField):
    widget = LongSelect

    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)


class PeacekeeperMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)


PERSON_FIELDS = [
    "first_name",
    "last_name",
    "nickname",
    "date_of_birth",
    "gender",
    "phone",
    "preferred_language",
    "address",
    "neighborhood",
]
CASE_FIELDS = ["risk_level", "referral_source", "referred_on", "consent_signed_on", "consent_language"]
# Exiting, undoing an exit and re-enrolling are actions of their own (one way to do each): the form
# edits the status only between referred, active and inactive, and not at all once a client has exited.
MANAGER_FIELDS = ["status", "enrolled_on", "primary_peacekeeper", "secondary_peacekeepers"]
EDITABLE_STATUSES = [(value, label) for value, label in ClientStatus.choices if value != ClientStatus.EXITED]


class ClientForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    """A client's record. Assignment, enrolment and exit fields only for managers."""

    # Declared here, so labelled here: a declared field does not take the model's (translated) name.
    primary_peacekeeper = PeacekeeperChoiceField(
        queryset=User.objects.none(), required=False, label=_model_label(Client, "primary_peacekeeper")
    )
    secondary_peacekeepers = PeacekeeperMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_model_label(Client, "secondary_peacekeepers"),
    )
    not_a_duplicate = forms.BooleanField(
        required=False, label=_("I checked the possible matches above: this is a different person.")
    )

    class Meta:
        model = Client
        fields = PERSON_FIELDS + CASE_FIELDS + MANAGER_FIELDS
        field_classes = {"phone": PhoneField}
        widgets = {
            "date_of_birth": DateInput(),
            "referred_on": DateInput(),
            "enrolled_on": DateInput(),
            "exited_on": DateInput(),
            "consent_signed_on": DateInput(),
        }

    def __init__(self, *args, manages: bool, ask_duplicates: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if manages:
            self.fields["primary_peacekeeper"].queryset = peacekeeper_choices()
            self.fields["secondary_peacekeepers"].queryset = peacekeeper_choices()
        else:
            for name in MANAGER_FIELDS:
                del self.fields[name]
        if not ask_duplicates:
            del self.fields["not_a_duplicate"]
        if self.instance.phone_before_check and not self.instance.phone:
            # crispy shows help text as HTML: the old value is escaped.
            self.fields["phone"].help_text = format_html(
                gettext(
                    "Recorded before as “{}”, which could not be stored as a phone number: enter the number "
                    "again, or leave it empty."
                ),
                self.instance.phone_before_check,
            )
        exited = self.instance.status == ClientStatus.EXITED and self.instance.pk
        if manages and exited:
            del self.fields["status"], self.fields["enrolled_on"]
        elif manages:
            self.fields["status"].choices = EDITABLE_STATUSES
            self.fields["status"].help_text = gettext(
                "To end the enrolment, use “Exit from the program” on the client's page."
            )
        self.helper = form_helper()
        layout = [
            Fieldset(
                gettext("Person"),
                row("first_name", "last_name", "nickname"),
                row("date_of_birth", "gender", "phone"),
                row("preferred_language"),
            ),
            Fieldset(gettext("Where"), row("address", "neighborhood")),
            Fieldset(
                gettext("Case"),
                row("risk_level", "referral_source"),
                row("referred_on", "consent_signed_on", "consent_language"),
            ),
        ]
        if manages:
            layout.append(
                Fieldset(
                    gettext("Enrolment and team"),
                    *([] if exited else [row("status", "enrolled_on")]),
                    row("primary_peacekeeper"),
                    Field("secondary_peacekeepers"),
                )
            )
        if ask_duplicates:
            layout.insert(0, Field("not_a_duplicate"))
        self.helper.layout = Layout(*layout)


class ContactForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    """Logging a contact: built to take under a minute on a phone."""

    topics = forms.MultipleChoiceField(
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_model_label(Contact, "topics"),
    )
    # One rule, one wording: the browser (the input's min and max, the help under it), the form and the
    # model (Contact.clean; its constraint) all read CONTACT_MAX_MINUTES and say CONTACT_DURATION_MESSAGE.
    # (The form is novalidate: the browser shows no message of its own.)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=CONTACT_MAX_MINUTES,
        help_text=CONTACT_DURATION_HELP,
        error_messages={"min_value": CONTACT_DURATION_MESSAGE, "max_value": CONTACT_DURATION_MESSAGE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Contact
        fields = services.CONTACT_FIELDS
        labels = {
            "occurred_at": _("Date and time"),
            "follow_up_on": _("Follow-up date"),
            "conflict_risk": _("Conflict or retaliation risk"),
        }
        help_texts = {"conflict_risk": _("Tick if the client mentioned a conflict or a risk of retaliation.")}
        widgets = {
            "occurred_at": DateTimeInput(),
            "follow_up_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, pending_follow_up: datetime.date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.instance.pk:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
            self.initial["duration_minutes"] = self.initial.get("duration_minutes") or 30
        # A new contact's follow-up date replaces the client's pending one (the next follow-up is the
        # latest contact's): offer the pending one, still to come, so that leaving it alone keeps it.
        if not self.instance.pk and pending_follow_up and pending_follow_up >= timezone.localdate():
            if not self.is_bound:
                self.initial["follow_up_on"] = pending_follow_up
            when = date_format(pending_follow_up, "DATE_FORMAT")
            self.fields["follow_up_on"].help_text = gettext(
                "The follow-up set on %(date)s stays unless you change or clear it."
            ) % {"date": when}
        self.helper = form_helper()
        self.helper.layout = Layout(
            row("occurred_at", "duration_minutes", cols="col-sm"),
            row("kind", "location", cols="col-sm"),
            Field("topics", wrapper_class="topics"),
            Field("notes"),
            Field("conflict_risk"),
            Field("next_steps"),
            Field("follow_up_on"),
        )


class GoalForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = services.GOAL_FIELDS
        widgets = {"target_on": DateInput(), "achieved_on": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The domains' labels are plain English (GoalDomain says why): said in the page's language.
        self.fields["domain"].choices = [
            (value, gettext(label) if value else label) for value, label in self.fields["domain"].choices
        ]
        self.helper = form_helper()
        self.helper.layout = Layout(
            row("domain", "target_on", cols="col-sm"),
            Field("description"),
            row("status", "achieved_on", cols="col-sm"),
        )


class ReferralForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    class Meta:
        model = Referral
        fields = services.REFERRAL_FIELDS
        widgets = {"referred_on": DateInput(), "completed_on": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.helper.layout = Layout(
            row("partner", "service", cols="col-sm"),
            row("referred_on", "status", "completed_on", cols="col-sm"),
        )


class ClientExitForm(StaleActionMixin, forms.Form):
    """Exit from the program: when, why, and a closing note."""

    exited_on = forms.DateField(label=_("Exit date"), widget=DateInput())
    exit_reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason")), *((value, _(label)) for value, label in ExitReason.choices)],
    )
    closing_note = forms.CharField(
        label=_("Closing note"),
        required=False,
        max_length=CLOSING_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was achieved, what is left open, who else is involved."),
    )

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, versioned=client, **kwargs)
        if client.status == ClientStatus.EXITED:
            self.initial.update(exited_on=client.exited_on, exit_reason=client.exit_reason)
            period = client.periods.order_by("-exited_on").first()
            self.initial["closing_note"] = period.closing_note if period else ""
        else:
            self.initial["exited_on"] = local_today()
        self.fields["exited_on"].widget.attrs["max"] = local_today().isoformat()
        self.helper = form_helper()
        self.helper.layout = Layout(row("exited_on", "exit_reason", cols="col-sm"), Field("closing_note"))


class ClientReenrolForm(FormKeyMixin, forms.ModelForm):
    """Re-enrol an exited client: a new enrolment period from this date."""

    class Meta:
        model = EnrolmentPeriod
        fields = ["enrolled_on"]
        labels = {"enrolled_on": _("Enrolled again on")}
        widgets = {"enrolled_on": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolled_on"].required = True
        self.fields["enrolled_on"].error_messages["required"] = gettext("Give the date the client enrolled again.")
        # The new period's instance has no date (initial None): today, the usual case, is offered.
        if not self.initial.get("enrolled_on"):
            self.initial["enrolled_on"] = local_today()
        self.helper = form_helper()
        self.helper.layout = Layout(Field("enrolled_on"))

    def _post_clean(self) -> None:
        # One message per field: a date the form could not read (or none) is not checked again by
        # the model, whose clean() would add "Give the date the client enrolled." to the form's own.
        if "enrolled_on" in self._errors:
            return
        super()._post_clean()


class ClientTransferForm(StaleActionMixin, forms.Form):
    """Transfer a case to another primary peacekeeper."""

    to_peacekeeper = PeacekeeperChoiceField(label=_("New primary peacekeeper"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=CLOSING_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why, and anything the new peacekeeper should know first."),
    )

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, versioned=client, **kwargs)
        self.fields["to_peacekeeper"].queryset = peacekeeper_choices().exclude(pk=client.primary_peacekeeper_id)
        self.helper = form_helper()
        self.helper.layout = Layout(Field("to_peacekeeper"), Field("note"))
