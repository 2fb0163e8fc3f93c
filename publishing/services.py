"""Public copies of the quarterly report: prepared (a background job, publishing.tasks), published by a
manager as the quarter's next version, or left unpublished. A published copy is never changed."""

import uuid

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accounts import roles
from core.quarters import Quarter
from incidents.models import Incident
from outreach.models import Client
from publishing import frozen, tasks, text
from publishing.models import CopyStatus, PublishedCopy

NAMES_SOMEONE = gettext_noop(
    "The reason names a client (their name or code). Every format of the copy prints it, for anyone to read: say "
    "what changed without naming anyone (for example, a homicide of 3 March recorded late)."
)
REASON_NEEDED = gettext_noop(
    "Say why this version replaces version %(version)s: what was corrected, or that the quarter is over."
)
STALE_BASIS = gettext_noop(
    "Another public copy has been published since this one was prepared, and this one was not checked against it. "
    "Prepare it again."
)
LOCK_SPACE = 7301  # advisory locks: (LOCK_SPACE, 0) publication, (LOCK_SPACE, year * 10 + quarter) preparation
NOT_READY = gettext_noop("This copy is not ready to publish: %(status)s.")
NAMES_A_CASE = gettext_noop(
    "The reason gives an incident's police case number. Every format of the copy prints it, for anyone to read, "
    "and it points at one person's case: say what changed without it (for example, a homicide of 3 March "
    "recorded late)."
)
CONTACT_DETAILS = gettext_noop(
    "The reason holds a phone number or an email address (or a number written like a phone number, such as a "
    "case number). Every format of the copy prints it, for anyone to read: say what changed without a way to "
    "reach or find anyone."
)
NOTHING_NEW = gettext_noop(
    "This copy is the same as version %(version)s: no figure, date or status differs, so a new version would "
    "tell the public nothing. Publish it when something has changed."
)
GIVES_AWAY = gettext_noop(
    "This copy's check lists small counts a reader can work out whatever it hides (given away by the copies "
    "published before, or by the correction itself: 0 then 1). Read them in the check, and tick the box to "
    "publish all the same."
)
NARROWED = gettext_noop(
    "This copy's check found a small count a reader could narrow: it cannot be published. Prepare it again."
)


def copy_prepare(*, quarter: Quarter, by: User, form_key: uuid.UUID | None = None) -> PublishedCopy:
    """Queue the preparation of a public copy of `quarter`, or give the one already being prepared."""
    _require_publisher(by)
    with transaction.atomic():
        _lock(quarter.year * 10 + quarter.number)  # a second click waits here, then finds the first
        running = PublishedCopy.objects.of(quarter).in_progress().first()
        if running is not None:
            return running
        copy = PublishedCopy(year=quarter.year, quarter=quarter.number, prepared_by=by, form_key=form_key)
        copy.full_clean()
        copy.save()
        copy.task_id = str(tasks.prepare_copy.enqueue(copy.pk).id)
        PublishedCopy.objects.filter(pk=copy.pk).exclude(status=CopyStatus.PUBLISHED).update(task_id=copy.task_id)
    copy.refresh_from_db()
    return copy


@transaction.atomic
def copy_publish(
    *, copy: PublishedCopy, by: User, reason: str = "", gives_away_accepted: bool = False
) -> PublishedCopy:
    """Publish a prepared copy as its quarter's next version: from then on it is the record of what was
    released. Refused when another copy was published since it was prepared (it was not audited
    against that one), for a second version without a reason, and, unless the publisher has said they read
    them (`gives_away_accepted`), when its check lists counts that hiding more could not protect."""
    _require_publisher(by)
    copy = PublishedCopy.objects.select_for_update().get(pk=copy.pk)
    if copy.status == CopyStatus.PUBLISHED:
        return copy  # published already (a double submit)
    if copy.status != CopyStatus.READY:
        raise ValidationError(gettext(NOT_READY) % {"status": copy.get_status_display().lower()})
    if (copy.audit or {}).get("narrowed"):
        raise ValidationError(gettext(NARROWED))
    if copy.gives_away and not gives_away_accepted:
        raise ValidationError({"gives_away_accepted": gettext(GIVES_AWAY)})
    _lock(0)  # one publication at a time: the basis check and the version number hold only so
    current = [c.pk for c in tasks.released_around(copy.year)]
    if current != copy.basis:
        raise ValidationError(gettext(STALE_BASIS))
    last = PublishedCopy.objects.of(copy.period).aggregate(last=Max("version"))["last"] or 0
    reason = reason.strip()
    if last and not reason:
        raise ValidationError({"reason": gettext(REASON_NEEDED) % {"version": last}})
    if last and _tells_nothing_new(copy, last):
        raise ValidationError(gettext(NOTHING_NEW) % {"version": last})
    if reason and Client.objects.named_in(reason).exists():
        raise ValidationError({"reason": gettext(NAMES_SOMEONE)})
    if reason and Incident.objects.named_in(reason).exists():
        raise ValidationError({"reason": gettext(NAMES_A_CASE)})
    if reason and text.contact_details_in(reason):
        raise ValidationError({"reason": gettext(CONTACT_DETAILS)})
    copy.status, copy.version, copy.reason = CopyStatus.PUBLISHED, last + 1, reason
    copy.published_by, copy.published_at = by, timezone.now()
    copy.full_clean()
    copy.save()
    return copy


@transaction.atomic
def copy_discard(*, copy: PublishedCopy, by: User) -> PublishedCopy:
    """Leave a copy unpublished: prepared, failed, or still being prepared (the job then stops at its end)."""
    _require_publisher(by)
    copy = PublishedCopy.objects.select_for_update().get(pk=copy.pk)
    if copy.status in (CopyStatus.READY, CopyStatus.FAILED, *PublishedCopy.ACTIVE):
        copy.status = CopyStatus.DISCARDED
        copy.save(update_fields=["status"])
    return copy


def _tells_nothing_new(copy: PublishedCopy, last_version: int) -> bool:
    """Whether `copy` would repeat the quarter's last published version: the same figures, headline, last day
    and preliminary or final status (a preliminary copy made final, or carried to a later day, is news)."""
    last = PublishedCopy.objects.of(copy.period).published().get(version=last_version).content
    same = ("through", "preliminary", "headline")
    return all(copy.content.get(key) == last.get(key) for key in same) and not frozen.differences(last, copy.content)


def _lock(key: int) -> None:
    """A transaction-scoped advisory lock in this app's own space (the first key of the pair)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, key])


def _require_publisher(user: User) -> None:
    if not roles.can_publish_reports(user):
        raise PermissionDenied(gettext("Only managers publish public copies."))
