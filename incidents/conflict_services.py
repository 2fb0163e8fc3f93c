"""Writes for conflicts and groups (issue #16): groups, group associations (added, confirmed,
ended), conflicts with their parties, status history and linked incidents.

As in incidents.services: keyword-only functions `<thing>_<action>`, each under one transaction,
validating with `full_clean()`; `by` is who acts, recorded in the audit trail.
"""

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.services import audited_by, model_save
from incidents import response_cases
from incidents.models import (
    CaseStatus,
    Conflict,
    ConflictIncident,
    ConflictParty,
    ConflictStatus,
    ConflictStatusChange,
    Group,
    GroupAssociation,
    Incident,
    ResponseCase,
    association_expiry,
)
from outreach.models import Client, local_today

GROUP_FIELDS = ("name", "aliases", "territory_note", "status", "last_reviewed_on", "next_review_on")
GROUP_MANY = ("neighborhoods",)
ASSOCIATION_FIELDS = ("group", "role", "basis", "evidence_note", "started_on", "confirmed_on", "expires_on")
CONFLICT_FIELDS = ("kind", "description", "neighborhood")
PARTY_FIELDS = ("side", "client", "group")


def group_create(*, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None) -> Group:
    """Record a group, as entered by `by`."""
    return model_save(Group(created_by=by, form_key=form_key), data=data, fields=GROUP_FIELDS, many=GROUP_MANY, by=by)


def group_update(*, group: Group, by: User, data: Mapping[str, Any]) -> Group:
    """Change a group's name, aliases, neighborhoods, status or review dates."""
    return model_save(group, data=data, fields=GROUP_FIELDS, many=GROUP_MANY, by=by)


@transaction.atomic
def association_add(
    *, client: Client, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None
) -> GroupAssociation:
    """Associate a client with a group, entered and reviewed by `by`; it expires
    GROUP_ASSOCIATION_YEARS after its confirmation unless an earlier date is given."""
    Client.objects.select_for_update().filter(pk=client.pk).first()  # two adds at once cannot both pass clean()
    data = dict(data)
    confirmed_on = data.get("confirmed_on") or local_today()
    data["confirmed_on"] = confirmed_on
    data.setdefault("started_on", confirmed_on)
    data["started_on"] = data["started_on"] or confirmed_on
    data["expires_on"] = data.get("expires_on") or association_expiry(confirmed_on)
    association = GroupAssociation(client=client, entered_by=by, reviewed_by=by, form_key=form_key)
    return model_save(association, data=data, fields=ASSOCIATION_FIELDS, by=by)


@transaction.atomic
def association_confirm(*, association: GroupAssociation, by: User) -> GroupAssociation:
    """Re-review a current association: confirmed today by `by`, expiring GROUP_ASSOCIATION_YEARS from today."""
    if not association.is_current:
        raise ValidationError(gettext("This association has expired or ended: record a new one instead."))
    today = local_today()
    association.reviewed_by = by
    data = {"confirmed_on": today, "expires_on": association_expiry(today)}
    return model_save(association, data=data, fields=("confirmed_on", "expires_on"), by=by)


@transaction.atomic
def association_end(*, association: GroupAssociation, by: User) -> GroupAssociation:
    """End a current association today (the client has left the group, or it was wrong)."""
    if not association.is_current:
        raise ValidationError(gettext("This association has already expired or ended."))
    association.reviewed_by = by
    return model_save(association, data={"ended_on": local_today()}, fields=("ended_on",), by=by)


@transaction.atomic
def conflict_create(
    *, by: User, data: Mapping[str, Any], note: str = "", form_key: uuid.UUID | None = None
) -> Conflict:
    """Record a conflict, identified now by `by` (the first step of its status history)."""
    conflict = model_save(Conflict(created_by=by, form_key=form_key), data=data, fields=CONFLICT_FIELDS, by=by)
    conflict_set_status(conflict=conflict, by=by, status=ConflictStatus.IDENTIFIED, note=note)
    return conflict


def conflict_update(*, conflict: Conflict, by: User, data: Mapping[str, Any]) -> Conflict:
    """Change a conflict's kind, description or neighborhood (its status changes through conflict_set_status)."""
    return model_save(conflict, data=data, fields=CONFLICT_FIELDS, by=by)


@transaction.atomic
def conflict_set_status(
    *,
    conflict: Conflict,
    by: User,
    status: str,
    note: str = "",
    at: datetime.datetime | None = None,
    form_key: uuid.UUID | None = None,
) -> ConflictStatusChange:
    """Record a change of a conflict's status (any order), with who, when and why. A change to the
    status it already has is refused (a second click records nothing)."""
    Conflict.objects.select_for_update().filter(pk=conflict.pk).first()
    if status not in ConflictStatus.values:
        raise ValidationError({"status": gettext("Choose a status.")})
    current = conflict.status_changes.order_by("-changed_at", "-pk").values_list("status", flat=True).first()
    if current == status:
        raise ValidationError(
            {
                "status": gettext("The conflict is already %(status)s.")
                % {"status": ConflictStatus(status).label.lower()}
            }
        )
    change = ConflictStatusChange(conflict=conflict, status=status, changed_by=by, form_key=form_key)
    model_save(change, data={"note": note, "changed_at": at or timezone.now()}, fields=("note", "changed_at"), by=by)
    with audited_by(by):
        Conflict.objects.filter(pk=conflict.pk).update(updated_at=timezone.now())
    conflict.current_status = status
    return change


def party_add(
    *, conflict: Conflict, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None
) -> ConflictParty:
    """Put a client or a group on a side of a conflict."""
    return model_save(ConflictParty(conflict=conflict, form_key=form_key), data=data, fields=PARTY_FIELDS, by=by)


@transaction.atomic
def party_remove(*, party: ConflictParty, by: User) -> None:
    """Take a party off a conflict (the audit trail keeps that it was on it)."""
    with audited_by(by):
        party.delete()


@transaction.atomic
def conflict_link_incident(
    *, conflict: Conflict, incident: Incident, by: User, form_key: uuid.UUID | None = None
) -> ConflictIncident:
    """Link an incident to a conflict (once)."""
    if ConflictIncident.objects.filter(conflict=conflict, incident=incident).exists():
        raise ValidationError(
            {
                "case_number": gettext("Incident %(case)s is already linked to this conflict.")
                % {"case": incident.case_number}
            }
        )
    link = ConflictIncident(conflict=conflict, incident=incident, form_key=form_key)
    model_save(link, data={}, fields=(), by=by)
    # The other side of the conflict is at risk after this incident: its open response case gets them.
    case = ResponseCase.objects.filter(incident=incident, status=CaseStatus.OPEN).first()
    if case is not None:
        response_cases.response_case_add_people(case=case, by=by)
    return link


@transaction.atomic
def conflict_unlink_incident(*, link: ConflictIncident, by: User) -> None:
    """Take an incident off a conflict."""
    with audited_by(by):
        link.delete()
