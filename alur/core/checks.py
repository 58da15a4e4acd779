"""Checks that stop an unsafe production start once settings have loaded.

The secrets and allowed hosts are refused while settings load (alur/env.py,
`refuse_unsafe_production`), which stops every command. The static manifest cannot be: it is
written by `collectstatic`, which must run before it exists. So it is a system check, which
`migrate`, `runserver` and `check` run and `collectstatic` does not (that command runs only the
checks tagged "staticfiles"); gunicorn, which runs none, runs them when it loads alur.wsgi
(`refuse_unsafe_start`).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

PRODUCTION_TAG = "alur_production"


@checks.register(PRODUCTION_TAG)
def static_manifest(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Without whitenoise's manifest every page of a production server answers 500."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    name, manifest = "staticfiles.json", None
    if isinstance(staticfiles_storage, ManifestFilesMixin):  # whitenoise's storage is one
        name = staticfiles_storage.manifest_name
        try:
            content = staticfiles_storage.read_manifest()
            manifest = json.loads(content) if content is not None else None
        except (OSError, ValueError):
            manifest = None
    if isinstance(manifest, dict) and manifest.get("paths"):
        return []
    return [
        checks.Error(
            f"STATIC_ROOT ({settings.STATIC_ROOT}) tidak berisi {name} yang utuh: tanpa berkas "
            "itu setiap halaman produksi gagal.",
            hint="Jalankan `python manage.py collectstatic --noinput` sebelum migrate dan "
            "sebelum gunicorn dimulai (docs/deploy.md).",
            id="alur.E001",
        )
    ]


def refuse_unsafe_start() -> None:
    """Run the system checks in production and refuse to serve on any error (for gunicorn)."""
    if not getattr(settings, "PRODUCTION", False):
        return
    serious = [message for message in checks.run_checks() if message.is_serious()]
    if serious:
        raise ImproperlyConfigured(
            "ALUR_ENV=production tidak dijalankan:\n" + "\n".join(str(m) for m in serious)
        )


BACKENDS = {
    "TTE_BACKEND": ("local", "bsre"),
    "REGISTRY_BACKEND": ("standalone", "siak"),
    "IDENTITY_BACKEND": ("standalone", "webservice"),
}
# What each remote backend needs in production: its address over TLS and its credentials.
REMOTE = {
    ("TTE_BACKEND", "bsre"): ("BSRE_BASE_URL", ("BSRE_USERNAME", "BSRE_PASSWORD")),
    ("IDENTITY_BACKEND", "webservice"): (
        "DUKCAPIL_WS_URL",
        ("DUKCAPIL_WS_USER", "DUKCAPIL_WS_PASSWORD"),
    ),
}
LOOPBACK = ("://127.", "://localhost", "://[::1]")


@checks.register()
def national_backends(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A mistyped backend would silently fall back to the first one: refuse it. In production a
    remote backend must be reached over TLS, with its credentials, and not on this machine's
    development servers (the passphrase and residents' data travel there)."""
    errors: list[checks.CheckMessage] = []
    for name, allowed in BACKENDS.items():
        value = getattr(settings, name, allowed[0])
        if value not in allowed:
            errors.append(
                checks.Error(
                    f"{name}={value!r} tidak dikenal; pilihan: {', '.join(allowed)}.",
                    id="alur.E002",
                )
            )
    if not getattr(settings, "PRODUCTION", False):
        return errors
    for (name, value), (url_name, secret_names) in REMOTE.items():
        if getattr(settings, name, "") != value:
            continue
        url = str(getattr(settings, url_name, "") or "")
        if not url.startswith("https://") or any(mark in url for mark in LOOPBACK):
            errors.append(
                checks.Error(
                    f"{name}={value} memerlukan {url_name} berupa alamat https layanan "
                    f"sebenarnya, bukan {url or '(kosong)'}.",
                    id="alur.E003",
                )
            )
        for secret in secret_names:
            if not getattr(settings, secret, ""):
                errors.append(checks.Error(f"{name}={value} memerlukan {secret}.", id="alur.E003"))
    return errors


@checks.register(PRODUCTION_TAG)
def whatsapp_api(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production the Graph API is Meta's, over TLS (the production default). A warning, not
    an error: a production-like test server (faults/) talks to the local Graph API server on
    purpose, and names it explicitly."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    url = str(getattr(settings, "WHATSAPP_API_BASE", "") or "")
    if url.startswith("https://") and not any(mark in url for mark in LOOPBACK):
        return []
    return [
        checks.Warning(
            f"WHATSAPP_API_BASE harus alamat https Graph API Meta "
            f"(mis. https://graph.facebook.com/v23.0), bukan {url or '(kosong)'}.",
            hint="Atur WHATSAPP_API_BASE di lingkungan produksi (docs/deploy.md).",
            id="alur.W004",
        )
    ]
