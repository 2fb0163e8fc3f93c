"""The report's English words (titles, labels, days, quarters) in the reader's language: reports.display."""

from django import template

from reports import display

register = template.Library()


@register.filter
def report_text(value: str) -> str:
    """A report string (a table's title, a row, a span of days) translated at display."""
    return display.text(value) if isinstance(value, str) else value


@register.filter
def quarter_label(quarter) -> str:
    """A quarter ("Q3 2018") in the reader's language; accepts a Quarter or its label."""
    return display.quarter_label(getattr(quarter, "label", quarter))
