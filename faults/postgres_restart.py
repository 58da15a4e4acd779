# ruff: noqa: S603
"""PostgreSQL restarted under load: requests fail cleanly and the service recovers by itself.

gunicorn serves the production settings (as `bench/webhook.py` runs it) on a database of its
own. Threads post signed WhatsApp webhooks (each acknowledged only once its body is stored)
and read `/sehat/` while the cluster is restarted with `pg_ctlcluster … restart -m fast`,
which cuts every open connection. Found: during the restart every failed request is an HTTP
5xx without a traceback, none hangs past the client timeout, gunicorn keeps its processes, and
once PostgreSQL is back every request succeeds again without touching gunicorn
(`CONN_HEALTH_CHECKS` drops the dead persistent connections). The cluster is started again in
all cases, even when the script fails.

    python faults/postgres_restart.py [--threads 8] [--before 4] [--after 12]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
from common import (
    APP_SECRET,
    ROOT,
    Verdict,
    free_port,
    gunicorn,
    prepare_database,
    psql_value,
    redis_flush,
    redis_url,
    server_env,
    wait_until,
)

TIMEOUT = 15.0  # a request slower than this is a hang
RECOVERY_WINDOW = 5.0  # seconds at the end that must be all successes


def cluster() -> list[str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def postgres_running() -> bool:
    return subprocess.run([*cluster(), "status"], capture_output=True).returncode == 0


def ensure_postgres_running() -> None:
    if not postgres_running():
        subprocess.run([*cluster(), "start"], check=True, capture_output=True)
    wait_until(lambda: psql_value("SELECT 1") == "1", 30, 0.5)


@dataclass
class Result:
    at: float
    kind: str
    status: int | None  # None: no HTTP answer at all
    seconds: float
    traceback: bool
    error: str = ""


def notification(n: int) -> bytes:
    sys.path.insert(0, str(ROOT))
    from alur.whatsapp_cloud import payloads

    message = payloads.text_message(f"62812{n:08d}", f"Halo {n}")
    return payloads.encode(
        payloads.message_notification(
            phone_number_id="108117961700", display_phone_number="628117961700", message=message
        )
    )


def load(base: str, stop: threading.Event, results: list[Result], worker: int) -> None:
    from alur.whatsapp_cloud.signature import sign

    n = worker * 1_000_000
    with httpx.Client(timeout=TIMEOUT) as client:
        while not stop.is_set():
            n += 1
            kind = "webhook" if n % 2 else "sehat"
            started = time.monotonic()
            try:
                if kind == "webhook":
                    body = notification(n)
                    response = client.post(
                        f"{base}/whatsapp/webhook/",
                        content=body,
                        headers={
                            "Content-Type": "application/json",
                            "X-Hub-Signature-256": sign(body, APP_SECRET),
                        },
                    )
                else:
                    response = client.get(f"{base}/sehat/")
                text = response.text
                results.append(
                    Result(
                        started,
                        kind,
                        response.status_code,
                        time.monotonic() - started,
                        "Traceback" in text or "psycopg" in text,
                    )
                )
            except httpx.HTTPError as error:
                results.append(
                    Result(started, kind, None, time.monotonic() - started, False, repr(error))
                )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--before", type=float, default=4.0, help="seconds of load before")
    parser.add_argument("--after", type=float, default=12.0, help="seconds of load after")
    args = parser.parse_args()
    verdict = Verdict("postgres_restart")
    ensure_postgres_running()
    url = prepare_database("alur_faults_postgres")
    redis = redis_url(2)
    redis_flush(redis)
    port = free_port()
    env = server_env(url, redis)
    server = gunicorn(port, env, workers=args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        server.start()
        if not wait_until(lambda: httpx.get(f"{base}/sehat/").status_code == 200, 30):
            verdict.check(False, "gunicorn started")
            print(server.log_tail())
            return verdict.finish()
        pids_before = worker_pids(server.pid)
        stop = threading.Event()
        results: list[Result] = []
        threads = [
            threading.Thread(target=load, args=(base, stop, results, i), daemon=True)
            for i in range(args.threads)
        ]
        for thread in threads:
            thread.start()
        verdict.tried(
            f"{args.threads} client threads posting signed webhooks and reading /sehat/ against "
            f"gunicorn ({args.workers} workers, production settings, CONN_MAX_AGE=60, "
            "CONN_HEALTH_CHECKS=True)"
        )
        time.sleep(args.before)
        restart_started = time.monotonic()
        try:
            restart = subprocess.run(
                [*cluster(), "restart", "-m", "fast"], capture_output=True, text=True
            )
        finally:
            ensure_postgres_running()
        restart_ended = time.monotonic()
        verdict.tried(
            f"pg_ctlcluster {' '.join(cluster()[2:])} restart -m fast under load: "
            f"exit {restart.returncode}, {restart_ended - restart_started:.1f} s"
        )
        time.sleep(args.after)
        stop.set()
        for thread in threads:
            thread.join(timeout=TIMEOUT + 5)
        end = time.monotonic()

        before = [r for r in results if r.at < restart_started]
        during = [r for r in results if restart_started <= r.at < restart_ended]
        after = [r for r in results if r.at >= restart_ended]
        failed = [r for r in results if r.status != 200]
        verdict.found(
            f"{len(results)} requests: {len(before)} before, {len(during)} during, "
            f"{len(after)} after the restart; answers {dict(Counter(r.status for r in results))}"
        )
        failed_kinds = Counter(f"{r.kind} {r.status}" for r in failed)
        verdict.found(f"failed requests by kind and status: {dict(failed_kinds)}")
        first_failure = min((r.at for r in failed), default=restart_started) - restart_started
        last_failure = max((r.at for r in failed), default=restart_started) - restart_started
        recovered_after = last_failure - (restart_ended - restart_started)
        verdict.found(
            f"failures from {first_failure:.2f} s to {last_failure:.2f} s after the restart "
            f"began (it returned at {restart_ended - restart_started:.2f} s); "
            f"slowest request {max(r.seconds for r in results):.2f} s"
        )
        verdict.check(all(r.status == 200 for r in before), "all requests succeed before")
        verdict.check(
            all(r.status is not None and r.status >= 500 for r in failed),
            "every failure is an HTTP 5xx (no dropped connection, no 4xx)",
        )
        verdict.check(not any(r.traceback for r in results), "no answer shows a traceback")
        verdict.check(
            all(r.seconds < TIMEOUT for r in results), f"no request hangs ({TIMEOUT:.0f} s limit)"
        )
        tail = [r for r in results if r.at >= end - RECOVERY_WINDOW]
        verdict.check(
            bool(tail) and all(r.status == 200 for r in tail),
            f"the last {RECOVERY_WINDOW:.0f} s: every request succeeds ({len(tail)} requests)",
        )
        verdict.check(
            worker_pids(server.pid) == pids_before and server.popen.poll() is None,
            "gunicorn kept its master and workers (recovered without a restart)",
        )
        acked = sum(1 for r in results if r.kind == "webhook" and r.status == 200)
        stored = int(
            psql_value("SELECT count(*) FROM whatsapp_webhookdelivery", "alur_faults_postgres")
        )
        verdict.check(
            stored >= acked,
            f"every acknowledged webhook is stored ({acked} acknowledged, {stored} stored)",
        )
        return verdict.finish(
            requests=len(results),
            failed=len(failed),
            failed_by_status={str(k): v for k, v in Counter(r.status for r in failed).items()},
            restart_seconds=round(restart_ended - restart_started, 2),
            failures_from_s=round(first_failure, 2),
            failures_until_s=round(last_failure, 2),
            last_failure_after_restart_returned_s=round(recovered_after, 2),
            webhooks_acknowledged=acked,
            webhooks_stored=stored,
        )
    finally:
        server.stop()
        ensure_postgres_running()
        redis_flush(redis)


def worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


if __name__ == "__main__":
    sys.exit(main())
