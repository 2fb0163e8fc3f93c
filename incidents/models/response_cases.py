"""After a shooting (issue #16): the response case a homicide or non-fatal shooting opens, its tasks due
from the program standard, and the people at risk. A task is completed by a `Response`, the record of the
peacekeeper who went: one concept, not two."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.audit import audited
from core.limits import LONG_TEXT_MAX
from incidents.models import reasons
from incidents.models.incidents import Incident, Response, ResponseKind
from outreach.models import Client

MAX_DUE_HOURS = 24 * 366  # a standard's window: at most a year after the incident

# The default program standard's task titles (incidents.response_cases.DEFAULT_STANDARD), stored in English on
# the standard and on each task, shown in the reader's language. A title the program wrote itself (in the
# admin) is its own words and is shown as written.
STANDARD_TITLES = {
    "scene": gettext_noop("Scene response"),
    "hospital": gettext_noop("Hospital bedside visit"),
    "family": gettext_noop("Family contact"),
    "conflict": gettext_noop("Conflict check or mediation attempt"),
    "at_risk": gettext_noop("Contact a person at risk"),
    "week": gettext_noop("Follow-up at one week"),
    "month": gettext_noop("Follow-up at one month"),
    "four_months": gettext_noop("Follow-up at four months"),
}
_DEFAULT_TITLES = frozenset(STANDARD_TITLES.values())


def title_in_language(title: str) -> str:
    """A task's or standard's title in the active language when it is one of the default standard's."""
    return gettext(title) if title in _DEFAULT_TITLES else title


class StandardWhen(models.TextChoices):
    EVERY = "every", _("After every homicide and non-fatal shooting")
    WOUNDED = "wounded", _("When someone was wounded")
    KILLED = "killed", _("When someone was killed")


class ResponseStandard(models.Model):
    """One task of the program standard: what peacekeepers do after a homicide or non-fatal shooting, and
    within how many hours of it. Edited by administrators (Django admin); a change applies to cases opened
    afterwards."""

    kind = models.CharField(max_length=20, choices=ResponseKind, verbose_name=_("kind"))
    title = models.CharField(max_length=120, verbose_name=_("title"))
    when = models.CharField(max_length=10, choices=StandardWhen, default=StandardWhen.EVERY, verbose_name=_("when"))
    due_hours = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DUE_HOURS)],
        help_text=_("Hours after the incident by which the task is due."),
        verbose_name=_("due hours"),
    )
    # A task for each person at risk (associates, the other side of a conflict) rather than one per case.
    per_person = models.BooleanField(
        default=False, help_text=_("One task for each person at risk."), verbose_name=_("per person")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        verbose_name = _("response standard")
        verbose_name_plural = _("response standards")
        ordering = ["position", "due_hours", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_hours__gte=1, due_hours__lte=MAX_DUE_HOURS), name="response_standard_due_hours"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(title)s (within %(hours)s h)") % {"title": self.display_title, "hours": self.due_hours}

    @property
    def display_title(self) -> str:
        return title_in_language(self.title)

    def applies_to(self, incident: Incident) -> bool:
        if self.when == StandardWhen.WOUNDED:
            return (incident.injured or 0) > 0
        if self.when == StandardWhen.KILLED:
            return (incident.killed or 0) > 0
        return True


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Retaliation(models.TextChoices):
    NONE_KNOWN = "none_known", _("No retaliation known")
    OCCURRED = "occurred", _("Retaliation occurred")
    UNKNOWN = "unknown", _("Not known")


class ResponseCaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ResponseCaseQuerySet":
        """The program roles (peacekeepers, managers, admins): every case, as every incident is theirs to
        see; which people at risk a peacekeeper may see is Client.visible_to's rule. Analysts: none."""
        return self if roles.can_record_responses(user) else self.none()

    def open(self) -> "ResponseCaseQuerySet":
        return self.filter(status=CaseStatus.OPEN)


@audited()
class ResponseCase(models.Model):
    """The program's response to one homicide or non-fatal shooting, racing retaliation: opened when it is
    logged (by the form, the web import or the command import; one per incident), closed by a manager with a
    review once the risk window is over."""

    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, related_name="response_case", verbose_name=_("incident")
    )
    opened_at = models.DateTimeField(default=timezone.now, verbose_name=_("opened at"))
    # Ties of a victim stay at raised risk for about four months (settings.RESPONSE_WINDOW_DAYS).
    window_ends_at = models.DateTimeField(verbose_name=_("window ends at"))
    status = models.CharField(max_length=10, choices=CaseStatus, default=CaseStatus.OPEN, verbose_name=_("status"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    retaliation = models.CharField(max_length=20, choices=Retaliation, blank=True, verbose_name=_("retaliation"))
    review = models.TextField(_("closing review"), blank=True, max_length=LONG_TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ResponseCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response case")
        verbose_name_plural = _("response cases")
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["status", "opened_at"], name="response_case_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False, closed_by__isnull=False),
                name="response_case_closed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Response to %(case)s") % {"case": self.incident.case_number}

    def get_absolute_url(self) -> str:
        return reverse("incidents:response_case_detail", args=[self.pk])

    @property
    def window_over(self) -> bool:
        return timezone.now() >= self.window_ends_at


def due_after(start: datetime.datetime, hours: int) -> datetime.datetime:
    """`hours` after `start`, whole days counted on the local calendar: a follow-up at four months is due at the
    incident's local time of day, not an hour off across a change of the clocks."""
    if hours % 24:
        return start + datetime.timedelta(hours=hours)
    local = timezone.localtime(start).replace(tzinfo=None)
    return timezone.make_aware(local + datetime.timedelta(days=hours // 24))


def window_end(incident: Incident) -> datetime.datetime:
    return due_after(incident.occurred_at, settings.RESPONSE_WINDOW_DAYS * 24)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    NOT_NEEDED = "not_needed", _("Not needed")


class ResponseTaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ResponseTaskQuerySet":
        """Managers and admins: every task. Peacekeepers: the tasks for their own caseload, those assigned to
        them, and the unassigned ones (offered to every peacekeeper). Anyone else: none."""
        if roles.can_see_all_clients(user):
            return self
        if not roles.is_peacekeeper(user):
            return self.none()
        caseload = Client.objects.visible_to(user).values("pk")
        return self.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True) | Q(person__in=caseload))

    def open(self) -> "ResponseTaskQuerySet":
        return self.filter(status=TaskStatus.OPEN, case__status=CaseStatus.OPEN)

    def late(self, now: datetime.datetime | None = None) -> "ResponseTaskQuerySet":
        return self.open().filter(due_at__lt=now or timezone.now())


@audited()
class ResponseTask(models.Model):
    """One thing to do for a response case, due by a time: from the program standard, or for one person at
    risk. Done when a response records it (`response`), or marked not needed with a note."""

    case = models.ForeignKey(ResponseCase, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("case"))
    standard = models.ForeignKey(
        ResponseStandard, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("standard")
    )
    kind = models.CharField(max_length=20, choices=ResponseKind, verbose_name=_("kind"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    due_at = models.DateTimeField(verbose_name=_("due at"))
    # A person at risk (a victim's associate, the other side of a conflict) or the wounded client to visit.
    person = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="response_tasks", verbose_name=_("person")
    )
    reason = models.CharField(
        max_length=300, blank=True, help_text=_("Why this person is at risk."), verbose_name=_("reason")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="response_tasks",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(max_length=20, choices=TaskStatus, default=TaskStatus.OPEN, verbose_name=_("status"))
    response = models.OneToOneField(
        Response,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task",
        help_text=_("The response that did it."),
        verbose_name=_("response"),
    )
    note = models.TextField(
        blank=True, max_length=LONG_TEXT_MAX, help_text=_("Why it was not needed."), verbose_name=_("note")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ResponseTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("response task")
        verbose_name_plural = _("response tasks")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="response_task_due")]
        constraints = [
            # One task per standard per case, and one per person and kind: opening again adds nothing.
            models.UniqueConstraint(
                fields=["case", "standard"],
                condition=Q(person__isnull=True, standard__isnull=False),
                name="response_task_once_per_standard",
            ),
            models.UniqueConstraint(
                fields=["case", "person", "kind"],
                condition=Q(person__isnull=False),
                name="response_task_once_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status="done", response__isnull=False)
                | Q(status="not_needed", response__isnull=True)
                | Q(status="open", response__isnull=True),
                name="response_task_done_by_a_response",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_title} ({self.case.incident.case_number})"

    @property
    def display_title(self) -> str:
        """The title in the reader's language (stored in English for the default standard's tasks)."""
        return title_in_language(self.title)

    @property
    def display_reason(self) -> str:
        """Why the person is at risk, in the reader's language (stored in English: incidents.models.reasons)."""
        return reasons.in_language(self.reason)

    def clean(self) -> None:
        if self.status == TaskStatus.NOT_NEEDED and not self.note.strip():
            raise ValidationError({"note": gettext("Say why this task is not needed.")})

    @property
    def late(self) -> bool:
        return self.status == TaskStatus.OPEN and self.due_at < timezone.now()

    @property
    def done_in_time(self) -> bool:
        return self.status == TaskStatus.DONE and self.response.responded_at <= self.due_at
