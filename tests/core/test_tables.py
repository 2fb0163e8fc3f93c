"""Tables: a plain django-tables2 table renders the stock way; the fast base writes the same rows."""

import datetime
import inspect
import re

import django_tables2 as tables
import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_tables2.rows import BoundRow

import core.tables
from core.tables import DateTimeColumn, FastTable, PaginatedTable
from incidents.models import Mediation
from outreach.models import Client, ClientStatus, ExitReason, local_today
from tests.factories import (
    ClientFactory,
    ConflictFactory,
    ContactFactory,
    GroupAssociationFactory,
    GroupFactory,
    IncidentFactory,
)

HOSTILE = "<script>alert(1)</script>"


def render(table) -> str:
    """The table rendered as a view's template does: {% render_table %} with the request."""
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return (
        engines["django"]
        .from_string("{% load django_tables2 %}{% render_table table %}")
        .render({"table": table}, request)
    )


def tbody(html: str) -> str:
    (body,) = re.findall(r"<tbody.*?</tbody>", html, flags=re.DOTALL)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', body)  # masked anew
    return re.sub(r">\s+<", "><", body).strip()


def rows(html: str) -> list[str]:
    return re.findall(r"<tr .*?</tr>", tbody(html))


class Row:
    def __init__(self, name, when=None):
        self.name, self.when = name, when

    def get_absolute_url(self):
        return f"/people/{self.name}/"


class Plain(tables.Table):
    name = tables.Column()
    when = tables.DateTimeColumn(format="Y-m-d")


def test_a_plain_django_tables2_table_renders_its_rows():
    when = datetime.datetime(2018, 3, 1, 12, tzinfo=datetime.UTC)
    html = render(Plain([Row("Ann", when), Row("Bob", when)]))
    body = rows(html)
    assert len(body) == 2
    assert "<td >Ann</td>" in body[0] and "<td >Bob</td>" in body[1] and "2018-03-01" in body[0]
    assert 'scope="col"' in html  # the house header (DJANGO_TABLES2_TEMPLATE) with the stock body


class Boxed(tables.Column):
    """Not one of ours: its cells are left to django-tables2."""

    def render(self, value):
        return f"[{value}]"


class People(PaginatedTable):
    name = tables.Column(attrs={"td": {"class": "who"}}, linkify=True)
    when = DateTimeColumn()
    shout = tables.Column(accessor="name", empty_values=())
    row = tables.Column(accessor="name", orderable=False)
    everything = tables.Column(accessor="name")
    unknown = tables.Column(accessor="name")
    missing = tables.Column(accessor="nothing_here")
    marked = tables.Column(accessor="name", attrs={"td": {"data-name": lambda record: record.name}})
    boxed = Boxed(accessor="name")
    template = tables.TemplateColumn("{{ record.name }} in {{ who }}")
    yes = tables.BooleanColumn(accessor="name")

    class Meta:
        row_attrs = {
            "data-first": lambda record: record.name[0],
            "data-size": lambda table, record: len(table.rows) + len(record.name),
        }

    def render_shout(self, value, record):
        return value.upper()

    def render_row(self, bound_row, table):
        return f"{type(bound_row).__name__} of {type(table).__name__}"

    def render_everything(self, **kwargs):
        return ",".join(sorted(kwargs))

    def render_unknown(self, value, colour):
        return "never called: django-tables2 shows None"


def people() -> list[Row]:
    when = datetime.datetime(2018, 1, 1, 7, 30, tzinfo=datetime.UTC)
    return [Row("Ann", when), Row(HOSTILE, None), Row("Zoë", when + datetime.timedelta(days=40))]


def render_stock_and_fast(make_table, monkeypatch) -> tuple[str, str]:
    fast = render(make_table())
    monkeypatch.setattr(core.tables, "FAST_TEMPLATE", "django_tables2/peacekeeper.html")
    return render(make_table()), fast


def test_the_fast_rows_are_the_stock_rows(monkeypatch):
    # One template variable for the TemplateColumn, which reads the context it is rendered in.
    stock, fast = render_stock_and_fast(lambda: People(people()), monkeypatch)
    assert tbody(fast) == tbody(stock)
    assert len(rows(fast)) == 3
    # The comparison means something only if the fast rows were written by FastTable.
    assert re.search(r"<tr [^>]*><td", fast) and not re.search(r"<tr [^>]*><td", stock)


def test_the_fast_rows_escape_hostile_text_and_keep_safe_html():
    html = render(People(people()))
    assert "<script>" not in html
    assert '<a href="/people/&lt;script&gt;alert(1)&lt;/script&gt;/">&lt;script&gt;alert(1)&lt;/script&gt;</a>' in html
    assert "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in html  # a render_ method's plain text is escaped too
    assert '<a href="/people/Ann/">Ann</a>' in html  # a link (safe HTML) stays a link


def test_the_fast_rows_are_in_the_program_time_zone(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    with timezone.override("America/Los_Angeles"):
        (first, *_) = rows(render(People(people())))
    assert "<td >Dec 31, 2017, 11:30 PM</td>" in first  # 07:30 UTC on 1 January is New Year's Eve there


def test_render_methods_get_what_they_ask_for_as_in_django_tables2():
    first = rows(render(People(people())))[0]
    assert "BoundRow of People" in first and "bound_column,bound_row,column,record,table,value" in first
    assert "<td >None</td>" in first  # a render_ method asking for an argument nobody has is not called
    assert '<td data-name="Ann">Ann</td>' in first and 'data-first="A"' in first and 'data-size="6"' in first


def test_what_the_fast_rows_do_not_handle_is_left_to_django_tables2(monkeypatch):
    asked = []
    stock_get_cell = BoundRow.get_cell
    monkeypatch.setattr(BoundRow, "get_cell", lambda row, name: asked.append(name) or stock_get_cell(row, name))
    first = rows(render(People(people())))[0]
    assert sorted(set(asked)) == ["boxed", "template", "yes"]  # the column classes that are not ours
    assert "<td >[Ann]</td>" in first
    assert "<td >Ann in </td>" in first  # TemplateColumn, with the context it is rendered in
    assert '<span class="true">✔</span>' in first  # BooleanColumn


def test_exports_are_the_values_django_tables2_would_export():
    assert list(People(people()).as_values()) == list(tables.Table.as_values(People(people())))
    assert list(People(people()).as_values(exclude_columns=["when"]))[0][:2] == ["Name", "Shout"]


class Localized(FastTable):
    name = tables.Column(localize=True)
    count = tables.Column(localize=False)


def test_a_table_asking_for_localized_cells_gets_the_stock_body(settings, monkeypatch):
    settings.USE_THOUSAND_SEPARATOR = True
    data = [{"name": 1234567, "count": 1234567}]
    assert not Localized(data).writes_own_rows
    stock, fast = render_stock_and_fast(lambda: Localized(data), monkeypatch)
    assert tbody(fast) == tbody(stock)
    assert "1,234,567" in fast and "<td >1234567</td>" in fast


def test_render_methods_are_inspected_once_per_function_not_once_per_cell(monkeypatch):
    core.tables._signature.cache_clear()
    calls = []
    real = inspect.signature
    monkeypatch.setattr(inspect, "signature", lambda fn, **kwargs: calls.append(fn) or real(fn, **kwargs))

    class Simple(PaginatedTable):
        name = tables.Column(linkify=True)
        when = DateTimeColumn()
        shout = tables.Column(accessor="name")

        class Meta:
            row_attrs = {"data-first": lambda record: record.name[0]}

        def render_shout(self, value):
            return value.upper()

    table = Simple([Row(f"person {i}", timezone.now()) for i in range(40)])
    table.paginate(per_page=40)
    assert len(rows(render(table))) == 40
    assert len(calls) <= 4  # Column.render, DateColumn.render, render_shout, the row attribute


@pytest.mark.parametrize("per_page", [0, 10_000])
def test_a_page_size_is_bounded(per_page):
    table = People([Row(str(i), None) for i in range(600)])
    table.paginate(per_page=per_page)
    assert 1 <= len(table.page.object_list) <= 500


@pytest.fixture
def every_list(manager, peacekeeper, jamal):
    """Something for every column of every list: choices, links, dates, empty cells, badges."""
    ClientFactory(first_name=HOSTILE, last_name="O'Neil", nickname="", primary_peacekeeper=peacekeeper)
    ClientFactory(
        first_name="Ex",
        last_name="Ited",
        status=ClientStatus.EXITED,
        exited_on=local_today(),
        exit_reason=ExitReason.MOVED,
        primary_peacekeeper=peacekeeper,
    )
    ContactFactory(client=jamal)
    incident = IncidentFactory(case_number="SPD-1", neighborhood=None)
    IncidentFactory(case_number="SPD-2", kind="nonfatal_shooting", killed=0, injured=2)
    Mediation.objects.create(parties="x" * 100, outcome="resolved", incident=incident)
    Mediation.objects.create(parties=HOSTILE, outcome="resolved")
    crew = GroupFactory(name=HOSTILE, last_reviewed_on=local_today())
    GroupFactory(name="Plain")
    GroupAssociationFactory(client=jamal, group=crew, expires_on=local_today() + datetime.timedelta(days=5))
    GroupAssociationFactory(group=crew, expires_on=local_today() + datetime.timedelta(days=9))
    ConflictFactory(status="cooling", kind="group_rivalry")
    ConflictFactory(neighborhood=incident.neighborhood)
    return manager


@pytest.mark.parametrize(
    "url",
    [
        reverse("outreach:client_list"),
        reverse("outreach:client_list") + "?sort=-days_since",
        reverse("incidents:incident_list"),
        reverse("incidents:mediation_list"),
        reverse("incidents:group_list"),
        reverse("incidents:conflict_list"),
        reverse("incidents:association_expiring"),
        reverse("access_log"),
    ],
)
def test_every_list_writes_the_rows_the_stock_template_would(client, every_list, url, monkeypatch):
    client.force_login(every_list)
    for record in Client.objects.all():
        client.get(record.get_absolute_url())  # access log entries
    fast = client.get(url).content.decode()
    monkeypatch.setattr(core.tables, "FAST_TEMPLATE", "django_tables2/peacekeeper.html")
    stock = client.get(url).content.decode()
    assert len(rows(fast)) >= 2
    assert tbody(fast) == tbody(stock)
    assert "<script>alert" not in fast


@pytest.mark.parametrize("url", [reverse("outreach:client_list"), reverse("incidents:incident_list")])
def test_every_export_is_the_one_django_tables2_would_write(client, every_list, url, monkeypatch):
    client.force_login(every_list)
    fast = client.get(url, {"_export": "csv"}).content.decode()
    monkeypatch.setattr(FastTable, "as_values", tables.Table.as_values)
    stock = client.get(url, {"_export": "csv"}).content.decode()
    assert fast == stock and len(fast.splitlines()) >= 3
