"""The local Graph API server, the transport pointed at it, and a tiny webhook receiver."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from alur.whatsapp_cloud import transport
from peers.graph_api import RunningServer, start_server

ACCESS_TOKEN = "test-token-7f3a"
APP_SECRET = "test-app-secret-91c2"
VERIFY_TOKEN = "verify-me"


@pytest.fixture(scope="session")
def graph_api() -> Iterator[RunningServer]:
    server = start_server(port=0, app_secret=APP_SECRET, access_token=ACCESS_TOKEN)
    yield server
    server.stop()


# One client for the tests' own calls: building one per call costs an SSL context each time.
http = httpx.Client(timeout=10)


def control(server: RunningServer, name: str, payload: Any = None, method: str = "POST") -> Any:
    """Call a control endpoint and return its JSON; fails the test on an error status."""
    response = http.request(method, server.control(name), json=payload)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def graph(graph_api: RunningServer, settings: Any) -> Iterator[RunningServer]:
    """A clean server, and the transport's settings pointed at it."""
    control(graph_api, "reset")
    control(
        graph_api,
        "config",
        {
            "webhook_url": None,
            "app_secret": APP_SECRET,
            "access_token": ACCESS_TOKEN,
            "errors_via": "response",
            "auto_statuses": False,
        },
    )
    settings.WHATSAPP_API_BASE = graph_api.base_url
    settings.WHATSAPP_ACCESS_TOKEN = ACCESS_TOKEN
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_TIMEOUT_SECONDS = 5
    transport.reset_client()
    yield graph_api
    transport.reset_client()


def control_get(server: RunningServer, name: str, **params: str) -> Any:
    response = http.get(server.control(name), params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Answers like our webhook would and keeps every request for the test to inspect."""

    def __init__(self) -> None:
        self.requests: queue.Queue[Received] = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _keep(self, method: str) -> Received:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                received = Received(
                    method=method,
                    path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
                receiver.requests.put(received)
                return received

            def do_POST(self) -> None:
                self._keep("POST")
                self._answer(200, b"OK")

            def do_GET(self) -> None:
                received = self._keep("GET")
                if received.query.get("hub.verify_token") == VERIFY_TOKEN:
                    self._answer(200, received.query.get("hub.challenge", "").encode())
                else:
                    self._answer(403, b"verify token salah")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/whatsapp/webhook/"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def next(self, timeout: float = 5) -> Received:
        return self.requests.get(timeout=timeout)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.stop()
