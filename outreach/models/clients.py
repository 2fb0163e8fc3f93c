"""Clients: who they are, their status on the program, who works with them, and their codes."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Left, Lower, StrIndex, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from accounts import roles
from accounts.audit import audited
from core.expressions import SubqueryCount
from core.form_keys import form_key_field
from core.phones import PHONE_MESSAGE, phone_display, phone_number, phone_tel, validate_plain_number
from outreach.models.neighborhoods import Neighborhood


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    ELEVATED = "elevated", _("Elevated")
    MODERATE = "moderate", _("Moderate")


class ReferralSource(models.TextChoices):
    POLICE = "police", _("Police")
    PROBATION_PAROLE = "probation_parole", _("Probation / parole")
    HOSPITAL = "hospital", _("Hospital")
    SCHOOL = "school", _("School")
    STREET_OUTREACH = "street_outreach", _("Street outreach")
    COMMUNITY_PARTNER = "community_partner", _("Community partner")
    SELF_FAMILY = "self_family", _("Self / family")
    # "Otra": a fuente de derivación, where a language is "Otro".
    OTHER = "other", pgettext_lazy("referral source", "Other")


class ClientStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    EXITED = "exited", _("Exited")


class ExitReason(models.TextChoices):
    # Plain English labels, marked but not lazy: the quarterly report puts them in the tables it stores
    # (public copies, as JSON). Pages translate them where they show them (`{% translate %}`, gettext).

    COMPLETED = "completed", gettext_noop("Completed the program")
    MOVED = "moved", gettext_noop("Moved away")
    INCARCERATED = "incarcerated", gettext_noop("Incarcerated")
    DECEASED = "deceased", gettext_noop("Deceased")
    DECLINED = "declined", gettext_noop("Declined services")
    LOST_CONTACT = "lost_contact", gettext_noop("Lost contact")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NONBINARY = "nonbinary", _("Non-binary")
    ANOTHER = "another", _("Another gender")
    NOT_STATED = "not_stated", _("Prefers not to say")


class Language(models.TextChoices):
    """A language a client prefers, or gave consent in (issue #18)."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    OTHER = "other", _("Other")


# Who is on the default client list and the worklists.
CURRENT_STATUSES = (ClientStatus.REFERRED, ClientStatus.ACTIVE)
# The stored value of incidents.InvolvementOutcome.WOUNDED (that app is above this one).
WOUNDED = "wounded"


def contact_standard_days(risk_level: str) -> int:
    """How many days may pass between contacts for a client at this risk level."""
    if risk_level == RiskLevel.HIGH:
        return settings.CONTACT_STANDARD_HIGH_DAYS
    return settings.CONTACT_STANDARD_OTHER_DAYS


def local_today() -> datetime.date:
    return timezone.localdate()


# The intake duplicate check compares phone numbers with at least this many digits.
PHONE_MATCH_MIN_DIGITS = 7


class ClientQuerySet(models.QuerySet):
    def named_in(self, text: str) -> "ClientQuerySet":
        """The clients whose full name ("first last"), initial and last name ("i. last") or code appears in
        `text`, in any letter case: text meant for the public (a public copy's reason) must name nobody."""
        lowered = Lower(Value(text))
        full_name = Lower(Concat("first_name", Value(" "), "last_name"))
        initial = Lower(Concat(Left("first_name", 1), Value(". "), "last_name"))
        return self.annotate(
            name_at=StrIndex(lowered, full_name),
            initial_at=StrIndex(lowered, initial),
            code_at=StrIndex(lowered, Lower("code")),
        ).filter(Q(name_at__gt=0) | Q(code_at__gt=0) | (Q(initial_at__gt=0) & ~Q(first_name="") & ~Q(last_name="")))

    def visible_to(self, user) -> "ClientQuerySet":
        """The clients a user may see: everyone for managers and admins, the caseload for a
        peacekeeper (primary or secondary), nobody for anyone else. Every view uses this."""
        if roles.can_see_all_clients(user):
            return self.all()
        if roles.is_peacekeeper(user):
            return self.on_caseload_of(user)
        return self.none()

    def on_caseload_of(self, user) -> "ClientQuerySet":
        """A peacekeeper's caseload: the clients they are primary or secondary peacekeeper for.

        The one definition of a caseload (lists and worklists use it; the managers' table counts
        the same clients as primary_of + secondary_of, which never overlap: see client_save).

        One list of ids, the union of both, rather than `primary OR id IN (secondary)`: PostgreSQL can use
        no index for that OR and read every client of the program (5 ms at scale 10, 13 at 40, against
        under 2 ms either way: issue #20's EXPLAIN)."""
        primary = Client.objects.filter(primary_peacekeeper=user).values("pk")
        secondary = Client.secondary_peacekeepers.through.objects.filter(user=user).values("client_id")
        return self.filter(pk__in=primary.union(secondary))

    def primary_of(self, user) -> "ClientQuerySet":
        """The clients `user` is primary peacekeeper for (`user` may be an OuterRef)."""
        return self.filter(primary_peacekeeper=user)

    def secondary_of(self, user) -> "ClientQuerySet":
        """The clients `user` is a secondary peacekeeper for (`user` may be an OuterRef)."""
        return self.filter(secondary_peacekeepers=user)

    def similar_to(
        self, *, first_name: str, last_name: str, date_of_birth: datetime.date | None, phone: str
    ) -> "ClientQuerySet":
        """Possible duplicates at intake: same date of birth and a shared first or last name
        (ignoring case), or the same phone number (however it was typed: phones are stored in one
        format, E.164)."""
        match = Q(pk__in=[])
        if date_of_birth:
            match |= Q(date_of_birth=date_of_birth) & (
                Q(last_name__iexact=last_name.strip()) | Q(first_name__iexact=first_name.strip())
            )
        number = phone_number(phone)
        if number is not None:
            match |= Q(phone=number.as_e164)
        return self.filter(match)

    def active(self) -> "ClientQuerySet":
        return self.filter(status=ClientStatus.ACTIVE)

    def open_cases(self) -> "ClientQuerySet":
        """Clients who have not left the program (referred, active or inactive)."""
        return self.exclude(status=ClientStatus.EXITED)

    def current(self) -> "ClientQuerySet":
        """Clients being worked with now (referred or active): the default list and every worklist.
        Inactive and exited clients are off them (a status filter still reaches them)."""
        return self.filter(status__in=CURRENT_STATUSES)

    def with_wounded(self) -> "ClientQuerySet":
        """Annotate `hospital_visit_due`: recorded as wounded in an incident with no hospital-visit
        contact logged since that incident (and not exited)."""
        # Involvements are the incidents app's (above this one): reached through the reverse relation.
        from outreach.models.contacts import Contact, ContactKind

        involvement = Client._meta.get_field("involvements").related_model
        visited = Contact.objects.filter(
            client=OuterRef(OuterRef("pk")),
            kind=ContactKind.HOSPITAL_VISIT,
            occurred_at__gte=OuterRef("incident__occurred_at"),
        )
        # Or the hospital-visit task of the incident's response case is done (a response recorded on the task) or
        # set aside: the incidents app's tasks, reached the same way; "hospital", "done" and "not_needed" are its
        # stored values (incidents.models.ResponseKind.HOSPITAL, TaskStatus).
        task = Client._meta.get_field("response_tasks").related_model
        answered = task.objects.filter(
            person=OuterRef(OuterRef("pk")),
            case__incident=OuterRef("incident"),
            kind="hospital",
            status__in=["done", "not_needed"],
        )
        wounded = (
            involvement.objects.filter(client=OuterRef("pk"), outcome=WOUNDED)
            .exclude(Exists(visited))
            .exclude(Exists(answered))
        )
        return self.annotate(
            hospital_visit_due=ExpressionWrapper(
                Exists(wounded) & ~Q(status=ClientStatus.EXITED), output_field=models.BooleanField()
            )
        )

    def hospital_visit_due(self) -> "ClientQuerySet":
        """Clients with a hospital visit due: the rule of the caseload's "Wounded" badge
        (with_wounded), for the worklists. Annotates `hospital_visit_due` like with_wounded."""
        return self.with_wounded().filter(hospital_visit_due=True)

    def with_activity(self) -> "ClientQuerySet":
        """Annotate last contact, next follow-up, open goals and when the next contact is due.

        Correlated subqueries (not joins) so that one row stays one client and counts do not
        multiply each other.
        """
        # Imported here: the contact and goal modules import this one for Client.
        from outreach.models.contacts import Contact
        from outreach.models.plans import Goal

        latest = Contact.objects.filter(client=OuterRef("pk")).order_by("-occurred_at", "-pk")
        open_goals = Goal.objects.filter(client=OuterRef("pk"), status__in=Goal.OPEN_STATUSES).values("pk")
        standard = models.Case(
            models.When(risk_level=RiskLevel.HIGH, then=Value(settings.CONTACT_STANDARD_HIGH_DAYS)),
            default=Value(settings.CONTACT_STANDARD_OTHER_DAYS),
        )
        return self.annotate(
            last_contact_on=TruncDate("last_contact_at"),
            next_follow_up_on=Subquery(latest.values("follow_up_on")[:1]),
            open_goal_count=SubqueryCount(open_goals),
            last_touch_on=Coalesce("last_contact_on", "enrolled_on", "referred_on"),
            # PostgreSQL: date + integer is a date.
            contact_due_on=ExpressionWrapper(F("last_touch_on") + standard, output_field=models.DateField()),
        )

    def overdue(self, today: datetime.date | None = None) -> "ClientQuerySet":
        """Active clients past their contact standard (needs with_activity())."""
        return self.active().filter(contact_due_on__lt=today or local_today())

    def follow_up_due(self, today: datetime.date | None = None) -> "ClientQuerySet":
        """Current cases whose latest contact set a follow-up date that has come (needs with_activity())."""
        return self.current().filter(next_follow_up_on__lte=today or local_today())


@audited(exclude=("last_contact_at",))
class Client(models.Model):
    """A young person the program works with."""

    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    nickname = models.CharField(_("nickname"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender, blank=True)
    # Stored in one format (E.164, "+12095550142"), validated, shown in the national format.
    phone = PhoneNumberField(
        _("phone"), blank=True, validators=[validate_plain_number], error_messages={"invalid": PHONE_MESSAGE}
    )
    # The phone as recorded before phones were checked, when it could not be stored as a number as
    # it was (not a number, or with an extension): outreach migration 0017 kept it here rather than
    # lose it. Shown on the client's page and the edit form, to be entered again.
    phone_before_check = models.CharField(
        _("phone as recorded before phones were checked"), max_length=30, blank=True, editable=False
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    neighborhood = models.ForeignKey(
        Neighborhood, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("neighborhood")
    )
    risk_level = models.CharField(_("risk level"), max_length=20, choices=RiskLevel, default=RiskLevel.HIGH)
    referral_source = models.CharField(_("referral source"), max_length=30, choices=ReferralSource)
    status = models.CharField(_("status"), max_length=20, choices=ClientStatus, default=ClientStatus.REFERRED)
    referred_on = models.DateField(_("referred on"), default=local_today)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=20, choices=ExitReason, blank=True)
    primary_peacekeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_clients",
        verbose_name=_("primary peacekeeper"),
    )
    secondary_peacekeepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="secondary_clients",
        through="SecondaryPeacekeeper",
        verbose_name=_("secondary peacekeepers"),
    )
    consent_signed_on = models.DateField(_("consent signed on"), null=True, blank=True)
    # The language the consent was given in (issue #18): recorded only with the consent's date.
    # (db_default: rows written by COPY without these columns, such as generated data, get "".)
    consent_language = models.CharField(
        _("consent language"), max_length=10, choices=Language, blank=True, default="", db_default=""
    )
    # The language the client prefers to be spoken to in; blank: not recorded.
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language, blank=True, default="", db_default=""
    )
    # When the latest contact happened: kept by the database (Contact's triggers) so that lists can
    # sort and filter by days since contact without looking through every client's contacts.
    last_contact_at = models.DateTimeField(_("last contact at"), null=True, blank=True, editable=False)
    form_key = form_key_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["status", "risk_level"]),
            models.Index(Lower("last_name"), "date_of_birth", name="client_name_dob"),
            # The lists' default order: the first page reads 25 rows instead of sorting them all.
            models.Index(fields=["last_name", "first_name"], name="client_by_name"),
            # A peacekeeper's active (or overdue) clients, counted for every peacekeeper on dashboards.
            models.Index(fields=["primary_peacekeeper", "status"], name="client_caseload"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | ~Q(exit_reason=""), name="client_exit_needs_reason"
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(enrolled_on__isnull=True) | Q(exited_on__gte=F("enrolled_on")),
                name="client_exit_not_before_enrolment",
            ),
            models.CheckConstraint(
                condition=~Q(status=ClientStatus.EXITED) | Q(exited_on__isnull=False), name="client_exited_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        # last_contact_at belongs to the database (Contact's triggers): writing back the copy read
        # with this object would undo a contact logged since.
        if not self._state.adding:
            fields = kwargs.get("update_fields") or [f.name for f in self._meta.concrete_fields if not f.primary_key]
            kwargs["update_fields"] = [name for name in fields if name != "last_contact_at"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("outreach:client_detail", args=[self.pk])

    @property
    def phone_display(self) -> str:
        """The phone as people write it: "(209) 555-0142"."""
        return phone_display(self.phone)

    @property
    def phone_tel(self) -> str:
        """The phone for a tel: link: "+12095550142"."""
        return phone_tel(self.phone)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def contact_standard_days(self) -> int:
        return contact_standard_days(self.risk_level)

    @property
    def has_left(self) -> bool:
        """Exited or inactive: off the worklists, and the page says so."""
        return self.status in (ClientStatus.EXITED, ClientStatus.INACTIVE)

    @property
    def is_overdue(self) -> bool:
        """Active and past the contact standard (on a client fetched with with_activity())."""
        return self.status == ClientStatus.ACTIVE and self.contact_due_on < local_today()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.status == ClientStatus.EXITED:
            if not self.exited_on:
                errors["exited_on"] = gettext("Give the date the client exited the program.")
            if not self.exit_reason:
                errors["exit_reason"] = gettext("Give the reason the client exited.")
        else:
            if self.exited_on or self.exit_reason:
                errors["status"] = gettext(
                    "Only an exited client has an exit date and reason: set the status to Exited."
                )
        if self.status in (ClientStatus.ACTIVE, ClientStatus.INACTIVE) and not self.enrolled_on:
            errors["enrolled_on"] = gettext("An active or inactive client needs the date they enrolled.")
        if self.exited_on and self.enrolled_on and self.exited_on < self.enrolled_on:
            errors["exited_on"] = gettext("The exit date cannot be before the enrolment date.")
        elif self.exited_on and self.referred_on and self.exited_on < self.referred_on:
            errors["exited_on"] = gettext("The exit date cannot be before the referral date.")
        if self.enrolled_on and self.referred_on and self.enrolled_on < self.referred_on:
            errors["enrolled_on"] = gettext("The enrolment date cannot be before the referral date.")
        today = local_today()
        for field in ("referred_on", "enrolled_on", "exited_on", "consent_signed_on"):
            value = getattr(self, field)
            if value and value > today:
                errors.setdefault(field, gettext("This date is in the future."))
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = gettext("The date of birth is in the future.")
        # The client's code is C-<year>-<number> from these dates: no year before the program's.
        for field in ("referred_on", "enrolled_on"):
            value = getattr(self, field)
            if value and value.year < settings.PROGRAM_START_YEAR:
                errors.setdefault(
                    field,
                    gettext("The program began in %(year)s: check the year.") % {"year": settings.PROGRAM_START_YEAR},
                )
        if self.primary_peacekeeper_id and not roles.is_peacekeeper(self.primary_peacekeeper):
            errors["primary_peacekeeper"] = gettext("Only members of the Peacekeeper group can be assigned.")
        if self.consent_language and not self.consent_signed_on:
            errors.setdefault(
                "consent_language",
                gettext("Give the date the consent was signed, or leave its language empty."),
            )
        if errors:
            raise ValidationError(errors)


class ClientCodeSequence(models.Model):
    """The last client number handed out for each year (codes are C-<year>-<number>)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


@audited()
class SecondaryPeacekeeper(models.Model):
    """A peacekeeper sharing a client's case: a row of Client.secondary_peacekeepers, audited
    like the client itself (an explicit model, as the audit triggers need one)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    # How the history pages say a row made or removed (core.history).
    HISTORY_VERBS = (_("put on the case"), _("taken off the case"))

    class Meta:
        db_table = "outreach_client_secondary_peacekeepers"  # the table Django made for the field
        unique_together = [("client", "user")]
        verbose_name = _("secondary peacekeeper")
        verbose_name_plural = _("secondary peacekeepers")

    def __str__(self) -> str:
        return gettext("%(user)s on %(client)s") % {"user": self.user, "client": self.client}
