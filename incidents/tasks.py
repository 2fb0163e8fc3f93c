"""The web import's background jobs: check an uploaded file (a dry run), then import it once its
uploader confirms. They run in the worker (`manage.py db_worker`, started by `make run` and
`make serve`) through django-tasks, the backport of Django 6's `django.tasks` API; the rules and
the all-or-nothing transaction are those of incidents.importer, shared with the command.

The jobs are queued by incidents.services (`import_start` on upload, `import_confirm` when the
uploader confirms). Each job keeps its IncidentImport row up to date (status, rows read, bad rows
so far), which the import page polls. Progress is written through a connection of its own, so it
is seen while the import's transaction is still open.
"""

import datetime
import logging
import time
import zlib

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation
from django.utils.translation import gettext

from incidents.importer import decode_upload, import_incidents
from incidents.models import ImportStatus, IncidentImport

try:  # Django 6
    from django.tasks import task
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

logger = logging.getLogger(__name__)

# An uploaded file is kept for a day at most when it is neither imported nor rejected.
KEEP_FILES = datetime.timedelta(days=1)
ERRORS_KEPT = 1000
PROGRESS_EVERY = 0.5  # seconds between progress writes
# The key of IncidentImport.summary holding the uploader's choices for new neighborhoods.
CHOSEN = "neighborhoods_chosen"
# The key of IncidentImport.summary holding the language of the page the file was uploaded from: the
# job's messages (each line's problems, the changes) are kept in it.
LANGUAGE = "language"


@task()
def check_import(import_id: int) -> dict:
    """Check an uploaded file and count what it would do; write nothing."""
    return run_import_job(import_id, apply=False)


@task()
def apply_import(import_id: int) -> dict:
    """Import a checked and confirmed file, all or nothing."""
    return run_import_job(import_id, apply=True)


def run_import_job(import_id: int, *, apply: bool) -> dict:
    """Run one job on its IncidentImport row and record the result there, in its uploader's language."""
    job = IncidentImport.objects.select_related("uploaded_by").get(pk=import_id)
    language = (job.summary or {}).get(LANGUAGE) or settings.LANGUAGE_CODE
    with translation.override(language):
        return _run_import_job(job, apply=apply, language=language)


def _run_import_job(job: IncidentImport, *, apply: bool, language: str) -> dict:
    if job.status != (ImportStatus.IMPORT_WAITING if apply else ImportStatus.WAITING):
        return {"status": job.status}  # already run (a retry, or a second worker)
    job.status = ImportStatus.IMPORTING if apply else ImportStatus.CHECKING
    job.started_at = job.progress_at = timezone.now()
    job.save(update_fields=["status", "started_at", "progress_at"])
    progress = JobProgress(job.pk)
    # The uploader's choice for each new neighborhood (create it, or it is an existing one), made on
    # the preview and kept in the summary by import_confirm; the check lists them, so none there.
    chosen = {name: pk for name, pk in (job.summary or {}).get(CHOSEN, {}).items()} if apply else None
    try:
        report = import_incidents(
            decode_upload(zlib.decompress(job.content)),
            dry_run=not apply,
            logged_by=job.uploaded_by if apply else None,
            progress=progress,
            source=f"web import {job.filename}",
            neighborhoods=chosen,
            file_name=job.filename,
        )
    except Exception as error:
        logger.exception("Incident import %s failed", job.pk)
        IncidentImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            failure=gettext("The background job stopped with an error (%(error)s). Nothing was written.")
            % {"error": type(error).__name__},
            finished_at=timezone.now(),
            content=b"",
        )
        raise
    finally:
        progress.close()
    if apply:
        job.status = ImportStatus.IMPORTED if report.applied else ImportStatus.REJECTED
        job.applied_at = timezone.now() if report.applied else None
    else:
        job.status = ImportStatus.READY if report.ok else ImportStatus.REJECTED
    if job.status != ImportStatus.READY:
        job.content = b""  # imported or refused: the file is no longer needed
    job.summary = report.as_dict(max_errors=ERRORS_KEPT) | {"phase": "import" if apply else "check", LANGUAGE: language}
    if apply:
        job.summary[CHOSEN] = chosen
    job.rows_read, job.error_count = progress.rows_read, len(report.errors)
    job.finished_at = job.progress_at = timezone.now()
    job.save()
    purge_stale_import_files()
    return {"status": job.status, "created": report.created, "updated": report.updated, "errors": len(report.errors)}


def purge_stale_import_files() -> int:
    """Delete the files of uploads abandoned for a day (the row stays, as the record)."""
    return (
        IncidentImport.objects.filter(uploaded_at__lt=timezone.now() - KEEP_FILES, applied_at__isnull=True)
        .exclude(status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING])
        .exclude(content=b"")
        .update(
            content=b"", status=ImportStatus.FAILED, failure=gettext("The file was deleted after a day unconfirmed.")
        )
    )


class JobProgress:
    """The import's progress callback: rows read and bad rows so far, written to the job's row at
    most every PROGRESS_EVERY seconds through a connection of its own, so readers see it while
    the import's transaction is open. It never waits for a lock: progress is best effort."""

    def __init__(self, import_id: int) -> None:
        self.import_id, self.rows_read, self.errors, self.written = import_id, 0, 0, 0.0
        self.connection = None

    def __call__(self, rows_read: int, errors: int) -> None:
        self.rows_read, self.errors = rows_read, errors
        if time.monotonic() - self.written < PROGRESS_EVERY:
            return
        self.written = time.monotonic()
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        table = IncidentImport._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_read = %s, error_count = %s, progress_at = now() "  # noqa: S608
                f"WHERE id = (SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                [rows_read, errors, self.import_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
