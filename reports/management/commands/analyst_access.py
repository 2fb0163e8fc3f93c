import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports import analyst


class Command(BaseCommand):
    help = (
        "Make (or bring up to date) a read-only PostgreSQL role for analysts' own tools, and the name-free views "
        f"of schema '{analyst.SCHEMA}' it may read. Safe to run again, e.g. after migrations."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--role", required=True, help="The role to make, e.g. peacekeeper_analyst.")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Let the role sign in with the password in this environment variable; without it the role "
            "cannot sign in and is granted to analysts' own login roles (GRANT role TO alice).",
        )

    def handle(self, *args, role: str, password_from_env: str | None, **options) -> None:
        password = None
        if password_from_env:
            password = os.environ.get(password_from_env)
            if not password:
                raise CommandError(f"The environment variable {password_from_env} is unset or empty.")
        try:
            with transaction.atomic():
                analyst.create_views()
                created = analyst.grant_role(role, password=password)
        except analyst.AnalystAccessError as error:
            raise CommandError(str(error)) from None
        state = "Created" if created else "Updated"
        login = "may sign in" if password else "cannot sign in (grant it to login roles)"
        views = ", ".join(f"{analyst.SCHEMA}.{name}" for name in analyst.VIEWS)
        self.stdout.write(f"{state} role {role}: read-only, {login}. Views: {views}.")
