"""The database's side of the append-only audit tables (migration 0005's triggers).

The triggers refuse UPDATE (except the one shape redaction writes), DELETE and, on PostgreSQL,
TRUNCATE. Only a flush, and only where AUDIT_ALLOW_FLUSH is on (never in production), may empty
the tables: on PostgreSQL it sets the session variable `alur.allow_flush` that the TRUNCATE
trigger reads; on SQLite, whose triggers cannot read a session variable, the DELETE trigger asks
the function `alur_audit_flush_allowed()` that this module registers on Django's connections
(a connection without it, such as the sqlite3 shell, cannot delete audit rows at all).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

FLUSH_FUNCTION = "alur_audit_flush_allowed"
_flush_allowed = False


def _sqlite_flush_allowed() -> int:
    return 1 if _flush_allowed else 0


def register_sqlite_function(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function(
            FLUSH_FUNCTION, 0, _sqlite_flush_allowed, deterministic=False
        )


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    register_sqlite_function(connection)


@contextmanager
def flush_allowed(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Let this connection empty the audit tables until the block ends."""
    global _flush_allowed
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('alur.allow_flush', 'on', false)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('alur.allow_flush', 'off', false)")
        return
    register_sqlite_function(connection)
    _flush_allowed = True
    try:
        yield
    finally:
        _flush_allowed = False
