"""What the local BSrE knows: its signers, the faults asked for, the requests it saw, and the
signed documents waiting to be downloaded. Every piece is guarded by one lock."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

log = logging.getLogger("peers.bsre")

# A certificate's states as BSrE names them; NOT_REGISTERED is a NIK the service does not know.
STATES = ("ISSUE", "EXPIRED", "REVOKE", "SUSPEND", "NOT_REGISTERED")
FAULT_MODES = (
    "down",  # 503 with an HTML page, as a proxy in front of a stopped service answers
    "disconnect",  # the connection closes without an answer
    "slow",  # answers normally after `seconds`
    "error500",  # 500 with a JSON error
    "html",  # 200 with an HTML page (a captive portal, a login page)
    "empty",  # 200 with no body
    "not_pdf",  # 200 application/pdf whose bytes are not a PDF
    "wrong_passphrase_always",  # every signing answers "Passphrase anda salah"
)
ENDPOINTS = ("status", "sign", "verify", "download")
MAX_LOG = 500


class InvalidUser(ValueError):
    pass


@dataclass
class User:
    nik: str
    name: str
    passphrase: str
    nip: str = ""
    email: str = ""
    state: str = "ISSUE"

    @classmethod
    def from_json(cls, data: Any) -> User:
        if not isinstance(data, dict):
            raise InvalidUser("a user is a JSON object")
        nik = str(data.get("nik") or "").strip()
        if not (nik.isascii() and nik.isdigit() and len(nik) == 16):
            raise InvalidUser(f"nik must be 16 digits, not {nik!r}")
        passphrase = data.get("passphrase")
        if not isinstance(passphrase, str) or not passphrase:
            raise InvalidUser(f"user {nik}: passphrase is required")
        state = str(data.get("state") or "ISSUE").upper()
        if state not in STATES:
            raise InvalidUser(f"user {nik}: state must be one of {', '.join(STATES)}")
        return cls(
            nik=nik,
            name=str(data.get("name") or "").strip() or nik,
            passphrase=passphrase,
            nip=str(data.get("nip") or ""),
            email=str(data.get("email") or ""),
            state=state,
        )

    def public(self) -> dict[str, str]:
        """The user without the passphrase, for control answers."""
        data = asdict(self)
        del data["passphrase"]
        return data


@dataclass
class Fault:
    mode: str
    seconds: float = 0.0
    count: int | None = None  # None: until the faults are cleared
    endpoint: str | None = None  # None: every API endpoint

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        """`{"mode": "slow", "seconds": 2}` or the short form `{"slow": 2}`, `{"down": true}`."""
        payload = dict(data)
        mode = payload.pop("mode", None)
        if mode is None:
            named = [key for key in payload if key in FAULT_MODES]
            if len(named) != 1:
                raise ValueError(f"give one fault mode: {', '.join(FAULT_MODES)}")
            mode = named[0]
            value = payload.pop(mode)
            if mode == "slow" and "seconds" not in payload:
                payload["seconds"] = value
        if mode not in FAULT_MODES:
            raise ValueError(f"mode must be one of {', '.join(FAULT_MODES)}")
        seconds = float(payload.pop("seconds", 0) or 0)
        count = payload.pop("count", None)
        endpoint = payload.pop("endpoint", None)
        if payload:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(payload))}")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ValueError("count must be a positive integer or null")
        if endpoint is not None and endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {', '.join(ENDPOINTS)} or null")
        if mode == "slow" and not 0 < seconds <= 600:
            raise ValueError("slow needs seconds between 0 and 600")
        return cls(mode=str(mode), seconds=seconds, count=count, endpoint=endpoint)


def load_users(path: Path | None) -> list[User]:
    """The users in a JSON file (a list of objects); a missing or empty file gives none."""
    if path is None:
        return []
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        log.warning("users file %s does not exist (yet): no signers", path)
        return []
    if not raw.strip():
        return []
    data = json.loads(raw)
    if not isinstance(data, list):
        raise InvalidUser(f"{path} must hold a JSON list of users")
    return [User.from_json(item) for item in data]


@dataclass
class Document:
    pdf: bytes
    downloaded: bool = False


@dataclass
class BsreState:
    username: str
    password: str
    users_file: Path | None = None
    initial_users: list[User] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_LOG))
    documents: dict[str, Document] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    file_stamp: tuple[float, int] | None = None  # the users file's mtime and size when read

    def file_stamp_now(self) -> tuple[float, int] | None:
        if self.users_file is None:
            return None
        try:
            info = self.users_file.stat()
        except OSError:
            return None
        return (info.st_mtime, info.st_size)

    def refresh(self) -> None:
        """Take in the users file's signers when it changed since it was read (`make run`
        writes it while the server may already be up); other users and faults stay."""
        stamp = self.file_stamp_now()
        if stamp is None or stamp == self.file_stamp:
            return
        try:
            users = load_users(self.users_file)
        except (InvalidUser, ValueError) as exc:
            log.warning("users file %s not taken in: %s", self.users_file, exc)
            self.file_stamp = stamp
            return
        with self.lock:
            self.users.update({user.nik: user for user in users})
            self.file_stamp = stamp
        log.warning("users file %s read again: %d signers", self.users_file, len(users))

    def reset(self) -> None:
        """Back to the users given at start (re-read from the users file), no faults, no log."""
        stamp = self.file_stamp_now()
        error: Exception | None = None
        try:
            users = load_users(self.users_file)
        except (InvalidUser, ValueError) as exc:  # a broken file: the other users still
            users, error = [], exc
        self.file_stamp = stamp
        with self.lock:
            # Copies: a state set through the control side must not outlive a reset.
            self.users = {u.nik: replace(u) for u in [*self.initial_users, *users]}
            self.faults.clear()
            self.requests.clear()
            self.documents.clear()
        if error is not None:
            raise InvalidUser(f"{self.users_file}: {error}")

    def user(self, nik: str) -> User | None:
        with self.lock:
            user = self.users.get(nik)
        if user is None or user.state == "NOT_REGISTERED":
            return None
        return user

    def user_by_email(self, email: str) -> User | None:
        with self.lock:
            found = [u for u in self.users.values() if u.email and u.email == email]
        return found[0] if found and found[0].state != "NOT_REGISTERED" else None

    def put_user(self, user: User) -> None:
        with self.lock:
            self.users[user.nik] = user

    def set_state(self, nik: str, state: str) -> User:
        state = state.upper()
        if state not in STATES:
            raise InvalidUser(f"state must be one of {', '.join(STATES)}")
        with self.lock:
            user = self.users.get(nik)
            if user is None:
                raise KeyError(nik)
            user.state = state
            return user

    def add_fault(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def take_fault(self, endpoint: str) -> Fault | None:
        """The first fault for `endpoint`, counted as used once."""
        with self.lock:
            for fault in self.faults:
                if fault.endpoint in (None, endpoint):
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    def log_request(self, entry: dict[str, Any]) -> None:
        entry.setdefault("at", time.time())
        with self.lock:
            self.requests.append(entry)

    def log_copy(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(entry) for entry in self.requests]

    def keep_document(self, document_id: str, pdf: bytes) -> None:
        with self.lock:
            self.documents[document_id] = Document(pdf)
            while len(self.documents) > MAX_LOG:
                self.documents.pop(next(iter(self.documents)))

    def download(self, document_id: str) -> bytes | None:
        """The signed PDF once; None when unknown or downloaded before (as BSrE does)."""
        with self.lock:
            document = self.documents.get(document_id)
            if document is None or document.downloaded:
                return None
            document.downloaded = True
            return document.pdf
