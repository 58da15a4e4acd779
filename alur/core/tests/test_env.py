import os
import subprocess
import sys
from pathlib import Path

import pytest

from alur.env import ImproperlyConfiguredError, env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]


def test_a_secret_can_come_from_a_file(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "key"
    secret.write_text("rahasia-dari-berkas\n")
    monkeypatch.setenv("ALUR_TEST_SECRET", "dari-lingkungan")
    assert env_str("ALUR_TEST_SECRET") == "dari-lingkungan"
    monkeypatch.setenv("ALUR_TEST_SECRET_FILE", str(secret))
    assert env_str("ALUR_TEST_SECRET") == "rahasia-dari-berkas"


def test_readers_refuse_what_they_cannot_read(monkeypatch) -> None:
    monkeypatch.setenv("ALUR_TEST_FLAG", "mungkin")
    with pytest.raises(ImproperlyConfiguredError):
        env_bool("ALUR_TEST_FLAG", False)
    monkeypatch.setenv("ALUR_TEST_FLAG", "off")
    assert env_bool("ALUR_TEST_FLAG", True) is False
    monkeypatch.setenv("ALUR_TEST_NUMBER", "lima")
    with pytest.raises(ImproperlyConfiguredError):
        env_int("ALUR_TEST_NUMBER", 5)
    monkeypatch.setenv("ALUR_TEST_LIST", "a.example, b.example,")
    assert env_list("ALUR_TEST_LIST", []) == ["a.example", "b.example"]


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import alur.settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_production_requires_a_secret_key_and_turns_on_hsts() -> None:
    refused = _settings_in_subprocess({"ALUR_ENV": "production", "ALLOWED_HOSTS": "alur.go.id"})
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
    ok = _settings_in_subprocess(
        {"ALUR_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "alur.go.id"}
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == ["False", "31536000", "True"]
