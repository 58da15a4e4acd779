"""Checking the audit chains: every event's hash (by the form it was written in), its link to
its predecessor, the heads, and every head against the last signed checkpoint."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from alur.audit import checkpoints
from alur.audit.checkpoints import Checkpoint, Head
from alur.audit.hashing import V1, V2, event_hash, event_hash_v2, payload_digest
from alur.audit.models import AuditChain, AuditEvent
from alur.audit.services import REDACT_ACTION


@dataclass(frozen=True)
class Problem:
    chain: str
    event_id: int | None
    seq: int | None
    message: str

    def __str__(self) -> str:
        if self.chain == "checkpoint":
            return f"checkpoint: {self.message}"
        where = f"event {self.event_id} (seq {self.seq})" if self.event_id else "chain head"
        return f"{self.chain}: {where}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    events: int = 0
    redacted: int = 0
    checkpoint: Checkpoint | None = None
    checkpoint_lines: int = 0


def _recomputed_v1(event: AuditEvent, chain_key: str) -> str:
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


def _recomputed_v2(event: AuditEvent, chain_key: str) -> str:
    return event_hash_v2(
        chain_key=chain_key,
        office_id=event.office_id,
        seq=event.seq,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        payload_digest=event.payload_digest,
        created_at=event.created_at,
        prev_hash=event.prev_hash,
    )


def _content_problem(event: AuditEvent, chain: AuditChain) -> str | None:
    if event.office_id != chain.office_id:
        return "belongs to another office than its chain (office changed)"
    if event.version == V1:
        if event.redacted_at is not None:
            return "blanked, but its form (version 1) hashes its values (edited)"
        if _recomputed_v1(event, chain.key) != event.hash:
            return "content does not match its hash (edited)"
        return None
    if event.version != V2:
        return f"unknown hash version {event.version} (edited)"
    if _recomputed_v2(event, chain.key) != event.hash:
        return "content does not match its hash (edited)"
    if event.redacted_at is None and event.payload_digest != payload_digest(
        salt=event.payload_salt,
        before=event.before,
        after=event.after,
        reason=event.reason,
        object_label=event.object_label,
    ):
        return "content does not match its payload digest (edited)"
    return None


def _redacted_through(event: AuditEvent) -> int:
    if event.action != REDACT_ACTION or event.redacted_at is not None:
        return 0
    value = (event.after or {}).get("through_seq") if isinstance(event.after, dict) else None
    return value if isinstance(value, int) else 0


def verify_chain(
    chain: AuditChain, pinned: Head | None = None, report: Report | None = None
) -> Problem | None:
    """The first problem in one office's chain, or None when the chain is intact. `pinned` is
    the chain's head in the last checkpoint: the chain must reach it with the same hash."""
    name = chain.key
    report = report if report is not None else Report()
    events = AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000)
    expected_seq, prev_hash = 1, ""
    last_redacted, authorised_through = 0, 0
    for event in events:
        if event.seq != expected_seq:
            return Problem(
                name, event.id, event.seq, f"expected seq {expected_seq}: an event is missing"
            )
        if event.prev_hash != prev_hash:
            return Problem(name, event.id, event.seq, "does not link to the event before it")
        problem = _content_problem(event, chain)
        if problem:
            return Problem(name, event.id, event.seq, problem)
        if pinned is not None and event.seq == pinned.seq and event.hash != pinned.hash:
            return Problem(
                name,
                event.id,
                event.seq,
                f"hash differs from the signed checkpoint of {_at(report)} "
                "(the chain was rewritten and re-hashed)",
            )
        if event.redacted_at is not None:
            report.redacted += 1
            last_redacted = event.seq
        authorised_through = max(authorised_through, _redacted_through(event))
        report.events += 1
        prev_hash, expected_seq = event.hash, expected_seq + 1
    end = expected_seq - 1
    if chain.last_seq != end or chain.last_hash != prev_hash:
        return Problem(
            name, None, None, f"head says seq {chain.last_seq} but the chain ends at {end}"
        )
    if last_redacted > authorised_through:
        return Problem(
            name,
            None,
            None,
            f"events up to seq {last_redacted} are blanked without a redaction event "
            "(values removed outside audit_redact)",
        )
    if pinned is not None:
        if end < pinned.seq:
            return Problem(
                name,
                None,
                None,
                f"chain ends at seq {end} but the signed checkpoint of {_at(report)} reached "
                f"seq {pinned.seq} (events deleted and the head moved back)",
            )
        if chain.office_id != pinned.office_id:
            return Problem(
                name,
                None,
                None,
                f"chain's office is {chain.office_id}, the signed checkpoint of {_at(report)} "
                f"says {pinned.office_id} (office changed)",
            )
    return None


def _at(report: Report) -> str:
    return report.checkpoint.at if report.checkpoint else "?"


def verify(until: datetime | None = None) -> Report:
    """Every chain, against the last good checkpoint (written at or before `until` when given);
    the checkpoint file's own problems."""
    reading = checkpoints.read(until)
    report = Report(checkpoint=reading.last, checkpoint_lines=reading.lines)
    report.problems.extend(Problem("checkpoint", None, None, text) for text in reading.problems)
    pinned = reading.last.heads if reading.last else {}
    seen: set[str] = set()
    for chain in AuditChain.objects.order_by("key"):
        seen.add(chain.key)
        problem = verify_chain(chain, pinned.get(chain.key), report)
        if problem:
            report.problems.append(problem)
    if reading.last is not None:
        lost = sorted(set(pinned) - seen)
        for key in lost:
            report.problems.append(
                Problem(
                    key,
                    None,
                    None,
                    f"chain lost: the signed checkpoint of {reading.last.at} had it at seq "
                    f"{pinned[key].seq}, the database has no such chain",
                )
            )
        if len(seen) < reading.last.chain_count:
            report.problems.append(
                Problem(
                    "checkpoint",
                    None,
                    None,
                    f"the signed checkpoint of {reading.last.at} counted "
                    f"{reading.last.chain_count} chains, the database holds {len(seen)}"
                    + (" (tables emptied: truncated?)" if not seen else ""),
                )
            )
    return report


def verify_all() -> Iterator[Problem]:
    yield from verify().problems
