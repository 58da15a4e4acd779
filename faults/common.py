# ruff: noqa: S101, S603, S607, S608
"""Shared plumbing of the fault scripts: databases, the servers they run, what they print.

Each script prints `tried:` and `found:` lines for engineers, one JSON line with its figures
(`bench/common.py`'s `emit`), and exits 0 only when nothing was lost or doubled.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import PG, database_url, emit, machine, psql  # noqa: E402

psql_value = psql  # one value out of psql

__all__ = [
    "PG",
    "ROOT",
    "Process",
    "Verdict",
    "database_url",
    "emit",
    "free_port",
    "machine",
    "prepare_database",
    "psql",
    "psql_value",
    "redis_flush",
    "redis_url",
    "server_env",
    "setup_django",
    "wait_until",
]

TEMPLATE = "alur_faults_template"
PYTHON = sys.executable
APP_SECRET = "faults-app-secret"  # noqa: S105  (a throwaway secret of the fault servers)
ACCESS_TOKEN = "faults-token"  # noqa: S105
# Redis databases of the fault scripts (the benchmarks use 15); FAULTS_REDIS_DB moves them.
REDIS_DB_BASE = int(os.environ.get("FAULTS_REDIS_DB", "10"))


def _schema_fingerprint() -> str:
    """What the template database depends on: every migration and the demo data's code."""
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("alur/*/migrations/*.py")) + sorted(ROOT.glob("alur/**/demo*.py"))
    files += sorted(ROOT.glob("alur/*/management/commands/load_*.py"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def prepare_database(name: str) -> str:
    """A fresh database `name`, migrated with the demo offices loaded; its URL.

    Migrating and loading the demo take ~40 s, so they are done once into a template database
    (rebuilt when a migration or the demo code changes) and each run copies it.
    """
    fingerprint = _schema_fingerprint()
    current = psql_value(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
        f"WHERE datname = '{TEMPLATE}'"
    )
    if current != fingerprint:
        print(f"  (building the template database {TEMPLATE}: migrate + load_demo)", flush=True)
        psql(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        psql(f'CREATE DATABASE "{TEMPLATE}"')
        env = {**os.environ, "DATABASE_URL": database_url(TEMPLATE), "LOG_LEVEL": "WARNING"}
        env.pop("REDIS_URL", None)
        for command in (["migrate", "-v0"], ["load_demo", "-v0"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)
        psql(f"COMMENT ON DATABASE \"{TEMPLATE}\" IS '{fingerprint}'")
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    return database_url(name)


def redis_url(offset: int) -> str:
    return f"redis://127.0.0.1:6379/{REDIS_DB_BASE + offset}"


def redis_flush(url: str) -> None:
    database = url.rsplit("/", 1)[1]
    subprocess.run(["redis-cli", "-n", database, "FLUSHDB"], check=True, capture_output=True)


def server_env(database: str, redis: str, graph_base: str | None = None) -> dict[str, str]:
    """The environment of a production-like server or worker (as bench/webhook.py runs it)."""
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "ALUR_ENV": "production",
        "SECRET_KEY": "faults-k7Qm4xZp2Lr9Vb8Nc3Hd6Tf1Gw5Js0YaUeIo7Pk2Xn4Rm9Qb8Lc3Zv",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": "faults",
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_TIMEOUT_SECONDS": "10",
        "LOG_LEVEL": "WARNING",
    }
    if graph_base:
        env["WHATSAPP_API_BASE"] = graph_base
    return env


def setup_django(env: dict[str, str]) -> None:
    """Django in this process, with the same settings as the servers the script runs."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alur.settings")
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], Any], timeout: float, interval: float = 0.1) -> Any:
    """Poll `check` until it returns something truthy; that value, or None after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception:  # a server still starting
            value = None
        if value:
            return value
        time.sleep(interval)
    return None


class Process:
    """A child process in its own session, so that it and its children stop together."""

    def __init__(self, name: str, command: Sequence[str], env: dict[str, str]) -> None:
        self.name = name
        self.command = list(command)
        self.env = env
        self.log = Path(tempfile.gettempdir()) / f"alur-faults-{name}-{os.getpid()}.log"
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def kill(self, sig: signal.Signals = signal.SIGKILL) -> None:
        """Send `sig` to the whole process group (the consumer's workers too) and reap it."""
        if self.popen is None or self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def log_tail(self, lines: int = 20) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def graph_api(port: int, webhook_url: str | None = None, auto_statuses: bool = False) -> Process:
    command = [PYTHON, "-m", "peers.graph_api", "--port", str(port), "--quiet"]
    command += ["--app-secret", APP_SECRET, "--access-token", ACCESS_TOKEN]
    if webhook_url:
        command += ["--webhook-url", webhook_url]
    if auto_statuses:  # 'sent' and 'delivered' notifications to the webhook, as Meta sends
        command += ["--auto-statuses"]
    return Process("graph", command, dict(os.environ))


def gunicorn(port: int, env: dict[str, str], workers: int = 4, timeout: int = 30) -> Process:
    """gunicorn as deployed: after collectstatic, without whose manifest production refuses."""
    collect = [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True)
    command = [PYTHON, "-m", "gunicorn", "alur.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["-w", str(workers), "--timeout", str(timeout), "--access-logfile", "/dev/null"]
    command += ["--log-level", "warning"]
    return Process("gunicorn", command, env)


def huey_consumer(env: dict[str, str], workers: int = 2) -> Process:
    """The worker as `make run` starts it (threads; periodic tasks on)."""
    command = [PYTHON, "manage.py", "run_huey", "--workers", str(workers), "--flush-locks"]
    command += ["--delay", "0.1", "--max-delay", "0.5"]
    return Process("huey", command, env)


class Verdict:
    """Collects checks; prints each as it is made and exits with the outcome."""

    def __init__(self, fault: str) -> None:
        self.fault = fault
        self.failures: list[str] = []
        self.started = time.monotonic()
        print(f"== fault: {fault}", flush=True)

    @staticmethod
    def tried(text: str) -> None:
        print(f"tried: {text}", flush=True)

    @staticmethod
    def found(text: str) -> None:
        print(f"found: {text}", flush=True)

    def check(self, ok: bool, text: str) -> bool:
        print(f"{'  ok ' if ok else 'FAIL '} {text}", flush=True)
        if not ok:
            self.failures.append(text)
        return ok

    def finish(self, **figures: object) -> int:
        seconds = round(time.monotonic() - self.started, 1)
        emit(
            fault=self.fault,
            ok=not self.failures,
            failures=self.failures,
            seconds=seconds,
            **figures,
            **machine(),
        )
        result = "nothing lost" if not self.failures else f"{len(self.failures)} check(s) failed"
        print(f"== {self.fault}: {result} ({seconds} s)", flush=True)
        return 0 if not self.failures else 1
