"""Signed webhook bodies up to the view's own 3 MiB are read whole (Django's upload limit,
DATA_UPLOAD_MAX_MEMORY_SIZE of 2.5 MiB, does not answer 400 first); past it, 413."""

import json

import pytest
from django.conf import settings

from alur.whatsapp.models import WebhookDelivery
from alur.whatsapp.views import MAX_BODY
from alur.whatsapp_cloud import payloads

pytestmark = pytest.mark.django_db


def signed_body(size: int) -> bytes:
    """A notification of exactly `size` bytes (Meta batches many updates in one body)."""
    empty = {"object": "whatsapp_business_account", "entry": [], "padding": ""}
    base = len(payloads.encode(empty))
    body = payloads.encode({**empty, "padding": "x" * (size - base)})
    assert len(body) == size
    return body


def post(client, body: bytes):
    return client.post(
        "/whatsapp/webhook/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=payloads.signature_header(body, settings.WHATSAPP_APP_SECRET)[
            payloads.SIGNATURE_HEADER
        ],
    )


def test_a_signed_body_of_2_8_mib_is_read_and_stored(client) -> None:
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < int(2.8 * 1024 * 1024) < MAX_BODY
    body = signed_body(int(2.8 * 1024 * 1024))
    response = post(client, body)
    assert response.status_code == 200
    stored = WebhookDelivery.objects.get()
    assert bytes(stored.body) == body
    assert json.loads(bytes(stored.body))["object"] == "whatsapp_business_account"


def test_a_body_of_exactly_3_mib_is_read_and_one_byte_more_is_413(client) -> None:
    assert post(client, signed_body(MAX_BODY)).status_code == 200
    response = post(client, signed_body(MAX_BODY + 1))
    assert response.status_code == 413
    assert "3 MB" in response.json()["error"]
    assert WebhookDelivery.objects.count() == 1
