"""The embedded default (SQLite, `make run`) under concurrent writers: a transaction that reads
and then writes, as every service does, waits for the write lock instead of failing with
"database is locked" (which the web answers with 503). PostgreSQL's settings stay as they were.

The tests' own database is SQLite in memory, so the writers run in a separate process on a
file, with the settings `make run` has: `alur.settings` with DATABASE_URL on that file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from alur.core.sqlite.base import _turn_for
from alur.env import database_config

ROOT = Path(__file__).resolve().parents[3]
WRITERS, EACH = 8, 5

# Each writer counts the rows and then adds the next number, in one transaction, started by all
# writers at once. Serialised transactions store exactly 1..WRITERS*EACH.
WRITERS_SCRIPT = """
import json, sys, threading, time
import django

WRITERS, EACH = int(sys.argv[1]), int(sys.argv[2])
django.setup()
from django.db import OperationalError, connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE tally (n integer NOT NULL)")
    cursor.execute("PRAGMA journal_mode")
    (journal,) = cursor.fetchone()
gate = threading.Barrier(WRITERS)
errors = []


def writer():
    gate.wait()
    for _ in range(EACH):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM tally")
                    (count,) = cursor.fetchone()
                    time.sleep(0.005)  # the service's own work between its read and its write
                    cursor.execute("INSERT INTO tally (n) VALUES (%s)", [count + 1])
        except OperationalError as error:
            errors.append(str(error))
    connection.close()


threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM tally ORDER BY n")
    stored = [n for (n,) in cursor.fetchall()]
print(json.dumps({"errors": errors, "stored": stored, "journal": journal}))
"""


def test_concurrent_read_then_write_transactions_wait_instead_of_failing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "alur.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'alur.sqlite3'}",
        "ALUR_VAR_DIR": str(tmp_path),
    }
    run = subprocess.run(
        [sys.executable, "-c", WRITERS_SCRIPT, str(WRITERS), str(EACH)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["stored"] == list(range(1, WRITERS * EACH + 1))
    assert result["journal"] == "wal"


def test_sqlite_transactions_take_the_write_lock_at_begin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_config(tmp_path / "alur.sqlite3")
    assert config["ENGINE"] == "alur.core.sqlite"
    options = config["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_postgresql_settings_are_left_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://alur@127.0.0.1:5432/alur")
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    config = database_config(tmp_path / "alur.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in config.get("OPTIONS", {})
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (60, True)


def _begin(connection: Any) -> None:
    """What `transaction.atomic` does on entering its outermost block."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_a_write_turn_is_given_back_however_the_transaction_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_db_blocker: Any
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = tmp_path / "alur.sqlite3"
    config = database_config(path)
    config["OPTIONS"]["timeout"] = 0.2
    connection = ConnectionHandler({"default": config})["default"]
    turn = _turn_for(str(path))
    with django_db_blocker.unblock():
        for end in ("commit", "rollback", "close"):
            _begin(connection)
            assert turn.locked()
            with connection.cursor() as cursor:
                cursor.execute("CREATE TABLE IF NOT EXISTS t (n integer)")
                cursor.execute("INSERT INTO t VALUES (1)")
            getattr(connection, end)()
            assert not turn.locked(), end
            if end != "close":
                connection.set_autocommit(True)

        # Another process holds SQLite's write lock: BEGIN fails after the busy timeout, and the
        # turn is free again for the next writer of this process.
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="database is locked"):
            _begin(connection)
        assert not turn.locked()
        other.execute("ROLLBACK")
        other.close()
        connection.close()
