import django_filters
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessLog
from core.lists import label_date_range
from core.parameters import BoundedDateRangeFilter
from core.people import display_name


class UserChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)


class UserFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


class AccessLogFilter(django_filters.FilterSet):
    user = UserFilter(
        queryset=User.objects.order_by("first_name", "last_name"), label=_("User"), empty_label=_("Anyone")
    )
    client_code = django_filters.CharFilter(label=_("Client code"), lookup_expr="iexact")
    action = django_filters.ChoiceFilter(
        choices=AccessLog.Action.choices, label=_("Action"), empty_label=_("Any action")
    )
    at = BoundedDateRangeFilter(
        field_name="at__date", label=_("Between"), widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"})
    )

    class Meta:
        model = AccessLog
        fields = ["user", "client_code", "action", "at"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        label_date_range(self, "at", _("From"), _("To"))
