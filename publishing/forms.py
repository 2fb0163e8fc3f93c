import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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

    def __init__(self, *args, gives_away: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if gives_away:  # asked only then, so that nobody learns to tick it unread
            self.fields["gives_away_accepted"] = forms.BooleanField(
                label=ngettext(
                    "I have read the small count this copy's check lists as given away (by the copies published "
                    "before, or by a correction between versions): a reader can work it out whatever this copy "
                    "hides. Publish it all the same.",
                    "I have read the %(count)s small counts this copy's check lists as given away (by the copies "
                    "published before, or by a correction between versions): a reader can work them out whatever "
                    "this copy hides. Publish it all the same.",
                    gives_away,
                )
                % {"count": gives_away},
                error_messages={
                    "required": _("Tick the box to say you have read the counts this copy's check lists as given away.")
                },
            )

    def clean_reason(self) -> str:
        # Direction controls would turn the rest of the version line around on every page.
        return INVISIBLE.sub("", self.cleaned_data["reason"])
