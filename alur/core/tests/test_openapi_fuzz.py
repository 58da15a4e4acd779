"""Schemathesis over docs/openapi.yaml, against the Django app through its WSGI interface: the
WhatsApp webhook and the citizen pages never answer 5xx, whatever they are sent."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from alur.core.models import RateCount

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml"
WEBHOOK = "/whatsapp/webhook/"


class _FormsWithoutCsrf(WSGIHandler):
    """The app as served, except that a form POST need not carry a CSRF token, so the fuzzed
    bodies reach the views (CSRF itself is tested in test_security.py)."""

    def get_response(self, request: Any) -> Any:
        request._dont_enforce_csrf_checks = True
        return super().get_response(request)


def _signing(app: WSGIHandler) -> Any:
    """Sign every webhook POST that carries a signature header with the app secret, the way
    Meta does, so fuzzed notifications are read and not refused at the door."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == WEBHOOK and "HTTP_X_HUB_SIGNATURE_256" in environ:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            secret = settings.WHATSAPP_APP_SECRET.encode()
            digest = hmac.new(secret, body, hashlib.sha256).hexdigest()
            environ["HTTP_X_HUB_SIGNATURE_256"] = "sha256=" + digest
            environ["wsgi.input"] = io.BytesIO(body)
        return app(environ, start_response)

    return wrapped


@pytest.fixture(autouse=True)
def _connection_kept_between_requests() -> Iterator[None]:
    """The served app closes the database connection after each request; the test database
    lives in that connection, so it is kept, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_path(SCHEMA_PATH)
schema.app = _signing(_FormsWithoutCsrf())


def test_the_schema_names_every_public_entry_point() -> None:
    paths = set(schema.raw_schema["paths"])
    assert {
        WEBHOOK,
        "/lacak/",
        "/verifikasi/{code}/",
        "/pengaduan/",
        "/pengaduan/lacak/",
        "/siaga/rujuk/",
        "/sehat/",
    } <= paths


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "8")),  # `make hostile`: 100
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_answer_is_a_server_error(case: Any, django_capture_on_commit_callbacks: Any) -> None:
    # The per-address limits are tested in test_ratelimit.py; here every example reaches the view.
    RateCount.objects.all().delete()
    # The webhook's worker runs on commit; run it here so fuzzed notifications are read too.
    with django_capture_on_commit_callbacks(execute=True):
        response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.status_code)
