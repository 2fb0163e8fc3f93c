"""The report pages' one form: a year and a quarter to open."""

from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import form_helper, row
from core.quarters import Quarter
from reports.display import quarter_label
from reports.periods import running_quarter

QUARTER_CHOICES = [(1, _("Q1 (Jan–Mar)")), (2, _("Q2 (Apr–Jun)")), (3, _("Q3 (Jul–Sep)")), (4, _("Q4 (Oct–Dec)"))]


class QuarterPickerForm(forms.Form):
    """A year and a quarter, among the quarters that have a report (a GET form: ?year=&quarter=)."""

    year = forms.TypedChoiceField(coerce=int, label=_("Year"))
    quarter = forms.TypedChoiceField(coerce=int, label=_("Quarter"), choices=QUARTER_CHOICES)

    def __init__(self, *args, first: Quarter, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.first, self.running = first, running_quarter()
        self.initial.setdefault("year", self.running.year)
        self.initial.setdefault("quarter", self.running.number)
        self.fields["year"].choices = [(y, str(y)) for y in range(self.running.year, first.year - 1, -1)]
        self.fields["year"].error_messages["invalid_choice"] = gettext(
            "Reports exist for the years %(first)s to %(last)s: pick one of those."
        ) % {"first": first.year, "last": self.running.year}
        self.fields["quarter"].error_messages["invalid_choice"] = gettext("Pick a quarter, 1 to 4.")
        self.helper = form_helper()
        self.helper.layout = Layout(row("year", "quarter", cols="col"))

    def clean(self) -> dict:
        data = super().clean()
        if "year" in data and "quarter" in data:
            quarter = Quarter(data["year"], data["quarter"])
            if (quarter.year, quarter.number) < (self.first.year, self.first.number):
                raise forms.ValidationError(
                    gettext("There is no report for %(quarter)s: the first incident on record is in %(first)s."),
                    code="before_first",
                    params={"quarter": quarter_label(quarter.label), "first": quarter_label(self.first.label)},
                )
            if quarter.first > timezone.localdate():
                raise forms.ValidationError(
                    gettext("%(quarter)s has not started yet: the latest report is %(latest)s, in progress."),
                    code="not_started",
                    params={"quarter": quarter_label(quarter.label), "latest": quarter_label(self.running.label)},
                )
            data["picked"] = quarter
        return data
