"""Form pieces: a form's errors are said once on its page."""

from pathlib import Path

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.template import Context, Template

from core.forms import form_helper

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Pages whose crispy forms are always blank (their posts answer with a page that has the summary).
# Detail pages drawing blank forms whose errors are shown on a page of their own.
BLANK_FORMS_ONLY = {"incidents/incident_detail.html", "incidents/group_detail.html"}


class _Refusing(forms.Form):
    name = forms.CharField(required=False)

    def __init__(self, *args, helper: FormHelper, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper

    def clean(self):
        raise forms.ValidationError("Someone saved this record after you opened it.")


def _render(helper: FormHelper, *, summary: bool) -> str:
    form = _Refusing(data={"name": "x"}, helper=helper)
    source = "{% load crispy_forms_tags %}"
    source += '{% include "includes/form_errors.html" %}' if summary else ""
    source += "{% crispy form %}"
    return Template(source).render(Context({"form": form}))


def test_a_non_field_error_is_said_once_with_the_summary():
    assert _render(form_helper(), summary=True).count("Someone saved this record") == 1


def test_a_form_without_the_summary_still_says_it():
    helper = FormHelper()
    helper.form_tag = False
    assert _render(helper, summary=False).count("Someone saved this record") == 1


def test_every_page_drawing_a_form_helper_form_has_the_summary():
    """form_helper() forms leave their non-field errors to includes/form_errors.html: a page drawing
    one with {% crispy %} must include it, or a stale-edit refusal would not be said at all."""
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "{% crispy " in path.read_text()
        and "includes/form_errors.html" not in path.read_text()
        and str(path.relative_to(TEMPLATES)) not in BLANK_FORMS_ONLY
    ]
    assert missing == []
