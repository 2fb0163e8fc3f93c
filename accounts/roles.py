"""Who may do what: the one place that knows the roles (groups) and what each may use.

Roles are Django groups created by a data migration. Superusers are administrators and may
do everything. Views, navigation and (later) querysets ask these functions, never the
group names directly.
"""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet


class Role(StrEnum):
    PEACEKEEPER = "Peacekeeper"
    MANAGER = "Manager"
    ANALYST = "Analyst"


_CACHE_ATTR = "_peacekeeper_roles"


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """The roles a user holds (cached on the user object for the request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        names = user.groups.filter(name__in=list(Role)).values_list("name", flat=True)
        cached = frozenset(Role(name) for name in names)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def peacekeepers() -> QuerySet[User]:
    """Everyone in the peacekeepers' group, active or not (a record they were on must still save)."""
    return User.objects.filter(groups__name=Role.PEACEKEEPER)


def active_peacekeepers() -> QuerySet[User]:
    """The peacekeepers who may be assigned work today: in the group and not deactivated."""
    return peacekeepers().filter(is_active=True)


def is_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_peacekeeper(user: User | AnonymousUser) -> bool:
    return Role.PEACEKEEPER in roles_of(user)


def is_manager(user: User | AnonymousUser) -> bool:
    return Role.MANAGER in roles_of(user)


def is_analyst(user: User | AnonymousUser) -> bool:
    return Role.ANALYST in roles_of(user)


def can_see_clients(user: User | AnonymousUser) -> bool:
    """Client pages: peacekeepers (their caseload), managers and admins. Never analysts alone."""
    return is_admin(user) or is_manager(user) or is_peacekeeper(user)


def can_see_all_clients(user: User | AnonymousUser) -> bool:
    """Every client, not just a caseload: managers and admins."""
    return is_admin(user) or is_manager(user)


def can_use_field_mode(user: User | AnonymousUser) -> bool:
    """Field mode (offline capture of contacts, a copy of the caseload on the phone): peacekeepers
    only. Managers and admins, who see every client, get no offline data."""
    return is_peacekeeper(user) and not can_see_all_clients(user)


def can_log_incidents(user: User | AnonymousUser) -> bool:
    return is_admin(user) or bool(roles_of(user))


def can_record_responses(user: User | AnonymousUser) -> bool:
    """Responses to incidents: the program roles (peacekeepers, managers, admins). Analysts log
    incidents but do not respond to them; a manager records the response of the peacekeeper who went."""
    return is_admin(user) or is_manager(user) or is_peacekeeper(user)


def can_publish_reports(user: User | AnonymousUser) -> bool:
    """Preparing and publishing public copies of the report, and reading their audits: managers and admins."""
    return is_admin(user) or is_manager(user)


def can_see_reports(user: User | AnonymousUser) -> bool:
    """Reports and aggregate exports: managers, analysts and admins."""
    return is_admin(user) or is_manager(user) or is_analyst(user)


def primary_role(user: User | AnonymousUser) -> str | None:
    """The role a dashboard is built for when a user holds several: the widest view wins."""
    if is_admin(user):
        return "admin"
    for role in (Role.MANAGER, Role.ANALYST, Role.PEACEKEEPER):
        if role in roles_of(user):
            return role.value.lower()
    return None
