from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.contrib.auth.models import User

from core.form_keys import FormKeyMixin
from core.forms import DateInput, DateTimeInput, StaleEditMixin, form_helper, row
from incidents import services
from incidents.models import Incident, Involvement, InvolvementOutcome, InvolvementRole, Mediation, Response
from outreach.forms import PeacekeeperMultipleChoiceField, peacekeeper_choices
from outreach.models import Client

MAX_UPLOAD_MB = 20


class IncidentForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    class Meta:
        model = Incident
        fields = services.INCIDENT_FIELDS
        labels = {"occurred_at": "Date and time", "group_related": "Group-related"}
        widgets = {
            "occurred_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "killed": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "injured": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.helper.layout = Layout(
            Fieldset("What happened", row("case_number", "kind", "occurred_at"), row("killed", "injured", "weapon")),
            Fieldset("Where", row("neighborhood", "address"), row("latitude", "longitude")),
            Fieldset(
                "Follow-up",
                row("source", "retaliation_risk", "status"),
                Field("group_related"),
                Field("description"),
            ),
        )


class ResponseForm(FormKeyMixin, forms.ModelForm):
    class Meta:
        model = Response
        fields = services.RESPONSE_FIELDS
        labels = {"responded_at": "When", "kind": "Response"}
        widgets = {"responded_at": DateTimeInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.helper.layout = Layout(row("kind", "responded_at", cols="col-sm"), Field("notes"))


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Client) -> str:
        return f"{obj.full_name} ({obj.code})"


class ClientMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Client) -> str:
        return f"{obj.full_name} ({obj.code})"


class InvolvementForm(FormKeyMixin, forms.ModelForm):
    """Link a client to an incident; only clients the user may see are offered."""

    client = ClientChoiceField(queryset=Client.objects.none())
    # Asked every time, answered for every victim: a victim left "unharmed" by default would hide a death.
    outcome = forms.ChoiceField(
        label="Killed, wounded or unharmed?",
        choices=[("", "Choose (required for a victim)"), *InvolvementOutcome.choices],
        required=False,
        help_text="A client recorded as killed is exited from the program as deceased on the incident's date.",
    )

    class Meta:
        model = Involvement
        fields = services.INVOLVEMENT_FIELDS

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.visible_to(user).open_cases()
        self.helper = form_helper()
        self.helper.layout = Layout(row("client", "role", "outcome", cols="col-sm"))

    def clean(self):
        data = super().clean()
        if not data.get("outcome"):
            if data.get("role") == InvolvementRole.VICTIM:
                self.add_error("outcome", "Say whether the victim was killed, wounded or unharmed.")
            data["outcome"] = InvolvementOutcome.UNHARMED
        return data


class MediationForm(FormKeyMixin, forms.ModelForm):
    peacekeepers = PeacekeeperMultipleChoiceField(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)
    clients = ClientMultipleChoiceField(
        queryset=Client.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    incident_case_number = forms.CharField(
        label="Related incident (case number)", required=False, help_text="Optional: the police report number."
    )

    class Meta:
        model = Mediation
        fields = ["occurred_on", "neighborhood", "peacekeepers", "clients", "parties", "outcome", "notes"]
        widgets = {
            "occurred_on": DateInput(),
            "parties": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peacekeepers"].queryset = peacekeeper_choices()
        self.fields["clients"].queryset = Client.objects.visible_to(user).open_cases()
        self.helper = form_helper()
        self.helper.layout = Layout(
            row("occurred_on", "neighborhood", "outcome", cols="col-sm"),
            Field("parties"),
            Field("incident_case_number"),
            Field("peacekeepers"),
            Field("clients"),
            Field("notes"),
        )

    def clean_incident_case_number(self):
        number = self.cleaned_data["incident_case_number"].strip()
        if not number:
            self.instance.incident = self.cleaned_data["incident"] = None
            return number
        incident = Incident.objects.filter(case_number=number).first()
        if incident is None:
            raise forms.ValidationError(f"No incident has case number {number}.")
        self.instance.incident = self.cleaned_data["incident"] = incident
        return number


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV with the header of the import format, up to {MAX_UPLOAD_MB} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, refused: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The upload handler stopped reading the file (config.uploads): say why, not "required".
        self.refused = refused
        if refused:
            self.fields["file"].required = False

    def clean_file(self):
        if self.refused:
            raise forms.ValidationError(self.refused)
        upload = self.cleaned_data["file"]
        limit = MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit here is {MAX_UPLOAD_MB} MB. "
                "Split it, or ask an administrator to run the import_incidents command."
            )
        return upload
