"""Synthetic peacekeepers: users in the Peacekeeper group who never sign in."""

from django.contrib.auth.models import Group, User

from accounts.roles import Role
from sample_data.demo.outreach import FIRST_NAMES, LAST_NAMES
from sample_data.generate.base import Run, next_serial

USERNAME_PREFIX = "synthetic-pk-"


def peacekeepers(run: Run) -> list[int]:
    """The plan's peacekeepers, numbered after the last synthetic one; their primary keys."""
    taken = User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", flat=True)
    start = next_serial(taken)
    users = []
    for i in range(run.plan.peacekeepers):
        user = User(
            username=f"{USERNAME_PREFIX}{start + i:05d}",
            first_name=run.rng.choice(FIRST_NAMES),
            last_name=run.rng.choice(LAST_NAMES),
            date_joined=run.now,
        )
        user.set_unusable_password()  # synthetic people never sign in
        users.append(user)
    User.objects.bulk_create(users)
    group = Group.objects.get(name=Role.PEACEKEEPER)
    User.groups.through.objects.bulk_create([User.groups.through(user=u, group=group) for u in users])
    run.load.result.add(User, len(users))
    run.load.analyze(User)
    return [u.pk for u in users]
