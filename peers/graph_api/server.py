"""A local WhatsApp Cloud API (Graph API) server for development and tests.

Graph endpoints, under a version prefix such as `/v26.0` (any `/vNN.N`; bearer token required):

    POST   /{phone-number-id}/messages      text, template, document, image, interactive (reply
                                            buttons, list; limits checked); mark as read
    POST   /{phone-number-id}/media         multipart upload → {"id": media id}
    GET    /{media-id}                      {"url", "mime_type", "sha256", "file_size", "id", …}
    DELETE /{media-id}                      {"success": true}; the id is no longer served
    GET    /{waba-id}/message_templates     the account's templates: fields, limit, after/before,
                                            name, status, category, language; `paging` cursors
    GET    /whatsapp_business/attachments/?mid=…&ext=…&hash=…   the bytes (URL valid 5 min)

Control endpoints (no token; the server binds to loopback only):

    GET  /_control/health                   {"ok": true}
    GET  /_control/config  POST …           webhook_url, app_secret, access_token,
                                            errors_via ("response" | "webhook"), auto_statuses,
                                            waba_id, display_numbers {phone_number_id: number}
    POST /_control/reset                    forget messages, media, faults, activity, logs
    GET  /_control/faults  POST …  DELETE … {"mode": "down" | "http_status" | "error_code" |
                                            "delay" | "disconnect" | "corrupt_media" |
                                            "oversize_media", "status", "code", "seconds",
                                            "retry_after", "count", "endpoint"}
    GET  /_control/messages?to=&phone_number_id=&type=&status=   what was accepted
    GET  /_control/requests                 Graph requests seen: method, path, status
    GET  /_control/webhooks                 webhook deliveries made and their answers
    POST /_control/inbound                  {"from", "phone_number_id"?, "hours_ago"?}
    POST /_control/templates                {"names": [...] | null} approved template names;
                                            {"templates": [...], "only"?} the account's templates
    GET  /_control/templates                the account's templates (catalogue.py seeds them)
    POST /_control/simulate                 the citizen writes: {"from", "phone_number_id",
                                            "name"?, "text" | "image" | "document" |
                                            "button_reply" | "list_reply", "context_id"?}
                                            or reacts {"reaction": {"message_id", "emoji"?}},
                                            edits {"edit": {"original_message_id", "text"}},
                                            deletes {"revoke": {"original_message_id"}}, or
                                            sends what Meta does not deliver
                                            {"unsupported": "poll_creation"}
    POST /_control/status                   {"id": wamid, "status", "error_code"?}
    POST /_control/verify_webhook           {"verify_token"}: Meta's subscription check

Webhook notifications are signed with the app secret (`X-Hub-Signature-256`) and POSTed to
the configured webhook URL.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from peers import serving

# Meta's notification shapes are the peer's own copy (it imports nothing of Alur).
from peers.graph_api import catalogue, payloads
from peers.graph_api.state import (
    MEDIA_URL_TTL,
    Config,
    Fault,
    GraphError,
    GraphState,
)
from peers.graph_api.validation import (
    MEDIA_LIMITS,
    check_message,
    check_upload,
    delivery_error,
    invalid,
    normalize_number,
    parse_multipart,
)
from peers.serving import ControlError

log = logging.getLogger("peers.graph_api")

API_VERSION = "v26.0"  # the current Graph API version (July 2026); older prefixes still work
DEV_ACCESS_TOKEN = "dev-token"  # noqa: S105 - the development default in settings
DEV_APP_SECRET = "dev-app-secret"  # noqa: S105 - the development default in settings
DOWNLOAD_PATH = "/whatsapp_business/attachments/"
MAX_BODY = 110 * 1024 * 1024  # the largest upload (100 MB documents) and its multipart framing
CHUNK = 64 * 1024
OVERSIZE_LIMIT = 1024**3
_VERSION = re.compile(r"/v\d+\.\d+(?=/)")
_ID = re.compile(r"[A-Za-z0-9_-]+")


def _not_found(object_id: str, method: str) -> GraphError:
    return GraphError(
        100,
        subcode=33,
        error_type="GraphMethodException",
        message=(
            f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )


def deliver(state: GraphState, payload: dict[str, Any]) -> dict[str, Any]:
    """POST a signed notification to the webhook; what it answered."""
    with state.lock:
        url, secret = state.config.webhook_url, state.config.app_secret
    if not url:
        raise ControlError(409, "no webhook URL is configured (POST /_control/config)")
    body = payloads.encode(payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "facebookexternalua",
        **payloads.signature_header(body, secret),
    }
    entry: dict[str, Any] = {"url": url, "payload": payload, "at": time.time()}
    try:
        response = state.http.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        entry["error"] = f"{type(exc).__name__}: {exc}"
        state.log_webhook(entry)
        log.warning("webhook %s unreachable: %s", url, exc)
        raise ControlError(502, f"the webhook could not be reached: {exc}") from exc
    entry.update(status=response.status_code, response=response.text[:2000])
    state.log_webhook(entry)
    log.info("webhook %s answered %s", url, response.status_code)
    return {"status": response.status_code, "body": response.text[:2000]}


def _deliver_later(state: GraphState, notifications: list[dict[str, Any]]) -> None:
    """Send status notifications after the API answered, as Meta does."""
    with state.lock:
        if not state.config.webhook_url:
            return

    def run() -> None:
        for payload in notifications:
            if state.stopping.wait(0.05):
                return
            try:
                deliver(state, payload)
            except ControlError as error:
                log.warning("status notification not delivered: %s", error.message)

    threading.Thread(target=run, name="graph-webhook", daemon=True).start()


class GraphServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: GraphState) -> None:
        self.state = state
        super().__init__(address, GraphHandler)


class GraphHandler(serving.PeerHandler):
    server_version = "LocalGraphAPI/1.0"
    logger = log
    server: GraphServer
    _endpoint: str | None = None

    # plumbing
    def _log_request(self) -> None:
        if self._endpoint is None or self._logged:
            return
        self._logged = True
        self.state.log_request(
            {
                "method": self.command,
                "path": urlsplit(self.path).path,
                "endpoint": self._endpoint,
                "status": self._status,
            }
        )

    @property
    def state(self) -> GraphState:
        return self.server.state

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            raise GraphError(131053, "Request body is too large.", status=413)
        return self.rfile.read(length) if length else b""

    def _graph_error(self, error: GraphError) -> None:
        headers = {}
        if error.retry_after is not None:
            headers["Retry-After"] = str(error.retry_after)
        if error.status == 401:
            headers["WWW-Authenticate"] = (
                f'OAuth "Facebook Platform" "invalid_token" "{error.message}"'
            )
        self._json(error.status, error.body(), headers)

    def _dispatch(self, method: str) -> None:
        # One handler serves every request of a keep-alive connection: start each one clean.
        self._status = 0
        self._fault: Fault | None = None
        self._query: dict[str, str] = {}
        self._body = b""
        self._endpoint: str | None = None
        self._logged = False
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        try:
            self._answer(method, parts.path, query)
        finally:
            self._log_request()  # a request dropped without an answer (status 0)

    def _answer(self, method: str, path: str, query: dict[str, str]) -> None:
        try:
            body = self._read_body()
            if path.startswith("/_control/"):
                self._control(method, path.removeprefix("/_control/"), query, body)
            else:
                self._graph(method, path, query, body)
        except GraphError as error:
            self._graph_error(error)
        except ControlError as error:
            self._json(error.status, {"error": error.message})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # a bug here must still answer, as Graph's own 500s do
            log.exception("local Graph API server failed on %s %s", method, self.path)
            self.close_connection = True
            self._graph_error(GraphError(1, "The local Graph API server failed; see its log."))

    # the Graph API
    def _route(self, method: str, path: str) -> tuple[str, Callable[[], None]] | None:
        if path == DOWNLOAD_PATH and method == "GET":
            return "download", self._download
        path = _VERSION.sub("", path, count=1) if _VERSION.match(path) else path
        segments = [s for s in path.split("/") if s]
        if not segments or not all(_ID.fullmatch(s) for s in segments):
            return None
        if len(segments) == 2 and method == "POST" and segments[1] == "messages":
            return "messages", lambda: self._post_message(segments[0])
        if len(segments) == 2 and method == "POST" and segments[1] == "media":
            return "media", lambda: self._upload(segments[0])
        if len(segments) == 2 and method == "GET" and segments[1] == "message_templates":
            return "templates", lambda: self._message_templates(path, segments[0])
        if len(segments) == 1 and method == "GET":
            return "media_info", lambda: self._media_info(segments[0])
        if len(segments) == 1 and method == "DELETE":
            return "media_info", lambda: self._delete_media(segments[0])
        return None

    def _graph(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        self._query, self._body = query, body
        route = self._route(method, path)
        self._endpoint = route[0] if route else "unknown"
        if route is None:
            raise _not_found(path.strip("/").split("/")[-1] or "/", method)
        fault = self.state.take_fault(route[0])
        if fault is not None and self._apply_fault(fault):
            return
        route[1]()

    def _apply_fault(self, fault: Fault) -> bool:
        """Act out a fault; True when it answered (or dropped) the request itself."""
        self._fault = fault
        if fault.mode == "down":
            self._send(503, b"Service Unavailable", "text/plain")
            return True
        if fault.mode == "disconnect":
            self.close_connection = True
            return True
        if fault.mode == "delay":
            return self.state.stopping.wait(fault.seconds)
        if fault.mode == "http_status":
            raise fault.error()
        return False  # error_code after authentication; media faults in the download

    def _authorize(self) -> None:
        header = self.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        with self.state.lock:
            expected = self.state.config.access_token
        if not token or not secrets.compare_digest(token.encode(), expected.encode()):
            raise GraphError(190)
        if self._fault is not None and self._fault.mode == "error_code":
            raise self._fault.error()

    def _json_body(self) -> Any:
        try:
            return json.loads(self._body or b"null")
        except ValueError as exc:
            raise invalid("The request body is not valid JSON.") from exc

    def _post_message(self, phone_number_id: str) -> None:
        self._authorize()
        body = self._json_body()
        if isinstance(body, dict) and body.get("status") == "read":
            if body.get("messaging_product") != "whatsapp" or not body.get("message_id"):
                raise invalid("The parameters messaging_product and message_id are required.")
            self._json(200, {"success": True})
            return
        kind, wa_id = check_message(body, self.state)
        error = delivery_error(self.state, phone_number_id, kind, wa_id, body)
        with self.state.lock:
            errors_via = self.state.config.errors_via
        if error is not None and (errors_via != "webhook" or error.code == 132001):
            raise error
        message_id = payloads.new_message_id(wa_id)
        self.state.record_message(
            {
                "id": message_id,
                "phone_number_id": phone_number_id,
                "to": body["to"],
                "wa_id": wa_id,
                "type": kind,
                "message": body,
                "timestamp": int(time.time()),
                "status": "failed" if error else "accepted",
                "error_code": error.code if error else None,
            }
        )
        sent: dict[str, Any] = {"id": message_id}
        if kind == "template":
            sent["message_status"] = "accepted"
        try:
            self._json(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": body["to"], "wa_id": wa_id}],
                    "messages": [sent],
                },
            )
        finally:  # accepted is accepted: its statuses follow even if the caller hung up
            self._report_accepted(body, kind, phone_number_id, message_id, wa_id, error)

    def _report_accepted(
        self,
        body: dict[str, Any],
        kind: str,
        phone_number_id: str,
        message_id: str,
        wa_id: str,
        error: GraphError | None,
    ) -> None:
        with self.state.lock:
            auto_statuses = self.state.config.auto_statuses
        display = self.state.display_number(phone_number_id)

        def report(status: str) -> dict[str, Any]:
            return payloads.status_notification(
                phone_number_id=phone_number_id,
                display_phone_number=display,
                message_id=message_id,
                recipient_id=wa_id,
                status=status,
                errors=[error.webhook_error()] if error else None,
                category="utility" if kind == "template" else "service",
                waba_id=self.state.config.waba_id,
                callback_data=body.get("biz_opaque_callback_data"),
            )

        if error is not None:
            _deliver_later(self.state, [report("failed")])
        elif auto_statuses:
            _deliver_later(self.state, [report("sent"), report("delivered")])

    def _upload(self, phone_number_id: str) -> None:
        self._authorize()
        parts = parse_multipart(self.headers.get("Content-Type", ""), self._body)
        data, mime_type, filename = check_upload(parts)
        media = self.state.store_media(phone_number_id, data, mime_type, filename)
        self._json(200, {"id": media.media_id})

    def _message_templates(self, path: str, waba_id: str) -> None:
        """`GET /{WABA-ID}/message_templates`: the account's templates, one page of them."""
        self._authorize()
        with self.state.lock:
            known = self.state.config.waba_id
        if waba_id != known:
            raise _not_found(waba_id, "GET")
        version = _VERSION.match(urlsplit(self.path).path)
        url = f"{self._origin()}{version.group(0) if version else ''}{path}"
        page = catalogue.list_page(self.state.catalogue_copy(), self._query, url)
        self._json(200, page)

    def _origin(self) -> str:
        host = self.headers.get("Host")
        if not host:
            address, port = self.server.server_address[:2]
            name = address.decode() if isinstance(address, bytes) else address
            host = f"{name}:{port}"
        return f"http://{host}"

    def _media_info(self, media_id: str) -> None:
        self._authorize()
        media = self.state.get_media(media_id)
        if media is None:
            raise _not_found(media_id, "GET")
        expires = int(time.time()) + MEDIA_URL_TTL
        query = urlencode(
            {"mid": media_id, "ext": expires, "hash": self.state.download_hash(media_id, expires)}
        )
        self._json(
            200,
            {
                "messaging_product": "whatsapp",
                "url": f"{self._origin()}{DOWNLOAD_PATH}?{query}",
                "mime_type": media.mime_type,
                "sha256": media.sha256,
                "file_size": len(media.data),
                "id": media_id,
            },
        )

    def _delete_media(self, media_id: str) -> None:
        self._authorize()
        if not self.state.delete_media(media_id):
            raise _not_found(media_id, "DELETE")
        self._json(200, {"success": True})

    def _download(self) -> None:
        self._authorize()
        query = self._query
        media = self.state.media_for_download(
            query.get("mid", ""), query.get("ext", ""), query.get("hash", "")
        )
        if media is None:
            self._send(404, b"Not Found", "text/plain")
            return
        mode = self._fault.mode if self._fault is not None else None
        if mode == "oversize_media":
            self._stream_endless(media.data, media.mime_type)
            return
        data = media.data
        if mode == "corrupt_media":
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        self.send_response(200)
        self.send_header("Content-Type", media.mime_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for start in range(0, len(data), CHUNK):
            self.wfile.write(data[start : start + CHUNK])

    def _stream_endless(self, data: bytes, mime_type: str) -> None:
        """Chunked bytes that go on past the file, until the client hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", mime_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        filler = bytes(CHUNK)
        sent = 0
        chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)]
        while sent < OVERSIZE_LIMIT and not self.state.stopping.is_set():
            chunk = chunks.pop(0) if chunks else filler
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        self.wfile.write(b"0\r\n\r\n")

    # control
    def _control(self, method: str, name: str, query: dict[str, str], body: bytes) -> None:
        self._body = body
        handlers: dict[tuple[str, str], Callable[[], Any]] = {
            ("GET", "health"): lambda: {"ok": True},
            ("GET", "config"): self._config_get,
            ("POST", "config"): self._config_set,
            ("POST", "reset"): self._reset,
            ("GET", "faults"): self._faults_list,
            ("POST", "faults"): self._fault_add,
            ("DELETE", "faults"): self._faults_clear,
            ("GET", "messages"): lambda: {"data": self._messages(query)},
            ("GET", "requests"): lambda: {"data": self.state.log_copy("requests")},
            ("GET", "webhooks"): lambda: {"data": self.state.log_copy("webhooks")},
            ("POST", "inbound"): self._inbound,
            ("POST", "templates"): self._templates,
            ("GET", "templates"): lambda: {"data": self.state.catalogue_copy()},
            ("POST", "simulate"): self._simulate,
            ("POST", "status"): self._status_report,
            ("POST", "verify_webhook"): self._verify_webhook,
        }
        handler = handlers.get((method, name))
        if handler is None:
            raise ControlError(404, f"no control endpoint {method} /_control/{name}")
        self._json(200, handler())

    def _config_get(self) -> dict[str, Any]:
        with self.state.lock:
            return self.state.config.public()

    def _config_set(self) -> dict[str, Any]:
        data = self._control_body()
        allowed = {
            "webhook_url": (str, type(None)),
            "app_secret": (str,),
            "access_token": (str,),
            "errors_via": (str,),
            "auto_statuses": (bool,),
            "waba_id": (str,),
            "display_numbers": (dict,),
        }
        for key, value in data.items():
            if key not in allowed or not isinstance(value, allowed[key]):
                raise ControlError(400, f"unknown or mistyped setting {key!r}")
        if data.get("errors_via", "response") not in ("response", "webhook"):
            raise ControlError(400, "errors_via must be response or webhook")
        with self.state.lock:
            for key, value in data.items():
                setattr(self.state.config, key, value)
            return self.state.config.public()

    def _reset(self) -> dict[str, Any]:
        self.state.reset()
        return {"ok": True}

    def _fault_add(self) -> dict[str, Any]:
        try:
            fault = Fault.from_json(self._control_body())
        except (TypeError, ValueError) as exc:
            raise ControlError(400, str(exc)) from exc
        self.state.add_fault(fault)
        return {"ok": True, "fault": vars(fault)}

    def _faults_list(self) -> dict[str, Any]:
        with self.state.lock:
            return {"data": [dict(vars(fault)) for fault in self.state.faults]}

    def _faults_clear(self) -> dict[str, Any]:
        self.state.clear_faults()
        return {"ok": True}

    def _messages(self, query: dict[str, str]) -> list[dict[str, Any]]:
        filters = {key: query.get(key, "") for key in ("phone_number_id", "type", "status")}
        to = query.get("to", "")
        if to:
            try:
                filters["wa_id"] = normalize_number(to)
            except GraphError as exc:
                raise ControlError(400, exc.details) from exc
        return self.state.list_messages(**filters)

    def _citizen(self, data: dict[str, Any]) -> tuple[str, str]:
        try:
            wa_id = normalize_number(data.get("from"))
        except GraphError as exc:
            raise ControlError(400, f"from: {exc.details}") from exc
        phone_number_id = data.get("phone_number_id")
        if not isinstance(phone_number_id, str) or not _ID.fullmatch(phone_number_id):
            raise ControlError(400, "phone_number_id is required")
        return wa_id, phone_number_id

    def _inbound(self) -> dict[str, Any]:
        data = self._control_body()
        try:
            wa_id = normalize_number(data.get("from"))
            hours_ago = float(data.get("hours_ago") or 0)
        except (GraphError, TypeError, ValueError) as exc:
            raise ControlError(400, "from must be a phone number, hours_ago a number") from exc
        phone_number_id = data.get("phone_number_id")
        self.state.mark_inbound(
            str(phone_number_id) if phone_number_id else None, wa_id, time.time() - hours_ago * 3600
        )
        return {"ok": True, "wa_id": wa_id}

    def _templates(self) -> dict[str, Any]:
        body = self._control_body()
        if "templates" in body:
            items = body["templates"]
            if not isinstance(items, list):
                raise ControlError(400, "templates must be a list of template objects")
            try:
                definitions = [catalogue.check_definition(item) for item in items]
            except ValueError as exc:
                raise ControlError(400, str(exc)) from exc
            self.state.set_catalogue(definitions, only=bool(body.get("only", False)))
            return {"ok": True, "templates": len(definitions)}
        names = body.get("names")
        if names is not None and not (
            isinstance(names, list) and all(isinstance(n, str) for n in names)
        ):
            raise ControlError(400, "names must be a list of strings or null")
        self.state.set_templates(names)
        return {"ok": True}

    def _simulated_media(self, content: Any, kind: str, phone_number_id: str) -> Any:
        if not isinstance(content, dict):
            raise ControlError(400, f"{kind} must be an object with data_base64 and mime_type")
        try:
            data = base64.b64decode(str(content.get("data_base64", "")), validate=True)
        except ValueError as exc:
            raise ControlError(400, f"{kind}.data_base64 is not base64") from exc
        mime_type = str(content.get("mime_type", ""))
        if not data or mime_type not in MEDIA_LIMITS:
            raise ControlError(400, f"{kind} needs data and a supported mime_type")
        filename = str(content.get("filename") or f"{kind}")
        return self.state.store_media(phone_number_id, data, mime_type, filename)

    def _simulate(self) -> dict[str, Any]:
        data = self._control_body()
        wa_id, phone_number_id = self._citizen(data)
        context_id = data.get("context_id")
        media = None
        if isinstance(data.get("text"), str):
            message = payloads.text_message(wa_id, data["text"], context_id=context_id)
        elif "image" in data or "document" in data:
            kind = "image" if "image" in data else "document"
            content = data[kind]
            media = self._simulated_media(content, kind, phone_number_id)
            # Webhooks carry the hash in base64; GET /{media-id} answers it in hex.
            digest = base64.b64encode(hashlib.sha256(media.data).digest()).decode()
            caption = content.get("caption")
            if kind == "image":
                message = payloads.image_message(
                    wa_id,
                    media_id=media.media_id,
                    mime_type=media.mime_type,
                    sha256=digest,
                    caption=caption,
                )
            else:
                message = payloads.document_message(
                    wa_id,
                    media_id=media.media_id,
                    mime_type=media.mime_type,
                    sha256=digest,
                    filename=media.filename,
                    caption=caption,
                )
        elif isinstance(data.get("button_reply"), dict):
            reply = data["button_reply"]
            message = payloads.button_reply_message(
                wa_id,
                reply_id=str(reply.get("id", "")),
                title=str(reply.get("title", "")),
                context_id=context_id,
            )
        elif isinstance(data.get("list_reply"), dict):
            reply = data["list_reply"]
            message = payloads.list_reply_message(
                wa_id,
                reply_id=str(reply.get("id", "")),
                title=str(reply.get("title", "")),
                description=reply.get("description"),
                context_id=context_id,
            )
        elif isinstance(data.get("reaction"), dict):
            reaction = data["reaction"]  # {"message_id", "emoji"?}: no emoji removes it
            message = payloads.reaction_message(
                wa_id,
                message_id=str(reaction.get("message_id", "")),
                emoji=reaction.get("emoji") or None,
            )
        elif isinstance(data.get("edit"), dict):
            edit = data["edit"]  # {"original_message_id", "text"}
            message = payloads.edit_message(
                wa_id,
                original_message_id=str(edit.get("original_message_id", "")),
                body=str(edit.get("text", "")),
            )
        elif isinstance(data.get("revoke"), dict):
            revoke = data["revoke"]  # {"original_message_id"}: deleted for everyone
            message = payloads.revoke_message(
                wa_id, original_message_id=str(revoke.get("original_message_id", ""))
            )
        elif isinstance(data.get("unsupported"), str):  # what the Cloud API did not deliver
            message = payloads.unsupported_message(wa_id, what=data["unsupported"])
        else:
            raise ControlError(
                400,
                "give text, image, document, button_reply, list_reply, reaction, edit, "
                "revoke or unsupported",
            )
        payload = payloads.message_notification(
            phone_number_id=phone_number_id,
            display_phone_number=self.state.display_number(phone_number_id),
            message=message,
            profile_name=str(data.get("name") or "Warga"),
            waba_id=self.state.config.waba_id,
        )
        self.state.mark_inbound(phone_number_id, wa_id, time.time())
        result: dict[str, Any] = {"message_id": message["id"], "payload": payload}
        if media is not None:
            result["media_id"] = media.media_id
        result["webhook"] = deliver(self.state, payload)
        return result

    def _status_report(self) -> dict[str, Any]:
        data = self._control_body()
        message = self.state.find_message(str(data.get("id", "")))
        if message is None:
            raise ControlError(404, "no message with that id was sent through this server")
        status = data.get("status")
        if status not in payloads.STATUSES:
            raise ControlError(400, f"status must be one of {payloads.STATUSES}")
        errors = None
        if status == "failed":
            errors = [GraphError(int(data.get("error_code") or 131026)).webhook_error()]
        payload = payloads.status_notification(
            phone_number_id=message["phone_number_id"],
            display_phone_number=self.state.display_number(message["phone_number_id"]),
            message_id=message["id"],
            recipient_id=message["wa_id"],
            status=status,
            errors=errors,
            waba_id=self.state.config.waba_id,
            callback_data=message["message"].get("biz_opaque_callback_data"),
        )
        with self.state.lock:
            message["status"] = status
        return {"payload": payload, "webhook": deliver(self.state, payload)}

    def _verify_webhook(self) -> dict[str, Any]:
        token = str(self._control_body().get("verify_token", ""))
        with self.state.lock:
            url = self.state.config.webhook_url
        if not url:
            raise ControlError(409, "no webhook URL is configured (POST /_control/config)")
        challenge = str(secrets.randbelow(10**10))
        params = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": challenge}
        try:
            response = self.state.http.get(url, params=params)
        except httpx.HTTPError as exc:
            raise ControlError(502, f"the webhook could not be reached: {exc}") from exc
        verified = response.status_code == 200 and response.text == challenge
        return {"status": response.status_code, "body": response.text[:500], "verified": verified}


@dataclass
class RunningServer(serving.RunningHTTPServer):
    """A server running in a background thread; `base_url` is what WHATSAPP_API_BASE takes."""

    base_url: str
    state: GraphState
    control_path: ClassVar[str] = "/_control/"

    def stop(self) -> None:
        super().stop()
        self.state.http.close()


def start_server(
    port: int = 0,
    webhook_url: str | None = None,
    app_secret: str = DEV_APP_SECRET,
    *,
    access_token: str = DEV_ACCESS_TOKEN,
    host: str = "127.0.0.1",
    errors_via: str = "response",
    auto_statuses: bool = False,
    display_numbers: dict[str, str] | None = None,
) -> RunningServer:
    """Start the server in a daemon thread (port 0: any free port) and return at once."""
    serving.require_loopback(host, "the local Graph API server")
    config = Config(
        access_token=access_token,
        app_secret=app_secret,
        webhook_url=webhook_url,
        errors_via=errors_via,
        auto_statuses=auto_statuses,
        display_numbers=dict(display_numbers or {}),
    )
    state = GraphState(config)
    server = GraphServer((host, port), state)
    thread = serving.serve_in_thread(server, "graph-server")
    root = f"http://127.0.0.1:{server.server_address[1]}"
    return RunningServer(
        base_url=f"{root}/{API_VERSION}", root_url=root, state=state, _server=server, _thread=thread
    )
