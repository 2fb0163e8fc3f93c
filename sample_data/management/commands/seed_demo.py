from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sample_data.demo.accounts import DEMO_LOGINS, seed_users
from sample_data.demo.conflicts import seed_conflicts
from sample_data.demo.history import seed_program_history
from sample_data.demo.incidents import seed_incidents
from sample_data.demo.outreach import seed_clients, seed_neighborhoods, seed_partners
from sample_data.demo.response import seed_response_cases


class Command(BaseCommand):
    help = (
        "Create demo data (idempotent): users for each role, neighborhoods, partners, clients, incidents since "
        "2012 and the program's history since 2012. Prints logins."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Seed only when the database has no users; always print logins."
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even when DJANGO_DEBUG is off (demo passwords are public: never on a live system).",
        )

    def handle(self, *args, if_empty: bool, allow_without_debug: bool, **options) -> None:
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "Refusing to create demo users with public passwords while DJANGO_DEBUG is off. "
                "Pass --allow-without-debug if this really is a demo system."
            )
        if if_empty and User.objects.exists():
            self.stdout.write("Database already has users: demo data not added.")
        else:
            with transaction.atomic():
                users = seed_users()
                neighborhoods = seed_neighborhoods()
                partners = seed_partners()
                clients = seed_clients()
                incidents = seed_incidents()
                past_clients = seed_program_history()
                groups = seed_conflicts()
                cases = seed_response_cases()
            self.stdout.write(
                f"Demo data created: {users} users, {neighborhoods} neighborhoods, {partners} partners, "
                f"{clients} clients with their contacts, goals and referrals, {incidents} incidents, "
                f"{past_clients} past clients with the program's history since 2012, "
                f"{groups} groups with their associations and conflicts, and {cases} response cases after shootings."
            )
        self._print_logins()

    def _print_logins(self) -> None:
        present = set(
            User.objects.filter(username__in=[d.username for d in DEMO_LOGINS]).values_list("username", flat=True)
        )
        self.stdout.write("Demo logins (username / password / role):")
        for login in DEMO_LOGINS:
            if login.username in present:
                self.stdout.write(f"  {login.username:<14} {login.password:<24} {login.role}")
