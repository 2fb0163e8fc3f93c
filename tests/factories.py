import datetime

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from accounts.roles import Role
from outreach.models import (
    Client,
    ClientStatus,
    Contact,
    Goal,
    Neighborhood,
    Partner,
    Referral,
    RiskLevel,
    local_today,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: browser tests flush the tables the roles migration filled.
            self.groups.add(*(Group.objects.get_or_create(name=Role(r))[0] for r in extracted))


class NeighborhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighborhood
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Neighborhood {n}")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"C-2000-{n:05d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    risk_level = RiskLevel.HIGH
    referral_source = "street_outreach"
    status = ClientStatus.ACTIVE
    referred_on = factory.LazyFunction(lambda: local_today() - datetime.timedelta(days=200))
    enrolled_on = factory.LazyFunction(lambda: local_today() - datetime.timedelta(days=190))
    neighborhood = factory.SubFactory(NeighborhoodFactory, name="Downtown")

    @factory.post_generation
    def secondary_peacekeepers(self, create, extracted, **kwargs):
        if create and extracted:
            self.secondary_peacekeepers.set(extracted)

    @factory.post_generation
    def periods(self, create, extracted, **kwargs):
        """The client's one enrolment period from their own dates, as the services (and migration
        0018 for older clients) keep it; periods=False for none, or a list of (enrolled, exited,
        reason) for a client who enrolled more than once (their own dates are the latest's)."""
        from outreach.models import EnrolmentPeriod

        if not create or extracted is False:
            return
        stretches = extracted or [(self.enrolled_on, self.exited_on, self.exit_reason)]
        EnrolmentPeriod.objects.bulk_create(
            EnrolmentPeriod(client=self, enrolled_on=enrolled, exited_on=exited, exit_reason=reason or "")
            for enrolled, exited, reason in stretches
            if enrolled or exited
        )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    peacekeeper = factory.LazyAttribute(lambda o: o.client.primary_peacekeeper)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    duration_minutes = 30
    kind = "in_person"
    topics = factory.LazyFunction(lambda: ["education"])


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    client = factory.SubFactory(ClientFactory)
    domain = "education"
    description = "Enroll in GED classes"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Partner {n}")
    services = "Job training"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    client = factory.SubFactory(ClientFactory)
    partner = factory.SubFactory(PartnerFactory)
    service = "Job training"
    referred_on = factory.LazyFunction(lambda: local_today() - datetime.timedelta(days=10))


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "incidents.Incident"

    case_number = factory.Sequence(lambda n: f"SPD-{n:06d}")
    kind = "homicide"
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    killed = 1
    injured = 0
    weapon = "firearm"
    neighborhood = factory.SubFactory(NeighborhoodFactory, name="Downtown")


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "incidents.Involvement"

    incident = factory.SubFactory(IncidentFactory)
    client = factory.SubFactory(ClientFactory)
    role = "victim"


class ResponseFactory(factory.django.DjangoModelFactory):
    """A peacekeeper's response an hour after the incident (or now, for one that just happened)."""

    class Meta:
        model = "incidents.Response"

    incident = factory.SubFactory(IncidentFactory)
    peacekeeper = factory.SubFactory(UserFactory, roles=[Role.PEACEKEEPER])
    responded_at = factory.LazyAttribute(
        lambda o: min(o.incident.occurred_at + datetime.timedelta(hours=1), timezone.now())
    )
    kind = "scene"


class MediationFactory(factory.django.DjangoModelFactory):
    """A mediation; `peacekeepers=[...]` and `clients=[...]` link people to it."""

    class Meta:
        model = "incidents.Mediation"
        skip_postgeneration_save = True

    parties = "Two groups from neighboring blocks"
    outcome = "resolved"

    @factory.post_generation
    def peacekeepers(self, create, extracted, **kwargs):
        if create and extracted:
            self.peacekeepers.set(extracted)

    @factory.post_generation
    def clients(self, create, extracted, **kwargs):
        if create and extracted:
            self.clients.set(extracted)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "incidents.Group"

    name = factory.Sequence(lambda n: f"Group {n}")


class GroupAssociationFactory(factory.django.DjangoModelFactory):
    """A current association, confirmed today and expiring in five years (the default)."""

    class Meta:
        model = "incidents.GroupAssociation"

    client = factory.SubFactory(ClientFactory)
    group = factory.SubFactory(GroupFactory)
    role = "member"
    basis = "self_identified"
    started_on = factory.LazyFunction(local_today)
    confirmed_on = factory.LazyAttribute(lambda o: o.started_on)
    expires_on = factory.LazyAttribute(lambda o: o.confirmed_on + datetime.timedelta(days=5 * 365))


class ConflictFactory(factory.django.DjangoModelFactory):
    """A conflict identified now; `status="..."` adds a later change to that status."""

    class Meta:
        model = "incidents.Conflict"
        skip_postgeneration_save = True

    kind = "dispute"
    description = "A dispute over a car"

    @factory.post_generation
    def status(self, create, extracted, **kwargs):
        from incidents.models import ConflictStatusChange

        if not create:
            return
        start = timezone.now() - datetime.timedelta(days=2)
        ConflictStatusChange.objects.create(conflict=self, status="identified", changed_at=start)
        if extracted and extracted != "identified":
            ConflictStatusChange.objects.create(
                conflict=self, status=extracted, changed_at=start + datetime.timedelta(days=1)
            )


class ConflictPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "incidents.ConflictParty"

    conflict = factory.SubFactory(ConflictFactory)
    side = "a"


def publish_copy(year: int, quarter: int, *, by, reason: str = ""):
    """A public copy prepared here (as the worker would) and published by `by`."""
    from publishing import services, tasks
    from publishing.models import PublishedCopy

    copy = PublishedCopy.objects.create(year=year, quarter=quarter, prepared_by=by)
    tasks.prepare_copy.call(copy.pk)
    copy.refresh_from_db()
    return services.copy_publish(copy=copy, by=by, reason=reason, gives_away_accepted=True)
