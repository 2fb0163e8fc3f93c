import django_filters
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.forms import LongSelect
from core.lists import label_date_range
from core.parameters import BoundedDateRangeFilter
from outreach.forms import peacekeeper_options
from outreach.models import CURRENT_STATUSES, Client, ClientStatus, Language, Neighborhood, RiskLevel

ALL_STATUSES = "all"
# The list opens on current cases (referred or active); exited and inactive clients are one choice away.
STATUS_CHOICES = [(ALL_STATUSES, _("All clients, any status")), *ClientStatus.choices]


class ClientFilter(django_filters.FilterSet):
    """The filter bar of the client list. Works on a queryset already scoped to the user."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Name, nickname or code. Searches every status (exited and inactive too) unless you choose one."),
    )
    peacekeeper = django_filters.ChoiceFilter(
        label=_("Peacekeeper"),
        choices=peacekeeper_options,
        method="by_peacekeeper",
        widget=LongSelect,
        empty_label=_("Any peacekeeper"),
    )
    neighborhood = django_filters.ModelChoiceFilter(
        label=_("Neighborhood"),
        queryset=Neighborhood.objects.all(),
        widget=LongSelect,
        empty_label=_("Any neighborhood"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=STATUS_CHOICES,
        empty_label=_("Open cases (referred or active)"),
        method="by_status",
    )
    risk_level = django_filters.ChoiceFilter(
        label=_("Risk level"), choices=RiskLevel.choices, empty_label=_("Any risk level")
    )
    preferred_language = django_filters.ChoiceFilter(
        label=_("Preferred language"), choices=Language.choices, empty_label=_("Any language")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Past contact standard"), method="filter_overdue", widget=django_filters.widgets.BooleanWidget()
    )
    enrolled = BoundedDateRangeFilter(
        field_name="enrolled_on",
        label=_("Enrolled between"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Client
        fields = [
            "q",
            "peacekeeper",
            "neighborhood",
            "status",
            "risk_level",
            "preferred_language",
            "overdue",
            "enrolled",
        ]

    def __init__(self, *args, request=None, **kwargs) -> None:
        super().__init__(*args, request=request, **kwargs)
        if request is not None and not roles.can_see_all_clients(request.user):
            del self.filters["peacekeeper"]
        self.filters["overdue"].field.widget.choices = [
            ("", gettext("Any")),
            ("true", gettext("Overdue only")),
            ("false", gettext("Up to date")),
        ]
        label_date_range(self, "enrolled", gettext("Enrolled from"), gettext("Enrolled to"))

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(nickname__icontains=word)
                | Q(code__icontains=word)
            )
        return queryset

    @property
    def qs(self):
        # No status chosen (or no filter at all): open cases only. A method filter is not called for
        # an empty value, and an unfiltered list is not filtered at all, hence here. A name searched
        # for with no status chosen is looked for in every status: a returning client is found
        # before a duplicate is made.
        if not hasattr(self, "_open_qs"):
            qs = super().qs
            valid = self.is_bound and self.form.is_valid()
            if not valid or not (self.form.cleaned_data.get("status") or self.form.cleaned_data.get("q", "").strip()):
                qs = qs.filter(status__in=CURRENT_STATUSES)
            self._open_qs = qs
        return self._open_qs

    def by_status(self, queryset, name, value):
        return queryset if value == ALL_STATUSES else queryset.filter(status=value)

    def by_peacekeeper(self, queryset, name, value):
        return queryset.on_caseload_of(int(value))

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
