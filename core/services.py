"""What every app's services share: validate and save a row, with the audit trail naming who did it."""

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

import pghistory
from django.contrib.auth.models import User
from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


def audited_by(user: User | None) -> AbstractContextManager:
    """The audit trail's context for these writes: who made them.

    In a web request the middleware has opened the context already (with the same user and the
    URL): this adds nothing. A command, a task or a test calling a service gets a context of its
    own, so the trail says who there too. Without a user (the demo seed) nothing is added.
    """
    return pghistory.context(user=user.pk) if user is not None else nullcontext()


@transaction.atomic
def model_save(
    instance: M,
    *,
    data: Mapping[str, Any],
    fields: Iterable[str],
    many: Iterable[str] = (),
    by: User | None,
) -> M:
    """Set `fields` (and then the many-to-many `many`) that `data` has, validate the row with
    `full_clean()` and save it. Keys of `data` not named are ignored: a form's cleaned data carries
    its own (the one-time key, the stale-edit stamp)."""
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
    with audited_by(by):
        instance.full_clean()
        instance.save()
        for name in many:
            if name in data:
                getattr(instance, name).set(data[name])
    return instance
