import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.audit import audited
from core.form_keys import form_key_field
from core.limits import LONG_TEXT_MAX
from outreach.models import Client, ClientStatus, EnrolmentPeriod, ExitReason, Neighborhood


class IncidentKind(models.TextChoices):
    HOMICIDE = "homicide", _("Homicide")
    NONFATAL_SHOOTING = "nonfatal_shooting", _("Non-fatal shooting")
    SHOTS_FIRED = "shots_fired", _("Shots fired")
    AGGRAVATED_ASSAULT = "aggravated_assault", _("Aggravated assault")
    OTHER = "other", _("Other")


class Weapon(models.TextChoices):
    FIREARM = "firearm", _("Firearm")
    KNIFE = "knife", _("Knife")
    # "Otra": an arma, where a kind of incident is "Otro".
    OTHER = "other", pgettext_lazy("weapon", "Other")
    UNKNOWN = "unknown", _("Unknown")


class IncidentSource(models.TextChoices):
    POLICE = "police", _("Police")
    HOSPITAL = "hospital", _("Hospital")
    COMMUNITY = "community", _("Community")
    OUTREACH = "outreach", _("Outreach")


class RetaliationRisk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")


RESPONSE_WINDOW = datetime.timedelta(hours=24)
# Implausible values are refused, not stored (a typo'd year, a count with a digit too many).
# The earliest year, in the program's local time (a report's quarters start in 1900). The database's
# own backstop is two days looser, so it holds for a program in any time zone.
EARLIEST_YEAR = 1900
EARLIEST_STORED = datetime.datetime(EARLIEST_YEAR - 1, 12, 30, tzinfo=datetime.UTC)
MAX_VICTIMS = 100

# What each kind says about the people killed in it (issue #15): an incident with anyone killed is
# a homicide. Only the kinds in HOMICIDE_KINDS may record people killed, and their killed are the
# homicides count. A kind the program adds whose dead are not homicides (police use of force, say)
# goes in KILLED_NOT_HOMICIDE_KINDS, and "How we count" (templates/reports/_report_body.html and
# incidents.counting) must say so: its killed are then recorded but not counted as homicides.
HOMICIDE_KINDS = frozenset({IncidentKind.HOMICIDE})
KILLED_NOT_HOMICIDE_KINDS: frozenset[str] = frozenset()
# The kinds that are shootings by what they are, whatever weapon was recorded ("unknown" is common
# for shots fired: nobody saw the gun).
SHOOTING_KINDS = frozenset({IncidentKind.NONFATAL_SHOOTING, IncidentKind.SHOTS_FIRED})


def may_record_killed(kind: str) -> bool:
    """Whether an incident of this kind may have anyone killed (a homicide, or a kind outside the count)."""
    return kind in HOMICIDE_KINDS or kind in KILLED_NOT_HOMICIDE_KINDS


# A homicide, or a shooting that killed or wounded someone, opens a response case (issue #16): the program
# races retaliation. A knife homicide opens one too; shots fired that hit nobody do not.
OPENS_RESPONSE_CASE = Q(kind__in=sorted(HOMICIDE_KINDS)) | Q(kind=IncidentKind.NONFATAL_SHOOTING)

# The counting rules' conditions (SPEC sections 4 and 6), written once: the queryset methods below
# and the sums in incidents.counting are built on them.
# A shooting is an incident with a firearm, or of a shooting kind whatever the weapon recorded,
# whether or not anyone was hit.
SHOOTING = Q(weapon=Weapon.FIREARM) | Q(kind__in=sorted(SHOOTING_KINDS))
# The incidents whose killed are homicides (the constraint "incident_killed_is_homicide" keeps
# everyone killed in these kinds).
HOMICIDE = Q(kind__in=sorted(HOMICIDE_KINDS))
WITH_VICTIMS = Q(killed__gt=0) | Q(injured__gt=0)
# The only incidents that add to homicides or non-fatal shooting victims (also the partial index
# "incident_victims" below, so the counts read it instead of every incident).
COUNTED = Q(killed__gt=0) | (Q(injured__gt=0) & SHOOTING)


# Punctuation a sentence puts around a word ("(SPD-1234)." is the case number SPD-1234).
WORD_PUNCTUATION = "()[]{}<>\"'“”‘’«»,;:.!?¡¿"


class IncidentQuerySet(models.QuerySet):
    def named_in(self, text: str) -> "IncidentQuerySet":
        """The incidents whose police case number is a word of `text` (as written or in capitals): text meant
        for the public (a public copy's reason) must point at no one's case. One indexed lookup."""
        words = {word.strip(WORD_PUNCTUATION) for word in text.split()}
        words = {w for w in words if w and any(c.isdigit() for c in w)}
        return self.filter(case_number__in=sorted(words | {w.upper() for w in words}))

    def between(self, start: datetime.datetime, end: datetime.datetime) -> "IncidentQuerySet":
        """Incidents with start <= occurred_at < end (aware datetimes; see incidents.counting)."""
        return self.filter(occurred_at__gte=start, occurred_at__lt=end)

    def shootings(self) -> "IncidentQuerySet":
        """Incidents with a firearm, whether or not anyone was hit: the report's shooting incidents."""
        return self.filter(SHOOTING)

    def with_victims(self) -> "IncidentQuerySet":
        """Incidents with someone killed or injured, by any weapon."""
        return self.filter(WITH_VICTIMS)

    def shootings_with_victims(self) -> "IncidentQuerySet":
        """Shootings with someone killed or wounded: the ones a peacekeeper response is measured on."""
        return self.shootings().with_victims()

    def annotate_responded_in_time(self) -> "IncidentQuerySet":
        """Flag incidents a peacekeeper responded to within 24 hours of when they occurred."""
        in_time = Response.objects.filter(
            incident=OuterRef("pk"),
            responded_at__gte=OuterRef("occurred_at"),
            responded_at__lte=OuterRef("occurred_at") + RESPONSE_WINDOW,
        )
        return self.annotate(responded_in_time=Exists(in_time))

    def response_gaps(self) -> "IncidentQuerySet":
        """Shootings with someone killed or wounded and no response within 24 hours."""
        return self.shootings_with_victims().annotate_responded_in_time().filter(responded_in_time=False)


@audited()
class Incident(models.Model):
    """An incident of violence: the police report number, what happened, to how many people."""

    case_number = models.CharField(
        max_length=50, unique=True, help_text=_("The police report number."), verbose_name=_("case number")
    )
    kind = models.CharField(max_length=30, choices=IncidentKind, verbose_name=_("kind"))
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))
    neighborhood = models.ForeignKey(
        Neighborhood, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("neighborhood")
    )
    address = models.CharField(max_length=200, blank=True, verbose_name=_("address"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("latitude"))
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("longitude"))
    killed = models.PositiveSmallIntegerField(
        default=0,
        help_text=format_lazy(_("Victims who died (at most {max})."), max=MAX_VICTIMS),
        verbose_name=_("killed"),
    )
    injured = models.PositiveSmallIntegerField(
        default=0,
        help_text=format_lazy(_("Victims wounded who survived (at most {max})."), max=MAX_VICTIMS),
        verbose_name=_("injured"),
    )
    weapon = models.CharField(max_length=20, choices=Weapon, default=Weapon.UNKNOWN, verbose_name=_("weapon"))
    group_related = models.BooleanField(default=False, verbose_name=_("group related"))
    source = models.CharField(
        max_length=20, choices=IncidentSource, default=IncidentSource.POLICE, verbose_name=_("source")
    )
    retaliation_risk = models.CharField(
        max_length=10, choices=RetaliationRisk, default=RetaliationRisk.LOW, verbose_name=_("retaliation risk")
    )
    status = models.CharField(
        max_length=20, choices=IncidentStatus, default=IncidentStatus.OPEN, verbose_name=_("status")
    )
    description = models.TextField(blank=True, max_length=LONG_TEXT_MAX, verbose_name=_("description"))
    # An earlier incident this one answered (the quarterly report counts retaliatory incidents).
    retaliation_for = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retaliations",
        help_text=_("The earlier incident this one is known or believed to retaliate for."),
        verbose_name=_("retaliation for"),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["kind", "occurred_at"]),
            models.Index(fields=["neighborhood", "occurred_at"]),
            # The counting rules (incidents.counting) read only incidents with victims: an
            # index-only scan over these instead of every incident.
            models.Index(
                fields=["occurred_at"],
                include=["killed", "injured", "weapon", "kind"],
                condition=COUNTED,
                name="incident_victims",
            ),
        ]
        constraints = [
            # Police report numbers are not case-sensitive: "spd-1" is the incident "SPD-1".
            models.UniqueConstraint(
                Lower("case_number"),
                name="incident_case_number_ci_unique",
                violation_error_message=_("An incident with this case number (in any letter case) already exists."),
            ),
            models.CheckConstraint(
                condition=Q(killed__lte=MAX_VICTIMS, injured__lte=MAX_VICTIMS), name="incident_victims_plausible"
            ),
            models.CheckConstraint(condition=Q(occurred_at__gte=EARLIEST_STORED), name="incident_after_1900"),
            models.CheckConstraint(
                condition=~Q(kind=IncidentKind.HOMICIDE) | Q(killed__gte=1), name="incident_homicide_has_killed"
            ),
            # The backstop of may_record_killed(): anyone killed makes the incident a homicide.
            models.CheckConstraint(
                condition=Q(killed=0) | Q(kind__in=sorted(HOMICIDE_KINDS | KILLED_NOT_HOMICIDE_KINDS)),
                name="incident_killed_is_homicide",
                violation_error_message=_("Someone was killed: record the incident as a homicide."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=IncidentKind.NONFATAL_SHOOTING) | Q(killed=0, injured__gte=1, weapon=Weapon.FIREARM),
                name="incident_nonfatal_shooting_rule",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="incident_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="incident_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident_detail", args=[self.pk])

    def clean(self) -> None:
        raise_errors(self._order_errors() | incident_errors(self) | self._involvement_count_errors())

    def _order_errors(self) -> dict[str, str]:
        """An edit may not move the incident after what answers it: a response recorded before the new time,
        or an incident recorded as retaliation for this one (moving it later would turn the retaliation
        around, and two incidents could each be retaliation for the other)."""
        if self._state.adding or not self.pk or not self.occurred_at:
            return {}
        response = self.responses.filter(responded_at__lt=self.occurred_at).order_by("responded_at").first()
        if response is not None:
            when = date_format(timezone.localtime(response.responded_at), "DATETIME_FORMAT")
            return {
                "occurred_at": gettext(
                    "A response to this incident is recorded at %(when)s: the incident cannot be later than "
                    "its response."
                )
                % {"when": when}
            }
        answer = (
            Incident.objects.filter(retaliation_for=self.pk, occurred_at__lte=self.occurred_at)
            .order_by("occurred_at")
            .first()
        )
        if answer is not None:
            when = date_format(timezone.localtime(answer.occurred_at), "DATETIME_FORMAT")
            return {
                "occurred_at": gettext(
                    "Incident %(case)s, recorded as retaliation for this one, happened at %(when)s: this one cannot "
                    "be later than that."
                )
                % {"case": answer.case_number, "when": when}
            }
        return {}

    def _involvement_count_errors(self) -> dict[str, str]:
        """An edit may not leave fewer killed (wounded) than the clients recorded as killed (wounded) in it."""
        if self._state.adding or not self.pk:
            return {}
        recorded = dict(
            self.involvements.exclude(outcome=InvolvementOutcome.UNHARMED)
            .values_list("outcome")
            .annotate(n=models.Count("pk"))
        )
        errors = {}
        for field, outcome in (("killed", InvolvementOutcome.KILLED), ("injured", InvolvementOutcome.WOUNDED)):
            if (n := recorded.get(outcome, 0)) > (getattr(self, field) or 0):
                if outcome == InvolvementOutcome.KILLED:
                    message = ngettext(
                        "%(n)s client(s) are recorded as killed in this incident: it cannot have fewer. "
                        "Correct the people involved first.",
                        "%(n)s client(s) are recorded as killed in this incident: it cannot have fewer. "
                        "Correct the people involved first.",
                        n,
                    )
                else:
                    message = ngettext(
                        "%(n)s client(s) are recorded as wounded in this incident: it cannot have fewer. "
                        "Correct the people involved first.",
                        "%(n)s client(s) are recorded as wounded in this incident: it cannot have fewer. "
                        "Correct the people involved first.",
                        n,
                    )
                errors[field] = message % {"n": n}
        return errors


def incident_errors(incident: Incident) -> dict[str, str]:
    """The rules of SPEC section 4 for one incident, as {field: message}. The form, the admin and
    the CSV import all use this, so a rule is written once."""
    errors: dict[str, str] = {}
    if incident.kind == IncidentKind.HOMICIDE and (incident.killed or 0) < 1:
        errors["killed"] = gettext("A homicide has at least one person killed.")
    if (incident.killed or 0) >= 1 and incident.kind and not may_record_killed(incident.kind):
        errors["killed"] = killed_kind_message(incident.kind)
    if incident.kind == IncidentKind.NONFATAL_SHOOTING:
        if (incident.injured or 0) < 1:
            errors["injured"] = gettext("A non-fatal shooting has at least one person injured.")
        if incident.weapon != Weapon.FIREARM:
            errors["weapon"] = gettext("A non-fatal shooting is with a firearm.")
    if incident.occurred_at and incident.occurred_at > timezone.now():
        errors["occurred_at"] = gettext("The incident cannot be in the future.")
    elif incident.occurred_at and timezone.localtime(incident.occurred_at).year < EARLIEST_YEAR:
        errors["occurred_at"] = gettext("The incident cannot be before %(year)s.") % {"year": EARLIEST_YEAR}
    for name in ("killed", "injured"):
        if (getattr(incident, name) or 0) > MAX_VICTIMS:
            errors.setdefault(name, too_many_victims_message(name))
    earlier = incident.retaliation_for
    if earlier is not None and incident.occurred_at:
        if earlier.pk and earlier.pk == incident.pk:
            errors["retaliation_for"] = gettext("An incident cannot be retaliation for itself.")
        elif earlier.occurred_at >= incident.occurred_at:
            errors["retaliation_for"] = gettext(
                "Retaliation is for an earlier incident: that one happened at the same time or later."
            )
    lat, lng = incident.latitude, incident.longitude
    if (lat is None) != (lng is None):
        errors["latitude" if lat is None else "longitude"] = gettext("Give both latitude and longitude, or neither.")
    if lat is not None and not Decimal(-90) <= Decimal(lat) <= Decimal(90):
        errors["latitude"] = gettext("Latitude is between -90 and 90.")
    if lng is not None and not Decimal(-180) <= Decimal(lng) <= Decimal(180):
        errors["longitude"] = gettext("Longitude is between -180 and 180.")
    return errors


def killed_kind_message(kind: str) -> str:
    """The one message of the rule that anyone killed makes a homicide (model, form, admin, import)."""
    label = IncidentKind(kind).label.lower() if kind in IncidentKind.values else kind
    return gettext("Someone was killed: record the incident as a homicide, not as %(kind)s.") % {"kind": label}


def too_many_victims_message(name: str) -> str:
    """The one message of the MAX_VICTIMS rule (the model, the import and the form say it)."""
    if name == "killed":
        message = gettext("More than %(max)s killed in one incident is not plausible: check the number.")
    else:
        message = gettext("More than %(max)s injured in one incident is not plausible: check the number.")
    return message % {"max": MAX_VICTIMS}


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


class InvolvementRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    SUSPECT = "suspect", _("Suspect")
    WITNESS = "witness", _("Witness")
    ASSOCIATE = "associate", _("Associate")


class InvolvementOutcome(models.TextChoices):
    # A person's outcome ("Killed" is also a column of counts: another word in Spanish).
    KILLED = "killed", pgettext_lazy("a person's outcome", "Killed")
    WOUNDED = "wounded", pgettext_lazy("a person's outcome", "Wounded")
    UNHARMED = "unharmed", pgettext_lazy("a person's outcome", "Unharmed")


# Only a victim or a suspect can be among an incident's killed or injured (a witness who was shot
# is a victim of it).
HARMED_ROLES = (InvolvementRole.VICTIM, InvolvementRole.SUSPECT)
# How long the dashboards tell the client's peacekeepers and the managers of a client recorded as killed.
DEATH_NOTICE_DAYS = 30


class InvolvementQuerySet(models.QuerySet):
    def during_enrolment(self) -> "InvolvementQuerySet":
        """Involvements in incidents on a day of one of the client's enrolment periods (local days,
        from the day they enrolled to the day they exited, both included). An incident before they
        were referred, after they left or between two enrolments is not an outcome of the program
        (issue #15)."""
        day = TruncDate("incident__occurred_at", tzinfo=timezone.get_current_timezone())
        periods = EnrolmentPeriod.objects.covering(OuterRef("incident_day")).filter(client=OuterRef("client"))
        return self.annotate(incident_day=day).filter(Exists(periods))

    def death_notices(self, *, clients, days: int = DEATH_NOTICE_DAYS) -> "InvolvementQuerySet":
        """Clients (of the queryset `clients`) recorded as killed in the last `days` days and still
        exited as deceased (a manager who undid the exit has dealt with it): the dashboards' notices."""
        since = timezone.now() - datetime.timedelta(days=days)
        return (
            self.filter(outcome=InvolvementOutcome.KILLED, created_at__gte=since, client__in=clients)
            .filter(client__status=ClientStatus.EXITED, client__exit_reason=ExitReason.DECEASED)
            .select_related("client", "incident")
            .order_by("-created_at")
        )


@audited()
class Involvement(models.Model):
    """A program client involved in an incident, how, and whether they were killed or wounded."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="involvements", verbose_name=_("incident")
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="involvements", verbose_name=_("client"))
    role = models.CharField(max_length=20, choices=InvolvementRole, verbose_name=_("role"))
    # A database default too: bulk loads (generate_data's COPY, analysts' tools) that name no outcome.
    outcome = models.CharField(
        max_length=20,
        choices=InvolvementOutcome,
        default=InvolvementOutcome.UNHARMED,
        db_default=InvolvementOutcome.UNHARMED,
        verbose_name=_("outcome"),
    )
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        ordering = ["incident", "role"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "client", "role"], name="involvement_unique_role"),
            models.CheckConstraint(
                condition=Q(outcome=InvolvementOutcome.UNHARMED) | Q(role__in=HARMED_ROLES),
                name="involvement_harmed_is_victim_or_suspect",
            ),
            # A person dies once.
            models.UniqueConstraint(
                fields=["client"], condition=Q(outcome=InvolvementOutcome.KILLED), name="involvement_killed_once"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(code)s (%(role)s) in %(case)s") % {
            "code": self.client.code,
            "role": self.get_role_display(),
            "case": self.incident.case_number,
        }

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.outcome != InvolvementOutcome.UNHARMED and self.role not in HARMED_ROLES:
            errors["outcome"] = gettext("Only a victim or a suspect can be killed or wounded.")
        elif self.incident_id and self.outcome in (InvolvementOutcome.KILLED, InvolvementOutcome.WOUNDED):
            errors.update(self._count_errors())
        if self.outcome == InvolvementOutcome.KILLED and self.client_id:
            earlier = Involvement.objects.filter(client=self.client_id, outcome=InvolvementOutcome.KILLED)
            if earlier := earlier.exclude(pk=self.pk).select_related("incident").first():
                errors["outcome"] = gettext("This client is already recorded as killed in %(case)s.") % {
                    "case": earlier.incident.case_number
                }
            elif self.incident_id and (died := timezone.localdate(self.incident.occurred_at)) < self.client.referred_on:
                errors["outcome"] = gettext(
                    "This incident was on %(died)s, before the client was referred (%(referred)s): they cannot "
                    "have been killed in it. Check the client and the incident."
                ) % {"died": date_format(died), "referred": date_format(self.client.referred_on)}
        raise_errors(errors)

    def _count_errors(self) -> dict[str, str]:
        """No more clients killed (wounded) than the incident's killed (injured) count."""
        killed = self.outcome == InvolvementOutcome.KILLED
        limit = self.incident.killed if killed else self.incident.injured
        others = Involvement.objects.filter(incident=self.incident_id, outcome=self.outcome)
        others = others.exclude(pk=self.pk).exclude(client=self.client_id).count()
        if others + 1 > limit:
            # Not how many others: the clients recorded may be on caseloads this user may not see.
            if killed:
                message = gettext(
                    "This incident records %(limit)s killed, and no more clients can be recorded as killed in it. "
                    "Correct the incident's figures first, or ask a manager."
                )
            else:
                message = gettext(
                    "This incident records %(limit)s injured, and no more clients can be recorded as wounded in "
                    "it. Correct the incident's figures first, or ask a manager."
                )
            return {"outcome": message % {"limit": limit}}
        return {}


class ResponseKind(models.TextChoices):
    SCENE = "scene", _("Scene response")
    HOSPITAL = "hospital", _("Hospital response")
    FAMILY_SUPPORT = "family_support", _("Family support")
    VIGIL = "vigil", _("Vigil")
    FOLLOW_UP = "follow_up", _("Follow-up")
    # After a shooting (issue #16): the response case's tasks are completed by responses of these kinds too.
    CONFLICT_CHECK = "conflict_check", _("Conflict check or mediation attempt")
    AT_RISK_CONTACT = "at_risk_contact", _("Contact with a person at risk")


@audited()
class Response(models.Model):
    """A peacekeeper's response to an incident (scene, hospital, family, vigil, follow-up)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="responses", verbose_name=_("incident")
    )
    peacekeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("peacekeeper")
    )
    responded_at = models.DateTimeField(default=timezone.now, verbose_name=_("responded at"))
    kind = models.CharField(max_length=20, choices=ResponseKind, verbose_name=_("kind"))
    notes = models.TextField(blank=True, max_length=LONG_TEXT_MAX, verbose_name=_("notes"))
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["responded_at", "pk"]
        indexes = [models.Index(fields=["incident", "responded_at"])]

    def __str__(self) -> str:
        return gettext("%(kind)s to %(case)s") % {"kind": self.get_kind_display(), "case": self.incident.case_number}

    def clean(self) -> None:
        errors = {}
        if self.responded_at and self.responded_at > timezone.now() + datetime.timedelta(minutes=5):
            errors["responded_at"] = gettext("A response cannot be in the future.")
        elif self.responded_at and self.incident_id and self.responded_at < self.incident.occurred_at:
            errors["responded_at"] = gettext("A response cannot be before the incident.")
        raise_errors(errors)


class MediationOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    TEMPORARILY_RESOLVED = "temporarily_resolved", _("Temporarily resolved")
    UNRESOLVED = "unresolved", _("Unresolved")
    ESCALATED = "escalated", _("Escalated")


class MediationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MediationQuerySet":
        """Every mediation for the users of incident pages (as the mediation list shows them); none
        for anyone else. Which *clients* of a mediation a user may see is Client.visible_to's rule."""
        return self if roles.can_log_incidents(user) else self.none()


@audited()
class Mediation(models.Model):
    """A conflict mediation led by peacekeepers."""

    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    neighborhood = models.ForeignKey(
        Neighborhood, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("neighborhood")
    )
    peacekeepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="mediations",
        through="MediationPeacekeeper",
        verbose_name=_("peacekeepers"),
    )
    clients = models.ManyToManyField(
        Client, blank=True, related_name="mediations", through="MediationClient", verbose_name=_("clients")
    )
    parties = models.TextField(
        _("parties involved"), help_text=_("Who was in conflict (no names needed)."), max_length=LONG_TEXT_MAX
    )
    outcome = models.CharField(max_length=30, choices=MediationOutcome, verbose_name=_("outcome"))
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="mediations", verbose_name=_("incident")
    )
    conflict = models.ForeignKey(
        "incidents.Conflict",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediations",
        verbose_name=_("conflict"),
    )
    notes = models.TextField(blank=True, max_length=LONG_TEXT_MAX, verbose_name=_("notes"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = MediationQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return gettext("Mediation on %(day)s (%(outcome)s)") % {
            "day": date_format(self.occurred_on),
            "outcome": self.get_outcome_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("incidents:mediation_detail", args=[self.pk])

    def clean(self) -> None:
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": gettext("A mediation cannot be in the future.")})


class ImportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the background worker")
    CHECKING = "checking", _("Checking the file")
    READY = "ready", _("Checked: ready to import")
    REJECTED = "rejected", _("Not imported: the file has problems")
    IMPORT_WAITING = "import_waiting", _("Waiting for the background worker to import")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")


class IncidentImport(models.Model):
    """An uploaded incidents CSV and its background job: checked (a dry run), then imported once
    confirmed. The row is the job's progress and result, and the record of who imported what; the
    file itself is deleted once imported or rejected, or a day after upload."""

    ACTIVE = (ImportStatus.WAITING, ImportStatus.CHECKING, ImportStatus.IMPORT_WAITING, ImportStatus.IMPORTING)

    filename = models.CharField(max_length=255, verbose_name=_("filename"))
    content = models.BinaryField(
        help_text=_("The file, zlib-compressed; emptied once it is no longer needed."), verbose_name=_("content")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("applied at"))
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))
    status = models.CharField(
        max_length=20, choices=ImportStatus, default=ImportStatus.WAITING, verbose_name=_("status")
    )
    task_id = models.CharField(max_length=64, blank=True, verbose_name=_("task id"))
    rows_total = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Lines in the file, less the header."), verbose_name=_("rows total")
    )
    rows_read = models.PositiveIntegerField(default=0, verbose_name=_("rows read"))
    error_count = models.PositiveIntegerField(default=0, verbose_name=_("error count"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    progress_at = models.DateTimeField(null=True, blank=True, verbose_name=_("progress at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    failure = models.TextField(blank=True, verbose_name=_("failure"))

    class Meta:
        verbose_name = _("incident import")
        verbose_name_plural = _("incident imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    def eta_seconds(self) -> int | None:
        """Seconds left at the rate so far, or None before there is a rate."""
        if not (self.active and self.started_at and self.progress_at and self.rows_read and self.rows_total):
            return None
        elapsed = (self.progress_at - self.started_at).total_seconds()
        if elapsed <= 0:
            return None
        left = max(self.rows_total - self.rows_read, 0) * elapsed / self.rows_read
        return round(max(left - (timezone.now() - self.progress_at).total_seconds(), 0))


# The rows of Mediation.peacekeepers and Mediation.clients, as models so the audit trail records them.
@audited()
class MediationPeacekeeper(models.Model):
    """A peacekeeper who led a mediation."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, verbose_name=_("mediation"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("user"))

    class Meta:
        verbose_name_plural = _("mediation peacekeepers")
        db_table = "incidents_mediation_peacekeepers"  # the table Django made for the field
        unique_together = [("mediation", "user")]
        verbose_name = _("mediation peacekeeper")

    def __str__(self) -> str:
        return gettext("%(who)s in %(mediation)s") % {"who": self.user, "mediation": self.mediation}


@audited()
class MediationClient(models.Model):
    """A client involved in a mediation."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, verbose_name=_("mediation"))
    client = models.ForeignKey(Client, on_delete=models.CASCADE, verbose_name=_("client"))

    class Meta:
        verbose_name_plural = _("mediation clients")
        db_table = "incidents_mediation_clients"  # the table Django made for the field
        unique_together = [("mediation", "client")]
        verbose_name = _("mediation client")

    def __str__(self) -> str:
        return gettext("%(who)s in %(mediation)s") % {"who": self.client, "mediation": self.mediation}
