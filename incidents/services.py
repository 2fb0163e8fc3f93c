"""Writes that record an event in the audit trail or span several rows: logging and editing
incidents, the clients involved, peacekeepers' responses and mediations; starting and confirming
a web import (whose rows the background job writes, incidents.tasks).

As in outreach.services: keyword-only functions `<thing>_<action>`, each under one transaction,
validating with `full_clean()`; `by` is who acts, recorded in the audit trail.
"""

import uuid
import zlib
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.services import model_save
from incidents import tasks
from incidents.models import (
    ImportStatus,
    Incident,
    IncidentImport,
    Involvement,
    InvolvementOutcome,
    Mediation,
    Response,
)
from outreach import services as outreach_services
from outreach.models import Client, ClientStatus, ExitReason

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
)
RESPONSE_FIELDS = ("kind", "responded_at", "notes")
INVOLVEMENT_FIELDS = ("client", "role", "outcome")
MEDIATION_FIELDS = ("occurred_on", "neighborhood", "parties", "outcome", "incident", "notes")
MEDIATION_PEOPLE = ("peacekeepers", "clients")


def incident_create(*, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None) -> Incident:
    """Log an incident, as logged by `by`."""
    return model_save(Incident(logged_by=by, form_key=form_key), data=data, fields=INCIDENT_FIELDS, by=by)


def incident_update(*, incident: Incident, by: User, data: Mapping[str, Any]) -> Incident:
    """Change an incident (who logged it stays; the trail records who changed it)."""
    return model_save(incident, data=data, fields=INCIDENT_FIELDS, by=by)


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
    note = f"Recorded as killed in incident {incident.case_number} on {died_on:%-d %B %Y}."
    on = died_on
    if client.enrolled_on and died_on < client.enrolled_on:
        on = client.enrolled_on
        note += " That is before the enrolment date, so the exit is dated at enrolment: check the dates."
    outreach_services.client_exit(client=client, by=by, on=on, reason=ExitReason.DECEASED, note=note)


def response_log(
    *, incident: Incident, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None
) -> Response:
    """Record the peacekeeper `by`'s response to an incident."""
    response = Response(incident=incident, peacekeeper=by, form_key=form_key)
    return model_save(response, data=data, fields=RESPONSE_FIELDS, by=by)


def mediation_create(*, by: User, data: Mapping[str, Any], form_key: uuid.UUID | None = None) -> Mediation:
    """Record a mediation with the peacekeepers who led it and the clients in it, as logged by `by`."""
    mediation = Mediation(logged_by=by, form_key=form_key)
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
    )
    job.full_clean()
    job.save()
    job.task_id = tasks.check_import.enqueue(job.pk).id
    IncidentImport.objects.filter(pk=job.pk).update(task_id=job.task_id)
    return job


@transaction.atomic
def import_confirm(*, job: IncidentImport) -> bool:
    """Queue the import of a checked file; False when it is not (or no longer) ready."""
    if not IncidentImport.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
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
