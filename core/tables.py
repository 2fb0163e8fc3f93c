"""A django-tables2 base shared by every list: 25 rows a page, `per_page` up to 500."""

import datetime
import functools
import inspect
from collections.abc import Iterator
from dataclasses import dataclass

import django_tables2 as tables
import django_tables2.utils
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

_signature = django_tables2.utils.signature


@functools.lru_cache(maxsize=512)
def _cached_signature(func) -> tuple:
    return _signature(func)


def _signature_once(fn) -> tuple:
    """django-tables2's signature(fn), worked out once per function rather than once per cell.

    django-tables2 inspects a column's render method for every cell it renders (inspect.signature
    is slow): on a 25-row list that was a sixth of the page's time. Render methods are functions of
    the table and column classes, so their signatures never change. Anything but a plain function
    or bound method, or an unhashable callable, goes to django-tables2 as before.
    """
    try:
        if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
            args, kwargs_name = _cached_signature(fn.__func__)
            return args[1:], kwargs_name  # a bound method's first argument is filled
        if inspect.isfunction(fn):
            return _cached_signature(fn)
    except TypeError:
        pass
    return _signature(fn)


django_tables2.utils.signature = _signature_once

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class RowHTML:
    attrs: SafeString
    cells: SafeString


class PaginatedTable(tables.Table):
    def paginate(self, paginator_class=tables.paginators.Paginator, per_page=None, page=1, *args, **kwargs):
        # RequestConfig passes ?per_page= straight through: bound it so nobody can ask for a million rows.
        per_page = max(1, min(per_page or DEFAULT_PER_PAGE, MAX_PER_PAGE))
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    def body_rows(self) -> Iterator[RowHTML]:
        """The page's rows as HTML, for templates/django_tables2/peacekeeper.html.

        The stock template resolves each cell's attributes and value through the template engine,
        which made a 25-row client list spend most of its time there. Here a column's <td>
        attributes are worked out once (per cell only when they depend on the record) and the cells
        are escaped, localized and put in local time as `{{ cell }}` would be.
        """
        columns = [(column, None if _per_record(column) else column.attrs["td"].as_html()) for column in self.columns]
        for row in self.paginated_rows:
            cells = []
            for (column, fixed), (_, value) in zip(columns, row.items(), strict=True):
                attrs = fixed if fixed is not None else column.attrs["td"].as_html()
                # Both parts are safe: attributes from AttributeDict.as_html, the value escaped here.
                cells.append(f"<td {attrs}>{conditional_escape(localize(template_localtime(value)))}</td>")
            yield RowHTML(row.attrs.as_html(), mark_safe("".join(cells)))  # noqa: S308


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
