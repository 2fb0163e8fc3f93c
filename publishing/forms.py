import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_keys import FormKeyMixin
from publishing.models import PublishedCopy

# Invisible characters: direction controls, and the zero-width ones that would split a name ("Sha\u200bwn
# Okafor") past the check that a reason names nobody.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")


class PrepareForm(FormKeyMixin, forms.ModelForm):
    """The "Prepare a public copy" button: only its one-time key (a double click makes one copy)."""

    class Meta:
        model = PublishedCopy
        fields: list[str] = []


class PublishForm(forms.Form):
    """Publishing a prepared copy: a new version says why it replaces the one before."""

    reason = forms.CharField(
        label=_("Why this version replaces the one before"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed from the second version on: what was corrected, or that the quarter is over. The page and the "
            "Excel file print it, for anyone to read (the CSV names its version in its file name): name nobody, "
            "and give no phone number, email address or case number."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I have read this copy and its check. Publish it: it can never be changed afterwards."),
        error_messages={"required": _("Tick the box to confirm: a published copy can never be changed.")},
    )

    def clean_reason(self) -> str:
        # Direction controls would turn the rest of the version line around on every page.
        return INVISIBLE.sub("", self.cleaned_data["reason"])
