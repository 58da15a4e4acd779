"""WhatsApp webhook throughput and latency under gunicorn, beside a minimal endpoint.

gunicorn serves the production settings on loopback (PostgreSQL, background queue on Redis);
wrk posts signed Cloud API notifications, each acknowledged only after its raw body is stored
(committed) and its reading queued. The same server's liveness endpoint (`/sehat/`, no
database) is the baseline, loaded in the same run with the same connections.

Two webhook loads: one message per delivery (the headline, the worst case: every message pays
for a request and a commit of its own) and deliveries of `--batch` messages (Meta batches up to
1,000 updates per delivery), reported in messages per second.

    python bench/webhook.py [--seconds 15] [--connections 32] [--workers 4] [--threads 1]
        [--batch 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import ROOT, emit, fresh_database, machine

SECRET = "bench-app-secret"  # noqa: S105  (a throwaway secret of the benchmark server)
PORT = 8099


def notification(messages: int = 1) -> bytes:
    """A signed-to-be notification carrying `messages` text messages, one change each."""
    sys.path.insert(0, str(ROOT))
    from alur.whatsapp_cloud import payloads

    changes = []
    for n in range(messages):
        message = payloads.text_message(f"62812345{n:05d}", "Saya mau buat akta kelahiran")
        payload = payloads.message_notification(
            phone_number_id="108117961700", display_phone_number="628117961700", message=message
        )
        changes += payload["entry"][0]["changes"]
    payload["entry"][0]["changes"] = changes
    return payloads.encode(payload)


def post_script(path: Path, body: bytes) -> Path:
    from alur.whatsapp_cloud.signature import sign

    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body.decode())}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["X-Hub-Signature-256"] = "{sign(body, SECRET)}"\n'
    )
    return path


def wrk(url: str, seconds: int, connections: int, script: Path | None) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "per_s": rps,
        "p99_ms": float(p99.group(1)) * scale,  # type: ignore[union-attr]
        "non_2xx": int(errors.group(1)) if errors else 0,
        "requests": total,
    }


def worker_memory(master: int) -> list[int]:
    """Resident memory (KiB) of each gunicorn worker (the master's children), after the load."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]))
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2))
    parser.add_argument("--threads", type=int, default=1, help="per worker; above 1: gthread")
    parser.add_argument("--batch", type=int, default=10, help="messages per batched delivery")
    args = parser.parse_args()
    worker_class = "gthread" if args.threads > 1 else "sync"
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    url = fresh_database("alur_bench_webhook")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        "ALUR_ENV": "production",
        "SECRET_KEY": "bench-k7Qm4xZp2Lr9Vb8Nc3Hd6Tf1Gw5Js0YaUeIo7Pk2Xn4Rm9Qb8Lc3Zv",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "WHATSAPP_APP_SECRET": SECRET,
        "WHATSAPP_VERIFY_TOKEN": "bench",
        "WHATSAPP_ACCESS_TOKEN": "bench",
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    for command in (
        ["migrate", "-v0"],
        ["load_demo", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    subprocess.run(["redis-cli", "-n", "15", "FLUSHDB"], check=True, capture_output=True)
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "alur.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(args.workers),
            "-k",
            worker_class,
            "--threads",
            str(args.threads),
            # As deployed (docs/deploy.md): no access log of gunicorn's own; the proxy logs.
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{PORT}/sehat/").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            single = post_script(Path(tmp) / "post.lua", notification())
            batched = post_script(Path(tmp) / "batch.lua", notification(args.batch))
            base = f"http://127.0.0.1:{PORT}"
            wrk(f"{base}/sehat/", 3, args.connections, None)  # warm up the workers
            baseline = wrk(f"{base}/sehat/", args.seconds, args.connections, None)
            hooks = wrk(f"{base}/whatsapp/webhook/", args.seconds, args.connections, single)
            batches = wrk(f"{base}/whatsapp/webhook/", args.seconds, args.connections, batched)
        stored_text = (
            subprocess.run(
                [
                    python,
                    "manage.py",
                    "shell",
                    "-c",
                    "from alur.whatsapp.models import WebhookDelivery as W; "
                    "print(W.objects.count())",
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        stored = int(stored_text)
        workers_rss = worker_memory(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    acked = sum(run["requests"] - run["non_2xx"] for run in (hooks, batches))
    config = {"workers": args.workers, "worker_class": worker_class, "threads": args.threads}
    emit(
        bench="minimal_endpoint",
        **{k: round(v, 1) for k, v in baseline.items()},
        **config,
        connections=args.connections,
        **machine(),
    )
    emit(
        bench="webhook_ack",
        messages_per_delivery=1,
        **{k: round(v, 1) for k, v in hooks.items()},
        messages_per_s=round(hooks["per_s"], 1),
        ratio_vs_minimal=round(hooks["per_s"] / baseline["per_s"], 3),
        target_per_s=2000,
        target_p99_ms=100,
        **config,
    )
    emit(
        bench="webhook_ack_batched",
        messages_per_delivery=args.batch,
        **{k: round(v, 1) for k, v in batches.items()},
        messages_per_s=round(batches["per_s"] * args.batch, 1),
        **config,
    )
    # Every acknowledged delivery of both loads is a stored row (a request wrk cut off at the
    # end may be stored without being counted, never the other way round).
    emit(bench="webhook_stored", acked=acked, stored=stored, all_acked_stored=stored >= acked)
    emit(
        bench="web_worker_memory",
        workers=len(workers_rss),
        rss_mib_each=[round(kib / 1024, 1) for kib in workers_rss],
        rss_mib_max=round(max(workers_rss) / 1024, 1) if workers_rss else None,
    )


if __name__ == "__main__":
    main()
