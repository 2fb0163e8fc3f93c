from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from accounts import roles
from core.form_keys import FormKeyMixin
from core.forms import DateInput, DateTimeInput, LongSelect, StaleEditMixin, form_helper, row
from core.people import display_name
from outreach import services
from outreach.models import (
    CLOSING_NOTE_MAX,
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


PERSON_FIELDS = ["first_name", "last_name", "nickname", "date_of_birth", "gender", "phone", "address", "neighborhood"]
CASE_FIELDS = ["risk_level", "referral_source", "referred_on", "consent_signed_on"]
# Exiting, undoing an exit and re-enrolling are actions of their own (one way to do each): the form
# edits the status only between referred, active and inactive, and not at all once a client has exited.
MANAGER_FIELDS = ["status", "enrolled_on", "primary_peacekeeper", "secondary_peacekeepers"]
EDITABLE_STATUSES = [(value, label) for value, label in ClientStatus.choices if value != ClientStatus.EXITED]


class ClientForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    """A client's record. Assignment, enrolment and exit fields only for managers."""

    primary_peacekeeper = PeacekeeperChoiceField(queryset=User.objects.none(), required=False)
    secondary_peacekeepers = PeacekeeperMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    not_a_duplicate = forms.BooleanField(
        required=False, label="I checked the possible matches above: this is a different person."
    )

    class Meta:
        model = Client
        fields = PERSON_FIELDS + CASE_FIELDS + MANAGER_FIELDS
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
        exited = self.instance.status == ClientStatus.EXITED and self.instance.pk
        if manages and exited:
            del self.fields["status"], self.fields["enrolled_on"]
        elif manages:
            self.fields["status"].choices = EDITABLE_STATUSES
            self.fields["status"].help_text = "To end the enrolment, use “Exit from the program” on the client's page."
        self.helper = form_helper()
        layout = [
            Fieldset("Person", row("first_name", "last_name", "nickname"), row("date_of_birth", "gender", "phone")),
            Fieldset("Where", row("address", "neighborhood")),
            Fieldset("Case", row("risk_level", "referral_source"), row("referred_on", "consent_signed_on")),
        ]
        if manages:
            layout.append(
                Fieldset(
                    "Enrolment and team",
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

    topics = forms.MultipleChoiceField(choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Contact
        fields = services.CONTACT_FIELDS
        labels = {
            "occurred_at": "Date and time",
            "duration_minutes": "Duration (minutes)",
            "follow_up_on": "Follow-up date",
            "conflict_risk": "Conflict or retaliation risk",
        }
        help_texts = {"conflict_risk": "Tick if the client mentioned a conflict or a risk of retaliation."}
        widgets = {
            "occurred_at": DateTimeInput(),
            "follow_up_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),  # min and max: __init__
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The model field's own minimum (0) would otherwise win over the widget's.
        self.fields["duration_minutes"].widget.attrs.update(min=1, max=Contact.MAX_MINUTES)
        if not self.is_bound and not self.instance.pk:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
            self.initial["duration_minutes"] = self.initial.get("duration_minutes") or 30
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


class ClientExitForm(forms.Form):
    """Exit from the program: when, why, and a closing note."""

    exited_on = forms.DateField(label="Exit date", widget=DateInput())
    exit_reason = forms.ChoiceField(label="Reason", choices=[("", "Choose a reason"), *ExitReason.choices])
    closing_note = forms.CharField(
        label="Closing note",
        required=False,
        max_length=CLOSING_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was achieved, what is left open, who else is involved.",
    )

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
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
        labels = {"enrolled_on": "Enrolled again on"}
        widgets = {"enrolled_on": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolled_on"].required = True
        self.initial.setdefault("enrolled_on", local_today())
        self.helper = form_helper()
        self.helper.layout = Layout(Field("enrolled_on"))


class ClientTransferForm(forms.Form):
    """Transfer a case to another primary peacekeeper."""

    to_peacekeeper = PeacekeeperChoiceField(label="New primary peacekeeper", queryset=User.objects.none())
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=CLOSING_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why, and anything the new peacekeeper should know first.",
    )

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_peacekeeper"].queryset = peacekeeper_choices().exclude(pk=client.primary_peacekeeper_id)
        self.helper = form_helper()
        self.helper.layout = Layout(Field("to_peacekeeper"), Field("note"))
