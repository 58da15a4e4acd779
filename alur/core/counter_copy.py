"""Moving an app's own counter table into the gapless counters of core (alur/core/counters.py),
for the data migrations that retire such tables, and back when they are reversed.

Used by migrations with their historical models, so it names no model itself: each caller gives
its old model, how a row's scope reads (its parts, as `counter_next` takes them) and how a scope
turns back into the old row's fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model

from alur.core.counters import counter_scope

# A historical model of core's Counter (apps.get_model): its fields are not known statically.
HistoricalCounter = type[Any]


def copy_in(
    old: type[Model],
    counter: HistoricalCounter,
    scope: Callable[[Any], tuple[object, ...]],
    value: str = "last_serial",
) -> int:
    """Every row of `old` as a row of `counter` (core's Counter) holding the same last value; a
    scope already there keeps the larger of the two. Answers the rows copied."""
    copied = 0
    for row in old._default_manager.all():
        last = getattr(row, value)
        target, created = counter._default_manager.get_or_create(
            scope=counter_scope(*scope(row)), defaults={"last": last}
        )
        if not created and target.last < last:
            target.last = last
            target.save(update_fields=["last"])
        copied += 1
    return copied


def copy_out(
    counter: HistoricalCounter,
    old: type[Model],
    namespace: str,
    fields: Callable[[list[str]], dict[str, Any]],
    value: str = "last_serial",
) -> int:
    """The reverse: each `counter` row of `namespace` (the scope's first part) back as a row of
    `old` with `fields(rest of the scope's parts)`, then removed from `counter`. Answers the
    rows copied."""
    rows = counter._default_manager.filter(scope__startswith=f"{namespace}:")
    for row in rows:
        parts = row.scope.split(":")[1:]
        old._default_manager.update_or_create(**fields(parts), defaults={value: row.last})
    copied = rows.count()
    rows.delete()
    return copied
