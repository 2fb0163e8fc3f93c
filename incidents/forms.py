import difflib

from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.form_keys import FormKeyMixin
from core.forms import DateInput, DateTimeInput, LongSelect, StaleEditMixin, form_helper, row
from incidents import services
from incidents.models import (
    MAX_VICTIMS,
    Conflict,
    Incident,
    Involvement,
    InvolvementOutcome,
    InvolvementRole,
    Mediation,
    Response,
    Retaliation,
    too_many_victims_message,
)
from outreach.forms import PeacekeeperChoiceField, PeacekeeperMultipleChoiceField, peacekeeper_choices
from outreach.models import Client, Neighborhood

MAX_UPLOAD_MB = 20


class IncidentByCaseNumber(forms.CharField):
    """An earlier incident named by its case number (any letter case), or none: a select of every incident
    would be thousands of options."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=50, required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Incident):
            return value.case_number
        if isinstance(value, int):
            return Incident.objects.filter(pk=value).values_list("case_number", flat=True).first() or ""
        return value

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        incident = Incident.objects.filter(case_number__iexact=text).first()
        if incident is None:
            raise forms.ValidationError(gettext("No incident has the case number %(number)s.") % {"number": text})
        return incident


class IncidentForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    retaliation_for = IncidentByCaseNumber(
        label=_("Retaliation for incident"),
        help_text=_(
            "The police report number of the earlier incident this one is known or believed to answer, if any."
        ),
    )

    class Meta:
        model = Incident
        fields = services.INCIDENT_FIELDS
        labels = {"occurred_at": _("Date and time"), "group_related": _("Group-related")}
        widgets = {
            "occurred_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            # The browser's bound is the rule's (MAX_VICTIMS), not the column's (32767).
            "killed": forms.NumberInput(attrs={"min": 0, "max": MAX_VICTIMS, "inputmode": "numeric"}),
            "injured": forms.NumberInput(attrs={"min": 0, "max": MAX_VICTIMS, "inputmode": "numeric"}),
        }
        # One rule, one message: over MAX_VICTIMS (or over the column's 32767) the form says what the
        # model and the import say.
        error_messages = {
            name: {
                "max_value": lazy(too_many_victims_message, str)(name),
                "min_value": _("A number of people cannot be negative."),
            }
            for name in ("killed", "injured")
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("killed", "injured"):
            self.fields[name].validators.append(MaxValueValidator(MAX_VICTIMS))  # says error_messages' text
        self.helper = form_helper()
        self.helper.layout = Layout(
            Fieldset(_("What happened"), row("case_number", "kind", "occurred_at"), row("killed", "injured", "weapon")),
            Fieldset(_("Where"), row("neighborhood", "address"), row("latitude", "longitude")),
            Fieldset(
                _("Follow-up"),
                row("source", "retaliation_risk", "status"),
                row("retaliation_for", "group_related"),
                Field("description"),
            ),
        )


class ResponseForm(FormKeyMixin, forms.ModelForm):
    """A response to an incident. A peacekeeper records their own; a manager or an admin picks the
    peacekeeper who responded (themself by default when they are one)."""

    class Meta:
        model = Response
        fields = services.RESPONSE_FIELDS
        labels = {"responded_at": _("When"), "kind": _("Response")}
        widgets = {"responded_at": DateTimeInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = ["kind", "responded_at"]
        if roles.can_see_all_clients(user):
            self.fields["peacekeeper"] = PeacekeeperChoiceField(
                queryset=peacekeeper_choices(),
                label=_("Peacekeeper who responded"),
                initial=user.pk if roles.is_peacekeeper(user) else None,
            )
            fields.insert(0, "peacekeeper")
        self.helper = form_helper()
        self.helper.layout = Layout(row(*fields, cols="col-sm"), Field("notes"))


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Client) -> str:
        return f"{obj.full_name} ({obj.code})"


class ClientMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Client) -> str:
        return f"{obj.full_name} ({obj.code})"


class InvolvementForm(FormKeyMixin, forms.ModelForm):
    """Link a client to an incident; only clients the user may see are offered."""

    client = ClientChoiceField(queryset=Client.objects.none(), label=_("Client"))
    # Asked every time, answered for every victim: a victim left "unharmed" by default would hide a death.
    outcome = forms.ChoiceField(
        label=_("Killed, wounded or unharmed?"),
        choices=[("", _("Choose (required for a victim)")), *InvolvementOutcome.choices],
        required=False,
        help_text=_("A client recorded as killed is exited from the program as deceased on the incident's date."),
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
                self.add_error("outcome", gettext("Say whether the victim was killed, wounded or unharmed."))
            data["outcome"] = InvolvementOutcome.UNHARMED
        return data


class MediationForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    """Record or correct a mediation. Only clients the user may see are offered; on an edit, the
    people already on it stay offered even if their case closed or they left the program since."""

    peacekeepers = PeacekeeperMultipleChoiceField(
        queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("Peacekeepers")
    )
    clients = ClientMultipleChoiceField(
        queryset=Client.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Clients")
    )
    incident_case_number = forms.CharField(
        label=_("Related incident (case number)"), required=False, help_text=_("Optional: the police report number.")
    )

    class Meta:
        model = Mediation
        fields = ["occurred_on", "neighborhood", "peacekeepers", "clients", "parties", "outcome", "conflict", "notes"]
        widgets = {
            "occurred_on": DateInput(),
            "parties": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        peacekeepers, clients = peacekeeper_choices(), Client.objects.visible_to(user)
        if self.instance.pk:
            peacekeepers = (
                roles.peacekeepers()
                .filter(Q(is_active=True) | Q(mediations=self.instance))
                .order_by("first_name", "last_name")
            )
            clients = clients.open_cases() | clients.filter(mediations=self.instance)
            if self.instance.incident_id and not self.is_bound:
                self.initial["incident_case_number"] = self.instance.incident.case_number
        else:
            clients = clients.open_cases()
        self.fields["peacekeepers"].queryset = peacekeepers.distinct()
        self.fields["clients"].queryset = clients.distinct()
        # Only a conflict the user may see (the one already named stays offered).
        conflicts = Conflict.objects.visible_to(user)
        if self.instance.conflict_id:
            conflicts = conflicts | Conflict.objects.filter(pk=self.instance.conflict_id)
        self.fields["conflict"].queryset = conflicts.select_related("neighborhood").order_by("-pk")  # str() names it
        self.fields["conflict"].label = gettext("Conflict worked on")
        self.fields["conflict"].help_text = gettext("Optional: the conflict this mediation worked on.")
        self.helper = form_helper()
        self.helper.layout = Layout(
            row("occurred_on", "neighborhood", "outcome", cols="col-sm"),
            Field("parties"),
            Field("incident_case_number"),
            Field("conflict"),
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
            raise forms.ValidationError(gettext("No incident has case number %(number)s.") % {"number": number})
        self.instance.incident = self.cleaned_data["incident"] = incident
        return number


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=format_lazy(_("UTF-8 CSV with the header of the import format, up to {mb} MB."), mb=MAX_UPLOAD_MB),
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
                gettext(
                    "The file is %(size)s MB; the limit here is %(limit)s MB. Split it, or ask an administrator "
                    "to run the import_incidents command."
                )
                % {"size": number_format(upload.size / 1024 / 1024, 1), "limit": MAX_UPLOAD_MB}
            )
        return upload


class NewNeighborhoodsForm(forms.Form):
    """On an import's preview, for each neighborhood the file names that Peacekeeper does not know:
    create it (a tick says the name was checked) or take it as an existing one (a typo in a police
    file). The choices apply to the whole import, all or nothing."""

    CREATE = "new"

    def __init__(self, *args, names: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.names = names
        existing = list(Neighborhood.objects.order_by("name").values_list("pk", "name"))
        lower = {name.lower(): name for _, name in existing}
        self.hints = {}
        for i, name in enumerate(names):
            close = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.75)
            self.hints[name] = lower[close[0]] if close else ""
            self.fields[f"as_{i}"] = forms.ChoiceField(
                label=gettext("“%(name)s” is") % {"name": name},
                choices=[(self.CREATE, gettext("A new neighborhood: create “%(name)s”") % {"name": name})]
                + [(str(pk), gettext("Same as %(name)s") % {"name": existing_name}) for pk, existing_name in existing],
                initial=self.CREATE,
                widget=LongSelect,
            )
            self.fields[f"create_{i}"] = forms.BooleanField(
                required=False,
                label=gettext("Yes, create “%(name)s”: I checked it is not a misspelling") % {"name": name},
            )

    def clean(self):
        cleaned = super().clean()
        for i, name in enumerate(self.names):
            if cleaned.get(f"as_{i}") == self.CREATE and not cleaned.get(f"create_{i}"):
                self.add_error(
                    f"create_{i}",
                    gettext("Tick to create “%(name)s”, or choose the neighborhood it is.") % {"name": name},
                )
        return cleaned

    def groups(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        """(name, a close existing name or "", its select, its tick) for each new name, for the page."""
        return [(name, self.hints[name], self[f"as_{i}"], self[f"create_{i}"]) for i, name in enumerate(self.names)]

    def choices(self) -> dict[str, int | None]:
        """For import_confirm: each new name, None to create it, else the existing neighborhood's id."""
        picked = (self.cleaned_data[f"as_{i}"] for i in range(len(self.names)))
        return {
            name: None if value == self.CREATE else int(value) for name, value in zip(self.names, picked, strict=True)
        }


class TaskAssignForm(forms.Form):
    peacekeeper = PeacekeeperChoiceField(queryset=User.objects.none(), label=_("Assign to"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peacekeeper"].queryset = peacekeeper_choices()


class TaskSetAsideForm(forms.Form):
    note = forms.CharField(label=_("Why it is not needed"), max_length=2000, widget=forms.TextInput())


class CaseCloseForm(forms.Form):
    retaliation = forms.ChoiceField(label=_("Retaliation"), choices=[("", _("Choose…")), *Retaliation.choices])
    review = forms.CharField(
        label=_("Closing review"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done for the people at risk, and what is known of retaliation."),
    )
