"""A citizen's phone for the tests: their messages reach our webhook signed as Meta sends them,
and what our outbox sends reaches the local Graph API server (peers/graph_api), where the test
reads what the phone received."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings

from alur.whatsapp_cloud import payloads, transport
from peers.graph_api import RunningServer
from peers.graph_api.server import start_server

CITIZEN = "6281234567801"
AKTA_LAHIR = ("108117961700", "628117961700")  # Way Kanan's akta kelahiran number (demo)


@pytest.fixture
def phone_graph(settings: Any) -> Iterator[RunningServer]:
    """A local Graph API server of our own, with the transport pointed at it."""
    running = start_server(port=0, app_secret=settings.WHATSAPP_APP_SECRET)
    settings.WHATSAPP_API_BASE = running.base_url
    transport.reset_client()
    yield running
    running.stop()
    transport.reset_client()


class Phone:
    """One citizen writing to one business number."""

    def __init__(self, client: Any, graph: RunningServer, capture: Any, number: tuple[str, str]):
        self.client, self.graph, self.capture, self.number = client, graph, capture, number
        self.wa_id = CITIZEN

    def send(
        self, text: str | None = None, *, document: bytes | None = None, button: str | None = None
    ) -> None:
        """The citizen sends a text, a PDF or taps a reply button; our side answers at once."""
        if document is not None:
            media_id = transport.upload_media(self.number[0], document, "application/pdf", "a.pdf")
            message = payloads.document_message(
                self.wa_id,
                media_id=media_id,
                mime_type="application/pdf",
                sha256=hashlib.sha256(document).hexdigest(),
                filename="surat.pdf",
            )
        elif button is not None:
            message = payloads.button_reply_message(
                self.wa_id, reply_id=button, title=button.title()
            )
        else:
            message = payloads.text_message(self.wa_id, text or "")
        body = payloads.encode(
            payloads.message_notification(
                phone_number_id=self.number[0],
                display_phone_number=self.number[1],
                message=message,
            )
        )
        header = payloads.signature_header(body, settings.WHATSAPP_APP_SECRET)
        with self.capture(execute=True):
            response = self.client.post(
                "/whatsapp/webhook/",
                body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=header[payloads.SIGNATURE_HEADER],
            )
        assert response.status_code == 200

    def received(self) -> list[dict[str, Any]]:
        """What the Graph API accepted for this phone, oldest first."""
        answer = httpx.get(self.graph.control("messages"), params={"to": self.wa_id}, timeout=10)
        assert answer.status_code == 200
        return list(answer.json()["data"])

    def texts(self) -> list[str]:
        """The readable text of each message received: a text's body, an interactive message's
        body, a template's body parameter."""
        out = []
        for item in self.received():
            message = item["message"]
            kind = message.get("type")
            if kind == "text":
                out.append(message["text"]["body"])
            elif kind == "interactive":
                out.append(message["interactive"]["body"]["text"])
            elif kind == "template":
                parts = message["template"].get("components", [])
                out.append(
                    " ".join(p.get("text", "") for c in parts for p in c.get("parameters", []))
                )
            else:
                out.append(f"({kind})")
        return out


@pytest.fixture
def phone(
    db: None, client: Any, phone_graph: RunningServer, django_capture_on_commit_callbacks: Any
) -> Phone:
    """The citizen on Way Kanan's akta kelahiran number; their 24-hour window is open."""
    httpx.post(
        phone_graph.control("inbound"),
        json={"from": CITIZEN, "phone_number_id": AKTA_LAHIR[0]},
        timeout=10,
    )
    return Phone(client, phone_graph, django_capture_on_commit_callbacks, AKTA_LAHIR)
