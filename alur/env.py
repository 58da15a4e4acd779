"""Strict readers for settings from the environment; secrets may come from `NAME_FILE`."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import environ

_env = environ.Env()


class ImproperlyConfiguredError(RuntimeError):
    pass


def env_str(name: str, default: str | None = None) -> str | None:
    """Value of NAME, or the contents of the file named by NAME_FILE, or the default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_required(name: str) -> str:
    value = env_str(name)
    if not value:
        raise ImproperlyConfiguredError(f"{name} (or {name}_FILE) must be set in production")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfiguredError(f"{name}={raw!r} is not a boolean")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfiguredError(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """A comma-separated list of IP addresses or networks (10.0.0.0/8, 2001:db8::/32)."""
    entries = env_list(name, [])
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfiguredError(
                f"{name}: {entry!r} bukan alamat IP atau jaringan (contoh: 10.0.0.5, 10.0.0.0/24)"
            ) from exc
    return entries


SQLITE_BUSY_TIMEOUT_S = 20  # how long a transaction waits for SQLite's write lock


def database_config(default_sqlite: Path) -> dict:
    url = env_str("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    config = _env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on beside the one writer. Every transaction begins IMMEDIATE, i.e.
        # takes the write lock at BEGIN, where the busy timeout makes it wait: a DEFERRED one
        # reads first and fails at once ("database is locked") when it then writes while another
        # writer holds or has just released the lock, whatever the timeout. The backend queues a
        # process's threads for that lock in turn (alur/core/sqlite/base.py).
        config["ENGINE"] = "alur.core.sqlite"
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_BUSY_TIMEOUT_S,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    else:
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


def local_secret_key(path: Path) -> str:
    """A secret key generated once per checkout for local runs and kept in var/."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_CHARACTERS = 10  # distinct characters; secrets.token_urlsafe(50) has about 40
DEVELOPMENT_SECRETS = {"dev-token", "dev-app-secret", "dev-verify-token"}
KEY_RECIPE = "buat dengan: python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def production_problems(
    *, secret_key: str, allowed_hosts: list[str], secrets: dict[str, str | None]
) -> list[str]:
    """What makes a production start unsafe, one line per variable, in Bahasa Indonesia."""
    problems = []
    if (
        len(secret_key) < MIN_SECRET_KEY_LENGTH
        or len(set(secret_key)) < MIN_SECRET_KEY_CHARACTERS
        or secret_key.startswith("django-insecure-")
    ):
        problems.append(
            f"SECRET_KEY terlalu lemah: paling sedikit {MIN_SECRET_KEY_LENGTH} karakter acak "
            f"dengan {MIN_SECRET_KEY_CHARACTERS} karakter berbeda atau lebih ({KEY_RECIPE}); "
            "kunci ini juga menyegel sertifikat tanda tangan"
        )
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS kosong: isi dengan nama situs, mis. alur.example.go.id")
    elif "*" in allowed_hosts:
        problems.append("ALLOWED_HOSTS tidak boleh '*': sebutkan nama situs satu per satu")
    for name, value in secrets.items():
        if not value:
            problems.append(f"{name} (atau {name}_FILE) kosong: isi dengan nilai dari Meta")
        elif value in DEVELOPMENT_SECRETS:
            problems.append(f"{name} masih nilai pengembangan ({value!r}): isi dengan nilai asli")
    return problems


def refuse_unsafe_production(
    *, secret_key: str, allowed_hosts: list[str], secrets: dict[str, str | None]
) -> None:
    problems = production_problems(
        secret_key=secret_key, allowed_hosts=allowed_hosts, secrets=secrets
    )
    if problems:
        raise ImproperlyConfiguredError(
            "ALUR_ENV=production tidak dijalankan karena pengaturan belum aman:\n"
            + "\n".join(f"- {problem}" for problem in problems)
        )
