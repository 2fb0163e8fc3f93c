"""What the audit trail records for a tracked model, written once for every model."""

import pghistory

# The insert events' label and trigger, by name: a bulk load that writes the events itself
# (sample_data's generator) ignores this trigger with pgtrigger.ignore("app.Model:<name>").
INSERT_LABEL = "insert"
INSERT_TRIGGER = "insert_insert"


def audited(*, exclude: tuple[str, ...] = ()):
    """Class decorator: the audit trail's insert, update and delete events for a model.

    The events are written by statement-level triggers (one INSERT ... SELECT from the statement's
    changed rows), so an import or a bulk update pays once per statement rather than once per row.
    The trackers are made here, fresh for each model, rather than in PGHISTORY_DEFAULT_TRACKERS:
    pghistory deep-copies that setting, and the copies' operations no longer match pgtrigger's, so
    a statement-level trigger cannot be generated from them.

    `exclude`: columns the database keeps up to date itself (a cache of other rows), whose changes
    are not an edit of the record.

    The events are append-only: a trigger refuses any UPDATE or DELETE of an event row, so the
    trail is evidence even against the app's own connection. (TRUNCATE, which the test suite's
    flush uses, is left to the database's privileges: see README, Security and privacy.)
    """
    return pghistory.track(
        pghistory.InsertEvent(INSERT_LABEL, trigger_name=INSERT_TRIGGER),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        level=pghistory.Statement,
        exclude=list(exclude),
        append_only=True,
    )
