"""Row locks for counters and balances: the one row per key that writers queue on."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

M = TypeVar("M", bound=models.Model)


def locked_row(model: type[M], *, defaults: dict[str, Any] | None = None, **key: Any) -> M:
    """The row of `model` with `key`, locked (SELECT ... FOR UPDATE) in the caller's transaction;
    created first (with `defaults`) when there is none. Two transactions creating it at once
    both end up locking the one row: the loser's insert fails on the unique key and it waits for
    the winner's. The model needs a unique constraint on `key`'s fields."""
    row = model._default_manager.select_for_update().filter(**key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            model._default_manager.create(**key, **(defaults or {}))
    except IntegrityError:
        pass  # created by a concurrent transaction; wait for and lock theirs
    return model._default_manager.select_for_update().get(**key)
