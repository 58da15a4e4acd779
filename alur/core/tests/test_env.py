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


STRONG_KEY = "k7Qm4xZp2Lr9Vb8Nc3Hd6Tf1Gw5Js0Ya-Ue_Io7Pk2Xn4Rm9Qb8Lc3Zv6Hs1Dt5"
UNSET = None
# A production environment that is safe apart from the static manifest.
PRODUCTION_ENV = {
    "ALUR_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "alur.example.go.id",
    "WHATSAPP_ACCESS_TOKEN": "EAAG-token-dari-meta",
    "WHATSAPP_APP_SECRET": "3f1c9a7e5b2d4f6a8c0e1b3d5f7a9c2e",
    "WHATSAPP_VERIFY_TOKEN": "token-verifikasi-kantor",
}
PREFIXES = ("SECRET_KEY", "DEBUG", "ALUR_", "WHATSAPP_", "ALLOWED_HOSTS", "DATABASE_URL")


def _run(args: list[str], env: dict[str, str | None], var_dir: Path) -> subprocess.CompletedProcess:
    """`args` in a fresh process with the environment `env` (None: unset) and its own var/."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    clean["ALUR_VAR_DIR"] = str(var_dir)
    clean.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(
        [sys.executable, *args], env=clean, cwd=ROOT, capture_output=True, text=True
    )


def _settings_in_subprocess(
    env: dict[str, str | None], var_dir: Path
) -> subprocess.CompletedProcess:
    code = (
        "import alur.settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    return _run(["-c", code], env, var_dir)


def test_production_requires_a_secret_key_and_turns_on_hsts(tmp_path: Path) -> None:
    refused = _settings_in_subprocess({**PRODUCTION_ENV, "SECRET_KEY": UNSET}, tmp_path)
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
    ok = _settings_in_subprocess(PRODUCTION_ENV, tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == ["False", "31536000", "True"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECRET_KEY", "x"),
        ("SECRET_KEY", "ab" * 30),  # long, but two characters
        ("SECRET_KEY", "django-insecure-" + STRONG_KEY),
        ("ALLOWED_HOSTS", UNSET),
        ("ALLOWED_HOSTS", ""),
        ("ALLOWED_HOSTS", "*"),
        ("WHATSAPP_ACCESS_TOKEN", UNSET),
        ("WHATSAPP_ACCESS_TOKEN", ""),
        ("WHATSAPP_APP_SECRET", UNSET),
        ("WHATSAPP_APP_SECRET", "dev-app-secret"),
        ("WHATSAPP_VERIFY_TOKEN", ""),
        ("ALUR_TRUSTED_PROXIES", "10.0.0.0/33"),
    ],
)
def test_production_refuses_to_start_unsafe(
    variable: str, value: str | None, tmp_path: Path
) -> None:
    refused = _settings_in_subprocess({**PRODUCTION_ENV, variable: value}, tmp_path)
    assert refused.returncode != 0
    assert variable in refused.stderr
    assert "Traceback" in refused.stderr and "ImproperlyConfigured" in refused.stderr


def test_production_without_the_static_manifest_refuses_migrate_and_gunicorn(
    tmp_path: Path,
) -> None:
    migrate = _run(["manage.py", "migrate", "--plan"], PRODUCTION_ENV, tmp_path)
    assert migrate.returncode != 0
    assert "alur.E001" in migrate.stderr and "collectstatic" in migrate.stderr
    wsgi = _run(["-c", "import alur.wsgi"], PRODUCTION_ENV, tmp_path)  # what gunicorn loads
    assert wsgi.returncode != 0 and "staticfiles.json" in wsgi.stderr
    # collectstatic itself runs without the manifest, and writes it.
    collected = _run(["manage.py", "collectstatic", "--noinput", "-v0"], PRODUCTION_ENV, tmp_path)
    assert collected.returncode == 0, collected.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    served = _run(["-c", "import alur.wsgi"], PRODUCTION_ENV, tmp_path)
    assert served.returncode == 0, served.stderr


def test_development_and_ci_start_without_any_of_it(tmp_path: Path) -> None:
    """`make run` and CI: ALUR_ENV, the secrets and the allowed hosts unset, nothing collected."""
    checked = _run(["manage.py", "check"], {}, tmp_path)
    assert checked.returncode == 0, checked.stderr
    wsgi = _run(["-c", "import alur.wsgi"], {}, tmp_path)
    assert wsgi.returncode == 0, wsgi.stderr
