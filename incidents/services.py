"""Writes that record an event in the audit trail or span several rows: logging and editing
incidents, the clients involved, peacekeepers' responses and mediations; starting and confirming
a web import (whose rows the background job writes, incidents.tasks).

As in outreach.services: keyword-only functions `<thing>_<action>`, each under one transaction,
validating with `full_clean()`; `by` is who acts, recorded in the audit trail.
"""

import datetime
import uuid
import zlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import roles
from core.services import audited_by, model_save
from incidents import counting, response_cases, tasks
from incidents.models import (
    CaseStatus,
    ImportStatus,
    Incident,
    IncidentImport,
    IncidentStatus,
    Involvement,
    InvolvementOutcome,
    Mediation,
    Response,
    ResponseCase,
    ResponseKind,
    ResponseTask,
)
from outreach import services as outreach_services
from outreach.models import Client, ClientStatus, ExitReason, Neighborhood
from outreach.models.endings import killed_note

# What a caller may set on each record, and what its form edits (the incident, its author and the
# one-time key are set here).
INCIDENT_FIELDS = (
    "case_number",
    "kind",
    "occurred_at",
    "neighborhood",
    "address",
    "latitude",
    "longitude",
    "killed",
    "injured",
    "weapon",
    "group_related",
    "source",
    "retaliation_risk",
    "status",
    "description",
    "retaliation_for",
)
RESPONSE_FIELDS = ("kind", "responded_at", "notes")
INVOLVEMENT_FIELDS = ("client", "role", "outcome")
MEDIATION_FIELDS = ("occurred_on", "neighborhood", "parties", "outcome", "incident", "conflict", "notes")
MEDIATION_PEOPLE = ("peacekeepers", "clients")


@transaction.atomic
def incident_create(*, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None) -> Incident:
    """Log an incident, as logged by `by`; a homicide or a non-fatal shooting opens its response case."""
    incident = model_save(Incident(logged_by=by, form_key=form_key), data=data, fields=INCIDENT_FIELDS, by=by)
    response_cases.response_cases_open(incidents=Incident.objects.filter(pk=incident.pk), by=by)
    return incident


@transaction.atomic
def incident_update(*, incident: Incident, by: User, data: Mapping[str, Any]) -> Incident:
    """Change an incident (who logged it stays; the trail records who changed it). One that becomes a
    homicide or a non-fatal shooting opens its response case; a case already open stays open."""
    incident = model_save(incident, data=data, fields=INCIDENT_FIELDS, by=by)
    response_cases.response_cases_open(incidents=Incident.objects.filter(pk=incident.pk), by=by)
    response_cases.response_cases_follow(incidents=Incident.objects.filter(pk=incident.pk), by=by)
    return incident


def involvement_create(
    *, incident: Incident, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None
) -> Involvement:
    """Link a client to an incident in a role (victim, suspect, witness, associate) with what happened
    to them; a client recorded as killed is exited from the program as deceased, in the same
    transaction."""
    with transaction.atomic():
        involvement = model_save(
            Involvement(incident=incident, form_key=form_key), data=data, fields=INVOLVEMENT_FIELDS, by=by
        )
        involvement_follow_outcome(involvement=involvement, by=by)
        case = ResponseCase.objects.filter(incident=incident, status=CaseStatus.OPEN).first()
        if case is not None:
            response_cases.response_case_add_people(case=case, by=by)
        return involvement


@transaction.atomic
def involvement_follow_outcome(*, involvement: Involvement, by: User | None) -> None:
    """A client recorded as killed is exited as deceased on the incident's local date, unless they
    have already left. A client enrolled after that date (a record entered late) exits on their
    enrolment date, and the closing note says why."""
    if involvement.outcome != InvolvementOutcome.KILLED:
        return
    incident = involvement.incident
    client = Client.objects.select_for_update().get(pk=involvement.client_id)  # as it is now, not as the form read it
    if client.status == ClientStatus.EXITED:
        return
    died_on = timezone.localdate(incident.occurred_at)
    before_enrolment = bool(client.enrolled_on and died_on < client.enrolled_on)
    on = client.enrolled_on if before_enrolment else died_on
    note = killed_note(case_number=incident.case_number, died_on=died_on, before_enrolment=before_enrolment)
    outreach_services.client_exit(client=client, by=by, on=on, reason=ExitReason.DECEASED, note=note)


@transaction.atomic
@transaction.atomic
def response_log(
    *,
    incident: Incident,
    by: User,
    data: Mapping[str, Any],
    form_key: uuid.UUID | None = None,
    task: ResponseTask | None = None,
) -> Response:
    """Record a peacekeeper's response to an incident: `data["peacekeeper"]` when a manager records
    it for them, else `by` themself. An open incident becomes responded (a closed one stays closed).
    The response does a task of the incident's response case: `task`, or the open one of its kind."""
    peacekeeper = data.get("peacekeeper") or by
    if not roles.can_record_responses(by) or (peacekeeper != by and not roles.can_see_all_clients(by)):
        raise ValidationError(gettext("Peacekeepers record their own responses; managers and admins anyone's."))
    if not roles.is_peacekeeper(peacekeeper):
        field = "peacekeeper" if "peacekeeper" in data else None
        raise ValidationError({field or "__all__": gettext("A response is recorded for an active peacekeeper.")})
    response = model_save(
        Response(incident=incident, peacekeeper=peacekeeper, form_key=form_key),
        data=data,
        fields=RESPONSE_FIELDS,
        by=by,
    )
    with audited_by(by):
        # One statement, so two responses recorded at once cannot both read "open"; never a closed one.
        moved = Incident.objects.filter(pk=incident.pk, status=IncidentStatus.OPEN).update(
            status=IncidentStatus.RESPONDED, updated_at=timezone.now()
        )
    if moved:
        incident.status = IncidentStatus.RESPONDED
    with audited_by(by):
        response_cases.task_completed_by(response, task)
    return response


@transaction.atomic
def incident_set_status(*, incident: Incident, by: User, status: str) -> Incident:
    """Close an incident, or reopen it (as responded when it has responses, else open). Only these
    two: "responded" follows from a response, never from a click."""
    if status == "reopen":
        status = IncidentStatus.RESPONDED if incident.responses.exists() else IncidentStatus.OPEN
    elif status != IncidentStatus.CLOSED:
        raise ValidationError({"status": gettext("Choose to close the incident or to reopen it.")})
    return model_save(incident, data={"status": status}, fields=("status",), by=by)


def mediation_create(*, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None) -> Mediation:
    """Record a mediation with the peacekeepers who led it and the clients in it, as logged by `by`."""
    mediation = Mediation(logged_by=by, form_key=form_key)
    mediation = model_save(mediation, data=data, fields=MEDIATION_FIELDS, many=MEDIATION_PEOPLE, by=by)
    _mediation_does_the_conflict_check(mediation, by=by)
    return mediation


def _mediation_does_the_conflict_check(mediation: Mediation, *, by: User) -> None:
    """A mediation for an incident is its case's conflict check or mediation attempt: recorded as that response,
    by its peacekeeper, so the task is not left open beside it (the walk: one mediation recorded twice)."""
    if mediation.incident_id is None:
        return
    task = (
        ResponseTask.objects.open()
        .filter(case__incident=mediation.incident_id, kind=ResponseKind.CONFLICT_CHECK, person=None)
        .order_by("due_at")
        .first()
    )
    led = [p for p in mediation.peacekeepers.all() if roles.is_peacekeeper(p)]
    peacekeeper = by if by in led or (roles.is_peacekeeper(by) and not led) else (led[0] if led else None)
    if task is None or peacekeeper is None:
        return
    incident = mediation.incident
    day = counting.local_midnight(mediation.occurred_on) + datetime.timedelta(hours=12)
    when = min(max(day, incident.occurred_at), timezone.now())
    data = {"kind": ResponseKind.CONFLICT_CHECK, "responded_at": when, "notes": f"Mediation #{mediation.pk}."}
    if peacekeeper != by:
        data["peacekeeper"] = peacekeeper
    response_log(incident=incident, by=by, data=data, task=task)


@transaction.atomic
def mediation_update(*, mediation: Mediation, by: User, data: Mapping[str, Any]) -> Mediation:
    """Correct a mediation. Clients on it whom `by` may not see stay on it: the form cannot offer
    them, so leaving them out is not taking them off."""
    data = dict(data)
    if "clients" in data:
        hidden = mediation.clients.exclude(pk__in=Client.objects.visible_to(by).values("pk"))
        data["clients"] = [*data["clients"], *hidden]
    return model_save(mediation, data=data, fields=MEDIATION_FIELDS, many=MEDIATION_PEOPLE, by=by)


@transaction.atomic
def import_start(*, filename: str, content: bytes, by: User) -> IncidentImport:
    """Keep an uploaded file (compressed: a 20 MB bytea insert takes seconds, 2 MB a fraction) and
    queue its check."""
    tasks.purge_stale_import_files()
    job = IncidentImport(
        filename=filename[:255],
        content=zlib.compress(content, 1),
        uploaded_by=by,
        status=ImportStatus.WAITING,
        rows_total=max(content.count(b"\n") - 1 + (not content.endswith(b"\n")), 0),
        # The check and the import speak the uploader's language (incidents.tasks).
        summary={tasks.LANGUAGE: translation.get_language() or settings.LANGUAGE_CODE},
    )
    job.full_clean()
    job.save()
    job.task_id = tasks.check_import.enqueue(job.pk).id
    IncidentImport.objects.filter(pk=job.pk).update(task_id=job.task_id)
    return job


@transaction.atomic
def import_confirm(*, job: IncidentImport, neighborhoods: Mapping[str, int | None] | None = None) -> bool:
    """Queue the import of a checked file; False when it is not (or no longer) ready.

    `neighborhoods`: for each new neighborhood of the check, by its name, None to create it or the
    id of the existing neighborhood it is. Every new name needs its choice: the import refuses a
    new neighborhood nobody confirmed."""
    chosen = {name.lower(): pk for name, pk in (neighborhoods or {}).items()}
    new = {name.lower() for name in (job.summary or {}).get("new_neighborhoods", [])}
    if missing := new - set(chosen):
        raise ValidationError(
            gettext("Confirm each new neighborhood, or choose the one it is: %(names)s.")
            % {"names": ", ".join(sorted(missing))}
        )
    targets = {pk for pk in chosen.values() if pk is not None}
    if len(targets) != Neighborhood.objects.filter(pk__in=targets).count():
        raise ValidationError(gettext("A neighborhood chosen no longer exists: check the file again."))
    summary = (job.summary or {}) | {tasks.CHOSEN: {name: chosen[name] for name in new}}
    if not IncidentImport.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        summary=summary,
        # progress_at: since when it waits (the page says so when the worker is late).
        status=ImportStatus.IMPORT_WAITING,
        rows_read=0,
        error_count=0,
        started_at=None,
        progress_at=timezone.now(),
    ):
        return False
    task_id = tasks.apply_import.enqueue(job.pk).id
    IncidentImport.objects.filter(pk=job.pk).update(task_id=task_id)
    return True
