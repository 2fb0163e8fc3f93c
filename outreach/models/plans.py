"""A client's life plan: goals, and referrals to community partners."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from core.form_keys import form_key_field
from outreach.models.clients import Client, local_today


class GoalDomain(models.TextChoices):
    # Plain English labels, as ExitReason's (outreach.models.clients says why).

    EDUCATION = "education", gettext_noop("Education")
    EMPLOYMENT = "employment", gettext_noop("Employment")
    HOUSING = "housing", gettext_noop("Housing")
    HEALTH = "health", gettext_noop("Health")
    LEGAL = "legal", gettext_noop("Legal")
    FAMILY = "family", gettext_noop("Family")
    PERSONAL = "personal", gettext_noop("Personal")


class GoalStatus(models.TextChoices):
    # "Abierta": a meta, where a case or an incident is "Abierto".
    OPEN = "open", pgettext_lazy("goal status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


@audited()
class Goal(models.Model):
    """A milestone of a client's life plan."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="goals", verbose_name=_("client"))
    domain = models.CharField(_("domain"), max_length=20, choices=GoalDomain)
    description = models.CharField(_("description"), max_length=300)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus, default=GoalStatus.OPEN)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    OPEN_STATUSES = (GoalStatus.OPEN, GoalStatus.IN_PROGRESS)

    class Meta:
        ordering = ["status", "target_on", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=GoalStatus.ACHIEVED) | Q(achieved_on__isnull=False), name="goal_achieved_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{gettext(self.get_domain_display())}: {self.description}"

    def clean(self) -> None:
        if self.status == GoalStatus.ACHIEVED and not self.achieved_on:
            raise ValidationError({"achieved_on": gettext("Give the date the goal was achieved.")})
        if self.status != GoalStatus.ACHIEVED and self.achieved_on:
            raise ValidationError({"achieved_on": gettext("Only an achieved goal has an achieved date.")})
        if self.achieved_on and self.achieved_on > local_today():
            raise ValidationError({"achieved_on": gettext("The achieved date is in the future.")})


class Partner(models.Model):
    """A community partner organisation clients are referred to."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    services = models.CharField(
        _("services"), max_length=300, blank=True, help_text=_("What they offer, e.g. job training, GED.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONNECTED = "connected", _("Connected")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")


@audited()
class Referral(models.Model):
    """A client referred to a partner for a service."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("client"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("partner"))
    service = models.CharField(_("service"), max_length=150)
    referred_on = models.DateField(_("referred on"), default=local_today)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus, default=ReferralStatus.PENDING)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    form_key = form_key_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return gettext("%(service)s at %(partner)s") % {"service": self.service, "partner": self.partner}

    def clean(self) -> None:
        errors = {}
        if self.referred_on and self.referred_on > local_today():
            errors["referred_on"] = gettext("The referral date is in the future.")
        if self.status == ReferralStatus.COMPLETED and not self.completed_on:
            errors["completed_on"] = gettext("Give the date the service was completed.")
        if self.completed_on and self.referred_on and self.completed_on < self.referred_on:
            errors["completed_on"] = gettext("The completion date cannot be before the referral.")
        if errors:
            raise ValidationError(errors)
