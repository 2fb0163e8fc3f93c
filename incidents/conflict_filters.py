"""Filter bars of the group and conflict lists (issue #16)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import LongSelect
from incidents.models import Conflict, ConflictKind, ConflictStatus, Group, GroupStatus
from outreach.models import Neighborhood


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Name, aliases or territory note"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GroupStatus.choices, empty_label=_("Any status"))
    neighborhood = django_filters.ModelChoiceFilter(
        label=_("Neighborhood"),
        field_name="neighborhoods",
        queryset=Neighborhood.objects.all(),
        widget=LongSelect,
        empty_label=_("Any neighborhood"),
        distinct=True,
    )

    class Meta:
        model = Group
        fields = ["q", "status", "neighborhood"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(aliases__icontains=value) | Q(territory_note__icontains=value)
        )


class ConflictFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Description, or a group's name"))
    status = django_filters.ChoiceFilter(
        # An annotation, not a model field: django-filter cannot find a label for it ("[invalid name]").
        field_name="current_status",
        label=_("Status"),
        choices=ConflictStatus.choices,
        empty_label=_("Any status"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ConflictKind.choices, empty_label=_("Any kind"))
    neighborhood = django_filters.ModelChoiceFilter(
        label=_("Neighborhood"),
        queryset=Neighborhood.objects.all(),
        widget=LongSelect,
        empty_label=_("Any neighborhood"),
    )

    class Meta:
        model = Conflict
        fields = ["q", "status", "kind", "neighborhood"]

    def search(self, queryset, name, value):
        groups = Group.objects.filter(name__icontains=value).values("pk")
        return queryset.filter(Q(description__icontains=value) | Q(parties__group__in=groups)).distinct()
