"""Checking the audit chains: every event's hash, its link to its predecessor, and the heads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from alur.audit.hashing import event_hash
from alur.audit.models import AuditChain, AuditEvent


@dataclass(frozen=True)
class Problem:
    chain: str
    event_id: int | None
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"event {self.event_id} (seq {self.seq})" if self.event_id else "chain head"
        return f"{self.chain}: {where}: {self.message}"


def _recomputed(event: AuditEvent, chain_key: str) -> str:
    return event_hash(
        chain_key=chain_key,
        seq=event.seq,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_label=event.object_label,
        before=event.before,
        after=event.after,
        reason=event.reason,
        created_at=event.created_at,
        prev_hash=event.prev_hash,
    )


def verify_chain(chain: AuditChain) -> Problem | None:
    """The first problem in one office's chain, or None when the chain is intact."""
    name = chain.key
    events = AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000)
    expected_seq, prev_hash = 1, ""
    for event in events:
        if event.seq != expected_seq:
            return Problem(
                name, event.id, event.seq, f"expected seq {expected_seq}: an event is missing"
            )
        if event.prev_hash != prev_hash:
            return Problem(name, event.id, event.seq, "does not link to the event before it")
        if _recomputed(event, chain.key) != event.hash:
            return Problem(name, event.id, event.seq, "content does not match its hash (edited)")
        prev_hash, expected_seq = event.hash, expected_seq + 1
    if chain.last_seq != expected_seq - 1 or chain.last_hash != prev_hash:
        return Problem(
            name,
            None,
            None,
            f"head says seq {chain.last_seq} but the chain ends at {expected_seq - 1}",
        )
    return None


def verify_all() -> Iterator[Problem]:
    for chain in AuditChain.objects.order_by("key"):
        problem = verify_chain(chain)
        if problem:
            yield problem
