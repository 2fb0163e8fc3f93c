import pytest
from django.contrib.auth.models import AnonymousUser, Group, User

from accounts import roles
from accounts.roles import Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_migration_creates_the_three_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Peacekeeper", "Manager", "Analyst"}


def test_role_names_are_the_contract_names():
    assert [r.value for r in Role] == ["Peacekeeper", "Manager", "Analyst"]


def test_each_persona_has_exactly_its_role(peacekeeper, manager, analyst):
    assert roles.is_peacekeeper(peacekeeper) and not roles.is_manager(peacekeeper)
    assert roles.is_manager(manager) and not roles.is_analyst(manager)
    assert roles.is_analyst(analyst) and not roles.is_peacekeeper(analyst)


def test_client_pages_are_for_peacekeepers_managers_and_admins(peacekeeper, manager, analyst, admin_user):
    assert roles.can_see_clients(peacekeeper)
    assert roles.can_see_clients(manager)
    assert roles.can_see_clients(admin_user)
    assert not roles.can_see_clients(analyst)


def test_only_managers_and_admins_see_every_client(peacekeeper, manager, analyst, admin_user):
    assert roles.can_see_all_clients(manager) and roles.can_see_all_clients(admin_user)
    assert not roles.can_see_all_clients(peacekeeper) and not roles.can_see_all_clients(analyst)


def test_reports_are_for_managers_analysts_and_admins(peacekeeper, manager, analyst, admin_user):
    assert roles.can_see_reports(manager) and roles.can_see_reports(analyst) and roles.can_see_reports(admin_user)
    assert not roles.can_see_reports(peacekeeper)


def test_every_role_logs_incidents_but_a_user_without_role_does_not(peacekeeper, manager, analyst, no_role_user):
    assert all(roles.can_log_incidents(u) for u in (peacekeeper, manager, analyst))
    assert not roles.can_log_incidents(no_role_user)


def test_anonymous_and_inactive_users_have_no_roles(peacekeeper):
    assert roles.roles_of(AnonymousUser()) == frozenset()
    assert not roles.can_see_reports(AnonymousUser())
    peacekeeper.is_active = False
    assert roles.roles_of(peacekeeper) == frozenset()


def test_a_group_that_is_not_a_role_grants_nothing(no_role_user):
    no_role_user.groups.add(Group.objects.create(name="Volunteers"))
    assert roles.roles_of(no_role_user) == frozenset()
    assert roles.primary_role(no_role_user) is None


def test_roles_are_read_once_per_user_object(peacekeeper, django_assert_num_queries):
    with django_assert_num_queries(1):
        roles.is_peacekeeper(peacekeeper)
        roles.is_manager(peacekeeper)
        roles.can_see_reports(peacekeeper)


def test_primary_role_prefers_the_widest_view(peacekeeper, admin_user):
    assert roles.primary_role(peacekeeper) == "peacekeeper"
    peacekeeper.groups.add(Group.objects.get(name="Manager"))
    assert roles.primary_role(User.objects.get(pk=peacekeeper.pk)) == "manager"
    assert roles.primary_role(admin_user) == "admin"


def test_active_peacekeepers_are_the_peacekeepers_group_less_the_deactivated(peacekeeper, other_peacekeeper, manager):
    other_peacekeeper.is_active = False
    other_peacekeeper.save()
    UserFactory(username="boss", is_superuser=True)
    assert set(roles.peacekeepers()) == {peacekeeper, other_peacekeeper}
    assert list(roles.active_peacekeepers()) == [peacekeeper]
