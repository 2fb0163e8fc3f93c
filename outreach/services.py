"""Writes that span several rows or record an event in the audit trail: creating, assigning,
exiting and merging clients (assignment, transfer and exit are fields of `client_save`), logging
their contacts, goals and referrals.

Each is a keyword-only function `<thing>_<action>` under one transaction that validates the rows
it saves with `full_clean()`; `by` is who acts, recorded in the audit trail. Views parse a form,
call one of these, and put a ValidationError back on the form.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from pghistory.models import Event

from accounts import roles
from core.people import display_name
from core.services import audited_by, model_save
from outreach.models import Client, ClientCodeSequence, Contact, Goal, PossibleDuplicate, Referral, SecondaryPeacekeeper

# What a caller may set on each record, and what its form edits (the client, its author and the
# one-time key are set here).
CONTACT_FIELDS = (
    "occurred_at",
    "duration_minutes",
    "kind",
    "location",
    "topics",
    "notes",
    "conflict_risk",
    "next_steps",
    "follow_up_on",
)
GOAL_FIELDS = ("domain", "description", "target_on", "status", "achieved_on")
REFERRAL_FIELDS = ("partner", "service", "referred_on", "status", "completed_on")


def client_code_next(*, year: int) -> str:
    """Hand out the next client code for a year, safely under concurrent creation.

    One atomic upsert: two transactions asking at once queue on the row and get different
    numbers. Numbers are never reused, even when the creating transaction rolls back.
    """
    if year < settings.PROGRAM_START_YEAR:
        raise ValueError(f"No client code for {year}: the program began in {settings.PROGRAM_START_YEAR}.")
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
    outsiders = [display_name(u) for u in secondary if not roles.is_peacekeeper(u)]
    if outsiders:
        errors["secondary_peacekeepers"] = "Only members of the Peacekeeper group can be assigned: " + ", ".join(
            outsiders
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def client_save(
    *,
    client: Client,
    secondary_peacekeepers: list[User] | None = None,
    possible_duplicate_of: list[Client] = (),
    by: User | None = None,
) -> Client:
    """Validate and save a new or changed client, with its code and secondary peacekeepers; a new
    client that looks like records its creator may not see is saved for a manager's review."""
    with audited_by(by):
        if secondary_peacekeepers is None:
            secondary_peacekeepers = list(client.secondary_peacekeepers.all()) if client.pk else []
        _check_team(primary=client.primary_peacekeeper, secondary=secondary_peacekeepers)
        is_new = not client.code
        client.full_clean(exclude=["code"] if is_new else None)
        if is_new:
            client.code = client_code_next(year=(client.enrolled_on or client.referred_on).year)
        client.save()
        client.secondary_peacekeepers.set(secondary_peacekeepers)
        if is_new and possible_duplicate_of:
            review = PossibleDuplicate.objects.create(client=client, client_code=client.code, created_by=by)
            review.matches.set(possible_duplicate_of)
        return client


def contact_log(*, client: Client, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None) -> Contact:
    """Log a contact with a client, by the peacekeeper `by` (the client's last contact follows, in SQL)."""
    contact = Contact(client=client, peacekeeper=by, form_key=form_key)
    return model_save(contact, data=data, fields=CONTACT_FIELDS, by=by)


def contact_update(*, contact: Contact, by: User, data: Mapping[str, Any]) -> Contact:
    """Correct a logged contact (the trail keeps what it said before)."""
    return model_save(contact, data=data, fields=CONTACT_FIELDS, by=by)


def goal_create(*, client: Client, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None) -> Goal:
    """Add a milestone to a client's life plan."""
    return model_save(Goal(client=client, form_key=form_key), data=data, fields=GOAL_FIELDS, by=by)


def goal_update(*, goal: Goal, by: User, data: Mapping[str, Any]) -> Goal:
    """Change a goal: its status, its dates, its wording."""
    return model_save(goal, data=data, fields=GOAL_FIELDS, by=by)


def referral_create(
    *, client: Client, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None
) -> Referral:
    """Refer a client to a partner's service."""
    return model_save(Referral(client=client, form_key=form_key), data=data, fields=REFERRAL_FIELDS, by=by)


def referral_update(*, referral: Referral, by: User, data: Mapping[str, Any]) -> Referral:
    """Follow a referral up: connected, completed, declined."""
    return model_save(referral, data=data, fields=REFERRAL_FIELDS, by=by)


# What a merge copies from the duplicate into the kept record when the kept record has it blank.
MERGE_FILLS_BLANKS = ("nickname", "date_of_birth", "gender", "phone", "address", "neighborhood", "consent_signed_on")


def _open_review(review: PossibleDuplicate) -> PossibleDuplicate:
    review = PossibleDuplicate.objects.select_for_update().get(pk=review.pk)
    if review.status != PossibleDuplicate.Status.OPEN:
        raise ValidationError("This possible duplicate was already reviewed.")
    return review


def _move_rows(*, duplicate: Client, into: Client) -> None:
    """Point every row that refers to the duplicate at the kept client instead. A row the kept
    client already has (both in one mediation, say) would break a unique rule: it is dropped."""
    for relation in Client._meta.related_objects:
        model, field = relation.related_model, relation.field
        if relation.many_to_many or issubclass(model, Event) or model is PossibleDuplicate:
            continue  # the audit trail stays with the record it describes; reviews are settled below
        rows = model._base_manager.filter(**{field.name: duplicate})
        uniques = [set(u) for u in model._meta.unique_together] + [
            set(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields
        ]
        for unique in (u for u in uniques if field.name in u):
            others = sorted(unique - {field.name})
            kept = model._base_manager.filter(**{field.name: into}).values_list(*others)
            for values in kept:
                rows.filter(**dict(zip(others, values, strict=True))).delete()
        rows.update(**{field.name: into})


@transaction.atomic
def client_merge(*, review: PossibleDuplicate, into: Client, by: User) -> Client:
    """The same person: move the duplicate's contacts, goals, referrals, incidents, mediations and
    team to the kept record, fill the kept record's blanks from it, and remove the duplicate (its
    values stay in the audit trail, its code on the review)."""
    with audited_by(by):
        review = _open_review(review)
        if not review.matches.filter(pk=into.pk).exists():
            raise ValidationError("That record is not one of the possible matches.")
        into = Client.objects.select_for_update().get(pk=into.pk)
        duplicate = Client.objects.select_for_update().get(pk=review.client_id)
        for name in MERGE_FILLS_BLANKS:
            if getattr(into, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
                setattr(into, name, getattr(duplicate, name))
        into.full_clean()
        # Whoever took the duplicate in works with this person now: they join the kept record's team.
        team = [duplicate.primary_peacekeeper] if duplicate.primary_peacekeeper else []
        _move_rows(duplicate=duplicate, into=into)
        for user in team:
            if user != into.primary_peacekeeper and roles.is_peacekeeper(user):
                SecondaryPeacekeeper.objects.get_or_create(client=into, user=user)
        SecondaryPeacekeeper.objects.filter(client=into, user=into.primary_peacekeeper_id).delete()
        into.save()
        review.status, review.merged_into = PossibleDuplicate.Status.MERGED, into
        review.resolved_by, review.resolved_at = by, timezone.now()
        review.save()
        # Reviews that named the duplicate as a match now name the kept record.
        for other in PossibleDuplicate.objects.filter(matches=duplicate):
            other.matches.remove(duplicate)
            if other.client_id != into.pk:
                other.matches.add(into)
        duplicate.delete()
        return into


@transaction.atomic
def possible_duplicate_dismiss(*, review: PossibleDuplicate, by: User) -> PossibleDuplicate:
    """Different people: the review is closed and both records stay as they are."""
    review = _open_review(review)
    review.status = PossibleDuplicate.Status.DISMISSED
    review.resolved_by, review.resolved_at = by, timezone.now()
    with audited_by(by):
        review.full_clean()
        review.save()
    return review
