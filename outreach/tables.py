import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.people import display_name
from core.tables import DateColumn, PaginatedTable, visible_from
from outreach.models import Client, ClientStatus, RiskLevel, local_today

RISK_BADGES = {
    RiskLevel.HIGH: "badge-risk-high",
    RiskLevel.ELEVATED: "badge-risk-elevated",
    RiskLevel.MODERATE: "badge-risk-moderate",
}
STATUS_BADGES = {
    ClientStatus.REFERRED: "badge-status-referred",
    ClientStatus.ACTIVE: "badge-status-active",
    ClientStatus.INACTIVE: "badge-status-inactive",
    ClientStatus.EXITED: "badge-status-exited",
}


WOUNDED_BADGE = _("Wounded — hospital visit due")


def _hidden_header(text) -> SafeString:
    """A column header only screen readers say, in the language of the request that shows it."""
    return lazy(lambda: format_html('<span class="visually-hidden">{}</span>', text), SafeString)()


def badge(css: str, label: str) -> str:
    return format_html('<span class="badge {}">{}</span>', css, label)


class ClientTable(PaginatedTable):
    """The client list (a peacekeeper's caseload, or every client for managers)."""

    # Phones show name, risk, days since contact and next follow-up; wider screens show more.
    code = tables.Column(linkify=True, verbose_name=_("Code"), attrs=visible_from("sm", nowrap=True))
    name = tables.Column(
        accessor="full_name", verbose_name=_("Name"), order_by=("last_name", "first_name"), linkify=True
    )
    nickname = tables.Column(verbose_name=_("Nickname"), attrs=visible_from("lg"))
    risk_level = tables.Column(verbose_name=_("Risk"))
    status = tables.Column(verbose_name=_("Status"), attrs=visible_from("md"))
    primary_peacekeeper = tables.Column(
        verbose_name=_("Peacekeeper"), order_by=("primary_peacekeeper__first_name",), attrs=visible_from("lg")
    )
    neighborhood = tables.Column(verbose_name=_("Neighborhood"), attrs=visible_from("xxl"))
    last_contact_on = DateColumn(verbose_name=_("Last contact"), attrs=visible_from("md", nowrap=True))
    days_since = tables.Column(
        verbose_name=_("Days since contact"), accessor="last_touch_on", order_by=("-last_touch_on",), empty_values=()
    )
    # The date may wrap on a phone: with a "Wounded" badge beside it, a one-line date pushed Log off screen.
    next_follow_up_on = DateColumn(verbose_name=_("Next follow-up"), attrs=visible_from("xs", extra="nowrap-from-sm"))
    open_goal_count = tables.Column(verbose_name=_("Open goals"), attrs=visible_from("md", extra="text-end"))
    # Straight to the contact form from the list, on a phone too (exited clients have no next contact).
    log_contact = tables.Column(
        verbose_name=_hidden_header(_("Log contact")),
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs=visible_from("xs", nowrap=True),
    )

    class Meta:
        model = Client
        fields = []
        sequence = (
            "code",
            "name",
            "nickname",
            "risk_level",
            "status",
            "primary_peacekeeper",
            "neighborhood",
            "last_contact_on",
            "days_since",
            "next_follow_up_on",
            "open_goal_count",
            "log_contact",
        )
        empty_text = _("No clients match.")
        attrs = {"class": "table table-sm table-hover align-middle client-table"}
        row_attrs = {"class": lambda record: "overdue" if record.is_overdue else ""}

    def __init__(self, *args, caption: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.caption = caption or gettext("Clients")

    def render_risk_level(self, record: Client):
        return badge(RISK_BADGES[record.risk_level], record.get_risk_level_display())

    def render_status(self, record: Client):
        return badge(STATUS_BADGES[record.status], record.get_status_display())

    def render_primary_peacekeeper(self, value):
        return display_name(value)

    def render_days_since(self, record: Client):
        if record.has_left:
            return record.get_status_display()
        wounded = getattr(record, "hospital_visit_due", False)
        days = (local_today() - record.last_touch_on).days
        if record.last_contact_on is None:
            label = ngettext("%(days)s day (no contact yet)", "%(days)s days (no contact yet)", days) % {"days": days}
        else:
            label = ngettext("%(days)s day", "%(days)s days", days) % {"days": days}
        if record.is_overdue:
            label = format_html('{} <span class="badge badge-overdue">{}</span>', label, gettext("Overdue"))
        if wounded:
            label = format_html('{} <span class="badge badge-wounded">{}</span>', label, WOUNDED_BADGE)
        return label

    def render_next_follow_up_on(self, record: Client, value):
        # A client who has left: their last plan is history, not a task.
        if value is None or record.has_left:
            return "—"
        return date_format(value, "SHORT_DATE_FORMAT")

    def render_log_contact(self, record: Client):
        if record.status == ClientStatus.EXITED:
            return "—"
        return format_html(
            '<a class="btn btn-outline-primary btn-sm" href="{}">{}<span class="visually-hidden"> {}</span></a>',
            reverse("outreach:contact_create", args=[record.pk]),
            pgettext("a contact", "Log"),
            gettext("contact with %(name)s") % {"name": record.full_name},
        )

    def value_days_since(self, record: Client):
        return (local_today() - record.last_touch_on).days

    def value_risk_level(self, record: Client):
        return record.get_risk_level_display()

    def value_status(self, record: Client):
        return record.get_status_display()
