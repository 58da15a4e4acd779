"""Provider receipts (WhatsApp webhook statuses): forward only, unknown ids ignored."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.outbox.choices import Kind, MessageStatus
from alur.outbox.delivery import deliver
from alur.outbox.receipts import message_status_update

pytestmark = pytest.mark.django_db

FALLBACK = {"name": "akta_selesai", "language": "id"}


@pytest.fixture
def sent(queue, provider):
    def make(**overrides):
        message = queue(**overrides)
        deliver(message.pk)
        message.refresh_from_db()
        return message

    return make


def test_receipts_move_forward_and_never_back(sent) -> None:
    message = sent()
    at = timezone.now()
    pid = message.provider_message_id
    delivered = message_status_update(provider_message_id=pid, status="delivered", at=at)
    assert delivered.status == MessageStatus.DELIVERED and delivered.delivered_at == at
    read = message_status_update(
        provider_message_id=pid, status="read", at=at + timedelta(minutes=3)
    )
    assert read.status == MessageStatus.READ and read.read_at == at + timedelta(minutes=3)
    for late in ("delivered", "sent", "failed"):
        message_status_update(provider_message_id=pid, status=late, at=at + timedelta(hours=1))
    message.refresh_from_db()
    assert message.status == MessageStatus.READ and message.delivered_at == at


def test_a_read_receipt_fills_a_lost_delivered_one(sent) -> None:
    message = sent()
    at = timezone.now()
    message_status_update(provider_message_id=message.provider_message_id, status="read", at=at)
    message.refresh_from_db()
    assert message.status == MessageStatus.READ and message.delivered_at == at == message.read_at


def test_unknown_ids_and_statuses_are_ignored(sent) -> None:
    message = sent()
    at = timezone.now()
    assert message_status_update(provider_message_id="wamid.lain", status="read", at=at) is None
    assert message_status_update(provider_message_id="", status="read", at=at) is None
    same = message_status_update(
        provider_message_id=message.provider_message_id, status="deleted", at=at
    )
    assert same.status == MessageStatus.SENT


def test_a_failed_receipt_fails_a_sent_message_with_an_indonesian_reason(sent) -> None:
    message = sent()
    failed = message_status_update(
        provider_message_id=message.provider_message_id,
        status="failed",
        at=timezone.now(),
        error={"code": 131026, "title": "Message undeliverable"},
    )
    assert failed.status == MessageStatus.FAILED and failed.error_code == "131026"
    assert failed.last_error.startswith("Nomor tidak terdaftar di WhatsApp")
    assert AuditEvent.objects.filter(action="outbox.failed", object_id=str(message.pk)).exists()


def test_a_failed_receipt_with_an_unknown_code_still_reads_in_indonesian(sent) -> None:
    message = sent()
    failed = message_status_update(
        provider_message_id=message.provider_message_id,
        status="failed",
        at=timezone.now(),
        error={"code": 135000, "title": "Generic user error"},
    )
    assert failed.last_error == "WhatsApp tidak dapat mengantarkan pesan ini (kode 135000)"


def test_a_transient_failed_receipt_queues_the_message_again(sent) -> None:
    message = sent()
    at = timezone.now()
    again = message_status_update(
        provider_message_id=message.provider_message_id,
        status="failed",
        at=at,
        error={"code": 131016, "title": "Service unavailable"},
    )
    assert again.status == MessageStatus.QUEUED and again.provider_message_id == ""
    assert again.next_attempt_at > at


def test_a_closed_window_receipt_switches_to_the_template(
    sent, provider, django_capture_on_commit_callbacks
) -> None:
    message = sent(template_fallback=FALLBACK)
    with django_capture_on_commit_callbacks(execute=True):
        message_status_update(
            provider_message_id=message.provider_message_id,
            status="failed",
            at=timezone.now(),
            error={"code": 131047, "title": "Re-engagement message"},
        )
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.kind == Kind.TEMPLATE
    assert [kind for kind, _to, _payload in provider.sent] == ["text", "template"]
