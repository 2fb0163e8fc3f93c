import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessLog
from accounts.targets import target_in_language
from core.people import display_name
from core.tables import DateTimeColumn, PaginatedTable, visible_from


class AccessLogTable(PaginatedTable):
    at = DateTimeColumn(verbose_name=_("When"), attrs=visible_from("xs", nowrap=True))
    user = tables.Column(verbose_name=_("Who"))
    action = tables.Column(verbose_name=_("Action"))
    target = tables.Column(verbose_name=_("What"), attrs=visible_from("md"))
    client_code = tables.Column(verbose_name=_("Client"), attrs=visible_from("sm"))
    ip_address = tables.Column(verbose_name=_("From"), attrs=visible_from("lg"))

    class Meta:
        model = AccessLog
        fields = []
        sequence = ("at", "user", "action", "target", "client_code", "ip_address")
        attrs = {"class": "table table-sm align-middle"}
        empty_text = _("Nothing logged.")

    caption = _("Access log")

    def render_target(self, value) -> str:
        return target_in_language(value)

    def render_user(self, value) -> str:
        return display_name(value)
