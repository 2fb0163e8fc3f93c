"""Form pieces shared by the apps."""

import html

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import flatatt
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from phonenumber_field.formfields import PhoneNumberField as PhoneNumberFormField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from core.history import last_change_by
from core.people import display_name
from core.phones import PHONE_MESSAGE, phone_number, validate_plain_number


class StaleEditMixin(forms.ModelForm):
    """Refuse to save over a record someone else saved since this form was opened.

    The form carries the record's `updated_at` as it was when opened; on save, the row is
    locked (same transaction as the write) and its current stamp compared. On a mismatch the
    user's input stays on the form, with a message; the form then carries the new stamp, so
    saving again, after looking, is a deliberate choice to replace the other person's version.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
        else:
            del self.fields["loaded_version"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            refuse_if_stale(self, self.instance, cleaned.get("loaded_version"))
        return cleaned


class StaleActionMixin(forms.Form):
    """StaleEditMixin for a plain form that acts on a record (an exit, a transfer): the subclass
    passes the record as `versioned=` to this __init__."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, versioned: models.Model, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.versioned = versioned
        self.fields["loaded_version"].initial = versioned.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        refuse_if_stale(self, self.versioned, cleaned.get("loaded_version"))
        return cleaned


def refuse_if_stale(form: forms.BaseForm, record: models.Model, loaded: str | None) -> None:
    """Lock the record's row (same transaction as the write) and refuse, naming who, when it was
    saved since `loaded`; the form then carries the new stamp, so a second save is deliberate."""
    current = (
        type(record)
        ._default_manager.select_for_update()
        .filter(pk=record.pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    if current is None or loaded == current.isoformat():
        return
    when = formats.date_format(timezone.localtime(current), "DATETIME_FORMAT")
    user = last_change_by(record) if hasattr(record, "events") else None
    who = display_name(user) or gettext("Someone else")
    form.data = form.data.copy()
    form.data[form.add_prefix("loaded_version")] = current.isoformat()
    raise forms.ValidationError(
        gettext(
            "%(who)s saved this record at %(when)s, after you opened this form. Your changes are "
            "below but not saved: open the record in another tab to see theirs, then save again to "
            "replace it with yours."
        ),
        code="stale",
        params={"who": who, "when": when},
    )


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form that was parsed for it: each message on its field when
    the form has that field, otherwise at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class LongSelect(forms.Select):
    """A <select> for long lists (every peacekeeper, every neighborhood), written in Python.

    Django's template writes each option through two nested templates: for 250 peacekeepers in a
    list's filter bar that was a tenth of the page's time. Options here carry only "selected",
    as Django's own Select options do, and there are no groups.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # html.escape quotes as Django's escape() does, without its lazy-string wrapper per call.
        options = "\n".join(
            f'<option value="{html.escape(str(option["value"]))}"{" selected" if option["selected"] else ""}>'
            f"{html.escape(str(option['label']))}</option>"
            for _, group, _ in widget["optgroups"]
            for option in group
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(widget["attrs"]), mark_safe(options))  # noqa: S308


class PhoneInput(RegionalPhoneNumberWidget):
    """A tel input showing a number as people write it ("(209) 555-0142"), and what was typed, as
    typed, when it is not a number (so the person sees their own input beside the message)."""

    def format_value(self, value):
        if isinstance(value, str) and phone_number(value) is None:
            return super(RegionalPhoneNumberWidget, self).format_value(value)
        return super().format_value(value)


class PhoneField(PhoneNumberFormField):
    """A phone number field with one message, whatever is wrong with the input (not a number, an
    extension, 10,000 characters, a NUL): PHONE_MESSAGE, said once."""

    widget = PhoneInput

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(validate_plain_number)

    def run_validators(self, value) -> None:
        try:
            super().run_validators(value)
        except ValidationError as error:
            raise ValidationError(PHONE_MESSAGE, code="invalid") from error


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def form_helper() -> FormHelper:
    """The page template draws the <form> tag, the buttons and the error summary
    (includes/form_errors.html); hidden fields (stale-edit stamp) still render."""
    helper = FormHelper()
    helper.form_tag = False
    helper.render_hidden_fields = True
    # The summary at the top of the page says the form's non-field errors: crispy does not say them
    # again above the fields (templates/bootstrap5/errors.html).
    helper.errors_in_summary = True
    return helper


def row(*fields: str, cols: str = "col-md") -> Div:
    return Div(*(Div(Field(f), css_class=cols) for f in fields), css_class="row")
