from django.core.management.base import BaseCommand, CommandError

from incidents import response_cases


class Command(BaseCommand):
    help = (
        "Open the response cases of the homicides and non-fatal shootings of the last N days that have none (after "
        "upgrading to a version with response cases). Responses already recorded become their tasks' completions."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=120)

    def handle(self, *args, days: int, **options) -> None:
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660.")
        response_cases.default_standard()
        opened = response_cases.open_recent(days=days)
        self.stdout.write(f"Opened {opened} response case{'s' if opened != 1 else ''}.")
