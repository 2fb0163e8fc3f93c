"""Conflicts and groups (issue #16): the groups clients are associated with, the associations
themselves (which expire), and the conflicts between people and groups that peacekeepers work to
calm, with their status history, linked incidents and mediations.

An association expires GROUP_ASSOCIATION_YEARS after it was last confirmed (default 5: California's
CalGang audit and 28 CFR Part 23). An expired association drops out of every page and count: every
read goes through `GroupAssociation.objects.current()`.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.audit import audited
from core.form_keys import form_key_field
from core.limits import LONG_TEXT_MAX
from core.parameters import EARLIEST_DATE
from incidents.models import reasons as reasons_text
from incidents.models.incidents import Incident, InvolvementRole, raise_errors
from outreach.models import Client, Neighborhood, local_today

# The longest an association may stand, whatever the setting (the law's five years, leap days included).
ASSOCIATION_MAX_DAYS = 5 * 365 + 2
SHORT_TEXT_MAX = 1000

EVIDENCE_HELP = _("What the basis rests on. No rumours: say who saw or said what, and when.")


def long_day(day: datetime.date) -> str:
    """A day written out ("3 December 2026"; in Spanish "3 de diciembre de 2026")."""
    # Translators: a date format (Django's date filter letters) for a day written out in full.
    return date_format(day, gettext("j F Y"))


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February in a year without one)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def association_expiry(confirmed_on: datetime.date) -> datetime.date:
    """When an association confirmed on `confirmed_on` expires by default (GROUP_ASSOCIATION_YEARS later)."""
    return add_years(confirmed_on, settings.GROUP_ASSOCIATION_YEARS)


def no_nul(value: str) -> None:
    """Refuse text with a NUL character, with a message (PostgreSQL cannot store one)."""
    if value and "\x00" in value:
        raise ValidationError(gettext("The text contains a NUL character (\\x00), which cannot be saved: remove it."))


class GroupStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DISSOLVED = "dissolved", _("Dissolved")


class AssociationRole(models.TextChoices):
    MEMBER = "member", _("Member")
    ASSOCIATE = "associate", _("Associate")


class AssociationBasis(models.TextChoices):
    SELF_IDENTIFIED = "self_identified", _("Self-identified")
    OBSERVED_BY_STAFF = "observed_by_staff", _("Observed by staff")
    FAMILY_OR_PEER_REPORT = "family_or_peer_report", _("Family or peer report")
    OTHER = "other", _("Other")


class GroupQuerySet(models.QuerySet):
    def visible_to(self, user) -> "GroupQuerySet":
        """Every group for managers and admins; for a peacekeeper, the groups a client on their
        caseload is currently associated with and those they entered; none for anyone else
        (analysts see groups only as counts)."""
        if roles.can_see_all_clients(user):
            return self.all()
        if roles.is_peacekeeper(user):
            linked = GroupAssociation.objects.current().filter(client__in=Client.objects.on_caseload_of(user))
            return self.filter(Q(created_by=user) | Q(pk__in=linked.values("group_id")))
        return self.none()


@audited()
class Group(models.Model):
    """A group (a crew, a set, a clique) some clients are associated with."""

    name = models.CharField(max_length=100, validators=[no_nul], verbose_name=_("name"))
    aliases = models.TextField(
        blank=True,
        max_length=SHORT_TEXT_MAX,
        validators=[no_nul],
        help_text=_("Other names it goes by, one a line."),
        verbose_name=_("aliases"),
    )
    neighborhoods = models.ManyToManyField(
        Neighborhood, blank=True, related_name="+", through="GroupNeighborhood", verbose_name=_("neighborhoods")
    )
    territory_note = models.TextField(
        blank=True, max_length=LONG_TEXT_MAX, validators=[no_nul], verbose_name=_("territory note")
    )
    status = models.CharField(max_length=20, choices=GroupStatus, default=GroupStatus.ACTIVE, verbose_name=_("status"))
    last_reviewed_on = models.DateField(null=True, blank=True, verbose_name=_("last reviewed on"))
    next_review_on = models.DateField(_("next review due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = [Lower("name"), "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="group_name_ci_unique",
                violation_error_message=_("A group with this name (in any letter case) already exists."),
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True)
                | Q(last_reviewed_on__isnull=True)
                | Q(next_review_on__gte=F("last_reviewed_on")),
                name="group_review_after_last",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("incidents:group_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.name = (self.name or "").strip()
        if self.last_reviewed_on and self.last_reviewed_on > local_today():
            errors["last_reviewed_on"] = gettext("The last review cannot be in the future.")
        for name in ("last_reviewed_on", "next_review_on"):
            day = getattr(self, name)
            if day and not EARLIEST_DATE <= day <= add_years(local_today(), 10) and name not in errors:
                errors[name] = gettext("Choose a day from %(year)s to ten years from now.") % {
                    "year": EARLIEST_DATE.year
                }
        if self.last_reviewed_on and self.next_review_on and self.next_review_on < self.last_reviewed_on:
            errors["next_review_on"] = gettext("The next review is due after the last one.")
        raise_errors(errors)


@audited()
class GroupNeighborhood(models.Model):
    """A neighborhood a group is in (the rows of Group.neighborhoods, audited)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, verbose_name=_("group"))
    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.CASCADE, verbose_name=_("neighborhood"))

    class Meta:
        verbose_name_plural = _("group neighborhoods")
        unique_together = [("group", "neighborhood")]
        verbose_name = _("group neighborhood")

    def __str__(self) -> str:
        return gettext("%(group)s in %(place)s") % {"group": self.group, "place": self.neighborhood}


class GroupAssociationQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> "GroupAssociationQuerySet":
        """Associations not expired and not ended (today, the program's local date). Every page and
        count reads associations through this. With `on`, also only those already recorded by that day."""
        today = local_today()
        current = self.filter(expires_on__gte=today, ended_on__isnull=True)
        if on is not None and on < today:
            current = current.filter(started_on__lte=on)
        return current

    def expiring_within(self, days: int) -> "GroupAssociationQuerySet":
        """Current associations that expire within `days` days (today included)."""
        return self.current().filter(expires_on__lte=local_today() + datetime.timedelta(days=days))

    def visible_to(self, user) -> "GroupAssociationQuerySet":
        """The associations of the clients a user may see (none for analysts)."""
        if roles.can_see_all_clients(user):
            return self.all()
        return self.filter(client__in=Client.objects.visible_to(user))


@audited()
class GroupAssociation(models.Model):
    """A client's association with a group: in what role, on what basis, confirmed when, expiring when."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="group_associations", verbose_name=_("client")
    )
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="associations", verbose_name=_("group"))
    role = models.CharField(max_length=20, choices=AssociationRole, verbose_name=_("role"))
    basis = models.CharField(max_length=30, choices=AssociationBasis, verbose_name=_("basis"))
    evidence_note = models.TextField(
        blank=True, max_length=LONG_TEXT_MAX, validators=[no_nul], verbose_name=_("evidence note")
    )
    started_on = models.DateField(_("associated since"), default=local_today)
    confirmed_on = models.DateField(_("last confirmed on"), default=local_today)
    expires_on = models.DateField(
        help_text=_("At most five years after the last confirmation."), verbose_name=_("expires on")
    )
    ended_on = models.DateField(null=True, blank=True, verbose_name=_("ended on"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = GroupAssociationQuerySet.as_manager()

    class Meta:
        verbose_name = _("group association")
        verbose_name_plural = _("group associations")
        ordering = ["group", "client", "pk"]
        indexes = [
            models.Index(fields=["group", "expires_on"]),
            models.Index(fields=["client", "expires_on"]),
            models.Index(fields=["expires_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("confirmed_on"))
                & Q(expires_on__lte=F("confirmed_on") + datetime.timedelta(days=ASSOCIATION_MAX_DAYS)),
                name="group_association_expires_within_five_years",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_on__gte=F("started_on")), name="group_association_confirmed_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="group_association_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(code)s: %(role)s of %(group)s") % {
            "code": self.client.code,
            "role": self.get_role_display().lower(),
            "group": self.group,
        }

    @property
    def is_current(self) -> bool:
        return self.ended_on is None and self.expires_on >= local_today()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = local_today()
        for name in ("started_on", "confirmed_on"):
            if (day := getattr(self, name)) and day > today:
                errors[name] = gettext("This date cannot be in the future.")
        if self.started_on and self.confirmed_on and self.confirmed_on < self.started_on:
            errors["confirmed_on"] = gettext("The last confirmation cannot be before the association began.")
        if self.confirmed_on and self.expires_on:
            latest = association_expiry(self.confirmed_on)
            if self.expires_on < self.confirmed_on:
                errors["expires_on"] = gettext("An association cannot expire before it was confirmed.")
            elif self.expires_on > latest:
                errors["expires_on"] = gettext(
                    "An association expires at most %(years)s years after it was last confirmed: by %(latest)s at "
                    "the latest."
                ) % {"years": settings.GROUP_ASSOCIATION_YEARS, "latest": long_day(latest)}
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = gettext("An association cannot end before it began.")
        if self._state.adding:
            errors |= _association_new_errors(self, today)
        if self.client_id and self.group_id and self.ended_on is None:
            twin = GroupAssociation.objects.current().filter(client=self.client_id, group=self.group_id)
            if twin.exclude(pk=self.pk).exists():
                errors["group"] = gettext(
                    "This client is already associated with this group: confirm that association instead."
                )
        raise_errors(errors)


def _association_new_errors(association: "GroupAssociation", today: datetime.date) -> dict[str, str]:
    """What a new association must have that old rows may lack (so in clean(), not a constraint): an
    evidence note, and a confirmation recent enough that it has not already expired."""
    errors: dict[str, str] = {}
    if not (association.evidence_note or "").strip():
        errors["evidence_note"] = EVIDENCE_HELP
    if association.confirmed_on and association_expiry(association.confirmed_on) < today:
        errors["confirmed_on"] = gettext(
            "Confirmed more than %(years)s years ago, it would already have expired on %(day)s: confirm it again "
            "today or leave it out."
        ) % {"years": settings.GROUP_ASSOCIATION_YEARS, "day": long_day(association_expiry(association.confirmed_on))}
    elif association.expires_on and association.expires_on < today:
        errors["expires_on"] = gettext(
            "It would already have expired on %(day)s: choose today or a later day, or leave it empty."
        ) % {"day": long_day(association.expires_on)}
    return errors


def lapsed_association_events() -> Q:
    """The audit events of the group associations that expired or ended: such an association appears on no
    page, a client's or a group's history included (core.history.HIDDEN_EVENTS)."""
    current = GroupAssociation.objects.current().annotate(key=Cast("pk", models.TextField())).values("key")
    return Q(pgh_obj_model="incidents.GroupAssociation") & ~Q(pgh_obj_id__in=current)


class ConflictKind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute")
    RETALIATION = "retaliation", _("Retaliation")
    ROBBERY = "robbery", _("Robbery")
    GROUP_RIVALRY = "group_rivalry", _("Group rivalry")
    OTHER = "other", _("Other")


class ConflictStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    MEDIATION_ATTEMPTED = "mediation_attempted", _("Mediation attempted")
    MEDIATED = "mediated", _("Mediated")
    COOLING = "cooling", _("Cooling")
    REIGNITED = "reignited", _("Reignited")
    CLOSED = "closed", _("Closed")


class Side(models.TextChoices):
    A = "a", _("Side A")
    B = "b", _("Side B")


# A side said inside a sentence: Spanish writes "lado A" there, and "Lado A" (the choice label) only where a
# label starts, as a heading or an option. English keeps what each place always said: "Side A" in brackets,
# "side a" after a comma.
SIDE_IN_BRACKETS = {
    Side.A: pgettext_lazy("conflict side, in brackets within a sentence", "Side A"),
    Side.B: pgettext_lazy("conflict side, in brackets within a sentence", "Side B"),
}
SIDE_AFTER_A_COMMA = {
    Side.A: pgettext_lazy("conflict side, after a comma within a sentence", "side a"),
    Side.B: pgettext_lazy("conflict side, after a comma within a sentence", "side b"),
}


def latest_status(conflict=None) -> Subquery:
    """The status of a conflict's latest change (the conflict is OuterRef("pk") by default)."""
    changes = ConflictStatusChange.objects.filter(conflict=conflict if conflict is not None else OuterRef("pk"))
    return Subquery(changes.order_by("-changed_at", "-pk").values("status")[:1])


class ConflictQuerySet(models.QuerySet):
    def with_status(self) -> "ConflictQuerySet":
        """Annotate `current_status`: the status of the latest change."""
        return self.annotate(current_status=latest_status())

    def open(self) -> "ConflictQuerySet":
        """Conflicts whose latest status is not closed."""
        return self.with_status().exclude(current_status=ConflictStatus.CLOSED)

    def visible_to(self, user) -> "ConflictQuerySet":
        """Every conflict for managers and admins; for a peacekeeper, those with a client on their
        caseload among the parties and those they recorded; none for anyone else."""
        if roles.can_see_all_clients(user):
            return self.all()
        if roles.is_peacekeeper(user):
            theirs = ConflictParty.objects.filter(client__in=Client.objects.on_caseload_of(user))
            return self.filter(Q(created_by=user) | Q(pk__in=theirs.values("conflict_id")))
        return self.none()


@audited()
class Conflict(models.Model):
    """A conflict between people and/or groups, each party on a side, that peacekeepers work to calm."""

    kind = models.CharField(max_length=20, choices=ConflictKind, verbose_name=_("kind"))
    description = models.TextField(max_length=LONG_TEXT_MAX, validators=[no_nul], verbose_name=_("description"))
    neighborhood = models.ForeignKey(
        Neighborhood, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("neighborhood")
    )
    incidents = models.ManyToManyField(
        Incident, blank=True, related_name="conflicts", through="ConflictIncident", verbose_name=_("incidents")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        # Kind, place and day, so two conflicts in a dropdown or a narrow list can be told apart
        # (select_related("neighborhood") where many are shown).
        parts = [gettext("Conflict #%(pk)s: %(kind)s") % {"pk": self.pk, "kind": self.get_kind_display().lower()}]
        if self.neighborhood_id:
            parts.append(str(self.neighborhood))
        if self.created_at:
            # Translators: a date format (Django's date filter letters) for the day in a conflict's name, "4 Dec
            # 2026" in English; in Spanish the day written out, as Django's DATE_FORMAT writes it.
            day = date_format(timezone.localdate(self.created_at), pgettext("conflict name", "j M Y"))
            parts.append(gettext("identified %(day)s") % {"day": day})
        return ", ".join(parts)

    def get_absolute_url(self) -> str:
        return reverse("incidents:conflict_detail", args=[self.pk])

    @property
    def status(self) -> str:
        """The latest status (annotated by with_status(), else read)."""
        if hasattr(self, "current_status"):
            return self.current_status
        change = self.status_changes.order_by("-changed_at", "-pk").first()
        return change.status if change else ""

    def get_status_display(self) -> str:
        return ConflictStatus(self.status).label if self.status in ConflictStatus.values else gettext("Not recorded")


@audited()
class ConflictStatusChange(models.Model):
    """A step in a conflict's status history: to what, when, by whom, why."""

    conflict = models.ForeignKey(
        Conflict, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("conflict")
    )
    status = models.CharField(max_length=30, choices=ConflictStatus, verbose_name=_("status"))
    changed_at = models.DateTimeField(default=timezone.now, verbose_name=_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    note = models.TextField(blank=True, max_length=LONG_TEXT_MAX, validators=[no_nul], verbose_name=_("note"))
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("conflict status change")
        verbose_name_plural = _("conflict status changes")
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["conflict", "-changed_at", "-id"], name="conflict_status_latest")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.conflict_id})"

    def clean(self) -> None:
        if self.changed_at and self.changed_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError({"changed_at": gettext("A status change cannot be in the future.")})


class ConflictPartyQuerySet(models.QuerySet):
    def for_client_page(self) -> "ConflictPartyQuerySet":
        """A client's places in conflicts, with the conflict and its status (`conflict_status`), newest
        conflict first. Every conflict a client is party to is visible to whoever may see the client
        (ConflictQuerySet.visible_to: a party on the caseload, or a manager), so the client's page,
        already scoped to the client, may list them all."""
        return (
            self.select_related("conflict__neighborhood")
            .annotate(conflict_status=latest_status(OuterRef("conflict_id")))
            .order_by("-conflict__created_at", "-conflict_id")
        )


@audited()
class ConflictParty(models.Model):
    """A party to a conflict: a client or a group, on side A or B."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="parties", verbose_name=_("conflict"))
    side = models.CharField(max_length=1, choices=Side, verbose_name=_("side"))
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conflict_parties",
        verbose_name=_("client"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="conflict_parties", verbose_name=_("group")
    )
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = ConflictPartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict party")
        verbose_name_plural = _("conflict parties")
        ordering = ["side", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False, group__isnull=True) | Q(client__isnull=True, group__isnull=False),
                name="conflict_party_client_or_group",
                violation_error_message=_("A party is a client or a group: choose exactly one."),
            ),
            models.UniqueConstraint(
                fields=["conflict", "client"], condition=Q(client__isnull=False), name="conflict_party_client_once"
            ),
            models.UniqueConstraint(
                fields=["conflict", "group"], condition=Q(group__isnull=False), name="conflict_party_group_once"
            ),
        ]
        indexes = [models.Index(fields=["client"]), models.Index(fields=["group"])]

    def __str__(self) -> str:
        who = self.client.code if self.client_id else str(self.group)
        return gettext("%(who)s (%(side)s) in conflict #%(pk)s") % {
            "who": who,
            "side": SIDE_IN_BRACKETS.get(self.side, self.side),
            "pk": self.conflict_id,
        }

    @property
    def side_after_a_comma(self) -> str:
        """The side as a list within a sentence says it ("…: side a, cooling"; "…: lado A, calmándose")."""
        return str(SIDE_AFTER_A_COMMA.get(self.side, self.side))

    @property
    def conflict_status_label(self) -> str:
        """The conflict's status (annotated by for_client_page(), else read)."""
        status = getattr(self, "conflict_status", None) or self.conflict.status
        return ConflictStatus(status).label if status in ConflictStatus.values else gettext("Not recorded")

    def clean(self) -> None:
        if bool(self.client_id) == bool(self.group_id):
            raise ValidationError(gettext("A party is a client or a group: choose exactly one."))
        twins = ConflictParty.objects.filter(conflict=self.conflict_id).exclude(pk=self.pk)
        if self.client_id and twins.filter(client=self.client_id).exists():
            raise ValidationError({"client": gettext("This client is already a party to this conflict.")})
        if self.group_id and twins.filter(group=self.group_id).exists():
            raise ValidationError({"group": gettext("This group is already a party to this conflict.")})


@audited()
class ConflictIncident(models.Model):
    """An incident linked to a conflict (the rows of Conflict.incidents, audited)."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, verbose_name=_("conflict"))
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, verbose_name=_("incident"))
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name_plural = _("conflict incidents")
        unique_together = [("conflict", "incident")]
        verbose_name = _("conflict incident")

    def __str__(self) -> str:
        return gettext("%(case)s in conflict #%(pk)s") % {"case": self.incident.case_number, "pk": self.conflict_id}


def at_risk_from_conflicts_and_groups(incident: Incident) -> list[tuple[Client, str]]:
    """Who may be at risk after `incident`, from the records: for each client who was a victim in it,
    the other current members and associates of their groups ("associate of <group>"); for each open
    conflict linked to it, the clients on the other side: the parties on a side opposite to a side
    holding a victim, or every party when no victim is a party ("other side of conflict #12"). A group
    among those parties brings its current members and associates. One row per client, their reasons
    joined, ordered by client code; the victims themselves are not listed. Not a ranking."""
    victims = set(incident.involvements.filter(role=InvolvementRole.VICTIM).values_list("client_id", flat=True))
    reasons: dict[int, list[str]] = {}

    def add(client_id: int, reason: str) -> None:
        if client_id not in victims and reason not in reasons.setdefault(client_id, []):
            reasons[client_id].append(reason)

    current = GroupAssociation.objects.current()
    victim_groups = current.filter(client__in=victims).values("group_id")
    for client_id, role, name in (
        current.filter(group__in=victim_groups).select_related(None).values_list("client_id", "role", "group__name")
    ):
        add(client_id, reasons_text.of_group(role, name))
    conflicts = Conflict.objects.open().filter(incidents=incident)
    parties = ConflictParty.objects.filter(conflict__in=conflicts.values("pk")).values_list(
        "conflict_id", "side", "client_id", "group_id"
    )
    by_conflict: dict[int, list[tuple[str, int | None, int | None]]] = {}
    for conflict_id, side, client_id, group_id in parties:
        by_conflict.setdefault(conflict_id, []).append((side, client_id, group_id))
    group_members: dict[int, list[int]] = {}
    groups = {g for rows in by_conflict.values() for _, _, g in rows if g}
    for group_id, client_id in current.filter(group__in=groups).values_list("group_id", "client_id"):
        group_members.setdefault(group_id, []).append(client_id)
    for conflict_id in sorted(by_conflict):
        rows = by_conflict[conflict_id]
        victim_sides = {side for side, client_id, _ in rows if client_id in victims}
        for side, client_id, group_id in rows:
            if victim_sides and side in victim_sides:
                continue
            for member in [client_id] if client_id else group_members.get(group_id, []):
                add(member, reasons_text.other_side(conflict_id))
    clients = Client.objects.in_bulk([pk for pk, why in reasons.items() if why])
    return [
        (clients[pk], reasons_text.SEPARATOR.join(reasons[pk]))
        for pk in sorted(clients, key=lambda pk: clients[pk].code)
    ]
