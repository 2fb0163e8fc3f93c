"""The shared list table: rows written in Python, signatures worked out once."""

import datetime

import django_tables2 as tables
import pytest

from core.tables import DateTimeColumn, PaginatedTable, _signature, _signature_once


class Row:
    def __init__(self, name, when):
        self.name, self.when = name, when


class People(PaginatedTable):
    name = tables.Column(attrs={"td": {"class": "who"}})
    when = DateTimeColumn()
    shout = tables.Column(accessor="name", empty_values=())

    def render_shout(self, value, record):
        return value.upper()


def test_rows_are_escaped_localized_and_in_local_time(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    when = datetime.datetime(2018, 1, 1, 7, 30, tzinfo=datetime.UTC)  # 31 Dec 2017, 23:30 local
    table = People([Row("<b>Ann</b>", when)])
    table.paginate(per_page=25)
    (row,) = list(table.body_rows())
    assert '<td class="who">&lt;b&gt;Ann&lt;/b&gt;</td>' in row.cells
    assert "Dec 31, 2017" in row.cells and "&lt;B&gt;ANN&lt;/B&gt;" in row.cells
    assert "<b>" not in row.cells


class Callable:
    __hash__ = None  # unhashable

    def __call__(self, value, record):
        return value


def test_signatures_are_the_ones_django_tables2_would_find():
    table = People([])
    cases = [table.render_shout, People.render_shout, lambda value: value, Callable(), staticmethod(len).__func__]
    for fn in cases:
        assert _signature_once(fn) == _signature(fn), fn


@pytest.mark.parametrize("per_page", [0, 10_000])
def test_a_page_size_is_bounded(per_page):
    table = People([Row(str(i), None) for i in range(600)])
    table.paginate(per_page=per_page)
    assert 1 <= len(table.page.object_list) <= 500
