"""Pieces shared by the filterable lists (clients, incidents, mediations, access log)."""

PAGING_PARAMETERS = ("page", "sort", "per_page")


class FilteredListMixin:
    """Tells the template whether any filter is on (the filter bar stays open, the empty state
    offers to clear the filters)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filtered"] = any(v for k, v in self.request.GET.items() if k not in PAGING_PARAMETERS)
        return context


def label_date_range(filterset, name: str, low: str, high: str) -> None:
    """Give the two inputs of a date-range filter their own accessible names."""
    first, second = filterset.filters[name].field.widget.widgets
    first.attrs["aria-label"], second.attrs["aria-label"] = low, high
