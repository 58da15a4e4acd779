"""Sessions, CSRF and the security headers of every kind of page.

Covered elsewhere, not repeated here: HSTS and the secret key with ALUR_ENV=production in
alur/core/tests/test_env.py; the login lock-out of django-axes (429, "Terlalu banyak percobaan
masuk") in alur/front/tests/test_login.py; the per-address limits of the citizen pages in
alur/intake/tests/test_tracking.py (/lacak/), alur/tte/tests/test_verification.py
(/verifikasi/), alur/complaints/tests/test_web.py (/pengaduan/ and /pengaduan/lacak/) and
alur/outreach/tests/test_web.py (/siaga/rujuk/); the shared store of those limits, the client
address behind trusted proxies and the login's limits behind a proxy in
alur/core/tests/test_ratelimit.py; the signature of the WhatsApp webhook in
alur/whatsapp/tests/test_webhook.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from alur.core.middleware import CONTENT_SECURITY_POLICY
from alur.core.tests.test_env import PRODUCTION_ENV
from alur.org.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[3]


def _csrf_token(client: Client, path: str) -> str:
    page = client.get(path).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/masuk/", {"username": "waykanan.kadis", "password": DEMO_PASSWORD}),
        ("/lacak/", {"reference": "S2E-1808-260105-K7QM4X", "last4": "1234"}),
        ("/pengaduan/", {"text": "Antrean lama sekali"}),
        ("/siaga/rujuk/", {"name": "Budi", "address": "Kolong jembatan"}),
    ],
)
def test_a_public_form_posted_without_its_csrf_token_is_refused(path: str, data: dict) -> None:
    client = Client(enforce_csrf_checks=True)
    refused = client.post(path, data)
    assert refused.status_code == 403
    token = _csrf_token(client, path)
    assert client.post(path, {**data, "csrfmiddlewaretoken": token}).status_code != 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/naskah/sertifikat/", {"passphrase": "rahasia"}),
        ("/keluar/", {}),
    ],
)
def test_a_staff_form_posted_without_its_csrf_token_is_refused(
    persona, path: str, data: dict
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("waykanan.kadis"))
    assert client.post(path, data).status_code == 403
    assert "_auth_user_id" in client.session  # the refused logout did not log out


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_same_site() -> None:
    client = Client()
    client.post("/masuk/", {"username": "waykanan.kadis", "password": DEMO_PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"


def test_production_settings_mark_the_cookies_secure() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DEBUG"))}
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "alur.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "Lax", "True", "True"]


@pytest.mark.django_db
def test_a_logged_out_session_cannot_be_replayed() -> None:
    client = Client()
    client.post("/masuk/", {"username": "waykanan.kadis", "password": DEMO_PASSWORD})
    stolen = client.cookies["sessionid"].value
    assert client.get("/").status_code == 200
    client.post("/keluar/")
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get("/kantor/18.08/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


PAGE_KINDS = [
    ("login page", "/masuk/", False),
    ("staff page", "/", True),
    ("staff page of an office", "/kantor/18.08/", True),
    ("citizen form", "/lacak/", False),
    ("citizen page not found", "/verifikasi/TIDAKADA/", False),
    ("unknown URL", "/tidak-ada-halaman-ini/", False),
    ("liveness probe", "/sehat/", False),
    ("webhook", "/whatsapp/webhook/?hub.mode=subscribe", False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "path", "staff"), PAGE_KINDS, ids=[k[0] for k in PAGE_KINDS])
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_every_kind_of_page_carries_the_security_headers(
    client, persona, kind: str, path: str, staff: bool
) -> None:
    if staff:
        client.force_login(persona("waykanan.kadis"))
    response = client.get(path, secure=True)
    assert response.status_code < 500, kind
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_lost_database_connection_answers_503_to_retry() -> None:
    from django.db import InterfaceError, OperationalError
    from django.test import RequestFactory

    from alur.core.middleware import DATABASE_UNAVAILABLE, DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]  # only its exception hook runs
    request = RequestFactory().post("/whatsapp/webhook/")
    for error in (OperationalError("server closed the connection"), InterfaceError("closed")):
        response = middleware.process_exception(request, error)
        assert response is not None and response.status_code == 503
        assert response["Retry-After"] == "5"
        assert response.content.decode() == DATABASE_UNAVAILABLE
    assert middleware.process_exception(request, ValueError("a bug")) is None  # stays a 500


# Templates rendered into PDFs (WeasyPrint, never served to a browser) may style inline.
PDF_TEMPLATES = ("/pdf/", "/naskah/", "sop/document_pdf.html")
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=\"|<style[\s>]|\son[a-z]+=\"")


def test_no_page_template_needs_what_the_csp_blocks() -> None:
    """The CSP allows scripts and styles from this site only: a page template with an inline
    script, style element, style attribute or event handler would break in the browser."""
    found = []
    for template in sorted((ROOT / "alur").rglob("templates/**/*.html")):
        if any(part in template.as_posix() for part in PDF_TEMPLATES):
            continue
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if INLINE.search(line):
                found.append(f"{template.relative_to(ROOT)}:{number}")
    assert found == []
