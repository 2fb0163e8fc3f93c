"""Contacts (mentoring sessions and every other touch) and the triggers keeping a client's last contact."""

import datetime

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.audit import audited
from core.form_keys import form_key_field
from core.limits import LONG_TEXT_MAX
from outreach.models.clients import Client


class ContactKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    TEXT_SOCIAL = "text_social", _("Text / social media")
    HOME_VISIT = "home_visit", _("Home visit")
    GROUP = "group", _("Group session")
    HOSPITAL_VISIT = "hospital_visit", _("Hospital visit")
    COURT_SCHOOL = "court_school", _("Court / school accompaniment")


class Topic(models.TextChoices):
    CONFLICT_RESOLUTION = "conflict_resolution", _("Conflict resolution")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    FAMILY = "family", _("Family")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    LEGAL = "legal", _("Legal")
    LIFE_SKILLS = "life_skills", _("Life skills")


# The clients' rows are locked first (NO KEY UPDATE: it does not wait for the key-share locks of
# contacts being inserted), and the UPDATE, a new statement, then sees every contact committed
# meanwhile: two transactions adding contacts to one client cannot leave the older time behind.
LAST_CONTACT_SQL = """
    PERFORM 1 FROM outreach_client WHERE id IN ({clients}) ORDER BY id FOR NO KEY UPDATE;
    UPDATE outreach_client SET last_contact_at = latest.at
    FROM (
        SELECT client.id, (SELECT max(occurred_at) FROM outreach_contact WHERE client_id = client.id) AS at
        FROM outreach_client client WHERE client.id IN ({clients})
    ) latest
    WHERE outreach_client.id = latest.id AND outreach_client.last_contact_at IS DISTINCT FROM latest.at;
    RETURN NULL;
"""


def last_contact_trigger(name: str, operation, *, old: bool = False, new: bool = False) -> pgtrigger.Trigger:
    """A statement-level trigger on Contact running LAST_CONTACT_SQL for the clients it touched."""
    tables = [table for table, wanted in (("old_values", old), ("new_values", new)) if wanted]
    return pgtrigger.Trigger(
        name=f"client_last_contact_on_{name}",
        operation=operation,
        when=pgtrigger.After,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(old="old_values" if old else None, new="new_values" if new else None),
        # Only the two fixed transition-table names above go into the SQL.
        func=LAST_CONTACT_SQL.format(clients=" UNION ".join(f"SELECT client_id FROM {t}" for t in tables)),  # noqa: S608
    )


# The longest contact one record may hold (12 hours): the model, its database constraint, its
# form (the input's min and max, the browser's message) and its message all read it from here.
CONTACT_MAX_MINUTES = 720
# The one wording of that rule, wherever it is said or broken: the form's help, the browser, the
# form, the model.
# (Lazy: said in the language of the request that shows it.)
_DURATION_LIMITS = {"minutes": CONTACT_MAX_MINUTES, "hours": f"{CONTACT_MAX_MINUTES / 60:g}"}
CONTACT_DURATION_HELP = lazy(
    lambda: gettext("Between 1 and %(minutes)s minutes (%(hours)s hours).") % _DURATION_LIMITS, str
)()
CONTACT_DURATION_MESSAGE = lazy(
    lambda: gettext("Enter a duration between 1 and %(minutes)s minutes (%(hours)s hours).") % _DURATION_LIMITS, str
)()


@audited()
class Contact(models.Model):
    """A mentoring session or any other touch with a client."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("client"))
    peacekeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("peacekeeper")
    )
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    # The validators say the rule's one message; Django then adds no 0 to 32767 range check of its own.
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[
            MinValueValidator(1, CONTACT_DURATION_MESSAGE),
            MaxValueValidator(CONTACT_MAX_MINUTES, CONTACT_DURATION_MESSAGE),
        ],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind, default=ContactKind.IN_PERSON)
    location = models.CharField(_("location"), max_length=200, blank=True)
    topics = ArrayField(
        models.CharField(max_length=30, choices=Topic), default=list, blank=True, verbose_name=_("topics")
    )
    notes = models.TextField(_("notes"), blank=True, max_length=LONG_TEXT_MAX)
    conflict_risk = models.BooleanField(_("conflict or retaliation risk"), default=False)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=LONG_TEXT_MAX)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    form_key = form_key_field()
    # Field mode (outreach/field.py): when the peacekeeper saved it on the phone with no connection.
    # It reached the server at created_at; a contact saved online leaves this empty.
    written_offline_at = models.DateTimeField(
        _("written offline at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When it was saved on the phone in field mode, before it was sent (empty when saved online)."),
    )
    # The sent record's SHA-256 (its form entries and client): the same one-time key with other content is refused.
    field_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    MAX_MINUTES = CONTACT_MAX_MINUTES

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["client", "-occurred_at"]),
            models.Index(fields=["peacekeeper", "-occurred_at"]),
            # Covering: the report's contact counts, hours and contacted clients read only the index.
            models.Index(fields=["occurred_at"], include=["duration_minutes", "client", "id"], name="contact_by_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=CONTACT_MAX_MINUTES),
                name=f"contact_duration_1_{CONTACT_MAX_MINUTES}",
            ),
        ]
        # Client.last_contact_at follows every insert, update and delete, by whatever means (forms,
        # imports, COPY, raw SQL): once per statement, for the clients the statement touched.
        triggers = [
            last_contact_trigger("insert", pgtrigger.Insert, new=True),
            last_contact_trigger("update", pgtrigger.Update, old=True, new=True),
            last_contact_trigger("delete", pgtrigger.Delete, old=True),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s with %(code)s on %(day)s") % {
            "kind": self.get_kind_display(),
            "code": self.client.code,
            "day": date_format(timezone.localdate(self.occurred_at)),
        }

    CORRECTION_DAYS = 7

    def may_be_corrected_by(self, user) -> bool:
        """Its author may correct a contact for 7 days after logging it; managers and admins always.
        (Nobody but an administrator deletes one: corrections are kept in the audit trail.)"""
        if roles.can_see_all_clients(user):
            return True
        recent = self.created_at >= timezone.now() - datetime.timedelta(days=self.CORRECTION_DAYS)
        return self.peacekeeper_id == user.pk and recent

    @property
    def topic_labels(self) -> list[str]:
        return [Topic(t).label for t in self.topics if t in Topic.values]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.occurred_at:
            if self.occurred_at > timezone.now() + datetime.timedelta(minutes=5):
                errors["occurred_at"] = gettext("A contact cannot be in the future.")
            elif self.client_id and timezone.localdate(self.occurred_at) < self.client.referred_on:
                errors["occurred_at"] = gettext("The client was referred on %(date)s; a contact cannot be earlier.") % {
                    # The format itself is translated: 12/31/2026 in English, 31/12/2026 in Spanish.
                    "date": date_format(self.client.referred_on, pgettext("numeric date format", "m/d/Y"))
                }
        unknown = [t for t in self.topics if t not in Topic.values]
        if unknown:
            errors["topics"] = gettext("Unknown topics: %(topics)s.") % {"topics": ", ".join(unknown)}
        if self.follow_up_on and self.occurred_at and self.follow_up_on < timezone.localdate(self.occurred_at):
            errors["follow_up_on"] = gettext("The follow-up date cannot be before the contact.")
        if errors:
            raise ValidationError(errors)
