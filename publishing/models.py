"""A public copy of the quarterly report, from its preparation to its publication: once published,
the row is the record of exactly what was released, by whom and when, and the database refuses to
change or delete it (`published_copy_is_a_record`)."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.form_keys import form_key_field
from core.quarters import Quarter


class CopyStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the background worker")
    PREPARING = "preparing", _("Preparing the copy")
    READY = "ready", _("Ready to publish")
    FAILED = "failed", _("Could not be prepared")
    PUBLISHED = "published", _("Published")
    DISCARDED = "discarded", _("Not published")


class PublishedCopyQuerySet(models.QuerySet):
    def published(self) -> "PublishedCopyQuerySet":
        """Released copies, oldest publication first (the order the audit reads them in)."""
        return self.filter(status=CopyStatus.PUBLISHED).order_by("published_at", "pk")

    def of(self, quarter: Quarter) -> "PublishedCopyQuerySet":
        return self.filter(year=quarter.year, quarter=quarter.number)

    def in_progress(self) -> "PublishedCopyQuerySet":
        return self.filter(status__in=PublishedCopy.ACTIVE)


class PublishedCopy(models.Model):
    """A public copy of one quarter's report: prepared by a background job (publishing.tasks), then
    published, as version 1, 2, ... of that quarter, or left unpublished."""

    ACTIVE = (CopyStatus.WAITING, CopyStatus.PREPARING)

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(choices=[(n, f"Q{n}") for n in range(1, 5)])
    status = models.CharField(max_length=20, choices=CopyStatus, default=CopyStatus.WAITING)
    # Set when published: the quarter's versions count 1, 2, ... in the order they were published.
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(
        blank=True, max_length=2000, help_text=_("Why a new version replaces the one before (a correction).")
    )
    # The report as computed: the days it covers, when, and whether the quarter was still running.
    through = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    preliminary = models.BooleanField(default=False)
    # The copy exactly as released (publishing.frozen): tables with the hidden cells marked, headline.
    content = models.JSONField(default=dict, blank=True)
    # Known to the program only, never shown to the public nor to analysts: the hidden cells' true values
    # (the next audits need them) and the audit's interval for each hidden cell (managers only).
    hidden_values = models.JSONField(default=list, blank=True)
    audit = models.JSONField(default=dict, blank=True)
    # The copies already published when it was prepared: publishing is refused if another came since.
    basis = models.JSONField(default=list, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The background job: its id, progress (rounds of the audit) and the reason it failed.
    task_id = models.CharField(max_length=64, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_text = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)
    form_key = form_key_field()

    objects = PublishedCopyQuerySet.as_manager()

    class Meta:
        ordering = ["year", "quarter", "version", "prepared_at"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter", "version"], name="published_copy_version_once"),
            models.CheckConstraint(
                condition=models.Q(status="published", version__isnull=False, published_at__isnull=False)
                | (~models.Q(status="published") & models.Q(version__isnull=True)),
                name="published_copy_has_a_version",
            ),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="published_copy_quarter"),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="published_copy_by_status")]
        triggers = [
            pgtrigger.Protect(
                name="published_copy_is_a_record",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="published"),
            )
        ]

    def __str__(self) -> str:
        if self.version:
            return f"{self.year} Q{self.quarter} public copy, version {self.version}"
        return f"{self.year} Q{self.quarter} public copy (not published)"

    def get_absolute_url(self) -> str:
        if self.status == CopyStatus.PUBLISHED:
            return reverse("publishing:copy", args=[self.year, self.quarter, self.version])
        return reverse("publishing:draft", args=[self.pk])

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def label(self) -> str:
        """How the audit names it: "2018 Q3, version 2"."""
        return f"{self.period.label}, version {self.version}" if self.version else f"{self.period.label} (draft)"

    @property
    def version_line(self) -> str:
        """What every format of a published copy says about its version."""
        when = timezone.localtime(self.published_at)
        line = f"Public copy, version {self.version}, published {when.day} {when:%B %Y}."
        if self.version > 1:
            line += f" It replaces version {self.version - 1}: {self.reason}"
        return line

    @property
    def gives_away(self) -> int:
        """How many small counts its check lists as given away (by the copies published before it, or by a
        correction between versions): hiding more of this copy could not protect them."""
        cells = (self.audit or {}).get("cells", [])
        return sum(1 for cell in cells if cell.get("given_away") and not cell.get("protected"))

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE
