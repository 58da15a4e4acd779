"""Workflow transitions per second on PostgreSQL, beside `pgbench -N` on the same server.

Both run with the same number of clients (one per core by default) for the same time. A
"transition" is one engine call that changes a case: start, complete a step, an outside party's
step. Each S2e case is 10 transitions from the applicant's submission to the notice.

The bench measures the engine: the workers run with the step keys' handlers detached (data
entry, TTE signing, printing and the applicant's notice are the document services' work, with
their own inputs), so every step is completed with a bare "done", as before those services
existed.

    python bench/workflow.py [--seconds 15] [--clients 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import re
import subprocess
import time
from queue import Empty

from common import PG, emit, fresh_database, machine, setup_django

DB = "alur_bench_workflow"


def pgbench_tps(seconds: int, clients: int) -> float:
    fresh_database("alur_bench_pgbench")
    base = ["-h", PG["host"], "-p", PG["port"], "-U", PG["user"]]
    subprocess.run(
        ["pgbench", *base, "-i", "-s", "10", "-q", "alur_bench_pgbench"],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [
            "pgbench",
            *base,
            "-N",
            "-n",
            "-c",
            str(clients),
            "-j",
            str(clients),
            "-T",
            str(seconds),
            "alur_bench_pgbench",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]


def prepare(url: str) -> None:
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)


def detach_step_handlers() -> None:
    """Leave the step keys registered but without handlers, in this process only."""
    from dataclasses import replace

    from alur.sop.registry import registry

    for entry in registry.entries():
        if entry.handler is not None:
            registry._entries[entry.key] = replace(entry, handler=None)


def drive(url: str, seconds: float, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    setup_django(url)
    detach_step_handlers()
    from django.db import connection

    from alur.org.models import Office
    from alur.workflow import outside, routing, services
    from alur.workflow.choices import CaseStatus, TaskStatus

    office = Office.objects.get(code="18.08")
    people: dict[tuple[str, int | None], object] = {}
    intake = routing.holders(office.pk, "kasi", None)[0]
    transitions = cases = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        case = services.case_start(
            code="S2e", office=office, subject="Bench akta kelahiran", actor=None, submitted=True
        )
        transitions += 1
        while case.status in (CaseStatus.OPEN, CaseStatus.WAITING):
            task = case.tasks.filter(status__in=["open", "claimed", "waiting"]).first()
            if task.status == TaskStatus.WAITING:
                case = outside.outside_step_complete(case=case, actor=intake)
            else:
                post = (task.position_kind, task.unit_id)  # the holders of the task's unit
                actor = people.get(post) or people.setdefault(
                    post, routing.holders(office.pk, task.position_kind, task.unit_id)[0]
                )
                services.task_complete(task=task, actor=actor, outcome="done")
                case.refresh_from_db()
            transitions += 1
        cases += 1
    connection.close()
    queue.put((transitions, cases))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=mp.cpu_count() or 2)
    args = parser.parse_args()
    url = fresh_database(DB)
    prepare(url)
    baseline = pgbench_tps(args.seconds, args.clients)
    emit(
        bench="pgbench_N",
        tps=round(baseline, 1),
        clients=args.clients,
        seconds=args.seconds,
        **machine(),
    )
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    workers = [
        ctx.Process(target=drive, args=(url, args.seconds, queue)) for _ in range(args.clients)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    results = []
    while len(results) < len(workers):
        try:
            results.append(queue.get(timeout=5))
        except Empty:
            failed = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
            if failed:
                raise SystemExit(f"a driving process failed (exit codes {failed})") from None
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    transitions = sum(r[0] for r in results)
    cases = sum(r[1] for r in results)
    per_s = transitions / elapsed
    emit(
        bench="workflow_transitions",
        per_s=round(per_s, 1),
        ratio_vs_pgbench_N=round(per_s / baseline, 3),
        target_ratio=0.5,
        clients=args.clients,
        transitions=transitions,
    )
    emit(
        bench="s2e_cases",
        per_s=round(cases / elapsed, 2),
        cases=cases,
        transitions_per_case=round(transitions / max(cases, 1), 1),
    )


if __name__ == "__main__":
    main()
