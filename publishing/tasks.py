"""The background job that prepares a public copy: the quarter's report, the cells to hide chosen and
audited against every copy already published (reports.publication.prepare, which may take seconds to
minutes for a year of copies), the result kept on the PublishedCopy row for a manager to publish.
It runs in the worker (`manage.py db_worker`) through django-tasks; the row is the job's state and
its progress, which the copy's page polls."""

import logging
import time

from django.db import transaction
from django.utils import timezone

from core.routers import replica_reads
from publishing import frozen
from publishing.models import CopyStatus, PublishedCopy
from reports import publication, quarterly
from reports.quarterly import HISTORY_YEARS

try:  # Django 6
    from django.tasks import task
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

logger = logging.getLogger(__name__)


def released_around(year: int) -> list[PublishedCopy]:
    """The published copies a reader of a copy of `year` also holds that relate to it: every copy of the
    years whose figures it repeats or that repeat its figures (the trend's earlier years), oldest first."""
    return list(PublishedCopy.objects.published().filter(year__range=(year - HISTORY_YEARS, year + HISTORY_YEARS)))


def released(copy: PublishedCopy) -> publication.Released:
    """A published copy as the audit reads it: its tables as released, and the hidden values the program knows."""
    document = frozen.thaw(copy.content)
    return publication.Released(
        copy.label,
        copy.year,
        copy.quarter,
        copy.preliminary,
        document.sections,
        tuple(tuple(value) for value in copy.hidden_values),
    )


@task()
def prepare_copy(copy_id: int) -> dict:
    """Prepare one public copy; a copy no longer waiting (a retry, a second worker) is left alone."""
    with transaction.atomic():
        copy = PublishedCopy.objects.select_for_update().get(pk=copy_id)
        if copy.status != CopyStatus.WAITING:
            return {"status": copy.status}
        copy.status, copy.started_at = CopyStatus.PREPARING, timezone.now()
        copy.save(update_fields=["status", "started_at"])
    try:
        with replica_reads():
            report = quarterly.build(copy.period)
        basis = released_around(copy.year)
        public = publication.prepare(report, [released(c) for c in basis], progress=_progress(copy.pk))
    except publication.Unprotectable as error:
        _fail(copy.pk, f"This copy cannot be protected: {error}")
        return {"status": CopyStatus.FAILED}
    except Exception as error:
        logger.exception("Preparing public copy %s failed", copy_id)
        _fail(copy.pk, f"The background job stopped with an error ({type(error).__name__}). Nothing was published.")
        raise
    PublishedCopy.objects.filter(pk=copy.pk, status=CopyStatus.PREPARING).update(
        status=CopyStatus.READY,
        through=report.through,
        computed_at=report.computed_at,
        preliminary=report.preliminary,
        content=frozen.freeze(report, public),
        hidden_values=[list(value) for value in public.hidden_values],
        audit=public.audit,
        basis=[c.pk for c in basis],
        finished_at=timezone.now(),
        progress_at=timezone.now(),
    )
    return {"status": CopyStatus.READY, "hidden": len(public.hidden_values)}


PROGRESS_EVERY = 0.5  # seconds between progress writes
# The bar: step 1 (choosing the cells, a number of passes nobody knows in advance) fills the first
# CHOOSING of PROGRESS_SCALE, approaching it pass by pass; step 2 (checking every hidden cell) the rest.
PROGRESS_SCALE, CHOOSING = 1000, 300


def _progress(copy_id: int) -> publication.Progress:
    state = {"written": 0.0, "value": 0}

    def progress(done: int, total: int, text: str) -> None:
        if text.startswith("Choosing"):
            value = round(CHOOSING * (1 - 0.75**done))
            text = f"Step 1 of 2: choosing the cells to hide (pass {done})."
        else:
            value = CHOOSING + round((PROGRESS_SCALE - CHOOSING) * done / max(total, 1))
            text = (
                f"Step 2 of 2: checking each hidden cell, this copy's and those of the published copies tied to "
                f"it, against everything published. {text}"
            )
        state["value"] = max(state["value"], value)  # never backwards
        if time.monotonic() - state["written"] < PROGRESS_EVERY:
            return
        state["written"] = time.monotonic()
        PublishedCopy.objects.filter(pk=copy_id, status=CopyStatus.PREPARING).update(
            progress_done=state["value"],
            progress_total=PROGRESS_SCALE,
            progress_text=text[:300],
            progress_at=timezone.now(),
        )

    return progress


def _fail(copy_id: int, failure: str) -> None:
    PublishedCopy.objects.filter(pk=copy_id, status__in=PublishedCopy.ACTIVE).update(
        status=CopyStatus.FAILED, failure=failure, finished_at=timezone.now()
    )
