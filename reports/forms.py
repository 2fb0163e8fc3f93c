"""The report pages' one form: a year and a quarter to open."""

from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone

from core.forms import form_helper, row
from core.quarters import Quarter
from reports.periods import running_quarter

QUARTER_CHOICES = [(1, "Q1 (Jan–Mar)"), (2, "Q2 (Apr–Jun)"), (3, "Q3 (Jul–Sep)"), (4, "Q4 (Oct–Dec)")]


class QuarterPickerForm(forms.Form):
    """A year and a quarter, among the quarters that have a report (a GET form: ?year=&quarter=)."""

    year = forms.TypedChoiceField(coerce=int, label="Year")
    quarter = forms.TypedChoiceField(coerce=int, label="Quarter", choices=QUARTER_CHOICES)

    def __init__(self, *args, first: Quarter, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.first, self.running = first, running_quarter()
        self.initial.setdefault("year", self.running.year)
        self.initial.setdefault("quarter", self.running.number)
        self.fields["year"].choices = [(y, str(y)) for y in range(self.running.year, first.year - 1, -1)]
        self.fields["year"].error_messages["invalid_choice"] = (
            f"Reports exist for the years {first.year} to {self.running.year}: pick one of those."
        )
        self.fields["quarter"].error_messages["invalid_choice"] = "Pick a quarter, 1 to 4."
        self.helper = form_helper()
        self.helper.layout = Layout(row("year", "quarter", cols="col"))

    def clean(self) -> dict:
        data = super().clean()
        if "year" in data and "quarter" in data:
            quarter = Quarter(data["year"], data["quarter"])
            if (quarter.year, quarter.number) < (self.first.year, self.first.number):
                raise forms.ValidationError(
                    f"There is no report for {quarter.label}: the first incident on record is in {self.first.label}."
                )
            if quarter.first > timezone.localdate():
                raise forms.ValidationError(
                    f"{quarter.label} has not started yet: the latest report is {self.running.label}, in progress."
                )
            data["picked"] = quarter
        return data
