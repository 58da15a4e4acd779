"""Concurrent writers: staff completing tasks and signing letters at the same moment, with the
background worker writing beside them, on SQLite (the embedded default) and on PostgreSQL.

For each database a fresh one is made (SQLite: a file in a temporary folder, as `make run`
keeps it in var/; PostgreSQL: a new database on the local server), migrated and loaded with
the demo. Two loads, each first done by one writer alone (the baseline, same script, same
database) and then by `--writers` threads started together (the web server's threads, each
with its own connection) while a separate process writes as the huey worker does (queues an
e-mail in a change's transaction, takes the task from the huey queue, which on SQLite is a
SQLite file too, and delivers it through the outbox with the local mail backend):

- `tasks`: S2e cases driven as the tests drive them (`alur.workflow.tests.drive.step_once`):
  each writer completes `--steps` steps of each of its `--cases` cases;
- `letters`: each writer signs `--letters` letters of the Babel office as its Kadis
  (`alur.letters.issuing.letter_sign`, with the tests' certificate driver).

An operation that raises a database error (`OperationalError`, e.g. "database is locked") is
what a request answers with 503 (`alur.core.middleware.DatabaseUnavailableMiddleware`): it is
counted, not retried. JSON lines: `writers` per database and load, with completions per second,
errors, latency, and the ratio of completions per second to the single writer's.

    python bench/writers.py [--databases sqlite,postgres] [--writers 20] [--cases 2]
        [--steps 3] [--letters 1] [--trace]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import emit, fresh_database, machine, setup_django

DB = "alur_bench_writers"
WORKER_LIMIT_S = 600  # the worker-like process stops by itself after this long at the latest


def environment(database: str, folder: Path) -> str:
    """Settings of the child process: its own var/ (huey's queue file), mail kept in memory."""
    os.environ["ALUR_VAR_DIR"] = str(folder)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.pop("REDIS_URL", None)  # the queue on a SQLite file, as `make run` has it
    if database == "sqlite":
        return f"sqlite:///{folder / 'alur.sqlite3'}"
    return fresh_database(DB)


def classify(error: BaseException) -> str:
    from django.db import InterfaceError, OperationalError

    if not isinstance(error, OperationalError | InterfaceError):
        return "other"
    if "database is locked" in str(error):
        return "locked"  # SQLite
    return "deadlock" if "deadlock detected" in str(error) else "database"


class Tally:
    """Completions, errors by kind and each operation's time, for one load."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = 0
        self.errors: Counter[str] = Counter()
        self.samples: list[float] = []
        self.first_error: dict[str, str] = {}

    def run(self, operation: Callable[[], int]) -> None:
        started = time.perf_counter()
        try:
            completed = operation()
        except Exception as error:  # every failure is what is measured
            kind = classify(error)
            with self.lock:
                self.errors[kind] += 1
                self.first_error.setdefault(kind, f"{type(error).__name__}: {error}"[:160])
                if os.environ.get("BENCH_TRACE"):
                    traceback.print_exc()
            return
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.samples.append(elapsed)
        with self.lock:
            self.done += completed


def worker_like(url: str, ready: Any, stop: Any, results: Any) -> None:
    """What the huey worker writes: a queued e-mail delivered, in a loop until told to stop."""
    setup_django(url)
    from django.db import connection, transaction
    from huey.contrib.djhuey import HUEY

    from alur.org.models import Office
    from alur.outbox.services import message_enqueue

    office = Office.objects.get(code="19")
    tally = Tally()
    deadline = time.monotonic() + WORKER_LIMIT_S
    sequence = 0

    def one() -> int:
        nonlocal sequence
        sequence += 1
        with transaction.atomic():
            message_enqueue(
                office=office,
                channel="email",
                kind="text",
                sender="",
                recipient=f"warga{sequence}@contoh.test",
                payload={"subject": "Pemberitahuan", "body": "Berkas Anda sedang diproses."},
            )
        task = HUEY.dequeue()
        while task is not None:
            HUEY.execute(task)
            task = HUEY.dequeue()
        return 1

    while not stop.is_set() and time.monotonic() < deadline:
        tally.run(one)
        ready.set()
        time.sleep(0.01)
    connection.close()
    results.put((tally.done, dict(tally.errors), tally.first_error))


def prepare_cases(count: int) -> list[Any]:
    from alur.workflow.tests.drive import start

    return [start("S2e") for _ in range(count)]


def prepare_letters(count: int) -> list[Any]:
    from alur.letters.chain import letter_paraf, letter_submit
    from alur.letters.services import letter_create
    from alur.letters.tests.conftest import letter_input, position
    from alur.letters.tests.drivers import certificate_for
    from alur.org.models import Office, User

    babel = Office.objects.get(code="19")
    drafter, kabid, sekretaris, kadis = (
        User.objects.get(username=f"babel.{name}")
        for name in ("pelaksana", "kabid", "sekretaris", "kadis")
    )
    certificate_for(kadis)
    letters = []
    for n in range(count):
        letter = letter_create(
            office=babel,
            actor=drafter,
            data=letter_input(subject=f"Uji penandatanganan serentak {n + 1}"),
            signer=position(babel, "kadis"),
            paraf=[position(babel, "kabid"), position(babel, "sekretaris")],
        )
        letter_submit(letter=letter, actor=drafter)
        letter_paraf(letter=letter, actor=kabid)
        letters.append(letter_paraf(letter=letter, actor=sekretaris))
    return letters


def complete_steps(case: Any) -> int:
    from alur.workflow.models import Task
    from alur.workflow.tests.drive import step_once

    before = Task.objects.filter(case=case, status="done").count()
    step_once(case)
    return Task.objects.filter(case=case, status="done").count() - before


def sign(letter: Any) -> int:
    from alur.letters.issuing import letter_sign
    from alur.letters.tests.drivers import PASSPHRASE
    from alur.org.models import User

    kadis = User.objects.get(username="babel.kadis")
    letter_sign(letter=letter, actor=kadis, passphrase=PASSPHRASE, base_url="https://alur.test/")
    return 1


def plan(load: str, items: list[Any], steps: int) -> list[Callable[[], int]]:
    """The operations of one writer, in order."""
    if load == "tasks":
        return [lambda case=case: complete_steps(case) for _ in range(steps) for case in items]
    return [lambda letter=letter: sign(letter) for letter in items]


def run_writers(plans: list[list[Callable[[], int]]]) -> tuple[Tally, float]:
    from django.db import connection

    tally = Tally()
    gate = threading.Barrier(len(plans))

    def writer(operations: list[Callable[[], int]]) -> None:
        gate.wait()
        for operation in operations:
            tally.run(operation)
        connection.close()

    threads = [threading.Thread(target=writer, args=(ops,)) for ops in plans]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


class BeginWaits:
    """The time each transaction of this process waited at BEGIN: on SQLite with IMMEDIATE
    transactions, the wait for the write lock (PostgreSQL waits at row locks instead)."""

    def __init__(self) -> None:
        from django.db import DEFAULT_DB_ALIAS, connections

        self.samples: list[float] = []
        self.cls = type(connections[DEFAULT_DB_ALIAS])
        self.original = getattr(self.cls, "_start_transaction_under_autocommit", None)
        if self.original is None:
            return
        original, samples = self.original, self.samples

        def timed(wrapper: Any) -> None:
            started = time.perf_counter()
            try:
                original(wrapper)
            finally:
                samples.append((time.perf_counter() - started) * 1000)

        self.cls._start_transaction_under_autocommit = timed

    def longest_ms(self) -> float | None:
        return round(max(self.samples), 1) if self.samples else None

    def reset(self) -> None:
        self.samples.clear()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(fraction * len(ordered)) - 1)] if ordered else 0.0


def child(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="alur-bench-writers-"))
    try:
        measure(args, environment(args.child, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(args: argparse.Namespace, url: str) -> None:
    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    options = settings.DATABASES["default"].get("OPTIONS", {})
    mode = options.get("transaction_mode") or ("DEFERRED" if args.child == "sqlite" else "-")

    ctx = mp.get_context("spawn")
    begins = BeginWaits()
    for load in ("tasks", "letters"):
        per_writer = args.cases if load == "tasks" else args.letters
        make = prepare_cases if load == "tasks" else prepare_letters
        single_items = make(per_writer * 4)
        items = make(per_writer * args.writers)

        alone, alone_s = run_writers([plan(load, single_items, args.steps)])
        alone_per_s = alone.done / alone_s

        ready, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
        worker = ctx.Process(target=worker_like, args=(url, ready, stop, results))
        worker.start()
        if not ready.wait(timeout=120):  # the worker writes before the staff start
            raise SystemExit("the worker-like process did not start writing")
        plans = [
            plan(load, items[n * per_writer : (n + 1) * per_writer], args.steps)
            for n in range(args.writers)
        ]
        begins.reset()
        together, together_s = run_writers(plans)
        stop.set()
        worker_done, worker_errors, worker_first = results.get(timeout=WORKER_LIMIT_S)
        worker.join()
        per_s = together.done / together_s
        emit(
            bench="writers",
            database=args.child,
            transaction_mode=mode,
            load=load,
            writers=args.writers,
            operations=len(together.samples),
            completions=together.done,
            errors=sum(together.errors.values()),
            errors_by_kind=dict(together.errors),
            first_error=together.first_error,
            per_s=round(per_s, 1),
            p50_ms=round(statistics.median(together.samples), 1),
            p95_ms=round(percentile(together.samples, 0.95), 1),
            max_ms=round(max(together.samples), 1),
            longest_begin_ms=begins.longest_ms(),
            single_writer_per_s=round(alone_per_s, 1),
            single_writer_errors=sum(alone.errors.values()),
            ratio_vs_single_writer=round(per_s / alone_per_s, 2),
            worker_completions=worker_done,
            worker_errors=sum(worker_errors.values()),
            worker_first_error=worker_first,
            seconds=round(together_s, 1),
            **machine(),
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--cases", type=int, default=2, help="S2e cases per writer")
    parser.add_argument("--steps", type=int, default=3, help="steps completed per case")
    parser.add_argument("--letters", type=int, default=1, help="letters signed per writer")
    parser.add_argument("--trace", action="store_true", help="print each error's traceback")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args, _rest = parser.parse_known_args()
    if args.trace:
        os.environ["BENCH_TRACE"] = "1"
    if args.child:
        child(args)
        return
    failed = 0
    for database in args.databases.split(","):
        command = [sys.executable, __file__, "--child", database]
        for name in ("writers", "cases", "steps", "letters"):
            command += [f"--{name}", str(getattr(args, name))]
        failed |= subprocess.run(command, check=False).returncode
    sys.exit(failed)


if __name__ == "__main__":
    main()
