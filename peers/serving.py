"""What the local peer servers share: serving in a background thread and `python -m` serving.

Each peer's `server.start_server` starts its own server and returns its `RunningServer`, a
subclass of `RunningServer` here; each peer's `__main__` builds its parser with `peer_parser`
and ends with `serve_until_signal`.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Protocol, Self

LOOPBACK = ("127.0.0.1", "localhost")


def require_loopback(host: str, what: str) -> None:
    """Refuse any address but a loopback one: a peer is for development and tests only."""
    if host not in LOOPBACK:
        raise ValueError(f"{what} binds to a loopback address only")


class ControlError(Exception):
    """A control endpoint's refusal: {"error": message} with HTTP `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class PeerHandler(BaseHTTPRequestHandler, ABC):
    """The plumbing of a peer's request handler. A subclass answers in `_dispatch` (the body of a
    control request in `_body`) and puts each request in its log in `_log_request`, which runs
    before any byte of the answer goes out: a client that has the answer finds it logged."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    logger: ClassVar[logging.Logger]
    _status = 0
    _logged = False  # this request is in the log already
    _body = b""

    def log_message(self, format: str, *args: Any) -> None:
        self.logger.info("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    @abstractmethod
    def _dispatch(self, method: str) -> None:
        """Answer the request (each peer routes its own endpoints)."""

    @abstractmethod
    def _log_request(self) -> None:
        """Put the request in the peer's log before its answer goes out."""

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        self._log_request()
        super().send_response(code, message)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), headers=headers)

    def _control_body(self) -> dict[str, Any]:
        try:
            data = json.loads(self._body or b"{}")
        except ValueError as exc:
            raise ControlError(400, "the body is not valid JSON") from exc
        if not isinstance(data, dict):
            raise ControlError(400, "the body must be a JSON object")
        return data


@dataclass
class RunningServer(ABC):
    """A server running in a background thread; leaving it as a context manager stops it."""

    root_url: str
    control_path: ClassVar[str] = "/_peer/"

    def control(self, name: str) -> str:
        """The URL of a control endpoint (tests set faults and read logs there)."""
        return f"{self.root_url}{self.control_path}{name}"

    @abstractmethod
    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class PeerState(Protocol):
    stopping: threading.Event  # set on stop: delays and background deliveries end at once


@dataclass
class RunningHTTPServer(RunningServer):
    """A `ThreadingHTTPServer` started by `serve_in_thread`."""

    state: PeerState
    _server: ThreadingHTTPServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        self.state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve_in_thread(server: ThreadingHTTPServer, name: str) -> threading.Thread:
    """Serve `server` in a daemon thread, started."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True
    )
    thread.start()
    return thread


def peer_parser(prog: str, description: str, port: int) -> argparse.ArgumentParser:
    """A parser with the options every peer takes: --host, --port and --quiet."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1", choices=LOOPBACK)
    parser.add_argument("--port", type=int, default=port, help="0 picks a free port")
    parser.add_argument("--quiet", action="store_true", help="do not log every request")
    return parser


def configure_logging(quiet: bool) -> None:
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
    )


def serve_until_signal(running: RunningServer) -> None:
    """Wait for SIGINT or SIGTERM, then stop the server."""
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    stop.wait()
    running.stop()
