import datetime

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import LongSelect
from core.lists import label_date_range
from core.parameters import BoundedDateRangeFilter
from incidents import counting
from incidents.models import (
    CaseStatus,
    Incident,
    IncidentKind,
    IncidentStatus,
    Mediation,
    MediationOutcome,
    ResponseCase,
    RetaliationRisk,
    Weapon,
)
from outreach.models import Neighborhood


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Case number, address or description")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=IncidentKind.choices, empty_label=_("Any kind"))
    neighborhood = django_filters.ModelChoiceFilter(
        label=_("Neighborhood"),
        queryset=Neighborhood.objects.all(),
        widget=LongSelect,
        empty_label=_("Any neighborhood"),
    )
    occurred = BoundedDateRangeFilter(
        label=_("Occurred between"),
        method="filter_occurred",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=IncidentStatus.choices, empty_label=_("Any status"))
    weapon = django_filters.ChoiceFilter(label=_("Weapon"), choices=Weapon.choices, empty_label=_("Any weapon"))
    retaliation_risk = django_filters.ChoiceFilter(
        label=_("Retaliation risk"), choices=RetaliationRisk.choices, empty_label=_("Any retaliation risk")
    )
    has_response = django_filters.BooleanFilter(
        label=_("Peacekeeper response"), method="filter_has_response", widget=django_filters.widgets.BooleanWidget()
    )

    class Meta:
        model = Incident
        fields = ["q", "kind", "neighborhood", "occurred", "status", "weapon", "retaliation_risk", "has_response"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["has_response"].field.widget.choices = [
            ("", _("Any")),
            ("true", _("Responded")),
            ("false", _("None")),
        ]
        label_date_range(self, "occurred", _("Occurred from"), _("Occurred to"))

    def filter_occurred(self, queryset, name, value):
        """Local days, as a half-open range on occurred_at, so the index serves it."""
        if value.start:
            queryset = queryset.filter(occurred_at__gte=counting.local_midnight(value.start.date()))
        if value.stop:
            queryset = queryset.filter(
                occurred_at__lt=counting.local_midnight(value.stop.date() + datetime.timedelta(days=1))
            )
        return queryset

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(case_number__icontains=value) | Q(address__icontains=value) | Q(description__icontains=value)
        )

    def filter_has_response(self, queryset, name, value):
        return queryset.filter(response_count__gt=0) if value else queryset.filter(response_count=0)


class MediationFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), choices=MediationOutcome.choices, empty_label=_("Any outcome")
    )
    neighborhood = django_filters.ModelChoiceFilter(
        label=_("Neighborhood"),
        queryset=Neighborhood.objects.all(),
        widget=LongSelect,
        empty_label=_("Any neighborhood"),
    )
    occurred = BoundedDateRangeFilter(
        field_name="occurred_on",
        label=_("Between"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Mediation
        fields = ["outcome", "neighborhood", "occurred"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        label_date_range(self, "occurred", _("From"), _("To"))


class ResponseCaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Case number"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CaseStatus.choices, empty_label=_("Open and closed")
    )

    class Meta:
        model = ResponseCase
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(incident__case_number__icontains=value.strip()[:50])
