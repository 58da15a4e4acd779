"""What the local Graph API server remembers: settings, messages, media, faults, activity.

All of it lives in one `GraphState` guarded by one lock; request handlers run in threads.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

WINDOW_SECONDS = 24 * 3600  # the customer-service window after a citizen's last message
MEDIA_URL_TTL = 300  # Meta's download URLs expire after five minutes
LOG_LIMIT = 1000
WEBHOOK_TIMEOUT = 10.0

# Titles Meta puts in `message` ("(#code) title") and the HTTP status it answers with.
ERROR_TITLES: dict[int, tuple[str, int]] = {
    0: ("AuthException", 401),
    1: ("An unknown error occurred", 500),
    2: ("Service temporarily unavailable", 503),
    4: ("Application request limit reached", 429),
    10: ("Application does not have permission for this action", 403),
    100: ("Invalid parameter", 400),
    190: ("Invalid OAuth access token - Cannot parse access token", 401),
    368: ("Temporarily blocked for policies violations", 403),
    80007: ("Rate limit issues", 400),
    130429: ("Rate limit hit", 400),
    131000: ("Something went wrong", 500),
    131008: ("Required parameter is missing", 400),
    131009: ("Parameter value is not valid", 400),
    131016: ("Service unavailable", 503),
    131026: ("Message undeliverable", 400),
    131031: ("Business Account locked", 400),
    131047: ("Re-engagement message", 400),
    131048: ("Spam rate limit hit", 400),
    131051: ("Unsupported message type", 400),
    131053: ("Media upload error", 400),
    131056: ("(Business Account, Consumer Account) pair rate limit hit", 400),
    132000: ("Number of parameters does not match the expected number of params", 400),
    132001: ("Template name does not exist in the translation", 404),
    132005: ("Translated text too long", 400),
    132012: ("Parameter format does not match format in the created template", 400),
    132015: ("Template is Paused", 400),
    132016: ("Template is Disabled", 400),
    132018: ("There was an issue with the parameters in your template", 400),
    133004: ("Server temporarily unavailable", 503),
}
FAULT_MODES = (
    "down",  # 503 with a plain-text body, as a load balancer in front of a dead service
    "http_status",  # any status with a Graph error body (429 → code 4, 5xx → code 2)
    "error_code",  # a Graph error code (131047, 130429, …) with its usual HTTP status
    "delay",  # answer normally after `seconds`
    "disconnect",  # close the connection without answering
    "corrupt_media",  # media downloads answer with one byte changed
    "oversize_media",  # media downloads stream without Content-Length and never end
)
ENDPOINTS = ("messages", "media", "media_info", "download", "templates")


class GraphError(Exception):
    """An error answered in the Graph API's shape: `{"error": {"message", "type", "code", …}}`."""

    def __init__(
        self,
        code: int,
        details: str = "",
        *,
        status: int | None = None,
        subcode: int | None = None,
        message: str | None = None,
        error_type: str = "OAuthException",
        retry_after: int | None = None,
    ) -> None:
        title, default_status = ERROR_TITLES.get(code, ("Error", 400))
        self.code = code
        self.status = status or default_status
        self.subcode = subcode
        self.title = title
        self.message = message or (title if code == 190 else f"(#{code}) {title}")
        self.details = details or title
        self.error_type = error_type
        self.retry_after = retry_after
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.error_type,
            "code": self.code,
            "error_data": {"messaging_product": "whatsapp", "details": self.details},
            "fbtrace_id": "A" + secrets.token_urlsafe(16),
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        return {"error": error}

    def webhook_error(self) -> dict[str, Any]:
        """The same error as it appears in a `failed` status notification."""
        return {
            "code": self.code,
            "title": self.title,
            "message": self.title,
            "error_data": {"details": self.details},
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
        }


@dataclass
class Fault:
    mode: str
    status: int | None = None
    code: int | None = None
    seconds: float = 0.0
    retry_after: int | None = None
    count: int | None = None  # how many matching requests it hits; None: until cleared
    endpoint: str | None = None  # one of ENDPOINTS; None: every Graph request

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        mode = data.get("mode")
        if mode not in FAULT_MODES:
            raise ValueError(f"mode must be one of {FAULT_MODES}")
        endpoint = data.get("endpoint")
        if endpoint is not None and endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {ENDPOINTS}")
        fault = cls(
            mode=mode,
            status=_optional_int(data, "status"),
            code=_optional_int(data, "code"),
            seconds=float(data.get("seconds") or 0),
            retry_after=_optional_int(data, "retry_after"),
            count=_optional_int(data, "count"),
            endpoint=endpoint,
        )
        if mode == "http_status" and not (fault.status and 400 <= fault.status <= 599):
            raise ValueError("http_status needs a status between 400 and 599")
        if mode == "error_code" and fault.code is None:
            raise ValueError("error_code needs a code")
        if mode == "delay" and fault.seconds <= 0:
            raise ValueError("delay needs seconds > 0")
        if fault.count is not None and fault.count < 1:
            raise ValueError("count must be at least 1")
        return fault

    def matches(self, endpoint: str) -> bool:
        if self.mode in ("corrupt_media", "oversize_media"):
            return endpoint == "download"
        return self.endpoint is None or self.endpoint == endpoint

    def error(self) -> GraphError:
        if self.mode == "error_code" and self.code is not None:
            return GraphError(self.code, status=self.status, retry_after=self.retry_after)
        status = self.status or 503
        if self.code is not None:
            code = self.code
        elif status == 429:
            code = 4
        elif status >= 500:
            code = 2
        else:
            code = 1
        return GraphError(code, status=status, retry_after=self.retry_after)


def _optional_int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return None if value is None else int(value)


@dataclass
class Config:
    access_token: str
    app_secret: str
    webhook_url: str | None = None
    errors_via: str = "response"  # or "webhook": accept, then report failure in a status
    auto_statuses: bool = False  # send sent and delivered statuses for accepted messages
    waba_id: str = "102290129340398"
    display_numbers: dict[str, str] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data["access_token"] = bool(self.access_token)
        data["app_secret"] = bool(self.app_secret)
        return data


@dataclass
class Media:
    media_id: str
    phone_number_id: str
    data: bytes
    mime_type: str
    filename: str
    sha256: str
    created_at: float


class GraphState:
    def __init__(self, config: Config) -> None:
        self.lock = threading.Lock()
        self.config = config
        self.stopping = threading.Event()
        self._url_key = secrets.token_bytes(32)
        self.http = httpx.Client(timeout=WEBHOOK_TIMEOUT)  # for webhook deliveries
        self.reset()

    def reset(self) -> None:
        """Forget messages, media, faults, activity and logs; keep the configuration."""
        with self.lock:
            self.messages: list[dict[str, Any]] = []
            self.media: dict[str, Media] = {}
            self.faults: list[Fault] = []
            self.inbound: dict[tuple[str, str], float] = {}
            self.templates: set[str] | None = None  # None: every template name is approved
            # The account's message templates (peers/graph_api/catalogue.py), Alur's seeded.
            self.catalogue: list[dict[str, Any]] = [copy.deepcopy(t) for t in _seed()]
            self.catalogue_only = False
            self.requests: list[dict[str, Any]] = []
            self.webhooks: list[dict[str, Any]] = []

    # faults
    def add_fault(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def take_fault(self, endpoint: str) -> Fault | None:
        """The first fault for this endpoint, used up by one request if it has a count."""
        with self.lock:
            for fault in self.faults:
                if fault.matches(endpoint):
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    # logs
    def log_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.requests.append(entry)
            del self.requests[:-LOG_LIMIT]

    def log_webhook(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.webhooks.append(entry)
            del self.webhooks[:-LOG_LIMIT]

    def log_copy(self, name: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(entry) for entry in getattr(self, name)]

    # the 24-hour window
    def mark_inbound(self, phone_number_id: str | None, wa_id: str, at: float) -> None:
        with self.lock:
            self.inbound[(phone_number_id or "*", wa_id)] = at

    def in_window(self, phone_number_id: str, wa_id: str, now: float) -> bool:
        with self.lock:
            last = max(
                self.inbound.get((phone_number_id, wa_id), 0.0),
                self.inbound.get(("*", wa_id), 0.0),
            )
        return now - last < WINDOW_SECONDS

    # templates
    def set_templates(self, names: list[str] | None) -> None:
        with self.lock:
            self.templates = None if names is None else set(names)

    def template_exists(self, name: str) -> bool:
        with self.lock:
            return self.templates is None or name in self.templates

    def set_catalogue(self, templates: list[dict[str, Any]], *, only: bool = False) -> None:
        """Replace the account's templates; `only`: a name outside them does not exist (by
        default such a name follows `templates`, the older approved-names rule)."""
        with self.lock:
            self.catalogue = [copy.deepcopy(t) for t in templates]
            self.catalogue_only = only

    def templates_listed(self) -> bool:
        """Whether only the catalogue's templates exist."""
        with self.lock:
            return self.catalogue_only

    def catalogue_copy(self) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.catalogue)

    def template_definition(self, name: str, language: str) -> dict[str, Any] | None:
        """The catalogue's template of that name and language, if it has one."""
        with self.lock:
            found = next(
                (t for t in self.catalogue if t["name"] == name and t["language"] == language),
                None,
            )
            return copy.deepcopy(found) if found is not None else None

    # messages
    def record_message(self, message: dict[str, Any]) -> None:
        with self.lock:
            self.messages.append(message)

    def find_message(self, message_id: str) -> dict[str, Any] | None:
        with self.lock:
            return next((m for m in self.messages if m["id"] == message_id), None)

    def list_messages(self, **filters: str) -> list[dict[str, Any]]:
        with self.lock:
            return [
                dict(m)
                for m in self.messages
                if all(not value or str(m.get(key)) == value for key, value in filters.items())
            ]

    # media
    def store_media(
        self, phone_number_id: str, data: bytes, mime_type: str, filename: str
    ) -> Media:
        media = Media(
            media_id=str(10**15 + secrets.randbelow(9 * 10**15)),
            phone_number_id=phone_number_id,
            data=data,
            mime_type=mime_type,
            filename=filename,
            sha256=hashlib.sha256(data).hexdigest(),
            created_at=time.time(),
        )
        with self.lock:
            self.media[media.media_id] = media
        return media

    def get_media(self, media_id: str) -> Media | None:
        with self.lock:
            return self.media.get(media_id)

    def delete_media(self, media_id: str) -> bool:
        with self.lock:
            return self.media.pop(media_id, None) is not None

    def download_hash(self, media_id: str, expires: int) -> str:
        message = f"{media_id}:{expires}".encode()
        return hmac.new(self._url_key, message, hashlib.sha256).hexdigest()[:32]

    def media_for_download(self, media_id: str, expires: str, signature: str) -> Media | None:
        """The media a download URL points to, if the URL is genuine and not expired."""
        if not expires.isdigit() or int(expires) < time.time():
            return None
        if not hmac.compare_digest(self.download_hash(media_id, int(expires)), signature):
            return None
        return self.get_media(media_id)

    def display_number(self, phone_number_id: str) -> str:
        with self.lock:
            return self.config.display_numbers.get(phone_number_id, "6281100000000")


def _seed() -> tuple[dict[str, Any], ...]:
    from peers.graph_api.catalogue import SEED  # the catalogue raises this module's GraphError

    return SEED
