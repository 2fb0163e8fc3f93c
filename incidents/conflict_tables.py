"""Tables of the group, conflict and expiring-association lists (issue #16)."""

import django_tables2 as tables
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.tables import DateColumn, PaginatedTable, visible_from
from incidents.models import Conflict, ConflictStatus, Group, GroupAssociation

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class GroupTable(PaginatedTable):
    name = tables.Column(linkify=True, verbose_name=_("Group"), attrs=visible_from("xs"))
    status = tables.Column(verbose_name=_("Status"), attrs=visible_from("xs"))
    association_count = tables.Column(
        verbose_name=_("Current associations"), attrs=visible_from("sm", extra="text-end")
    )
    last_reviewed_on = DateColumn(verbose_name=_("Last reviewed"), attrs=visible_from("md"))
    next_review_on = DateColumn(verbose_name=_("Next review due"), attrs=visible_from("md"))

    class Meta:
        model = Group
        fields = []
        sequence = ("name", "status", "association_count", "last_reviewed_on", "next_review_on")
        attrs = TABLE_ATTRS
        empty_text = _("No groups match.")

    caption = _("Groups")


class ConflictTable(PaginatedTable):
    number = tables.Column(
        accessor="pk",
        linkify=lambda record: record.get_absolute_url(),
        verbose_name=_("Conflict"),
        attrs=visible_from("xs"),
    )
    kind = tables.Column(verbose_name=_("Kind"), attrs=visible_from("md"))
    current_status = tables.Column(verbose_name=_("Status"), attrs=visible_from("xs"))
    neighborhood = tables.Column(verbose_name=_("Neighborhood"), attrs=visible_from("md"))
    created_at = DateColumn(verbose_name=_("Recorded"), attrs=visible_from("sm"))

    class Meta:
        model = Conflict
        fields = []
        sequence = ("number", "kind", "current_status", "neighborhood", "created_at")
        attrs = TABLE_ATTRS
        empty_text = _("No conflicts match.")

    caption = _("Conflicts")

    def render_number(self, record: Conflict) -> str:
        # The whole label (kind, neighborhood, day identified): at 390 px this is the only column
        # that tells two conflicts apart.
        return str(record)

    def render_current_status(self, value: str) -> str:
        return ConflictStatus(value).label if value in ConflictStatus.values else gettext("Not recorded")


CONFIRM_BUTTON = (  # one line, as every cell
    """<form method="post" action="{% url 'incidents:association_confirm' record.pk %}">{% csrf_token %}"""
    """<input type="hidden" name="back" value="expiring"><button type="submit" class="btn btn-outline-primary """
    """btn-sm">{{ confirm_label }}<span class="visually-hidden"> {{ record.client.code }} {{ with_word }} """
    """{{ record.group.name }}</span>"""
    """</button></form>"""
)


class ExpiringAssociationTable(PaginatedTable):
    # Codes, not names, as on every managers' list of associations; each links to its page.
    client = tables.Column(
        accessor="client__code",
        verbose_name=_("Client"),
        linkify=lambda record: record.client.get_absolute_url(),
        attrs=visible_from("xs"),
    )
    group = tables.Column(
        accessor="group__name",
        verbose_name=_("Group"),
        linkify=lambda record: record.group.get_absolute_url(),
        attrs=visible_from("xs"),
    )
    role = tables.Column(verbose_name=_("Role"), attrs=visible_from("sm"))
    confirmed_on = DateColumn(verbose_name=_("Last confirmed"), attrs=visible_from("md"))
    expires_on = DateColumn(verbose_name=_("Expires"), attrs=visible_from("xs"))
    confirm = tables.TemplateColumn(
        CONFIRM_BUTTON,
        verbose_name=_("Still holds?"),
        orderable=False,
        empty_values=(),
        attrs=visible_from("xs"),
        extra_context={
            "confirm_label": pgettext_lazy("association", "Confirm"),
            "with_word": pgettext_lazy("a client code with a group", "with"),
        },
    )

    class Meta:
        model = GroupAssociation
        fields = []
        sequence = ("client", "group", "role", "confirmed_on", "expires_on", "confirm")
        attrs = TABLE_ATTRS
        empty_text = _("No associations expire in this window.")

    caption = _("Associations expiring soon")
