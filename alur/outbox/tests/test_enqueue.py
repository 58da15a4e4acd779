"""Queueing: only inside the change's transaction, once per logical notice, valid recipients."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from alur.audit.models import AuditEvent
from alur.outbox.choices import Channel, Kind, MessageStatus
from alur.outbox.models import OutboundMessage
from alur.outbox.services import message_enqueue
from alur.outbox.tests.conftest import AKTA_LAHIR
from alur.outbox.validation import normalize_whatsapp_number


def test_enqueue_outside_a_transaction_is_refused(demo_transactional) -> None:
    from alur.org.models import Office

    with pytest.raises(RuntimeError, match="inside the transaction"):
        message_enqueue(
            office=Office.objects.get(code="18.08"),
            channel=Channel.WHATSAPP,
            kind=Kind.TEXT,
            sender=AKTA_LAHIR,
            recipient="081234567890",
            payload={"body": "halo"},
        )
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_change_queues_and_sends_nothing(
    queue, provider, django_capture_on_commit_callbacks
) -> None:
    class Refused(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Refused),
        transaction.atomic(),
    ):
        queue()
        raise Refused
    assert callbacks == [] and provider.sent == []
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_committed_change_schedules_one_delivery(
    queue, provider, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue()
    assert len(callbacks) == 1  # huey runs immediately in tests: the worker sent it
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1
    assert provider.sent == [("text", "6281234567890", message.payload)]


@pytest.mark.django_db
def test_the_same_dedupe_key_queues_once(queue, persona) -> None:
    first = queue(dedupe_key="case:18.08/1:done:wa", actor=persona("waykanan.operator"))
    again = queue(dedupe_key="case:18.08/1:done:wa", payload={"body": "teks lain"})
    assert again.pk == first.pk and again.payload == first.payload
    assert OutboundMessage.objects.count() == 1
    other = queue(dedupe_key="case:18.08/2:done:wa")
    assert other.pk != first.pk
    queue(), queue()  # without a key, every call is its own message
    assert OutboundMessage.objects.count() == 4


@pytest.mark.django_db
def test_enqueue_is_audited_with_the_recipient_masked(queue, persona, waykanan) -> None:
    operator = persona("waykanan.operator")
    message = queue(actor=operator, cause=waykanan)
    event = AuditEvent.objects.get(action="outbox.enqueue", object_id=str(message.pk))
    assert event.office == waykanan and event.actor == operator
    assert event.after["recipient"] == "6281****7890"
    assert "6281234567890" not in str(event.after)
    assert (message.object_type, message.object_id) == ("org.office", str(waykanan.pk))
    assert message.created_by == operator


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("081234567890", "6281234567890"),
        ("0812-3456-7890", "6281234567890"),
        ("0812 3456 7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("+62 (0)812-3456-7890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("+31 20 123 4567", "31201234567"),
    ],
)
def test_whatsapp_numbers_are_normalised_to_e164_digits(written, normalised) -> None:
    assert normalize_whatsapp_number(written) == normalised


@pytest.mark.parametrize(
    "written", ["", "0812", "0812345", "08123456789012345", "0812-abc-7890", "0062812345678"]
)
def test_impossible_whatsapp_numbers_are_refused_clearly(written) -> None:
    with pytest.raises(ValidationError) as refused:
        normalize_whatsapp_number(written)
    assert "Nomor WhatsApp penerima tidak sah" in refused.value.messages[0]


@pytest.mark.django_db
def test_a_bad_recipient_or_payload_queues_nothing(queue) -> None:
    with pytest.raises(ValidationError, match="tidak sah"):
        queue(recipient="0812")
    with pytest.raises(ValidationError, match="Alamat surel"):
        queue(channel=Channel.EMAIL, recipient="bukan-surel", payload={"subject": "a", "body": "b"})
    with pytest.raises(ValidationError, match="isi"):
        queue(payload={})
    with pytest.raises(ValidationError, match="paling banyak 4096"):
        queue(payload={"body": "x" * 4097})
    with pytest.raises(ValidationError, match="tepat satu"):
        queue(kind=Kind.DOCUMENT, payload={"filename": "akta.pdf"})
    with pytest.raises(ValidationError, match="tidak dapat dikirim"):
        queue(channel=Channel.EMAIL, kind=Kind.TEMPLATE, recipient="warga@contoh.id", payload={})
    with pytest.raises(ValidationError, match="Templat cadangan"):
        queue(template_fallback={"language": "id"})
    with pytest.raises(ValidationError, match="phone_number_id"):
        queue(sender="")
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_an_email_keeps_its_address(queue) -> None:
    message = queue(
        channel=Channel.EMAIL,
        sender="",
        recipient=" kadis@dukcapil.waykanankab.go.id ",
        payload={"subject": "Laporan mingguan", "body": "Terlampir."},
    )
    assert message.recipient == "kadis@dukcapil.waykanankab.go.id"
    assert message.masked_recipient == "k***@dukcapil.waykanankab.go.id"
