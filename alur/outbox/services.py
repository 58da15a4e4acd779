"""The outbox: messages written with the change that causes them, sent by workers, never lost.

A worker claims a row (`queued` → `sending`, a lease stamped in `claimed_at`) in one short
transaction, calls the provider outside any transaction, and records the outcome immediately
after in another short one. If the worker dies between the provider's acceptance and that
record, the row stays `sending` until its lease expires (`LEASE`), and the sweep then sends it
again. WhatsApp's Cloud API takes no idempotency key, but it echoes each send's
`biz_opaque_callback_data` (our row and attempt, `senders.callback_data`) in the status
notifications of that message, which arrive within seconds: such a receipt records the send on
the row it names (`message_status_update`), so the sweep finds nothing to send again. Only a send
whose receipts do not reach us before its lease expires can be delivered twice; every other
path (retried tasks, two workers, a re-run sweep) sends a message at most once per claim.

Audit: enqueueing, failing, switching to the template fallback, reclaiming an interrupted send
and a staff retry are audited in their transaction. The frequent, routine moves (claimed,
sent, delivered, read, a retry after a transient error) are not: their times, attempts and
last error are on the row itself.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.outbox.choices import (
    ACTION_STATUSES,
    CHANNEL_KINDS,
    STATUS_RANK,
    Channel,
    Kind,
    MessageStatus,
    Outcome,
)
from alur.outbox.content import WhatsAppContent
from alur.outbox.models import OutboundMessage
from alur.outbox.senders import SendError, parse_callback_data, receipt_error, sender_for

logger = logging.getLogger(__name__)

# Retry policy: 30 s after the first failed attempt, doubling up to an hour (each delay ±20 %
# so that a backlog after an outage does not retry in lockstep), never sooner than the
# provider's Retry-After. 30 attempts span about 23 hours: a day-long outage of the office's
# link or of the provider loses nothing; after that the message is failed and shown to staff.
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
MAX_ATTEMPTS = 30
LEASE = timedelta(minutes=5)  # a send takes seconds (WHATSAPP_TIMEOUT_SECONDS); then it is stuck
SWEEP_BATCH = 200
WINDOW_CLOSED = 131047  # WhatsApp: more than 24 hours since the citizen last wrote

WHATSAPP_TEXT_LIMIT = 4096
INTERRUPTED = "Pengiriman sebelumnya terputus sebelum hasilnya tercatat; dicoba lagi."
UNEXPECTED = "Terjadi kesalahan tak terduga saat mengirim; akan dicoba lagi."

_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"[1-9][0-9]{7,14}")  # E.164: a country code never starts with 0
_INDONESIAN_PHONE = re.compile(r"62[0-9]{8,12}")  # 62 + area or mobile prefix + subscriber


def normalize_whatsapp_number(raw: str) -> str:
    """E.164 digits without "+": 0812-3456-7890 → 6281234567890. ValidationError if not a number."""
    digits = _PHONE_PUNCTUATION.sub("", raw or "")
    digits = digits.removeprefix("+")
    if digits.startswith("0") and not digits.startswith("00"):
        digits = "62" + digits[1:]  # an Indonesian number as written locally
    elif digits.startswith("620"):
        digits = "62" + digits[3:]  # +62 (0)812…: the trunk zero written after the country code
    valid = _PHONE.fullmatch(digits) and (
        not digits.startswith("62") or _INDONESIAN_PHONE.fullmatch(digits)
    )
    if not valid:
        raise ValidationError(
            {
                "recipient": (
                    f"Nomor WhatsApp penerima tidak sah: «{raw}». Tulis seperti 081234567890 "
                    "atau 6281234567890."
                )
            },
            code="recipient",
        )
    return digits


def _validated_recipient(channel: str, recipient: str) -> str:
    if channel == Channel.WHATSAPP:
        return normalize_whatsapp_number(recipient)
    address = (recipient or "").strip()
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationError(
            {"recipient": f"Alamat surel penerima tidak sah: «{recipient}»."}, code="recipient"
        ) from error
    return address


def _payload_problem(channel: str, kind: str, payload: Mapping[str, Any]) -> str | None:
    """What is missing from a payload for its channel and kind, in Bahasa Indonesia; or None."""
    if channel == Channel.EMAIL:
        if not payload.get("subject") or not payload.get("body"):
            return "Surel memerlukan perihal (subject) dan isi (body)."
        if kind == Kind.DOCUMENT and not payload.get("path"):
            return "Lampiran surel memerlukan path berkas di penyimpanan."
        return None
    if kind == Kind.TEXT:
        body = payload.get("body")
        if not body:
            return "Pesan teks memerlukan isi (body)."
        if len(str(body)) > WHATSAPP_TEXT_LIMIT:
            return f"Isi pesan WhatsApp paling banyak {WHATSAPP_TEXT_LIMIT} karakter."
        return None
    if kind == Kind.TEMPLATE:
        return None if payload.get("name") else "Pesan templat memerlukan nama templat (name)."
    if sum(bool(payload.get(k)) for k in ("link", "media_id", "path")) != 1:
        return "Dokumen WhatsApp memerlukan tepat satu dari link, media_id atau path."
    if not payload.get("filename"):
        return "Dokumen WhatsApp memerlukan nama berkas (filename)."
    return None


def _validate(
    *,
    channel: str,
    kind: str,
    sender: str,
    payload: Mapping[str, Any],
    template_fallback: Mapping[str, Any] | None,
) -> None:
    if channel not in CHANNEL_KINDS:
        raise ValidationError(f"Saluran pesan tidak dikenal: {channel!r}.", code="channel")
    if kind not in CHANNEL_KINDS[channel]:
        raise ValidationError(
            f"Jenis pesan {kind!r} tidak dapat dikirim lewat {channel}.", code="kind"
        )
    if channel == Channel.WHATSAPP and not sender:
        raise ValidationError(
            "Pesan WhatsApp memerlukan nomor bisnis pengirim (phone_number_id).", code="sender"
        )
    problem = _payload_problem(channel, kind, payload)
    if problem:
        raise ValidationError(problem, code="payload")
    if template_fallback is not None:
        if channel != Channel.WHATSAPP or kind == Kind.TEMPLATE:
            raise ValidationError(
                "Templat cadangan hanya untuk pesan WhatsApp bebas (teks atau dokumen).",
                code="template_fallback",
            )
        problem = _payload_problem(channel, Kind.TEMPLATE, template_fallback)
        if problem:
            raise ValidationError(f"Templat cadangan: {problem}", code="template_fallback")


def _schedule(message_id: int) -> None:
    """Ask a worker to send now. Only a nudge: the periodic sweep finds the row regardless."""
    from alur.outbox.tasks import deliver_message

    deliver_message(message_id)


def _schedule_on_commit(message_id: int) -> None:
    # robust: if the task queue is unreachable the change stays committed and the sweep sends.
    transaction.on_commit(partial(_schedule, message_id), robust=True)


def message_enqueue(
    *,
    office: Office,
    channel: str,
    kind: str,
    sender: str,
    recipient: str,
    payload: Mapping[str, Any],
    dedupe_key: str | None = None,
    template_fallback: Mapping[str, Any] | None = None,
    cause: Model | None = None,
    actor: User | None = None,
) -> OutboundMessage:
    """Queue one message in the transaction of the change that causes it.

    With a `dedupe_key` (unique across the deployment: include the office and the cause, e.g.
    "case:18.08/2026/000123:done:wa") the same logical notice is queued once; a second call
    returns the first row unchanged. Delivery is scheduled for after the commit, so a rolled
    back change sends nothing.
    """
    if not connection.in_atomic_block:
        raise RuntimeError(
            "outbox.message_enqueue must run inside the transaction of the change that causes it"
        )
    if dedupe_key:
        existing = OutboundMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    _validate(
        channel=channel,
        kind=kind,
        sender=sender,
        payload=payload,
        template_fallback=template_fallback,
    )
    now = timezone.now()
    message = OutboundMessage(
        office=office,
        channel=channel,
        kind=kind,
        sender=sender,
        recipient=_validated_recipient(channel, recipient),
        payload=dict(payload),
        template_fallback=dict(template_fallback) if template_fallback is not None else None,
        dedupe_key=dedupe_key or "",
        next_attempt_at=now,
        created_at=now,
        object_type=cause._meta.label_lower if cause is not None else "",
        object_id=str(cause.pk) if cause is not None else "",
        created_by=actor,
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin may hold the same key
            message.save()
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutboundMessage.objects.get(dedupe_key=dedupe_key)
    record(
        actor=actor,
        office=office,
        action="outbox.enqueue",
        obj=message,
        after={
            "channel": channel,
            "kind": kind,
            "recipient": message.masked_recipient,
            "dedupe_key": message.dedupe_key,
        },
    )
    _schedule_on_commit(message.pk)
    return message


def whatsapp_enqueue(
    *,
    office: Office,
    sender: str,
    recipient: str,
    content: WhatsAppContent,
    dedupe_key: str | None = None,
    cause: Model | None = None,
    actor: User | None = None,
) -> OutboundMessage:
    """Queue a WhatsApp message built by `alur.outbox.content` (text or document, with the
    template that carries it outside the 24-hour window); see `message_enqueue`."""
    return message_enqueue(
        office=office,
        channel=Channel.WHATSAPP,
        kind=content.kind,
        sender=sender,
        recipient=recipient,
        payload=content.payload,
        template_fallback=content.template_fallback,
        dedupe_key=dedupe_key,
        cause=cause,
        actor=actor,
    )


def retry_delay(attempts: int, *, retry_after: float | None = None) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (see the policy above)."""
    base = min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS)
    seconds = base * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not a secret
    if retry_after:
        seconds = max(seconds, retry_after)
    return timedelta(seconds=seconds)


def deliver(message_id: int, *, now: datetime | None = None) -> str:
    """Send one message if it is queued and due; returns what happened (an `Outcome`).

    Must be called outside any transaction (the durable blocks below refuse otherwise): the
    provider is called between two short transactions, never inside one. Calling it again for
    a message that is sent, failed, not yet due or being sent by another worker does nothing.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        claimed = OutboundMessage.objects.filter(
            pk=message_id, status__in=ACTION_STATUSES["deliver"], next_attempt_at__lte=now
        ).update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return Outcome.SKIPPED
    message = OutboundMessage.objects.select_related("office").get(pk=message_id)
    try:
        provider_id = sender_for(message.channel)(message)
    except SendError as error:
        return _record_failure(message, error, now)
    except Exception:
        logger.exception("outbox: unexpected error sending message %s", message_id)
        return _record_failure(message, SendError(retryable=True, reason=UNEXPECTED), now)
    return _record_sent(message, provider_id, now)


def _record_sent(message: OutboundMessage, provider_id: str, now: datetime) -> str:
    with transaction.atomic(durable=True):
        # `queued` too: if our lease was reclaimed meanwhile, recording now prevents a resend.
        updated = OutboundMessage.objects.filter(
            pk=message.pk, status__in=[MessageStatus.SENDING, MessageStatus.QUEUED]
        ).update(
            status=MessageStatus.SENT,
            provider_message_id=provider_id,
            sent_at=now,
            claimed_at=None,
            last_error="",
            error_code="",
        )
    if (
        not updated
        and not OutboundMessage.objects.filter(
            pk=message.pk, provider_message_id=provider_id
        ).exists()
    ):  # (a receipt of this send may have recorded it first)
        logger.warning(
            "outbox: message %s was sent (%s) but its row had moved on", message.pk, provider_id
        )
    return Outcome.SENT


def _switch_to_fallback(message: OutboundMessage, reason: str, now: datetime) -> None:
    """Replace a refused free-form message by its template and queue it again (once)."""
    fallback = message.template_fallback or {}
    before = {"kind": message.kind}
    message.kind = Kind.TEMPLATE
    message.payload = fallback
    message.template_fallback = None
    _requeue(
        message, reason, WINDOW_CLOSED, now, extra_fields=["kind", "payload", "template_fallback"]
    )
    record(
        actor=None,
        office=message.office,
        action="outbox.template_fallback",
        obj=message,
        before=before,
        after={"kind": Kind.TEMPLATE, "template": fallback.get("name", "")},
        reason=reason,
    )
    _schedule_on_commit(message.pk)


def _requeue(
    message: OutboundMessage,
    reason: str,
    code: int | None,
    when: datetime,
    extra_fields: list[str] | None = None,
) -> None:
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = when
    message.claimed_at = None
    message.provider_message_id = ""  # a receipt's failure: the next send gets a new id
    message.sent_at = None
    message.last_error = reason
    message.error_code = "" if code is None else str(code)
    message.save(
        update_fields=[
            "status",
            "next_attempt_at",
            "claimed_at",
            "provider_message_id",
            "sent_at",
            "last_error",
            "error_code",
            *(extra_fields or []),
        ]
    )


def _fail(message: OutboundMessage, reason: str, code: int | None, now: datetime) -> None:
    message.status = MessageStatus.FAILED
    message.failed_at = now
    message.claimed_at = None
    message.last_error = reason
    message.error_code = "" if code is None else str(code)
    message.save(update_fields=["status", "failed_at", "claimed_at", "last_error", "error_code"])
    record(
        actor=None,
        office=message.office,
        action="outbox.failed",
        obj=message,
        after={"error_code": message.error_code, "attempts": message.attempts},
        reason=reason,
    )


def _apply_failure(message: OutboundMessage, error: SendError, now: datetime) -> str:
    """A refused or failed send of a locked row: its template fallback, a retry, or failed."""
    if error.code == WINDOW_CLOSED and message.template_fallback and message.kind != Kind.TEMPLATE:
        _switch_to_fallback(message, error.reason, now)
        return Outcome.FALLBACK
    if error.retryable and message.attempts < MAX_ATTEMPTS:
        delay = retry_delay(message.attempts, retry_after=error.retry_after)
        _requeue(message, error.reason, error.code, now + delay)
        return Outcome.RETRY
    reason = error.reason
    if error.retryable:
        reason = f"{reason} (menyerah setelah {message.attempts} kali percobaan)"
    _fail(message, reason, error.code, now)
    return Outcome.FAILED


def _record_failure(message: OutboundMessage, error: SendError, now: datetime) -> str:
    with transaction.atomic(durable=True):
        current = OutboundMessage.objects.select_for_update().get(pk=message.pk)
        if current.status != MessageStatus.SENDING or current.claimed_at != message.claimed_at:
            logger.warning("outbox: lease on message %s lost before recording", message.pk)
            return Outcome.SKIPPED
        current.office = message.office
        return _apply_failure(current, error, now)


def reclaim_stuck(*, now: datetime | None = None) -> int:
    """Put back in the queue messages whose worker died mid-send (lease older than LEASE)."""
    now = now or timezone.now()
    reclaimed = 0
    while True:
        with transaction.atomic(durable=True):
            batch = list(
                OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=MessageStatus.SENDING, claimed_at__lt=now - LEASE)
                .select_related("office")
                .order_by("claimed_at")[:SWEEP_BATCH]
            )
            for message in batch:
                if message.attempts >= MAX_ATTEMPTS:
                    _fail(message, INTERRUPTED, None, now)
                    continue
                _requeue(message, INTERRUPTED, None, now)
                record(
                    actor=None,
                    office=message.office,
                    action="outbox.reclaim",
                    obj=message,
                    after={"attempts": message.attempts},
                    reason=INTERRUPTED,
                )
        reclaimed += len(batch)
        if len(batch) < SWEEP_BATCH:
            return reclaimed


def deliver_due(*, limit: int = 1000, now: datetime | None = None) -> int:
    """Reclaim interrupted sends, then try every due queued message; returns how many were sent.

    For the periodic task and after an outage. Each message is claimed on its own (a
    conditional update), so sweeps running side by side never send one message twice.
    """
    now = now or timezone.now()
    reclaim_stuck(now=now)
    tried = sent = 0
    while tried < limit:
        due = list(
            OutboundMessage.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[: min(SWEEP_BATCH, limit - tried)]
        )
        if not due:
            break
        for message_id in due:
            tried += 1
            if deliver(message_id, now=now) == Outcome.SENT:
                sent += 1
    return sent


def _adopt_send(
    provider_message_id: str, status: str, at: datetime, callback_data: str | None
) -> OutboundMessage | None:
    """The row a receipt's `biz_opaque_callback_data` names, given the provider id of its send
    when that send's outcome was never recorded (its worker died after the provider accepted,
    or the receipt outran the record). Only the attempt the data names, only while no other
    send of the row has begun; a `failed` receipt is left to the sweep's retry. Runs inside the
    caller's transaction; the row is locked."""
    named = parse_callback_data(callback_data)
    if named is None or status not in STATUS_RANK or status == MessageStatus.FAILED:
        return None
    row_id, attempt = named
    message = (
        OutboundMessage.objects.select_for_update(of=("self",))
        .select_related("office")
        .filter(
            pk=row_id,
            attempts=attempt,
            provider_message_id="",
            status__in=[MessageStatus.SENDING, MessageStatus.QUEUED],
        )
        .first()
    )
    if message is None:
        return None
    reclaimed = message.status == MessageStatus.QUEUED
    message.status = MessageStatus.SENT
    message.provider_message_id = provider_message_id
    message.sent_at = at
    message.claimed_at = None
    message.last_error = ""
    message.error_code = ""
    message.save(
        update_fields=[
            "status",
            "provider_message_id",
            "sent_at",
            "claimed_at",
            "last_error",
            "error_code",
        ]
    )
    if reclaimed:  # the sweep had put it back in the queue: the receipt keeps it from a resend
        record(
            actor=None,
            office=message.office,
            action="outbox.receipt_recovered",
            obj=message,
            after={"provider_message_id": provider_message_id, "attempts": message.attempts},
            reason="Tanda terima WhatsApp membuktikan pesan sudah terkirim; tidak dikirim ulang.",
        )
    return message


def message_status_update(
    *,
    provider_message_id: str,
    status: str,
    at: datetime,
    error: Mapping[str, Any] | None = None,
    callback_data: str | None = None,
) -> OutboundMessage | None:
    """Apply a provider receipt (WhatsApp webhook status). Unknown ids are ignored (None).

    Receipts only move forward (sent → delivered → read); a late or repeated receipt changes
    nothing. `failed` (with the Graph API `error` object) counts only for a sent message; when
    its error is the closed 24-hour window and a template fallback exists, the template is
    queued instead. A receipt whose id we do not know yet but whose `callback_data` names a row
    and its current attempt records that send on the row first (`_adopt_send`).
    """
    if not provider_message_id:
        return None
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(of=("self",))
            .select_related("office")
            .filter(provider_message_id=provider_message_id)
            .first()
        )
        if message is None:
            message = _adopt_send(provider_message_id, status, at, callback_data)
        if message is None:
            return None
        if status == MessageStatus.FAILED:
            if message.status == MessageStatus.SENT:
                _apply_failure(message, receipt_error(error or {}), at)
            return message
        rank = STATUS_RANK.get(status)
        if rank is None or message.status == MessageStatus.FAILED:
            return message
        if rank <= STATUS_RANK[message.status]:
            return message  # a late or repeated receipt
        stamps = {
            MessageStatus.SENT: ["sent_at"],
            MessageStatus.DELIVERED: ["sent_at", "delivered_at"],
            MessageStatus.READ: ["sent_at", "delivered_at", "read_at"],
        }[MessageStatus(status)]
        for field in stamps:  # read implies delivered: fill what a lost receipt left empty
            if getattr(message, field) is None:
                setattr(message, field, at)
        message.status = status
        message.save(update_fields=["status", *stamps])
    return message


def message_retry(*, message: OutboundMessage, actor: User, reason: str = "") -> OutboundMessage:
    """Staff send a failed message again: back in the queue now, attempts from zero."""
    require(actor, Capability.VIEW_AUDIT, message.office_id)
    with transaction.atomic():
        current = (
            OutboundMessage.objects.select_for_update(of=("self",))
            .select_related("office")
            .get(pk=message.pk)
        )
        if current.status not in ACTION_STATUSES["retry"]:
            raise ConflictError(
                f"Pesan ini berstatus «{current.get_status_display()}»; "
                "hanya pesan yang gagal yang dapat dikirim ulang."
            )
        before = {
            "status": current.status,
            "attempts": current.attempts,
            "error_code": current.error_code,
            "last_error": current.last_error,
        }
        now = timezone.now()
        current.status = MessageStatus.QUEUED
        current.attempts = 0
        current.next_attempt_at = now
        current.failed_at = None
        current.provider_message_id = ""
        current.sent_at = None
        current.delivered_at = None
        current.read_at = None
        current.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "failed_at",
                "provider_message_id",
                "sent_at",
                "delivered_at",
                "read_at",
            ]
        )
        record(
            actor=actor,
            office=current.office,
            action="outbox.retry",
            obj=current,
            before=before,
            after={"status": current.status},
            reason=reason.strip(),
        )
        _schedule_on_commit(current.pk)
    return current
