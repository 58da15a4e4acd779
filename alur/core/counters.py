"""Gapless counters: letter serials, register numbers, NIK and No. KK serials.

A sequence is named by its scope, the parts joined with ":" (the owning app's name first, e.g.
`counter_next("complaints.register", office.pk, 2026)`). The next value is taken under a row
lock on the sequence's one `Counter` row, in the caller's transaction: two transactions taking
from one sequence queue on the row, and a rollback gives the value back, so the sequence has no
gap and no repeat. The row is created on first use (`alur.core.locking.locked_row`)."""

from __future__ import annotations

from collections.abc import Container

from django.db import connection

from alur.core.locking import locked_row
from alur.core.models import Counter


class CounterExhausted(Exception):
    """The next free value would pass the sequence's ceiling."""


def counter_scope(*parts: object) -> str:
    """The scope's name: the parts as text, joined with ":"."""
    if not parts:
        raise ValueError("a counter needs a scope")
    return ":".join(str(part) for part in parts)


def _locked(scope: tuple[object, ...]) -> Counter:
    if not connection.in_atomic_block:
        raise RuntimeError("a counter is taken in the transaction that uses its value")
    return locked_row(Counter, scope=counter_scope(*scope))


def counter_next(*scope: object, skip: Container[int] = (), ceiling: int | None = None) -> int:
    """Take the next value of the sequence `scope` (1 for a new one), in the caller's
    transaction, under the sequence's row lock. Values in `skip` (already held elsewhere, e.g. a
    NIK given by SIAK) are passed over and counted as taken; past `ceiling`, CounterExhausted is
    raised and nothing is taken."""
    counter = _locked(scope)
    value = counter.last + 1
    while value in skip:
        value += 1
    if ceiling is not None and value > ceiling:
        raise CounterExhausted(counter.scope)
    counter.last = value
    counter.save(update_fields=["last"])
    return value


def counter_hold(*scope: object) -> None:
    """Lock the sequence `scope` until the caller's transaction ends, taking nothing: for a
    caller that must look at what a concurrent taker committed before it takes (an idempotent
    take), then takes with `counter_next`."""
    _locked(scope)


def counter_last(*scope: object) -> int | None:
    """The last value taken in `scope` (no lock), None for a sequence never used."""
    return (
        Counter.objects.filter(scope=counter_scope(*scope)).values_list("last", flat=True).first()
    )


def counter_give_back(*scope: object, value: int) -> bool:
    """Give `value` back to the sequence `scope` when it is still the last one taken (a signing
    that failed after numbering), in the caller's transaction under the row lock; True when given
    back. A later value already taken leaves it as it is (False): the caller keeps it for its
    holder, since giving it back would leave a gap."""
    counter = _locked(scope)
    if counter.last != value:
        return False
    counter.last = value - 1
    counter.save(update_fields=["last"])
    return True
