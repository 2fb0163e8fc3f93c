"""django-tables2 bases shared by every list.

`FastTable` writes its rows in Python instead of through the template engine; `PaginatedTable` (a
FastTable) adds the list pages' paging: 25 rows a page, `per_page` up to 500. A table that does
not use these bases is a plain django-tables2 table and renders the stock way.

Why: the stock template resolves each cell, its `<td>` attributes and every date through the
template engine, and django-tables2 inspects each render method's signature (inspect.signature,
slow) for every cell; on a 25-row client list that was most of the page's time.

What the fast rows handle, and what falls back to stock django-tables2:
- Cells of the column classes `Column`, `DateColumn` and `DateTimeColumn` (exactly these classes,
  not subclasses) are computed here as django-tables2's `BoundRow` would (the accessor, a choice
  field's label, `empty_values` and `default`, `render_<name>` or `Column.render`, `linkify`),
  with each render method's parameters worked out once per function, not once per cell. Exports
  (`as_values`: value_<name>, render_<name>, Column.value) are computed the same way.
- Cells of any other column class (TemplateColumn, BooleanColumn, LinkColumn, ManyToManyColumn,
  a subclass of ours...) are rendered by django-tables2 itself (`BoundRow.get_cell`), so they are
  right, only not faster.
- A table with a column that sets `localize` (or Meta.localize / unlocalize) renders its whole
  body with the stock template (`FastTable.writes_own_rows`).
tests/core/test_tables.py compares the fast rows with the stock template's, cell for cell, for
every list's table: run it after upgrading django-tables2 (requirements.txt pins the minor version).
"""

import datetime
import functools
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import django_tables2 as tables
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.rows import BoundRow
from django_tables2.utils import AttributeDict, signature

from core import parameters

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 500
FAST_TEMPLATE = "django_tables2/peacekeeper_fast.html"


@dataclass(frozen=True)
class RowHTML:
    attrs: SafeString
    cells: SafeString


class FastTable(tables.Table):
    """A table whose rows are written in Python (templates/django_tables2/peacekeeper_fast.html)."""

    def __init__(self, *args, template_name: str | None = None, **kwargs) -> None:
        # A subclass's own Meta does not inherit options, so the template is chosen here; a
        # template_name argument or a Meta.template_name still wins.
        meta_template = getattr(getattr(type(self), "Meta", None), "template_name", None)
        super().__init__(*args, template_name=template_name or meta_template or FAST_TEMPLATE, **kwargs)

    @property
    def writes_own_rows(self) -> bool:
        """False when a column asks for (un)localized cells: the stock template writes the body."""
        return all(column.localize is None for column in self.columns)

    def body_rows(self) -> Iterator[RowHTML]:
        """The page's rows as HTML, escaped, localized and in local time as `{{ cell }}` would be."""
        cells = [_Cells(self, column) for column in self.columns]
        for row in self.paginated_rows:
            # Both parts are safe: attributes from AttributeDict.as_html, each value escaped by _Cells.
            yield RowHTML(self._row_attrs(row), mark_safe("".join(cell.html(row) for cell in cells)))  # noqa: S308

    def as_values(self, exclude_columns=None) -> Iterator[list]:
        """Table.as_values (what exports write), each cell computed as body_rows does."""
        exclude_columns = exclude_columns or ()
        columns = [
            column
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)
        ]
        yield [force_str(column.header, strings_only=True) for column in columns]
        cells = [_Cells(self, column) for column in columns]
        for row in self.rows:
            yield [force_str(cell.export(row), strings_only=True) for cell in cells]

    def _row_attrs(self, row) -> SafeString:
        """BoundRow.attrs, with the row attributes' callables called through the cached signatures."""
        if type(row) is not BoundRow:
            return row.attrs.as_html()  # pinned rows: as django-tables2 writes them
        arguments = {"table": self, "record": row.record}
        attrs = {name: _call(value, arguments) if callable(value) else value for name, value in self.row_attrs.items()}
        if any(isinstance(value, dict) for value in attrs.values()):
            return row.attrs.as_html()  # nested attributes: as django-tables2 writes them
        css = row.get_even_odd_css_class()
        attrs["class"] = f"{attrs['class']} {css}" if attrs.get("class") else css
        return AttributeDict(attrs).as_html()


class PaginatedTable(FastTable):
    """The base of every list: fast rows, and a page size nobody can push past MAX_PER_PAGE."""

    def paginate(self, paginator_class=tables.paginators.Paginator, per_page=None, page=1, *args, **kwargs):
        # RequestConfig passes ?per_page= straight through: bound it so nobody can ask for a million rows.
        # RequestConfig reads ?page= and ?per_page= with int(), which takes "２" for 2: a number in
        # other digits is no number (core.parameters), so the first page, at the default size.
        query = getattr(getattr(self, "request", None), "GET", {})
        if self.prefixed_page_field in query and parameters.page_number(query[self.prefixed_page_field]) is None:
            page = 1
        if (
            self.prefixed_per_page_field in query
            and parameters.page_number(query[self.prefixed_per_page_field]) is None
        ):
            per_page = None
        per_page = max(1, min(per_page or DEFAULT_PER_PAGE, MAX_PER_PAGE))
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)


class DateColumn(tables.Column):
    """A date in the short format. django-tables2's own renders a template for every cell."""

    format = "SHORT_DATE_FORMAT"

    def render(self, value):
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value)  # as the template filter |date does
        return date_format(value, self.format)


class DateTimeColumn(DateColumn):
    """A date and time, in the program's local time, in the short format."""

    format = "SHORT_DATETIME_FORMAT"


FAST_COLUMNS = frozenset({tables.Column, DateColumn, DateTimeColumn})


class _Cells:
    """How one column's cells are written, worked out once per rendering of the table."""

    def __init__(self, table: FastTable, bound_column) -> None:
        self.table, self.bound_column, self.column = table, bound_column, bound_column.column
        self.ours = type(self.column) in FAST_COLUMNS
        self.choices: dict[type, bool] = {}
        # The <td> attributes once for the column, unless they are computed from each record.
        self.td = None if _per_record(bound_column) else bound_column.attrs["td"].as_html()

    def html(self, row) -> str:
        value = self.value(row) if self.ours else row.get_cell(self.bound_column.name)
        td = self.td
        if td is None:  # as BoundRow.items() does, so the attributes' callables see the record and value
            self.bound_column.current_record, self.bound_column.current_value = row.record, value
            td = self.bound_column.attrs["td"].as_html()
        return f"<td {td}>{conditional_escape(localize(template_localtime(value)))}</td>"

    def value(self, row):
        """BoundRow.get_cell for our column classes."""
        value = self.resolve(row.record)
        if value in self.column.empty_values:
            return self.bound_column.default
        arguments = self.arguments(row, value)
        content = _call(self.bound_column.render, arguments)
        return self.bound_column.link(content, **arguments) if self.bound_column.link else content

    def export(self, row):
        """BoundRow.get_cell_value (exports: value_<name>, else render_<name>, else Column.value)."""
        if not self.ours:
            return row.get_cell_value(self.bound_column.name)
        value = self.resolve(row.record)
        if value in self.column.empty_values:
            return None
        fn = self.bound_column.value
        if getattr(fn, "__func__", None) is tables.Column.value:
            fn = self.column.render  # Column.value calls render with the same arguments
        return _call(fn, self.arguments(row, value))

    def arguments(self, row, value) -> dict:
        """What a render or value method may ask for, as django-tables2 offers it."""
        return {
            "value": value,
            "record": row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }

    def resolve(self, record):
        """The record's value for the column; a choice field's label, as django-tables2 shows it."""
        accessor = self.bound_column.accessor
        penultimate, remainder = accessor.penultimate(record)
        if isinstance(penultimate, models.Model) and self.has_choices(type(record)):
            display = getattr(penultimate, f"get_{remainder}_display", None)
            if display is not None:
                return display()
        if not remainder:
            return None
        try:
            return accessor.resolve(record)
        except Exception:  # noqa: BLE001 (django-tables2 shows a failed lookup as an empty cell too)
            return None

    def has_choices(self, model: type) -> bool:
        if model not in self.choices:
            field = self.bound_column.accessor.get_field(model)
            self.choices[model] = bool(getattr(field, "choices", ()))
        return self.choices[model]


def _call(fn: Callable, arguments: dict):
    """django_tables2.utils.call_with_appropriate, with fn's parameters worked out once per function."""
    parameters = _parameters(fn)
    if parameters is None:
        return tables.utils.call_with_appropriate(fn, arguments)
    names, catch_all = parameters
    if catch_all:
        return fn(**arguments)
    if any(name not in arguments for name in names):
        return None  # as django-tables2 does: a function asking for something unknown is not called
    return fn(**{name: arguments[name] for name in names})


def _parameters(fn: Callable) -> tuple | None:
    """signature(fn) from django-tables2, cached for plain functions and methods; None for others."""
    try:
        if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
            names, catch_all = _signature(fn.__func__)
            return names[1:], catch_all  # a bound method's first argument is filled
        if inspect.isfunction(fn):
            return _signature(fn)
    except TypeError:  # unhashable
        pass
    return None


@functools.lru_cache(maxsize=512)
def _signature(func) -> tuple:
    # Render methods are functions of the table and column classes: their signatures never change.
    return signature(func)


def _per_record(column) -> bool:
    """Whether a column's cell attributes are computed from each record (callables)."""
    attrs = {**column.column.attrs.get("cell", {}), **column.column.attrs.get("td", {})}
    return any(callable(value) for value in attrs.values())


def visible_from(breakpoint: str, *, nowrap: bool = False, extra: str = "") -> dict:
    """Cell attributes showing a column only from a Bootstrap breakpoint up ("xs": always)."""
    css = [] if breakpoint == "xs" else ["d-none", f"d-{breakpoint}-table-cell"]
    css += [extra] if extra else []
    cell = css + ["text-nowrap"] if nowrap else css
    return {"th": {"class": " ".join(css)}, "td": {"class": " ".join(cell)}}
