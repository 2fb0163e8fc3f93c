import factory
from django.contrib.auth.models import Group, User

from accounts.roles import Role
from outreach.models import Neighborhood

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
