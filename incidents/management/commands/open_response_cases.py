from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from incidents import response_cases


class Command(BaseCommand):
    help = (
        "Open the response cases of the homicides and non-fatal shootings of the last N days that have none (after "
        "upgrading to a version with response cases). Responses already recorded become their tasks' completions."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=120)
        parser.add_argument(
            "--follow",
            action="store_true",
            help="Also bring every open case in line with its incident: due times from the incident's time (whole "
            "days on the local calendar), and cases of incidents that no longer open one closed. It needs --by.",
        )
        parser.add_argument("--by", help="The username recorded as closing such cases (an administrator or manager).")

    def handle(self, *args, days: int, **options) -> None:
        if not 1 <= days <= 3660:
            raise CommandError(gettext("--days must be between 1 and 3660."))
        response_cases.default_standard()
        opened = response_cases.open_recent(days=days)
        self.stdout.write(
            ngettext("Opened %(n)s response case.", "Opened %(n)s response cases.", opened) % {"n": opened}
        )
        if options["follow"]:
            by = User.objects.filter(username=options["by"] or "").first()
            if by is None:
                raise CommandError(gettext("--follow needs --by USERNAME: who is recorded as closing a case."))
            looked = response_cases.follow_open(by=by)
            self.stdout.write(
                ngettext(
                    "Brought %(n)s open case in line with their incidents.",
                    "Brought %(n)s open cases in line with their incidents.",
                    looked,
                )
                % {"n": looked}
            )
