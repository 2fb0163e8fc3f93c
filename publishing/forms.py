from django import forms

from core.form_keys import FormKeyMixin
from publishing.models import PublishedCopy


class PrepareForm(FormKeyMixin, forms.ModelForm):
    """The "Prepare a public copy" button: only its one-time key (a double click makes one copy)."""

    class Meta:
        model = PublishedCopy
        fields: list[str] = []


class PublishForm(forms.Form):
    """Publishing a prepared copy: a new version says why it replaces the one before."""

    reason = forms.CharField(
        label="Why this version replaces the one before",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed from the second version on: what was corrected, or that the quarter is over.",
    )
    confirm = forms.BooleanField(
        label="I have read this copy and its check. Publish it: it can never be changed afterwards.",
        error_messages={"required": "Tick the box to confirm: a published copy can never be changed."},
    )
