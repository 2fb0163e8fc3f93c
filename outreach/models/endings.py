"""How a case goes on and ends: a client's enrolment periods (each with its exit) and the
transfers of a case from one primary peacekeeper to another."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from core.form_keys import form_key_field
from core.people import display_name
from outreach.models.clients import Client, ClientStatus, ExitReason, local_today

CLOSING_NOTE_MAX = 2000

# The closing note written when a client is recorded as killed in an incident (incidents.services), stored in these
# English words as every note is stored as written, and read in the reader's language (closing_note_in_language).
KILLED_NOTE = gettext_noop("Recorded as killed in incident %(case)s on %(day)s.")
KILLED_BEFORE_ENROLMENT = gettext_noop(
    "That is before the enrolment date, so the exit is dated at enrolment: check the dates."
)
_KILLED_NOTE = re.compile(
    r"Recorded as killed in incident (?P<case>\S+) on (?P<day>\d{1,2} [A-Z][a-z]+ \d{4})\.(?P<before> "
    + re.escape(KILLED_BEFORE_ENROLMENT)
    + ")?"
)


def killed_note(*, case_number: str, died_on: datetime.date, before_enrolment: bool) -> str:
    """The closing note of a client recorded as killed in incident `case_number` (English, as stored)."""
    note = KILLED_NOTE % {"case": case_number, "day": f"{died_on.day} {died_on:%B %Y}"}
    return f"{note} {KILLED_BEFORE_ENROLMENT}" if before_enrolment else note


def closing_note_in_language(note: str) -> str:
    """A closing note in the reader's language: the one written when a client is recorded as killed, translated with
    its date in the language's format; any other note as written."""
    found = _KILLED_NOTE.fullmatch(note or "")
    if found is None or (get_language() or "en").startswith("en"):
        return note  # in English as stored
    try:
        day = datetime.datetime.strptime(found["day"], "%d %B %Y").date()  # noqa: DTZ007 (a date, not a time)
    except ValueError:
        return note
    text = gettext(KILLED_NOTE) % {"case": found["case"], "day": date_format(day, "DATE_FORMAT")}
    return f"{text} {gettext(KILLED_BEFORE_ENROLMENT)}" if found["before"] else text


# The report's counting of clients (issue #15), written once on the enrolment periods, which give
# the right answer for a past day: a client enrolled in January, exited in March and enrolled
# again in August was active on 28 February, though their own dates now say August. The status's
# history is not recorded, so a client whose status is inactive today is counted active on no day.
# reports.quarterly filters on these (as Q objects, inside its one aggregate per table).
def _periods_from(first: datetime.date, last: datetime.date) -> "models.QuerySet":
    """The client's (OuterRef "pk") periods with a day from first to last: enrolled by last, not
    exited before first."""
    return EnrolmentPeriod.objects.filter(client=OuterRef("pk"), enrolled_on__lte=last).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gte=first)
    )


def active_on(day: datetime.date) -> Q:
    """Clients active on a day: in an enrolment period that began by it and had not ended by it
    (a client who exits on a day is no longer active on it), and not inactive."""
    return Q(Exists(_periods_from(day, day).exclude(exited_on=day))) & ~Q(status=ClientStatus.INACTIVE)


def active_during(first: datetime.date, last: datetime.date) -> Q:
    """Clients active on some day from first to last, and not inactive."""
    return Q(Exists(_periods_from(first, last))) & ~Q(status=ClientStatus.INACTIVE)


def exited_during(first: datetime.date, last: datetime.date) -> Q:
    """Clients who left the program from first to last, from a period they had enrolled in: closing
    a referral that never enrolled is not an exit of the program."""
    return Q(Exists(EnrolmentPeriod.objects.exits_during(first, last).filter(client=OuterRef("pk"))))


class EnrolmentPeriodQuerySet(models.QuerySet):
    def exits_during(self, first: datetime.date, last: datetime.date) -> "EnrolmentPeriodQuerySet":
        """Exits of the program from first to last: periods that began with an enrolment."""
        return self.filter(exited_on__gte=first, exited_on__lte=last, enrolled_on__isnull=False)

    def covering(self, day) -> "EnrolmentPeriodQuerySet":
        """Periods that include a day (a date or an expression): from enrolment to exit, both included."""
        return self.filter(enrolled_on__lte=day).filter(Q(exited_on__isnull=True) | Q(exited_on__gte=day))


@audited()
class EnrolmentPeriod(models.Model):
    """One stretch of a client's time on the program, from enrolment to exit (open while it runs).

    The client's `enrolled_on`, `exited_on` and `exit_reason` mirror the latest period; re-enrolment
    starts a new one, so earlier periods stay in the history."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="periods", verbose_name=_("client"))
    # None for a client who left while still referred (never enrolled): the exit is kept all the same.
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=20, choices=ExitReason, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True, max_length=CLOSING_NOTE_MAX)
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrolmentPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-enrolled_on", "-pk"]
        verbose_name = _("enrolment period")
        verbose_name_plural = _("enrolment periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True, exit_reason="") | (Q(exited_on__isnull=False) & ~Q(exit_reason="")),
                name="period_exit_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("enrolled_on")),
                name="period_exit_not_before_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(enrolled_on__isnull=False) | Q(exited_on__isnull=False), name="period_has_a_date"
            ),
            models.UniqueConstraint(fields=["client"], condition=Q(exited_on__isnull=True), name="period_one_open"),
        ]

    def __str__(self) -> str:
        start = date_format(self.enrolled_on) if self.enrolled_on else gettext("never enrolled")
        end = date_format(self.exited_on) if self.exited_on else gettext("now")
        return gettext("%(code)s: %(start)s to %(end)s") % {"code": self.client.code, "start": start, "end": end}

    def get_absolute_url(self) -> str:
        return reverse("outreach:client_detail", args=[self.client_id])

    # How the history page shows a field's values (core.history): the closing note in the reader's language.
    HISTORY_DISPLAY = {"closing_note": closing_note_in_language}

    @property
    def display_closing_note(self) -> str:
        return closing_note_in_language(self.closing_note)

    @property
    def is_open(self) -> bool:
        return self.exited_on is None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.exited_on and not self.exit_reason:
            errors["exit_reason"] = gettext("Give the reason the client left the program.")
        if self.exit_reason and not self.exited_on:
            errors["exited_on"] = gettext("Give the date the client left the program.")
        if self.exited_on and self.enrolled_on and self.exited_on < self.enrolled_on:
            errors["exited_on"] = gettext("The exit date cannot be before the enrolment date.")
        if not self.enrolled_on and not self.exited_on:
            errors["enrolled_on"] = gettext("Give the date the client enrolled.")
        if len(self.closing_note or "") > CLOSING_NOTE_MAX:
            errors["closing_note"] = gettext("Keep the closing note under %(max)s characters.") % {
                "max": CLOSING_NOTE_MAX
            }
        today = local_today()
        for field in ("enrolled_on", "exited_on"):
            value = getattr(self, field)
            if value and value > today:
                errors.setdefault(field, gettext("This date is in the future."))
        if errors:
            raise ValidationError(errors)


@audited()
class ClientTransfer(models.Model):
    """A case handed from one primary peacekeeper to another, with why."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("client"))
    from_peacekeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from peacekeeper"),
    )
    to_peacekeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("to peacekeeper")
    )
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transferred by"),
    )
    note = models.TextField(_("note"), blank=True, max_length=CLOSING_NOTE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["client", "-created_at", "-pk"]
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        constraints = [
            models.CheckConstraint(
                condition=Q(from_peacekeeper__isnull=True) | ~Q(from_peacekeeper=F("to_peacekeeper")),
                name="transfer_to_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(code)s to %(name)s") % {"code": self.client.code, "name": display_name(self.to_peacekeeper)}

    def get_absolute_url(self) -> str:
        return reverse("outreach:client_detail", args=[self.client_id])
