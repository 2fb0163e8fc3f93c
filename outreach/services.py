"""Writes that span several rows: creating and assigning clients, logging their work."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts import roles
from outreach.models import Client, ClientCodeSequence, Contact


def client_code_next(*, year: int) -> str:
    """Hand out the next client code for a year, safely under concurrent creation.

    One atomic upsert: two transactions asking at once queue on the row and get different
    numbers. Numbers are never reused, even when the creating transaction rolls back.
    """
    table = ClientCodeSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"C-{year}-{number:04d}"


def _check_team(*, primary: User | None, secondary: list[User]) -> None:
    errors = {}
    if primary is not None and primary in secondary:
        errors["secondary_peacekeepers"] = "The primary peacekeeper cannot also be a secondary peacekeeper."
    outsiders = [u.get_full_name() or u.username for u in secondary if not roles.is_peacekeeper(u)]
    if outsiders:
        errors["secondary_peacekeepers"] = "Only members of the Peacekeeper group can be assigned: " + ", ".join(
            outsiders
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def client_save(*, client: Client, secondary_peacekeepers: list[User] | None = None) -> Client:
    """Validate and save a new or changed client, with its code and secondary peacekeepers."""
    if secondary_peacekeepers is None:
        secondary_peacekeepers = list(client.secondary_peacekeepers.all()) if client.pk else []
    _check_team(primary=client.primary_peacekeeper, secondary=secondary_peacekeepers)
    is_new = not client.code
    client.full_clean(exclude=["code"] if is_new else None)
    if is_new:
        client.code = client_code_next(year=(client.enrolled_on or client.referred_on).year)
    client.save()
    client.secondary_peacekeepers.set(secondary_peacekeepers)
    return client


@transaction.atomic
def contact_log(*, contact: Contact) -> Contact:
    """Validate and save a contact."""
    contact.full_clean()
    contact.save()
    return contact
