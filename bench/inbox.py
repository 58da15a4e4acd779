"""The staff inbox with a national archive of cases: p95 server time of `/tugas/` for a Way Kanan
officer, beside the liveness page `/sehat/` measured in the same process and run.

The cases are generated in SQL (an S2e case with one task each, spread over every office of the
demo, 5 % of the tasks still open, the rest done; in Way Kanan each task is routed to the SOP's
unit, as the engine routes it), then the inbox is requested through Django's
test client: the time is the whole request in the server (routing, session, query, SLA of each
row, template), without a network in between.

    python bench/inbox.py [--cases 10000000] [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from common import emit, fresh_database, machine, psql, setup_django

DATABASE = "alur_bench_inbox"
OPEN_SHARE = 0.05


def generate(cases: int) -> float:
    """Insert `cases` cases with one task each; the seconds it took."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM sop_soprevision WHERE code = 'S2e' ORDER BY revision DESC")
        sop_id = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM org_office WHERE is_active")
        offices = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO workflow_case (sop_id, office_id, reference, subject, status, started_at)
            SELECT %s, (%s::bigint[])[1 + (n %% %s)], 'GEN-' || n, 'Akta kelahiran — generated',
                   CASE WHEN (n / %s) %% 20 = 0 THEN 'open' ELSE 'done' END,
                   now() - (n %% 100000) * interval '1 minute'
            FROM generate_series(1, %s) AS n
            """,
            [sop_id, offices, len(offices), len(offices), cases],
        )
        # Step 3 of S2e is the Kasi's, routed to the SOP's unit where the office has it (Way
        # Kanan's Bidang Pelayanan Pencatatan Sipil), to the whole office elsewhere.
        cursor.execute(
            """
            INSERT INTO workflow_task (case_id, step, actor, position_kind, office_id, unit_id,
                                       status, created_at, due_at, completed_at, outcome, branch,
                                       reason, return_to)
            SELECT c.id, 3, 'kasi', 'kasi', c.office_id, u.id,
                   CASE WHEN c.status = 'open' THEN 'open' ELSE 'done' END,
                   c.started_at, c.started_at + interval '1 day',
                   CASE WHEN c.status = 'open' THEN NULL ELSE c.started_at + interval '2 hours' END,
                   CASE WHEN c.status = 'open' THEN '' ELSE 'done' END, '', '', ''
            FROM workflow_case c
            LEFT JOIN org_unit u
              ON u.office_id = c.office_id AND u.name = 'Bidang Pelayanan Pencatatan Sipil'
            WHERE c.reference LIKE 'GEN-%%'
            """
        )
    psql("VACUUM ANALYZE workflow_case", DATABASE)
    psql("VACUUM ANALYZE workflow_task", DATABASE)
    return time.perf_counter() - started


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def timed_get(client, path: str, requests: int) -> list[float]:  # type: ignore[no-untyped-def]
    client.get(path)  # warm the process's caches (calendars, templates)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=200)
    args, _rest = parser.parse_known_args()

    os.environ.setdefault("DEBUG", "0")  # as served: DEBUG off, templates cached
    setup_django(fresh_database(DATABASE))
    from django.core.management import call_command
    from django.test import Client

    from alur.org.models import User
    from alur.workflow.models import Task

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    seconds = generate(args.cases)
    user = User.objects.get(username="waykanan.kasi.capil")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    mine = Task.objects.filter(office__code="18.08", position_kind="kasi", status="open").count()
    routed = Task.objects.filter(office__code="18.08", unit__isnull=False, status="open").count()
    base = timed_get(client, "/sehat/", args.requests)
    inbox = timed_get(client, "/tugas/", args.requests)
    emit(
        bench="inbox",
        cases=args.cases,
        tasks_open_in_office=mine,
        tasks_open_in_unit=routed,
        generate_s=round(seconds, 1),
        inbox_p95_ms=round(p95(inbox), 1),
        inbox_median_ms=round(statistics.median(inbox), 1),
        baseline_p95_ms=round(p95(base), 1),
        ratio=round(p95(inbox) / p95(base), 1),
        target_ms=50,
        met=p95(inbox) < 50,
        **machine(),
    )


if __name__ == "__main__":
    main()
