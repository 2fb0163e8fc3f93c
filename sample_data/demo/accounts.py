"""Demo users, one per role, with passwords printed for the person trying the product."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, User

from accounts.roles import Role


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    first_name: str
    last_name: str


DEMO_LOGINS = [
    DemoLogin("admin", "demo-admin-pass", "Administrator", "Ada", "Admin"),
    DemoLogin("manager", "demo-manager-pass", Role.MANAGER, "Lindsay", "Brown"),
    DemoLogin("analyst", "demo-analyst-pass", Role.ANALYST, "Keiland", "Henderson"),
    DemoLogin("peacekeeper", "demo-peacekeeper-pass", Role.PEACEKEEPER, "Grover", "Crump"),
    DemoLogin("peacekeeper2", "demo-peacekeeper-pass", Role.PEACEKEEPER, "Maria", "Lopez"),
    DemoLogin("peacekeeper3", "demo-peacekeeper-pass", Role.PEACEKEEPER, "Darnell", "Hayes"),
    DemoLogin("peacekeeper4", "demo-peacekeeper-pass", Role.PEACEKEEPER, "Rosa", "Villanueva"),
]


def seed_users() -> int:
    """Create the demo users that are missing (existing ones are left as they are)."""
    created = 0
    for login in DEMO_LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        user = User(username=login.username, first_name=login.first_name, last_name=login.last_name)
        user.set_password(login.password)
        if login.role == "Administrator":
            user.is_staff = user.is_superuser = True
        user.save()
        if login.role != "Administrator":
            user.groups.add(Group.objects.get(name=login.role))
        created += 1
    return created
