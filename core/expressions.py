"""Small SQL expressions shared by the apps."""

from django.db.models import IntegerField, Subquery


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery: one number per outer row, no join fan-out."""

    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()

    def __init__(self, queryset, **kwargs) -> None:
        super().__init__(queryset.order_by(), **kwargs)  # a model's default ordering only costs a sort


class SubquerySum(Subquery):
    """SUM of the single column a correlated subquery selects (0 when it has no rows)."""

    template = "(SELECT coalesce(sum(_sum.value), 0) FROM (%(subquery)s) _sum(value))"
    output_field = IntegerField()

    def __init__(self, queryset, **kwargs) -> None:
        super().__init__(queryset.order_by(), **kwargs)
