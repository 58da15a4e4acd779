"""Writing to the audit trail: every service that changes state calls `record` in its change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connection, transaction
from django.db.models import Field, Model, QuerySet
from django.db.models.sql import InsertQuery
from django.utils import timezone

from alur.audit.hashing import (
    CURRENT_VERSION,
    V2,
    event_hash_v2,
    new_salt,
    payload_digest,
    to_json_value,
)
from alur.audit.models import AuditChain, AuditEvent
from alur.core.locking import locked_row

SYSTEM_LABEL = "Sistem"

# The trail sits below `org`: it names an office by the fields it keeps of one (`org.Office`,
# referred to by its label in the models) and a person as Django's user, so it imports no app
# above it.
User = AbstractUser


class Office(Protocol):
    pk: Any
    code: str


def _offices() -> QuerySet[Any]:
    """`org.Office`'s rows, by the label the models use."""
    return apps.get_model("org", "Office")._default_manager.all()


def _locked_chain(office: Office | None) -> AuditChain:
    key = office.code if office else AuditChain.GLOBAL_KEY
    return locked_row(AuditChain, key=key, defaults={"office": office})


def lock_chains(office_ids: set[int]) -> None:
    """Lock these offices' audit chains now, in id order, until the caller's transaction ends.

    For a service about to lock rows shared across an office's transactions (the registry's
    counts) before its `record`: taking the chain first keeps one lock order, chain then shared
    rows, in every transaction of the office, so two of them never wait on each other in a
    cycle."""
    for office in _offices().filter(pk__in=office_ids).order_by("pk"):
        _locked_chain(office)


def record(
    *,
    actor: User | None,
    office: Office | None,
    action: str,
    obj: Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to `office`'s chain. Must run inside the transaction of the change."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change")
    chain = _locked_chain(office)
    seq = chain.last_seq + 1
    before_json, after_json = to_json_value(before), to_json_value(after)
    actor_label = actor.get_full_name() if actor else SYSTEM_LABEL
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    object_label = str(obj)[:200] if obj is not None else ""
    created_at = timezone.now()
    salt = new_salt()
    payload = payload_digest(
        salt=salt, before=before_json, after=after_json, reason=reason, object_label=object_label
    )
    digest = event_hash_v2(
        chain_key=chain.key,
        office_id=office.pk if office else None,
        seq=seq,
        actor_id=actor.pk if actor else None,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        payload_digest=payload,
        created_at=created_at,
        prev_hash=chain.last_hash,
    )
    event = AuditEvent(
        chain=chain,
        office_id=office.pk if office else None,
        seq=seq,
        actor_id=actor.pk if actor else None,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        before=before_json,
        after=after_json,
        reason=reason,
        created_at=created_at,
        prev_hash=chain.last_hash,
        hash=digest,
        version=CURRENT_VERSION,
        payload_digest=payload,
        payload_salt=salt,
    )
    chain.last_seq = seq
    chain.last_hash = digest
    _append(event, chain)
    return event


def _append(event: AuditEvent, chain: AuditChain) -> None:
    """Insert `event` and move the (locked) chain's head to it.

    On PostgreSQL both happen in one statement (the insert as a data-modifying CTE of the head's
    update): one round trip less for every event, with the same rows written.
    """
    if connection.vendor != "postgresql":
        event.save(force_insert=True)
        chain.save(update_fields=["last_seq", "last_hash"])
        return
    meta = AuditEvent._meta
    query = InsertQuery(AuditEvent)
    query.insert_values([f for f in meta.concrete_fields if f is not meta.pk], [event])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    ((insert_sql, insert_params),) = compiler.as_sql()
    chain_table = connection.ops.quote_name(AuditChain._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH inserted AS ({insert_sql}) "  # noqa: S608 - the ORM's own insert SQL
            f'UPDATE {chain_table} SET "last_seq" = %s, "last_hash" = %s WHERE "id" = %s '
            'RETURNING (SELECT "id" FROM inserted)',
            [*insert_params, chain.last_seq, chain.last_hash, chain.pk],
        )
        (event.pk,) = cursor.fetchone()
    event._state.adding = False
    event._state.db = connection.alias


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj` as a dict for `before`/`after` (foreign keys by id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname if isinstance(field, Field) else name)
    return values


REDACT_ACTION = "audit.redact"


def redaction_cutoff(now: datetime | None = None) -> datetime:
    """Events written before this moment have outlived AUDIT_RETENTION_DAYS."""
    return (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)


def redact(*, actor: User | None = None, before: datetime | None = None) -> dict[str, int]:
    """Blank the personal values (before, after, reason, the object's label and the salt) of
    every version-2 event written before `before` (default: the retention cutoff), chain by
    chain, keeping each event's payload digest and hash so the chain still checks. Each chain
    that was redacted gets an `audit.redact` event naming the last sequence number it covers;
    `verify_audit` accepts a blanked event only below such an event.

    Version-1 events hash their values directly and are left as they are (blanking them would
    break their hash). Answers {chain key: events redacted}."""
    cutoff = before or redaction_cutoff()
    done: dict[str, int] = {}
    expired = AuditEvent.objects.filter(
        version=V2, redacted_at__isnull=True, created_at__lt=cutoff
    ).exclude(action=REDACT_ACTION)  # they hold no personal value and vouch for the blanks
    keys = expired.values_list("chain__key", flat=True).distinct()
    for key in sorted(set(keys)):
        with transaction.atomic():
            chain = (
                AuditChain.objects.select_for_update(of=("self",))
                .select_related("office")
                .get(key=key)
            )
            pending = expired.filter(chain=chain)
            through = max(pending.values_list("seq", flat=True), default=0)
            if not through:
                continue
            count = _blank(pending.filter(seq__lte=through))
            record(
                actor=actor,
                office=chain.office,
                action=REDACT_ACTION,
                after={
                    "through_seq": through,
                    "count": count,
                    "written_before": cutoff,
                    "retention_days": settings.AUDIT_RETENTION_DAYS,
                },
                reason="Masa simpan data pribadi dalam jejak audit telah lewat.",
            )
            done[key] = count
    return done


def _blank(events: QuerySet[AuditEvent]) -> int:
    """The one UPDATE the audit tables allow (the database triggers check its shape): the
    payload's values blanked, everything the hash covers kept."""
    return QuerySet.update(
        events,
        before=None,
        after=None,
        reason="",
        object_label="",
        payload_salt="",
        redacted_at=timezone.now(),
    )
