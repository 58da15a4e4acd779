"""The canonical form of an audit event and its hash.

Two forms exist. Version 1 (events written before the office and the payload digest were hashed)
hashes the event's values themselves. Version 2 hashes the office, the chain and a digest of the
payload (before, after, reason and the object's label, salted per event), so that the personal
values of the payload can be blanked at the end of their retention while the chain still checks.
An event is always checked by the form it was written in: old events are never re-hashed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

V1 = 1
V2 = 2
CURRENT_VERSION = V2


def to_json_value(value: Any) -> Any:
    """The value as it will read back from a JSON column (dates and decimals become strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _digest(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_hash(
    *,
    chain_key: str,
    seq: int,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    before: Any,
    after: Any,
    reason: str,
    created_at: datetime,
    prev_hash: str,
) -> str:
    """Version 1: the values themselves (events written before version 2)."""
    return _digest(
        {
            "chain": chain_key,
            "seq": seq,
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_label": object_label,
            "before": before,
            "after": after,
            "reason": reason,
            "created_at": created_at.isoformat(timespec="microseconds"),
            "prev": prev_hash,
        }
    )


def new_salt() -> str:
    return secrets.token_hex(16)


def payload_digest(*, salt: str, before: Any, after: Any, reason: str, object_label: str) -> str:
    """The digest of the values that may be personal; the salt (blanked with them) keeps a
    redacted digest from being matched against guessed values (a NIK has few possibilities)."""
    return _digest(
        {
            "salt": salt,
            "before": before,
            "after": after,
            "reason": reason,
            "object_label": object_label,
        }
    )


def event_hash_v2(
    *,
    chain_key: str,
    office_id: int | None,
    seq: int,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    payload_digest: str,
    created_at: datetime,
    prev_hash: str,
) -> str:
    """Version 2: the office and the payload's digest instead of the payload."""
    return _digest(
        {
            "v": V2,
            "chain": chain_key,
            "office": office_id,
            "seq": seq,
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "payload": payload_digest,
            "created_at": created_at.isoformat(timespec="microseconds"),
            "prev": prev_hash,
        }
    )
