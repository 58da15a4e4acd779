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
