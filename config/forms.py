"""Form pieces shared by the apps."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field
from django import forms
from django.utils import formats, timezone

from accounts.history import last_change_by


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
        if not self.instance.pk:
            return cleaned
        current = (
            type(self.instance)
            ._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if current is not None and cleaned.get("loaded_version") != current.isoformat():
            when = formats.date_format(timezone.localtime(current), "DATETIME_FORMAT")
            user = last_change_by(self.instance) if hasattr(self.instance, "events") else None
            who = (user.get_full_name() or user.username) if user else "Someone else"
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = current.isoformat()
            raise forms.ValidationError(
                f"{who} saved this record at {when}, after you opened this form. Your changes are "
                "below but not saved: open the record in another tab to see theirs, then save again to "
                "replace it with yours.",
                code="stale",
            )
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def form_helper() -> FormHelper:
    """The page template draws the <form> tag and buttons; hidden fields (stale-edit stamp) still render."""
    helper = FormHelper()
    helper.form_tag = False
    helper.render_hidden_fields = True
    return helper


def row(*fields: str, cols: str = "col-md") -> Div:
    return Div(*(Div(Field(f), css_class=cols) for f in fields), css_class="row")
