"""Django's SQLite backend, for the embedded default (`make run`), with write transactions
served in turn within a process.

SQLite lets one transaction write at a time. With `transaction_mode` IMMEDIATE (set in
`alur.env.database_config`) every transaction takes the write lock at BEGIN, where SQLite's
busy handler waits for it: it sleeps and polls, so a writer that has waited long sleeps 100 ms
between tries while writers that have just arrived take the lock in the gaps. Under a steady
stream of writers (the threads of the web server) one of them could wait past the busy timeout
and fail with "database is locked". Here the threads of one process queue on a lock first, the
operating system wakes them in turn, and only the thread at the front of the queue asks SQLite
for the write lock, against the other processes (the background worker) alone. The queue is
only for fairness: SQLite's own lock still keeps writers apart.
"""

from __future__ import annotations

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_TURNS: dict[str, threading.Lock] = {}
_TURNS_LOCK = threading.Lock()


def _turn_for(name: str) -> threading.Lock:
    with _TURNS_LOCK:
        return _TURNS.setdefault(name, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _held_turn: threading.Lock | None = None

    def _start_transaction_under_autocommit(self) -> None:
        turn = _turn_for(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if not turn.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        self._held_turn = turn
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private: not in the stubs
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self) -> None:
        turn, self._held_turn = self._held_turn, None
        if turn is not None:
            turn.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # private: not in the stubs
        finally:
            self._end_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private: not in the stubs
        finally:
            self._end_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # private: not in the stubs
        finally:
            self._end_turn()
