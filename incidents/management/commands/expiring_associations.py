"""List the group associations that expire within N days: counts and client codes, never names."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from incidents.models import GroupAssociation


class Command(BaseCommand):
    help = "List current group associations expiring within --days days (client codes and counts, no names)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="How many days ahead (default 30).")

    def handle(self, *args, days: int, **options) -> None:
        if not 0 <= days <= 3660:
            self.stderr.write(gettext("--days is a whole number from 0 to 3660."))
            raise SystemExit(2)
        rows = list(
            GroupAssociation.objects.expiring_within(days)
            .order_by("expires_on", "client__code")
            .values_list("expires_on", "client__code", "group_id", "role")
        )
        self.stdout.write(
            gettext("%(n)s group association(s) expire within %(days)s day(s).") % {"n": len(rows), "days": days}
        )
        for expires_on, code, group_id, role in rows:
            self.stdout.write(
                gettext("%(day)s  %(code)s  group %(group)s  %(role)s")
                % {"day": expires_on.isoformat(), "code": code, "group": group_id, "role": role}
            )
