"""Sending the outbox: workers claim, send and record each message, retry with backoff, fall back
to the template, fail after the last attempt, and reclaim sends whose worker died.

A worker claims a row (`queued` → `sending`, a lease stamped in `claimed_at`) in one short
transaction, calls the provider outside any transaction, and records the outcome immediately
after in another short one. If the worker dies between the provider's acceptance and that
record, the row stays `sending` until its lease expires (`LEASE`), and the sweep then sends it
again. WhatsApp's Cloud API takes no idempotency key, but it echoes each send's
`biz_opaque_callback_data` (our row and attempt, `senders.callback_data`) in the status
notifications of that message, which arrive within seconds: such a receipt records the send on
the row it names (`outbox.receipts`), so the sweep finds nothing to send again. Only a send
whose receipts do not reach us before its lease expires can be delivered twice; every other
path (retried tasks, two workers, a re-run sweep) sends a message at most once per claim.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from alur.audit.services import record
from alur.outbox.choices import ACTION_STATUSES, Channel, Kind, MessageStatus, Outcome
from alur.outbox.models import OutboundMessage
from alur.outbox.senders import SendError, sender_for
from alur.outbox.services import schedule_on_commit

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
INTERRUPTED = "Pengiriman sebelumnya terputus sebelum hasilnya tercatat; dicoba lagi."
UNEXPECTED = "Terjadi kesalahan tak terduga saat mengirim; akan dicoba lagi."


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
        if _held_by_earlier(message_id):
            return Outcome.SKIPPED  # sent once the recipient's earlier messages have gone
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


# What keeps one recipient's messages in the order they were written: a WhatsApp message is
# not sent while an earlier one of the same sender and recipient is still queued (waiting for
# its retry) or being sent; each one sent releases the next (`_release_next`). Rows are
# ordered by id, the order they were written in.
ORDERED_CHANNELS = frozenset({Channel.WHATSAPP})
PENDING = (MessageStatus.QUEUED, MessageStatus.SENDING)


def _same_recipient(channel: str, sender: str, recipient: str) -> Q:
    return Q(channel=channel, sender=sender, recipient=recipient)


# A row with an earlier pending row of the same recipient (for the sweep's query).
_HELD = Q(channel__in=ORDERED_CHANNELS) & Exists(
    OutboundMessage.objects.filter(
        channel=OuterRef("channel"),
        sender=OuterRef("sender"),
        recipient=OuterRef("recipient"),
        pk__lt=OuterRef("pk"),
        status__in=PENDING,
    )
)


def _held_by_earlier(message_id: int) -> bool:
    row = OutboundMessage.objects.filter(pk=message_id).values("channel", "sender", "recipient")
    first = row.first()
    if first is None or first["channel"] not in ORDERED_CHANNELS:
        return False
    return OutboundMessage.objects.filter(
        _same_recipient(**first), pk__lt=message_id, status__in=PENDING
    ).exists()


def _release_next(message: OutboundMessage) -> None:
    """Once `message` is no longer pending, its recipient's next queued message is due now
    (it may have waited with a later retry time of its own) and its sending is scheduled."""
    if message.channel not in ORDERED_CHANNELS:
        return
    following = (
        OutboundMessage.objects.filter(
            _same_recipient(message.channel, message.sender, message.recipient),
            pk__gt=message.pk,
            status=MessageStatus.QUEUED,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if following is None:
        return
    OutboundMessage.objects.filter(pk=following, next_attempt_at__gt=timezone.now()).update(
        next_attempt_at=timezone.now()
    )
    schedule_on_commit(following)


def _record_sent(message: OutboundMessage, provider_id: str, now: datetime) -> str:
    with transaction.atomic(durable=True):
        # Our own claim, or the row the sweep put back in the queue when our lease expired
        # (recording now prevents a resend) — not a row a `failed` receipt of this very send
        # put back in the queue before its HTTP answer reached us (`receipts`).
        updated = (
            OutboundMessage.objects.filter(pk=message.pk)
            .filter(
                Q(status=MessageStatus.SENDING, claimed_at=message.claimed_at)
                | Q(
                    status=MessageStatus.QUEUED,
                    claimed_at=None,
                    attempts=message.attempts,
                    last_error=INTERRUPTED,
                )
            )
            .update(
                status=MessageStatus.SENT,
                provider_message_id=provider_id,
                sent_at=now,
                claimed_at=None,
                last_error="",
                error_code="",
            )
        )
        if updated:
            _release_next(message)
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
    schedule_on_commit(message.pk)


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
    _release_next(message)
    record(
        actor=None,
        office=message.office,
        action="outbox.failed",
        obj=message,
        after={"error_code": message.error_code, "attempts": message.attempts},
        reason=reason,
    )


# The provider refused an interactive message's form (an invalid parameter, a type the
# recipient's app cannot show): the same question goes again as its text fallback.
INTERACTIVE_REFUSED = frozenset({100, 131008, 131009, 131026, 131051})


def _switch_to_text(message: OutboundMessage, reason: str, now: datetime) -> None:
    """Replace a refused interactive message by its text fallback (numbered options)."""
    message.kind = Kind.TEXT
    message.payload = {"body": str(message.payload.get("body", ""))}
    _requeue(message, reason, None, now, extra_fields=["kind", "payload"])
    record(
        actor=None,
        office=message.office,
        action="outbox.text_fallback",
        obj=message,
        before={"kind": Kind.INTERACTIVE},
        after={"kind": Kind.TEXT},
        reason=reason,
    )
    schedule_on_commit(message.pk)


def apply_failure(message: OutboundMessage, error: SendError, now: datetime) -> str:
    """A refused or failed send of a locked row: its template fallback, a retry, or failed."""
    if (
        message.kind == Kind.INTERACTIVE
        and error.code in INTERACTIVE_REFUSED
        and message.payload.get("body")
    ):
        _switch_to_text(message, error.reason, now)
        return Outcome.FALLBACK
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
        return apply_failure(current, error, now)


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
            .exclude(_HELD)  # behind an earlier message of their recipient: sent after it
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
