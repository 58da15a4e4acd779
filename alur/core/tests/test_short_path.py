"""The short path of the WhatsApp webhook past the middleware it does not use."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client, override_settings

from alur.core.middleware import CONTENT_SECURITY_POLICY, DATABASE_UNAVAILABLE
from alur.whatsapp_cloud.signature import sign

URL = "/whatsapp/webhook/"
BODY = b'{"object": "whatsapp_business_account", "entry": []}'


def signed_post(client: Client, **extra: Any) -> Any:
    signature = sign(BODY, settings.WHATSAPP_APP_SECRET)
    return client.post(
        URL, BODY, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature, **extra
    )


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_the_webhook_answers_with_the_security_headers_and_no_session_or_csrf() -> None:
    client = Client(enforce_csrf_checks=True)  # Meta sends no CSRF token: the view is exempt
    response = signed_post(client, secure=True)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert not response.cookies  # no session, no CSRF cookie
    assert "Vary" not in response  # no Cookie nor Accept-Language: nothing read them
    assert not hasattr(response.wsgi_request, "session")
    assert not hasattr(response.wsgi_request, "user")


@pytest.mark.django_db
def test_the_webhook_refuses_a_host_outside_allowed_hosts() -> None:
    assert signed_post(Client(), HTTP_HOST="penyerang.example").status_code == 400


@pytest.mark.django_db
def test_the_webhook_answers_503_to_retry_when_the_database_is_lost(monkeypatch) -> None:
    def lost(**kwargs: object) -> int:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("alur.whatsapp.views.webhook_receive", lost)
    response = signed_post(Client())
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.content.decode() == DATABASE_UNAVAILABLE


@pytest.mark.django_db
def test_other_paths_still_go_through_the_whole_stack(client) -> None:
    response = client.get("/masuk/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies and hasattr(response.wsgi_request, "user")
