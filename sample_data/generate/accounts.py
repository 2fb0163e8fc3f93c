"""Synthetic peacekeepers and managers: users in the Peacekeeper (Manager) group who never sign in."""

from django.contrib.auth.models import Group, User

from accounts.roles import Role
from sample_data.demo.outreach import FIRST_NAMES, LAST_NAMES
from sample_data.generate.base import Run, next_serial

USERNAME_PREFIX = "synthetic-pk-"
MANAGER_PREFIX = "synthetic-manager-"


def peacekeepers(run: Run) -> list[int]:
    """The plan's peacekeepers, numbered after the last synthetic one; their primary keys."""
    return _users(run, USERNAME_PREFIX, run.plan.peacekeepers, Role.PEACEKEEPER, counted_as=None)


def managers(run: Run) -> list[int]:
    """The plan's managers (they close the response cases), numbered after the last synthetic one."""
    return _users(run, MANAGER_PREFIX, run.plan.managers, Role.MANAGER, counted_as="managers")


def _users(run: Run, prefix: str, n: int, role: Role, *, counted_as: str | None) -> list[int]:
    taken = User.objects.filter(username__startswith=prefix).values_list("username", flat=True)
    start = next_serial(taken)
    users = []
    for i in range(n):
        user = User(
            username=f"{prefix}{start + i:05d}",
            first_name=run.rng.choice(FIRST_NAMES),
            last_name=run.rng.choice(LAST_NAMES),
            date_joined=run.now,
        )
        user.set_unusable_password()  # synthetic people never sign in
        users.append(user)
    User.objects.bulk_create(users)
    group = Group.objects.get(name=role)
    User.groups.through.objects.bulk_create([User.groups.through(user=u, group=group) for u in users])
    run.load.result.add(User, len(users), key=counted_as)
    run.load.analyze(User)
    return [u.pk for u in users]
