import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DateColumn, DateTimeColumn, PaginatedTable, visible_from
from incidents.models import Incident, Mediation, ResponseCase


class IncidentTable(PaginatedTable):
    case_number = tables.Column(linkify=True, verbose_name=_("Case number"), attrs=visible_from("xs", nowrap=True))
    occurred_at = DateTimeColumn(verbose_name=_("When"), attrs=visible_from("xs"))
    kind = tables.Column(verbose_name=_("Kind"))
    neighborhood = tables.Column(verbose_name=_("Neighborhood"), attrs=visible_from("md"))
    killed = tables.Column(verbose_name=_("Killed"), attrs=visible_from("sm", extra="text-end"))
    injured = tables.Column(verbose_name=_("Injured"), attrs=visible_from("sm", extra="text-end"))
    weapon = tables.Column(verbose_name=_("Weapon"), attrs=visible_from("lg"))
    retaliation_risk = tables.Column(verbose_name=_("Retaliation risk"), attrs=visible_from("lg"))
    status = tables.Column(verbose_name=_("Status"), attrs=visible_from("md"))
    response_count = tables.Column(verbose_name=_("Responses"), attrs=visible_from("md", extra="text-end"))
    # In the CSV and XLSX only (the page stays narrow): an analyst's file needs them.
    address = tables.Column(verbose_name=_("Address"), visible=False)
    description = tables.Column(verbose_name=_("Description"), visible=False)

    class Meta:
        model = Incident
        fields = []
        sequence = (
            "case_number",
            "occurred_at",
            "kind",
            "neighborhood",
            "killed",
            "injured",
            "weapon",
            "retaliation_risk",
            "status",
            "response_count",
            "address",
            "description",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No incidents match.")

    caption = _("Incidents")


class MediationTable(PaginatedTable):
    occurred_on = DateColumn(verbose_name=_("Date"), linkify=True, attrs=visible_from("xs", nowrap=True))
    neighborhood = tables.Column(verbose_name=_("Neighborhood"))
    outcome = tables.Column(verbose_name=_("Outcome"))
    parties = tables.Column(verbose_name=_("Parties"), attrs=visible_from("md"))
    incident = tables.Column(verbose_name=_("Incident"), linkify=True, attrs=visible_from("sm"))
    client_count = tables.Column(verbose_name=_("Clients"), attrs=visible_from("sm", extra="text-end"))

    class Meta:
        model = Mediation
        fields = []
        sequence = ("occurred_on", "neighborhood", "outcome", "parties", "incident", "client_count")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No mediations match.")

    caption = _("Mediations")

    def render_parties(self, value: str) -> str:
        return value if len(value) <= 80 else value[:79] + "…"

    def render_incident(self, value: Incident) -> str:
        return value.case_number


class ResponseCaseTable(PaginatedTable):
    """Response cases: the incident, when, how long since, the tasks late and left."""

    incident = tables.Column(verbose_name=_("Incident"), linkify=lambda record: record.get_absolute_url())
    # When, on a phone too: an hour-old shooting and a four-month-old one must not look alike (the walk).
    occurred = DateTimeColumn(accessor="incident__occurred_at", verbose_name=_("When"), attrs=visible_from("xs"))
    kind = tables.Column(accessor="incident__kind", verbose_name=_("Kind"), attrs=visible_from("md"))
    neighborhood = tables.Column(
        accessor="incident__neighborhood__name", verbose_name=_("Neighborhood"), attrs=visible_from("md")
    )
    late_count = tables.Column(verbose_name=_("Late"), attrs=visible_from("xs", extra="text-end"))
    open_count = tables.Column(verbose_name=_("To do"), attrs=visible_from("xs", extra="text-end"))
    status = tables.Column(verbose_name=_("Case"), attrs=visible_from("sm"))

    class Meta:
        model = ResponseCase
        fields = []
        sequence = ("incident", "occurred", "kind", "neighborhood", "late_count", "open_count", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No response cases match.")

    caption = _("Response cases")

    def render_incident(self, value: Incident) -> str:
        return value.case_number

    def render_kind(self, record: ResponseCase) -> str:
        return record.incident.get_kind_display()
