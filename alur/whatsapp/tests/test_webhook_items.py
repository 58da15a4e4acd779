"""A delivery read item by item: a malformed entry, change, message or status is recorded on the
delivery and skipped, and the good messages beside it are stored and answered, once."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.utils import timezone

from alur.outbox.models import OutboundMessage
from alur.whatsapp.models import InboundMessage, WebhookDelivery
from alur.whatsapp.services import STRANDED_AFTER, webhook_process, webhook_read_stranded
from alur.whatsapp.views import MAX_BODY, TOO_LARGE, webhook
from alur.whatsapp_cloud import payloads
from peers.graph_api.server import start_server

URL = "/whatsapp/webhook/"
CITIZEN = "6281234567890"
AKTA_LAHIR = ("108117961700", "628117961700")


def good(message_id: str = "wamid.GOOD") -> dict[str, Any]:
    message = payloads.text_message(CITIZEN, "Halo, saya mau urus akta kelahiran anak")
    message["id"] = message_id
    return message


def value(*messages: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": AKTA_LAHIR[1], "phone_number_id": AKTA_LAHIR[0]},
        "contacts": [{"profile": {"name": "Siti"}, "wa_id": CITIZEN}],
        "messages": list(messages),
    }


def delivery(*changes: Any) -> bytes:
    entry = {"id": "WABA1", "changes": [{"field": "messages", "value": v} for v in changes]}
    return json.dumps({"object": "whatsapp_business_account", "entry": [entry]}).encode()


def bad_timestamp() -> bytes:
    broken = {**good("wamid.BAD"), "timestamp": "abc"}
    return delivery(value(broken, good()))


def value_as_list() -> bytes:
    return delivery([good("wamid.BAD")], value(good()))


def message_without_id() -> bytes:
    broken = good()
    del broken["id"]
    return delivery(value(broken, good()))


def status_with_bad_timestamp() -> bytes:
    status = {"id": "wamid.OUT", "status": "read", "timestamp": "abc", "recipient_id": CITIZEN}
    return delivery({**value(good()), "statuses": [status]})


MALFORMED = {
    "timestamp-abc": (bad_timestamp, "entry[0].changes[0].value.messages[0]", "waktu Unix"),
    "value-as-list": (value_as_list, "entry[0].changes[0]", "value bukan objek"),
    "message-without-id": (
        message_without_id,
        "entry[0].changes[0].value.messages[0]",
        "pesan tanpa id",
    ),
    "status-timestamp-abc": (
        status_with_bad_timestamp,
        "entry[0].changes[0].value.statuses[0]",
        "waktu Unix",
    ),
}


@pytest.fixture
def graph(settings):
    running = start_server(port=0, app_secret=settings.WHATSAPP_APP_SECRET)
    settings.WHATSAPP_API_BASE = running.base_url
    httpx.post(running.control("inbound"), json={"from": CITIZEN})  # the 24-hour window is open
    yield running
    running.stop()


@pytest.fixture
def post(client, graph, django_capture_on_commit_callbacks):
    """POST a body signed with the app secret; what is scheduled after commit runs."""

    def send(body: bytes) -> Any:
        signature = payloads.signature_header(body, settings.WHATSAPP_APP_SECRET)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                URL,
                body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=signature[payloads.SIGNATURE_HEADER],
            )

    return send


@pytest.fixture
def process(graph, django_capture_on_commit_callbacks):
    """Store a body as the webhook does and read it as the worker does."""

    def read(body: bytes) -> WebhookDelivery:
        stored = WebhookDelivery.objects.create(
            received_at=timezone.now(), body=body, signature="s"
        )
        with django_capture_on_commit_callbacks(execute=True):
            return webhook_process(stored.pk)

    return read


def answers() -> list[str]:
    rows = OutboundMessage.objects.filter(recipient=CITIZEN).order_by("id")
    return [row.payload.get("body", "") for row in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("way", ["view", "service"])
def test_bad_item_does_not_lose_good_message(way: str, request: pytest.FixtureRequest) -> None:
    body = bad_timestamp()
    if way == "view":
        assert request.getfixturevalue("post")(body).status_code == 200
        stored = WebhookDelivery.objects.get()
    else:
        stored = request.getfixturevalue("process")(body)
    stored.refresh_from_db()
    assert stored.state == WebhookDelivery.State.PARTIAL and stored.processed_at is not None
    assert [item["path"] for item in stored.bad_items] == ["entry[0].changes[0].value.messages[0]"]
    assert "abc" in stored.bad_items[0]["error"] and "dilewati" in stored.note
    message = InboundMessage.objects.get()
    assert message.message_id == "wamid.GOOD" and message.handled_at is not None
    assert any("Akta kelahiran" in answer for answer in answers())  # the citizen is answered


@pytest.mark.django_db
@pytest.mark.parametrize("shape", MALFORMED)
def test_a_malformed_item_is_recorded_and_skipped(shape: str, process) -> None:
    build, path, error = MALFORMED[shape]
    stored = process(build())
    assert stored.state == WebhookDelivery.State.PARTIAL
    assert len(stored.bad_items) == 1
    assert stored.bad_items[0]["path"] == path and error in stored.bad_items[0]["error"]
    assert list(InboundMessage.objects.values_list("message_id", flat=True)) == ["wamid.GOOD"]
    assert answers()


@pytest.mark.django_db
def test_a_duplicate_message_id_beside_a_bad_item_is_still_ignored(process) -> None:
    first = process(delivery(value(good())))
    again = process(bad_timestamp())
    assert first.state == WebhookDelivery.State.PROCESSED and first.bad_items == []
    assert again.state == WebhookDelivery.State.PARTIAL
    assert "sudah diterima sebelumnya" in again.note
    assert InboundMessage.objects.filter(message_id="wamid.GOOD").count() == 1
    assert InboundMessage.objects.get().delivery_id == first.pk


@pytest.mark.django_db
def test_the_sweep_reads_a_delivery_with_a_bad_item_once_and_not_again(graph) -> None:
    long_ago = timezone.now() - STRANDED_AFTER - timedelta(minutes=1)
    stored = WebhookDelivery.objects.create(
        received_at=long_ago, body=message_without_id(), signature="s"
    )
    assert webhook_read_stranded() == 1
    stored.refresh_from_db()
    assert stored.state == WebhookDelivery.State.PARTIAL
    assert webhook_read_stranded() == 0  # processed: never retried
    assert InboundMessage.objects.filter(message_id="wamid.GOOD").count() == 1


# --- the size of a webhook body --------------------------------------------------------------


@pytest.mark.django_db
def test_a_body_over_the_limit_is_413_with_a_json_error(post) -> None:
    """Past Django's 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE the webhook answered 400."""
    padding = "x" * (MAX_BODY - 200_000)  # between 2.5 MB and the 3 MB limit: read
    within = delivery({**value(good()), "padding": padding})
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < len(within) <= MAX_BODY
    assert post(within).status_code == 200
    assert InboundMessage.objects.filter(message_id="wamid.GOOD").exists()
    over = delivery({**value(good("wamid.OVER")), "padding": "x" * MAX_BODY})
    response = post(over)
    assert response.status_code == 413
    assert response.json() == {"error": TOO_LARGE}
    assert WebhookDelivery.objects.count() == 1


class _Unread(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body must not be read")

    readline = read


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read() -> None:
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": URL,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(50 * 1024 * 1024),
            "HTTP_X_HUB_SIGNATURE_256": "sha256=" + "0" * 64,
            "wsgi.input": _Unread(),
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
        }
    )
    response = webhook(request)
    assert response.status_code == 413
    assert json.loads(response.content) == {"error": TOO_LARGE}
