"""The worker's unit: claim, send outside any transaction, record; retries, fallback, leases."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.outbox.choices import Channel, Kind, MessageStatus, Outcome
from alur.outbox.delivery import (
    INTERRUPTED,
    MAX_ATTEMPTS,
    UNEXPECTED,
    deliver,
    deliver_due,
    retry_delay,
)
from alur.outbox.models import OutboundMessage
from alur.outbox.senders import SENDERS, SendError
from alur.outbox.tests.conftest import down

pytestmark = pytest.mark.django_db

WINDOW_CLOSED = SendError(
    retryable=False, reason="Di luar jendela 24 jam: gunakan pesan templat", code=131047
)
FALLBACK = {"name": "akta_selesai", "language": "id", "components": []}


def test_a_sent_message_records_the_provider_id(queue, provider) -> None:
    message = queue()
    now = timezone.now()
    assert deliver(message.pk, now=now) == Outcome.SENT
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == f"wamid.test-{message.pk}-1"
    assert (message.sent_at, message.attempts, message.claimed_at) == (now, 1, None)


def test_delivering_again_does_nothing(queue, provider) -> None:
    message = queue()
    assert deliver(message.pk) == Outcome.SENT
    assert deliver(message.pk) == Outcome.SKIPPED
    assert deliver_due(now=timezone.now() + timedelta(days=2)) == 0
    assert len(provider.sent) == 1


def test_the_provider_is_never_called_inside_a_transaction(queue, provider) -> None:
    message = queue()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        deliver(message.pk)
    assert provider.sent == []


def test_a_transient_error_backs_off_and_a_later_sweep_delivers(queue, provider) -> None:
    provider.fail_with(down(), down())
    message = queue()
    start = timezone.now()
    assert deliver(message.pk, now=start) == Outcome.RETRY
    message.refresh_from_db()
    first_wait = message.next_attempt_at - start
    assert message.status == MessageStatus.QUEUED and message.attempts == 1
    assert timedelta(seconds=24) <= first_wait <= timedelta(seconds=36)
    assert message.last_error == "Server WhatsApp sedang bermasalah (HTTP 503)"

    assert deliver_due(now=start + timedelta(seconds=10)) == 0  # not due yet: untouched
    assert provider.errors and message.attempts == 1

    second = message.next_attempt_at
    assert deliver_due(now=second) == 0
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - second > first_wait  # the wait grows

    assert deliver_due(now=message.next_attempt_at) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 3
    assert (message.last_error, message.error_code) == ("", "")
    assert len(provider.sent) == 1


def test_retry_delays_double_up_to_an_hour_and_honour_retry_after() -> None:
    for attempts, base in [(1, 30), (2, 60), (5, 480), (8, 3600), (20, 3600)]:
        wait = retry_delay(attempts).total_seconds()
        assert base * 0.8 <= wait <= base * 1.2
    assert retry_delay(1, retry_after=600).total_seconds() == 600


def test_the_server_s_retry_after_is_honoured(queue, provider) -> None:
    provider.fail_with(SendError(retryable=True, reason="Terlalu banyak", retry_after=900))
    message = queue()
    now = timezone.now()
    deliver(message.pk, now=now)
    message.refresh_from_db()
    assert message.next_attempt_at - now >= timedelta(seconds=900)


def test_a_permanent_error_fails_with_its_reason_and_is_not_retried(queue, provider) -> None:
    reason = "Nomor tidak terdaftar di WhatsApp atau tidak dapat menerima pesan"
    provider.fail_with(SendError(retryable=False, reason=reason, code=131026))
    message = queue()
    assert deliver(message.pk) == Outcome.FAILED
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.failed_at is not None
    assert (message.last_error, message.error_code) == (reason, "131026")
    assert deliver_due(now=timezone.now() + timedelta(days=3)) == 0
    assert provider.sent == []
    event = AuditEvent.objects.get(action="outbox.failed", object_id=str(message.pk))
    assert event.reason == reason and event.office_id == message.office_id


def test_after_the_last_attempt_a_transient_error_fails(queue, provider) -> None:
    message = queue()
    OutboundMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
    provider.fail_with(down())
    assert deliver(message.pk) == Outcome.FAILED
    message.refresh_from_db()
    assert message.attempts == MAX_ATTEMPTS
    assert message.last_error.endswith(f"(menyerah setelah {MAX_ATTEMPTS} kali percobaan)")


def test_an_unexpected_exception_is_retried_not_lost(queue, provider) -> None:
    provider.fail_with(KeyError("body"))
    message = queue()
    assert deliver(message.pk) == Outcome.RETRY
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.last_error == UNEXPECTED


def test_outside_the_24_hour_window_the_template_fallback_is_sent(
    queue, provider, django_capture_on_commit_callbacks
) -> None:
    provider.fail_with(WINDOW_CLOSED)
    message = queue(template_fallback=FALLBACK)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(message.pk) == Outcome.FALLBACK
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.kind == Kind.TEMPLATE
    assert message.payload == FALLBACK and message.template_fallback is None
    assert provider.sent == [("template", "6281234567890", FALLBACK)]
    event = AuditEvent.objects.get(action="outbox.template_fallback", object_id=str(message.pk))
    assert event.before == {"kind": "text"} and event.after["template"] == "akta_selesai"


def test_the_fallback_is_used_once_and_without_one_the_message_fails(queue, provider) -> None:
    provider.fail_with(WINDOW_CLOSED)
    plain = queue()
    assert deliver(plain.pk) == Outcome.FAILED
    plain.refresh_from_db()
    assert plain.error_code == "131047" and "24 jam" in plain.last_error

    provider.fail_with(WINDOW_CLOSED, WINDOW_CLOSED)
    message = queue(template_fallback=FALLBACK)
    assert deliver(message.pk) == Outcome.FALLBACK
    assert deliver(message.pk) == Outcome.FAILED  # the template itself refused: no loop


def test_a_send_interrupted_past_its_lease_is_reclaimed_and_sent(queue, provider) -> None:
    stuck, fresh = queue(), queue()
    now = timezone.now()
    OutboundMessage.objects.filter(pk=stuck.pk).update(
        status=MessageStatus.SENDING, claimed_at=now - timedelta(minutes=6), attempts=1
    )
    OutboundMessage.objects.filter(pk=fresh.pk).update(
        status=MessageStatus.SENDING, claimed_at=now - timedelta(minutes=1), attempts=1
    )
    assert deliver_due(now=now) == 1
    stuck.refresh_from_db(), fresh.refresh_from_db()
    assert stuck.status == MessageStatus.SENT and stuck.attempts == 2
    assert fresh.status == MessageStatus.SENDING  # its worker may still be sending
    event = AuditEvent.objects.get(action="outbox.reclaim", object_id=str(stuck.pk))
    assert event.reason == INTERRUPTED


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_row(queue, monkeypatch) -> None:
    message = queue()

    def slow_and_failing(sent):
        # While this worker waits on the provider, a sweep reclaims the lease and sends.
        OutboundMessage.objects.filter(pk=sent.pk).update(
            status=MessageStatus.SENT, provider_message_id="wamid.other", claimed_at=None
        )
        raise down()

    monkeypatch.setitem(SENDERS, Channel.WHATSAPP, slow_and_failing)
    assert deliver(message.pk) == Outcome.SKIPPED
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.provider_message_id == "wamid.other"


def test_the_sweep_respects_its_limit(queue, provider) -> None:
    for _ in range(5):
        queue()
    assert deliver_due(limit=3) == 3
    assert OutboundMessage.objects.filter(status=MessageStatus.QUEUED).count() == 2
    assert deliver_due() == 2


def test_the_command_sends_what_is_due(queue, provider) -> None:
    queue(), queue()
    provider.fail_with(SendError(retryable=False, reason="Nomor tidak terdaftar", code=131026))
    out = StringIO()
    call_command("deliver_outbox", stdout=out)
    assert out.getvalue().strip() == "terkirim 1; masih dalam antrean 0; gagal 1"
