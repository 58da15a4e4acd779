"""Signed checkpoints of the chain heads, kept where the database cannot rewrite them.

Anyone who can write to the database and read this code can rewrite an event and re-hash the
rest of its chain (the hash has no secret), or delete a chain's tail and move its head back.
A checkpoint pins every head (chain key, office, sequence number, hash, and the number of
chains) at a moment, signed with HMAC-SHA256 under a key the database does not hold
(AUDIT_CHECKPOINT_KEY, or one derived from SECRET_KEY), and is appended as one line to a file in
the file store (AUDIT_CHECKPOINT_DIR, default MEDIA_ROOT/audit-checkpoints). Each line also
carries the signature of the line before it, so a line taken out of the middle shows.
`verify_audit` checks the chains against the last good line: every chain it names must still
exist, reach its sequence number and hold the same hash there.
"""

from __future__ import annotations

import fcntl
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from alur.audit.models import AuditChain

FILE_NAME = "checkpoints.jsonl"
KEY_SALT = "alur.audit.checkpoint"


def directory() -> Path:
    configured = getattr(settings, "AUDIT_CHECKPOINT_DIR", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "audit-checkpoints"


def path() -> Path:
    return directory() / FILE_NAME


def _signature(body: dict[str, Any]) -> str:
    secret = getattr(settings, "AUDIT_CHECKPOINT_KEY", "") or settings.SECRET_KEY
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return salted_hmac(KEY_SALT, canonical, secret=secret, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Head:
    key: str
    office_id: int | None
    seq: int
    hash: str


@dataclass
class Checkpoint:
    line: int
    at: str
    heads: dict[str, Head]
    chain_count: int
    signature: str


@dataclass
class Reading:
    """The checkpoint file read back: its last good checkpoint and what was wrong in it."""

    last: Checkpoint | None = None
    problems: list[str] = field(default_factory=list)
    lines: int = 0


def current_heads() -> list[Head]:
    return [
        Head(key, office_id, seq, digest)
        for key, office_id, seq, digest in AuditChain.objects.order_by("key").values_list(
            "key", "office_id", "last_seq", "last_hash"
        )
    ]


def read(until: datetime | None = None) -> Reading:
    """Every line checked (signature, link to the line before); `last` is the last good one,
    or the last good one written at or before `until` (to check a database restored to an
    earlier moment)."""
    reading = Reading()
    try:
        text = path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return reading
    prev_signature = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        reading.lines += 1
        try:
            entry = json.loads(raw)
            signature = entry.pop("sig")
            heads = {
                item["key"]: Head(item["key"], item["office"], int(item["seq"]), item["hash"])
                for item in entry["chains"]
            }
            checkpoint = Checkpoint(number, entry["at"], heads, int(entry["count"]), signature)
        except (ValueError, KeyError, TypeError, AttributeError):
            reading.problems.append(f"checkpoint line {number}: unreadable")
            continue
        if not hmac.compare_digest(signature.encode(), _signature(entry).encode()):
            reading.problems.append(
                f"checkpoint line {number} ({checkpoint.at}): signature does not match "
                "(forged or edited checkpoint)"
            )
            continue
        if entry.get("prev", "") != prev_signature:
            reading.problems.append(
                f"checkpoint line {number} ({checkpoint.at}): does not follow the checkpoint "
                "before it (a checkpoint was removed)"
            )
        prev_signature = signature
        if until is None or datetime.fromisoformat(checkpoint.at) <= until:
            reading.last = checkpoint
    return reading


def write(*, force: bool = False) -> Checkpoint | None:
    """Append a checkpoint of every chain head; None when nothing moved since the last one
    (unless `force`). One writer at a time (a lock on the file)."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    with open(path(), "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            reading = read()
            heads = current_heads()
            last = reading.last
            if (
                not force
                and last is not None
                and list(last.heads.values()) == heads
                and last.chain_count == len(heads)
            ):
                return None
            body: dict[str, Any] = {
                "v": 1,
                "at": timezone.now().isoformat(timespec="microseconds"),
                "count": len(heads),
                "chains": [
                    {"key": h.key, "office": h.office_id, "seq": h.seq, "hash": h.hash}
                    for h in heads
                ],
                "prev": last.signature if last else "",
            }
            body["sig"] = _signature(body)
            line = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            handle.seek(0, os.SEEK_END)
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return Checkpoint(0, body["at"], {h.key: h for h in heads}, len(heads), body["sig"])
