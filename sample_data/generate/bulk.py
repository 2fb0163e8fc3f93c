"""Rows copied in bulk, with the audit trail's insert events dated when each row was created.

The audit triggers (accounts.audit) would date every event today, so ten years of synthetic
history would all read as made this morning. So each chunk of rows is COPYed into a temporary
table first, then moved into the real one with the audit trail's insert trigger ignored
(`pgtrigger.ignore`, which works on statements run through Django's cursor, as that one is), and
the same statement writes the events itself: the same columns and label the trigger writes, dated
from the row's created_at, under the run's `pghistory.context`. Every other trigger (the clients'
last contact, say) runs as it would for any insert.
"""

import datetime
import io
import math
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import pgtrigger
from django.apps import apps
from django.db import connection
from django.db.models import AutoField, Model
from pghistory.models import Context, Event

from accounts.audit import INSERT_LABEL, INSERT_TRIGGER
from sample_data.generate.base import Progress

COPY_CHUNK = 50_000


class Generated:
    """Rows created, by table."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, model: type[Model], n: int, *, key: str | None = None) -> None:
        """Count rows of a model's table (or under `key`: the managers, also users)."""
        table = key or model._meta.db_table
        self.counts[table] = self.counts.get(table, 0) + n

    def summary(self) -> str:
        """ "250 peacekeepers, 10,000 clients, ..." (the many-to-many tables left out)."""
        names = {apps.get_model(label)._meta.db_table: name for label, name in SUMMARY_NAMES} | {"managers": "managers"}
        return ", ".join(f"{n:,} {names[t]}" for t, n in self.counts.items() if t in names)


SUMMARY_NAMES = [
    ("auth.User", "peacekeepers"),
    ("outreach.Client", "clients"),
    ("outreach.Contact", "contacts"),
    ("outreach.Goal", "goals"),
    ("outreach.Referral", "referrals"),
    ("incidents.Incident", "incidents"),
    ("incidents.Response", "responses"),
    ("incidents.Involvement", "involvements"),
    ("incidents.Mediation", "mediations"),
    ("incidents.ResponseCase", "response cases"),
    ("incidents.ResponseTask", "response tasks"),
    ("incidents.Group", "groups"),
    ("incidents.GroupAssociation", "group associations"),
    ("incidents.Conflict", "conflicts"),
    ("incidents.ConflictParty", "conflict parties"),
    ("incidents.ConflictStatusChange", "conflict status changes"),
    ("incidents.ConflictIncident", "conflict incidents"),
]


class Loader:
    """Copies named rows into their tables, counts them, and reports progress."""

    def __init__(self, cursor, *, context, progress: Progress | None) -> None:
        self.cursor, self.progress = cursor, progress
        self.result = Generated()
        self.done = 0
        # The row every event of this run points to: the one the pghistory.context around the run
        # stands for (its triggers would make the same row on the first event they write).
        self.context_id = Context.objects.get_or_create(id=context.id, defaults={"metadata": context.metadata})[0].pk

    def copy(self, model: type[Model], rows: Iterable[NamedTuple], *, counted: bool = False) -> int:
        """COPY rows into a model's table in chunks; return how many. Each row is a named tuple
        whose fields are the columns; a table's rows without an id take it from the table's own
        sequence."""
        total = 0
        events = _insert_event_model(model)
        for chunk in _chunks(rows, COPY_CHUNK):
            if events:
                self._copy_with_events(model, events, chunk)
            else:
                _copy_chunk(self.cursor, model._meta.db_table, chunk)
            total += len(chunk)
            if counted:
                self.done += len(chunk)
                if self.progress:
                    self.progress(self.done)
        self.result.add(model, total)
        self.analyze(model)
        return total

    def analyze(self, model: type[Model]) -> None:
        """Fresh statistics at once, so the planner sees the new sizes (autovacuum would, later)."""
        self.cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def reserve_ids(self, model: type[Model], n: int) -> list[int]:
        """Primary keys from the table's own sequence, for rows that later rows refer to."""
        if not n:
            return []
        self.cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [model._meta.db_table, n]
        )
        return sorted(row[0] for row in self.cursor.fetchall())

    def _copy_with_events(self, model: type[Model], event_model: type[Event], chunk: list[NamedTuple]) -> None:
        quote, table = connection.ops.quote_name, model._meta.db_table
        staging = quote(f"sample_data_{table}")
        columns = list(dict.fromkeys(["id", *chunk[0]._fields]))
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} (LIKE {quote(table)} INCLUDING DEFAULTS) ON COMMIT DROP; "
            f"ALTER TABLE {staging} ALTER COLUMN id SET DEFAULT nextval(pg_get_serial_sequence(%s, 'id'))",
            [table],
        )
        _copy_chunk(self.cursor, f"sample_data_{table}", chunk)
        with pgtrigger.ignore(f"{model._meta.label}:{INSERT_TRIGGER}"):
            self.cursor.execute(*self._insert_sql(model, event_model, staging, columns))
        self.cursor.execute(f"TRUNCATE {staging}")

    def _insert_sql(self, model, event_model, staging: str, columns: list[str]) -> tuple[str, list]:
        """One statement: the staged rows into the table, and their insert events."""
        quote = connection.ops.quote_name
        tracked = {f.name for f in model._meta.fields}
        copied = [
            f.column
            for f in event_model._meta.fields
            if f.concrete and f.name in tracked and not isinstance(f, AutoField) and not f.name.startswith("pgh_")
        ]
        when = quote("created_at") if "created_at" in tracked else "NOW()"
        targets = [*copied, "pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id"]
        values = [*(quote(c) for c in copied), when, "%s", quote(model._meta.pk.column), "%s"]
        names = ", ".join(quote(c) for c in columns)
        sql = (
            f"WITH inserted AS (INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608 (names are ours)
            f"SELECT {names} FROM {staging} RETURNING *) "
            f"INSERT INTO {quote(event_model._meta.db_table)} ({', '.join(quote(t) for t in targets)}) "
            f"SELECT {', '.join(values)} FROM inserted"
        )
        return sql, [INSERT_LABEL, self.context_id]


def _insert_event_model(model: type[Model]) -> type[Event] | None:
    """The audit trail's event model for a model (None for tables the trail does not follow)."""
    return next(
        (m for m in apps.get_models() if issubclass(m, Event) and m.pgh_tracked_model is model),
        None,
    )


def _chunks(rows: Iterable[NamedTuple], size: int) -> Iterator[list[NamedTuple]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _copy_chunk(cursor, table: str, rows: list[NamedTuple]) -> None:
    quote = connection.ops.quote_name
    buffer = io.StringIO()
    buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
    buffer.seek(0)
    names = ", ".join(quote(c) for c in rows[0]._fields)
    # psycopg2's COPY; Django's cursor has none of its own.
    cursor.copy_expert(f"COPY {quote(table)} ({names}) FROM STDIN", buffer)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime.date):  # dates and aware datetimes (with their UTC offset)
        return value.isoformat()
    if isinstance(value, list):
        return "{" + ",".join(value) + "}"
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"Cannot copy {value!r}")
    return str(value)
