"""Send the read-only report and export queries to a read replica, when there is one.

With DATABASE_REPLICA_URL set, code inside `replica_reads()` reads from the "replica" alias;
every write, and every read outside that block, goes to the primary ("default"). Reports may
then lag the primary by the replica's delay (seconds), which a quarterly report can afford.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if _reading_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        # The replica copies the primary's schema by streaming replication; never migrate it.
        return db != REPLICA
