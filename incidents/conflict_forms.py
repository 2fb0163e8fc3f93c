"""Forms for groups, group associations and conflicts (issue #16)."""

import datetime

from crispy_forms.layout import Field, Layout
from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.form_keys import FormKeyMixin
from core.forms import DateInput, LongSelect, StaleEditMixin, form_helper, row
from incidents import conflict_services as services
from incidents.forms import ClientChoiceField
from incidents.models import (
    Conflict,
    ConflictIncident,
    ConflictParty,
    ConflictStatus,
    ConflictStatusChange,
    Group,
    GroupAssociation,
    GroupStatus,
    Incident,
)
from incidents.models.conflicts import EVIDENCE_HELP
from outreach.models import Client, Neighborhood, local_today


class GroupForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    neighborhoods = forms.ModelMultipleChoiceField(
        queryset=Neighborhood.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Neighborhoods"),
    )

    class Meta:
        model = Group
        fields = [*services.GROUP_FIELDS, *services.GROUP_MANY]
        widgets = {
            "aliases": forms.Textarea(attrs={"rows": 2}),
            "territory_note": forms.Textarea(attrs={"rows": 3}),
            "last_reviewed_on": DateInput(),
            "next_review_on": DateInput(),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.helper.layout = Layout(
            row("name", "status", cols="col-sm"),
            Field("aliases"),
            Field("neighborhoods"),
            Field("territory_note"),
            row("last_reviewed_on", "next_review_on", cols="col-sm"),
        )


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return obj.name

    def to_python(self, value):
        # Python's int() reads full-width digits ("２" as 2): only the ids the form itself writes count.
        if value not in self.empty_values and not str(value).isascii():
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class AssociationForm(FormKeyMixin, forms.ModelForm):
    """Associate a client with a group. From the client's page the group is chosen; from the
    group's page the client (only clients the user may see are offered)."""

    client = ClientChoiceField(queryset=Client.objects.none(), widget=LongSelect, label=_("Client"))
    group = GroupChoiceField(queryset=Group.objects.none(), widget=LongSelect, label=_("Group"))
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the program's standard, years after the last confirmation. An earlier date is allowed."),
    )

    class Meta:
        model = GroupAssociation
        fields = ["client", *services.ASSOCIATION_FIELDS]
        widgets = {
            "evidence_note": forms.Textarea(attrs={"rows": 3}),
            "started_on": DateInput(),
            "confirmed_on": DateInput(),
        }
        help_texts = {"evidence_note": EVIDENCE_HELP}

    def __init__(self, *args, user: User, client: Client | None = None, group: Group | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].required = self.fields["confirmed_on"].required = False
        fields = ["role", "basis"]
        if client is not None:
            del self.fields["client"]
            # Any group not dissolved, even one the peacekeeper may not see yet: recording a client's new
            # tie to a group no one on their caseload is in is how the group becomes theirs to see.
            # (The conflict party form, by contrast, offers only groups the user may see.)
            self.fields["group"].queryset = Group.objects.exclude(status=GroupStatus.DISSOLVED).order_by("name")
            fields.insert(0, "group")
        else:
            del self.fields["group"]
            self.fields["client"].queryset = Client.objects.visible_to(user).open_cases()
            fields.insert(0, "client")
        self.fixed_group = group
        self.helper = form_helper()
        self.helper.layout = Layout(
            row(*fields, cols="col-sm"),
            Field("evidence_note"),
            row("started_on", "confirmed_on", "expires_on", cols="col-sm"),
        )

    def clean(self):
        data = super().clean()
        if self.fixed_group is not None:
            data["group"] = self.fixed_group
        return data

    def _post_clean(self) -> None:
        # The service fills the dates left empty and validates the row: not the half-built instance here.
        pass


class ConflictForm(FormKeyMixin, StaleEditMixin, forms.ModelForm):
    note = forms.CharField(
        label=_("How it came to the program's attention"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Conflict
        fields = services.CONFLICT_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "neighborhood": LongSelect}
        help_texts = {"description": _("What the conflict is about. Parties are added on the conflict's page.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = [row("kind", "neighborhood", cols="col-sm"), Field("description")]
        if self.instance.pk:
            del self.fields["note"]
        else:
            fields.append(Field("note"))
        self.helper = form_helper()
        self.helper.layout = Layout(*fields)


class ConflictStatusForm(FormKeyMixin, forms.ModelForm):
    """Record the conflict's next status. None is chosen beforehand: a status is a judgement, not a
    default one tap away."""

    status = forms.ChoiceField(label=_("New status"), choices=[("", _("Choose a status")), *ConflictStatus.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = ConflictStatusChange
        fields = ["status", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.helper.layout = Layout(Field("status"), Field("note"))

    def _post_clean(self) -> None:
        # The service validates the change it records (and refuses the status the conflict already has).
        pass


def party_groups(user: User):
    """The groups `user` may put on a side of a conflict: those they may see, not dissolved."""
    return Group.objects.visible_to(user).exclude(status=GroupStatus.DISSOLVED).order_by("name")


class PartyForm(FormKeyMixin, forms.ModelForm):
    """Put a client (one the user may see) or a group (one the user may see) on a side of a conflict."""

    client = ClientChoiceField(queryset=Client.objects.none(), required=False, widget=LongSelect, label=_("Client"))
    group = GroupChoiceField(queryset=Group.objects.none(), required=False, widget=LongSelect, label=_("Group"))

    class Meta:
        model = ConflictParty
        fields = services.PARTY_FIELDS

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.visible_to(user).open_cases()
        self.fields["group"].queryset = party_groups(user)
        self.fields["client"].empty_label = self.fields["group"].empty_label = gettext("None")
        self.helper = form_helper()
        self.helper.layout = Layout(row("side", "client", "group", cols="col-sm"))

    def clean(self):
        data = super().clean()
        if bool(data.get("client")) == bool(data.get("group")):
            raise forms.ValidationError(gettext("Choose a client or a group (exactly one)."))
        return data


class LinkIncidentForm(FormKeyMixin, forms.ModelForm):
    case_number = forms.CharField(label=_("Incident case number"), max_length=50)

    class Meta:
        model = ConflictIncident
        fields = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.helper.layout = Layout(Field("case_number"))

    def clean_case_number(self) -> Incident:
        number = self.cleaned_data["case_number"].strip()
        incident = Incident.objects.filter(case_number__iexact=number).first()
        if incident is None:
            raise forms.ValidationError(gettext("No incident has case number %(number)s.") % {"number": number})
        return incident

    def _post_clean(self) -> None:
        # The service links the incident and validates the row.
        pass


class NetworkDateForm(forms.Form):
    """The network view's time filter: the ties current on a date (today by default)."""

    on = forms.DateField(label=_("Ties current on"), required=False, widget=DateInput())

    def clean_on(self) -> datetime.date:
        day = self.cleaned_data["on"] or local_today()
        if day > local_today():
            raise forms.ValidationError(gettext("Choose today or a day before."))
        if day.year < 1900:
            raise forms.ValidationError(gettext("Choose a day after 1900."))
        return day
