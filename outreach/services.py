"""Writes that span several rows or record an event in the audit trail: creating, assigning and
merging clients, ending and reopening their enrolment (`client_exit`, `client_exit_undo`,
`client_reenrol`), transferring their case (`client_transfer`), logging their contacts, goals and
referrals.

Each is a keyword-only function `<thing>_<action>` under one transaction that validates the rows
it saves with `full_clean()`; `by` is who acts, recorded in the audit trail. Views parse a form,
call one of these, and put a ValidationError back on the form.
"""

import datetime
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from pghistory.models import Event

from accounts import roles
from core.people import display_name
from core.services import audited_by, model_save
from outreach.models import (
    Client,
    ClientCodeSequence,
    ClientStatus,
    ClientTransfer,
    Contact,
    EnrolmentPeriod,
    ExitReason,
    Goal,
    PossibleDuplicate,
    Referral,
    SecondaryPeacekeeper,
)

EXIT_FIELDS = ("status", "exited_on", "exit_reason")
USE_THE_EXIT_ACTION = _(
    "Exiting a client, or undoing an exit, is done with the actions on the client's page "
    "(Exit from the program, Undo the exit, Re-enrol), not by editing the record."
)

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


def _long_date(day: datetime.date) -> str:
    """A date in words, in the language of the request ("3 December 2026")."""
    return date_format(day, pgettext("long date format", "j F Y"))


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
        errors["secondary_peacekeepers"] = gettext("The primary peacekeeper cannot also be a secondary peacekeeper.")
    outsiders = [display_name(u) for u in secondary if not roles.is_peacekeeper(u)]
    if outsiders:
        errors["secondary_peacekeepers"] = gettext(
            "Only members of the Peacekeeper group can be assigned: %(names)s"
        ) % {"names": ", ".join(outsiders)}
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
        before = None if is_new else Client.objects.select_for_update().get(pk=client.pk)
        if before is not None and any(getattr(before, f) != getattr(client, f) for f in EXIT_FIELDS):
            if ClientStatus.EXITED in (before.status, client.status):
                raise ValidationError({"status": USE_THE_EXIT_ACTION})
        client.full_clean(exclude=["code"] if is_new else None)
        if is_new:
            client.code = client_code_next(year=(client.enrolled_on or client.referred_on).year)
        client.save()
        _period_follow(client)
        client.secondary_peacekeepers.set(secondary_peacekeepers)
        if is_new and possible_duplicate_of:
            review = PossibleDuplicate.objects.create(client=client, client_code=client.code, created_by=by)
            review.matches.set(possible_duplicate_of)
        return client


def _latest_period(client: Client) -> EnrolmentPeriod | None:
    """The client's latest enrolment period. A client saved without one (generated data, a bulk
    load) gets it from their own dates, so every write below has a period to work on."""
    period = client.periods.order_by("-exited_on", "-enrolled_on", "-pk").first()
    period = client.periods.filter(exited_on__isnull=True).first() or period
    if period is None and (client.enrolled_on or client.exited_on):
        period = EnrolmentPeriod.objects.create(
            client=client, enrolled_on=client.enrolled_on, exited_on=client.exited_on, exit_reason=client.exit_reason
        )
    return period


def _period_follow(client: Client) -> None:
    """Keep the latest period in step with a client saved from their record (enrolment dates)."""
    period = _latest_period(client)
    enrolled = client.status in (ClientStatus.ACTIVE, ClientStatus.INACTIVE)
    if period is None or (enrolled and not period.is_open):
        if enrolled:
            _check_after_earlier_periods(client, client.enrolled_on)
            EnrolmentPeriod.objects.create(client=client, enrolled_on=client.enrolled_on)
        return
    if period.is_open and client.status == ClientStatus.REFERRED:
        raise ValidationError({"status": gettext("An enrolled client cannot go back to Referred: exit them instead.")})
    if period.enrolled_on != client.enrolled_on:
        _check_after_earlier_periods(client, client.enrolled_on, but=period)
        period.enrolled_on = client.enrolled_on
        period.full_clean()
        period.save()


def _check_after_earlier_periods(client: Client, on: datetime.date | None, *, but=None) -> None:
    earlier = client.periods.exclude(pk=getattr(but, "pk", None)).filter(exited_on__isnull=False)
    last = earlier.order_by("-exited_on").first()
    if on and last and on < last.exited_on:
        raise ValidationError(
            {
                "enrolled_on": gettext("The client left an earlier enrolment on %(date)s: start after it.")
                % {"date": _long_date(last.exited_on)}
            }
        )


def _mirror(client: Client, period: EnrolmentPeriod | None) -> None:
    """The client's contract fields (enrolled on, exited on, exit reason) from their latest period."""
    if period is not None:
        client.enrolled_on, client.exited_on = period.enrolled_on, period.exited_on
        client.exit_reason = period.exit_reason


@transaction.atomic
def client_exit(*, client: Client, by: User | None, on: datetime.date, reason: str, note: str = "") -> Client:
    """End a client's enrolment: exited on `on` for `reason`, with a closing note. For a client
    already exited this corrects the exit (date, reason, note)."""
    with audited_by(by):
        client = Client.objects.select_for_update().get(pk=client.pk)
        period = _latest_period(client)
        if period is None:  # still referred: the exit is kept in a period of its own
            period = EnrolmentPeriod(client=client, enrolled_on=None)
        elif period.is_open is False and client.status != ClientStatus.EXITED:
            period = EnrolmentPeriod(client=client, enrolled_on=client.enrolled_on)
        period.exited_on, period.exit_reason, period.closing_note = on, reason, note
        try:
            period.full_clean()
        except ValidationError as error:
            raise ValidationError(_on_exit_fields(error)) from None
        period.save()
        client.status = ClientStatus.EXITED
        _mirror(client, period)
        client.full_clean()
        client.save()
        return client


def _on_exit_fields(error: ValidationError) -> ValidationError | dict:
    """A period's refusal, on the exit's fields (the form's names are the period's)."""
    return error.message_dict if hasattr(error, "error_dict") else {"exited_on": error.messages}


@transaction.atomic
def client_exit_undo(*, client: Client, by: User) -> Client:
    """A mistaken exit: the latest period runs again and the client is back on the caseload (the
    audit trail keeps the exit that was undone)."""
    with audited_by(by):
        client = Client.objects.select_for_update().get(pk=client.pk)
        if client.status != ClientStatus.EXITED:
            raise ValidationError(gettext("This client has not exited: there is no exit to undo."))
        period = _latest_period(client)
        if period is None or period.enrolled_on is None:
            if period is not None:
                period.delete()
            client.status, client.exited_on, client.exit_reason = ClientStatus.REFERRED, None, ""
        else:
            period.exited_on, period.exit_reason, period.closing_note = None, "", ""
            period.full_clean()
            period.save()
            client.status = ClientStatus.ACTIVE
            _mirror(client, period)
        client.full_clean()
        client.save()
        return client


@transaction.atomic
def client_reenrol(
    *, client: Client, by: User, on: datetime.date, form_key: uuid.UUID | None = None
) -> EnrolmentPeriod:
    """Enrol an exited client again: a new enrolment period from `on`; the earlier ones stay."""
    with audited_by(by):
        client = Client.objects.select_for_update().get(pk=client.pk)
        if client.status != ClientStatus.EXITED:
            raise ValidationError(gettext("Only a client who has exited can be re-enrolled."))
        if client.exit_reason == ExitReason.DECEASED:
            raise ValidationError(
                gettext("This client is recorded as deceased. If that was a mistake, undo the exit instead.")
            )
        last = _latest_period(client)
        if last is not None and last.exited_on and on < last.exited_on:
            raise ValidationError(
                {
                    "enrolled_on": gettext("The client left on %(date)s: re-enrol on or after it.")
                    % {"date": _long_date(last.exited_on)}
                }
            )
        period = EnrolmentPeriod(client=client, enrolled_on=on, form_key=form_key)
        try:
            period.full_clean()
        except ValidationError as error:
            raise ValidationError({"enrolled_on": error.messages}) from None
        period.save()
        client.status = ClientStatus.ACTIVE
        _mirror(client, period)
        client.full_clean()
        client.save()
        return period


@transaction.atomic
def client_transfer(*, client: Client, by: User, to: User, note: str = "") -> ClientTransfer:
    """Hand a case to another primary peacekeeper. The client's goals, referrals and follow-ups stay
    with the client (so they appear on the new peacekeeper's worklist); the previous primary is off
    the case, and the new one is no longer listed as secondary."""
    with audited_by(by):
        client = Client.objects.select_for_update().get(pk=client.pk)
        if client.status == ClientStatus.EXITED:
            raise ValidationError(gettext("This client has exited: re-enrol them before transferring the case."))
        if not roles.is_peacekeeper(to):
            raise ValidationError({"to_peacekeeper": gettext("Only members of the Peacekeeper group can take a case.")})
        if client.primary_peacekeeper_id == to.pk:
            raise ValidationError(
                {"to_peacekeeper": gettext("%(name)s is already the primary peacekeeper.") % {"name": display_name(to)}}
            )
        transfer = ClientTransfer(
            client=client, from_peacekeeper=client.primary_peacekeeper, to_peacekeeper=to, transferred_by=by, note=note
        )
        transfer.full_clean()
        transfer.save()
        SecondaryPeacekeeper.objects.filter(client=client, user=to).delete()
        client.primary_peacekeeper = to
        client.full_clean()
        client.save()
        return transfer


def contact_log(
    *,
    client: Client,
    by: User,
    data: Mapping[str, Any],
    form_key: uuid.UUID | None = None,
    written_offline_at: datetime.datetime | None = None,
    field_digest: str = "",
) -> Contact:
    """Log a contact with a client, by the peacekeeper `by` (the client's last contact follows, in SQL).

    `written_offline_at` and `field_digest`: when a contact sent from field mode was saved on the
    phone, and the digest of what was sent (outreach/field.py)."""
    contact = Contact(
        client=client,
        peacekeeper=by,
        form_key=form_key,
        written_offline_at=written_offline_at,
        field_digest=field_digest,
    )
    with transaction.atomic():
        contact = model_save(contact, data=data, fields=CONTACT_FIELDS, by=by)
        for hook in CONTACT_LOGGED:
            hook(contact=contact, by=by)
    return contact


# What a higher app does when a contact is logged, which this app cannot know: each is called with the saved
# contact and who logged it, in the same transaction, and added by that app's AppConfig.ready() (incidents: a
# hospital visit does the open hospital-visit task of the client's response case, so one visit is recorded once).
CONTACT_LOGGED: list[Callable[..., None]] = []


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
MERGE_FILLS_BLANKS = (
    "nickname",
    "date_of_birth",
    "gender",
    "phone",
    "preferred_language",
    "address",
    "neighborhood",
    "consent_signed_on",
)


def _open_review(review: PossibleDuplicate) -> PossibleDuplicate:
    review = PossibleDuplicate.objects.select_for_update().get(pk=review.pk)
    if review.status != PossibleDuplicate.Status.OPEN:
        raise ValidationError(gettext("This possible duplicate was already reviewed."))
    return review


def _move_rows(*, duplicate: Client, into: Client) -> None:
    """Point every row that refers to the duplicate at the kept client instead. A row the kept
    client already has (both in one mediation, say) would break a unique rule: it is dropped."""
    for relation in Client._meta.related_objects:
        model, field = relation.related_model, relation.field
        if relation.many_to_many or issubclass(model, Event) or model is PossibleDuplicate:
            continue  # the audit trail stays with the record it describes; reviews are settled below
        rows = model._base_manager.filter(**{field.name: duplicate})
        for constraint in model._meta.constraints:
            # Unique per client where a condition holds (one open enrolment period, killed once):
            # the kept client's row wins.
            if isinstance(constraint, models.UniqueConstraint) and tuple(constraint.fields) == (field.name,):
                if constraint.condition and model._base_manager.filter(constraint.condition, **{field.name: into}):
                    rows.filter(constraint.condition).delete()
        uniques = [set(u) for u in model._meta.unique_together] + [
            set(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields
        ]
        for unique in (u for u in uniques if field.name in u and len(u) > 1):
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
            raise ValidationError(gettext("That record is not one of the possible matches."))
        into = Client.objects.select_for_update().get(pk=into.pk)
        duplicate = Client.objects.select_for_update().get(pk=review.client_id)
        for name in MERGE_FILLS_BLANKS:
            if getattr(into, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
                setattr(into, name, getattr(duplicate, name))
                if name == "consent_signed_on":  # the consent's language goes with its date
                    into.consent_language = duplicate.consent_language
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
