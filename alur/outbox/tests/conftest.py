"""Shared pieces of the outbox tests: a stand-in provider and a helper that queues in a change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.db import transaction

from alur.outbox.choices import Channel, Kind
from alur.outbox.models import OutboundMessage
from alur.outbox.senders import SENDERS, SendError
from alur.outbox.services import message_enqueue
from alur.whatsapp_cloud import transport
from peers.graph_api import RunningServer, start_server

AKTA_LAHIR = "108117961700"  # Way Kanan's business number for akta kelahiran (demo)
CITIZEN = "081234567890"


class Provider:
    """Stands in for WhatsApp in the unit tests: records what it sends, or raises what it is told.

    The real transport and the local Graph API server are exercised in test_end_to_end.py and
    test_senders.py; here the point is the outbox's own decisions.
    """

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.errors: list[BaseException] = []

    def fail_with(self, *errors: BaseException) -> None:
        self.errors.extend(errors)

    def __call__(self, message: OutboundMessage) -> str:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((message.kind, message.recipient, dict(message.payload)))
        return f"wamid.test-{message.pk}-{len(self.sent)}"


def down() -> SendError:
    return SendError(retryable=True, reason="Server WhatsApp sedang bermasalah (HTTP 503)")


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Provider:
    fake = Provider()
    monkeypatch.setitem(SENDERS, Channel.WHATSAPP, fake)
    return fake


@pytest.fixture
def waykanan(office: Callable[[str], Any]) -> Any:
    return office("18.08")


@pytest.fixture
def queue(waykanan: Any) -> Callable[..., OutboundMessage]:
    """Queue a WhatsApp text to a citizen of Way Kanan inside a transaction, as a change would."""

    def enqueue(**overrides: Any) -> OutboundMessage:
        arguments: dict[str, Any] = {
            "office": waykanan,
            "channel": Channel.WHATSAPP,
            "kind": Kind.TEXT,
            "sender": AKTA_LAHIR,
            "recipient": CITIZEN,
            "payload": {"body": "Akta kelahiran Anda sudah selesai dan dapat diambil."},
        } | overrides
        with transaction.atomic():
            return message_enqueue(**arguments)

    return enqueue


GRAPH_TOKEN = "outbox-test-token"
GRAPH_SECRET = "outbox-test-secret"


@pytest.fixture(scope="session")
def graph_api() -> Iterator[RunningServer]:
    running = start_server(port=0, app_secret=GRAPH_SECRET, access_token=GRAPH_TOKEN)
    yield running
    running.stop()


def control(server: RunningServer, name: str, payload: Any = None, method: str = "POST") -> Any:
    """Call one of the local Graph API server's control endpoints; its JSON answer."""
    response = httpx.request(method, server.control(name), json=payload, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def graph(graph_api: RunningServer, settings: Any) -> Iterator[RunningServer]:
    """The real transport pointed at a clean local Graph API server."""
    control(graph_api, "reset")
    settings.WHATSAPP_API_BASE = graph_api.base_url
    settings.WHATSAPP_ACCESS_TOKEN = GRAPH_TOKEN
    settings.WHATSAPP_TIMEOUT_SECONDS = 5
    transport.reset_client()
    yield graph_api
    transport.reset_client()
