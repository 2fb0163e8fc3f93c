"""A django-tables2 base shared by every list: 25 rows a page, `per_page` up to 500."""

import django_tables2 as tables

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 500


class PaginatedTable(tables.Table):
    def paginate(self, paginator_class=tables.paginators.Paginator, per_page=None, page=1, *args, **kwargs):
        # RequestConfig passes ?per_page= straight through: bound it so nobody can ask for a million rows.
        per_page = max(1, min(per_page or DEFAULT_PER_PAGE, MAX_PER_PAGE))
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)


def visible_from(breakpoint: str, *, nowrap: bool = False, extra: str = "") -> dict:
    """Cell attributes showing a column only from a Bootstrap breakpoint up ("xs": always)."""
    css = [] if breakpoint == "xs" else ["d-none", f"d-{breakpoint}-table-cell"]
    css += [extra] if extra else []
    cell = css + ["text-nowrap"] if nowrap else css
    return {"th": {"class": " ".join(css)}, "td": {"class": " ".join(cell)}}
