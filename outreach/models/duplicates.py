"""Possible duplicates found at intake, waiting for a manager's review."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from outreach.models.clients import Client


class PossibleDuplicateQuerySet(models.QuerySet):
    def waiting(self) -> "PossibleDuplicateQuerySet":
        """Open reviews, oldest first, with what the review list shows (a fixed number of queries)."""
        return (
            self.filter(status=PossibleDuplicate.Status.OPEN, client__isnull=False)
            .select_related("client", "created_by")
            .prefetch_related(models.Prefetch("matches", Client.objects.order_by("code")))
        )


@audited()
class PossibleDuplicate(models.Model):
    """A client created at intake while records the creator may not see looked like the same
    person: a manager reviews it (the creator is never told, so a caseload stays private)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        MERGED = "merged", _("Same person: merged")
        DISMISSED = "dismissed", _("Different people")

    # The new record; emptied when a merge folds it into the record it duplicated (its code stays).
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, related_name="duplicate_reviews")
    client_code = models.CharField(max_length=20)
    matches = models.ManyToManyField(Client, related_name="+")
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    merged_into = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = PossibleDuplicateQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        indexes = [models.Index(fields=["status", "created_at"], name="possible_duplicate_open")]

    def __str__(self) -> str:
        return f"{self.client_code}: {self.get_status_display()}"
