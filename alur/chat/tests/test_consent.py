"""An opted-out number receives nothing it should not: BERHENTI over the webhook, then what the
outbox sends to the local Graph API server (peers/graph_api) for that citizen and number."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.chat.tests.phone import AKTA_LAHIR, CITIZEN, Phone
from alur.intake.choices import Channel as IntakeChannel
from alur.intake.notices import notify
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.outbox.choices import MessageStatus
from alur.outbox.content import whatsapp_text
from alur.outbox.models import OutboundMessage, WhatsAppConsent
from alur.outbox.services import whatsapp_enqueue
from alur.whatsapp.models import InboundMessage
from alur.whatsapp_cloud.models import BusinessNumber

NIK = "1808011708900001"


def _application(number: BusinessNumber) -> Any:
    return application_submit(
        office=number.office,
        service_code="S2e",
        channel=IntakeChannel.WHATSAPP,
        applicant={"name": "Siti Aminah", "nik": NIK, "phone": CITIZEN},
        fields={
            "child_name": "Budi Santoso",
            "child_birth_date": (timezone.localdate() - timedelta(days=20)).isoformat(),
            "child_birth_place": "Blambangan Umpu",
        },
        files=[
            ("birth_letter", samples.pdf(), "application/pdf", "surat-lahir.pdf"),
            ("marriage", samples.jpeg(), "image/jpeg", "buku-nikah.jpg"),
            ("kk", samples.png(), "image/png", "kk.png"),
            ("f201", samples.pdf(), "application/pdf", "f201.pdf"),
        ],
        whatsapp_number=number,
    )


def _queue(number: BusinessNumber, body: str, key: str, **extra: Any) -> OutboundMessage:
    with transaction.atomic():
        return whatsapp_enqueue(
            office=number.office,
            sender=number.phone_number_id,
            recipient=CITIZEN,
            content=whatsapp_text(body),
            dedupe_key=key,
            **extra,
        )


def test_an_opted_out_citizen_gets_only_replies_and_required_notices(
    phone: Phone, django_capture_on_commit_callbacks: Any
) -> None:
    number = BusinessNumber.objects.get(phone_number_id=AKTA_LAHIR[0])
    phone.send("BERHENTI")
    consent = WhatsAppConsent.objects.get(sender=AKTA_LAHIR[0], recipient=CITIZEN)
    assert consent.opted_out and consent.opted_out_at is not None
    assert AuditEvent.objects.filter(
        action="outbox.consent.opt_out", object_id=str(consent.pk)
    ).exists()
    confirmation = phone.texts()
    assert len(confirmation) == 1 and "MULAI" in confirmation[0]  # the reply to their own message

    # Not a reply, not required (a reminder, a broadcast): kept as withheld with the reason.
    with django_capture_on_commit_callbacks(execute=True):
        reminder = _queue(number, "Jangan lupa perpanjang KTP-el Anda.", "test:reminder")
    assert reminder.status == MessageStatus.WITHHELD
    assert "menolak pesan" in reminder.last_error and reminder.error_code == "consent"
    assert AuditEvent.objects.filter(action="outbox.enqueue", object_id=str(reminder.pk)).exists()

    # A "reply" to their message of two days ago is not a reply any more.
    stale = InboundMessage.objects.filter(sender=CITIZEN).latest("received_at")
    InboundMessage.objects.filter(pk=stale.pk).update(
        received_at=timezone.now() - timedelta(days=2)
    )
    stale.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        late = _queue(number, "Balasan yang terlambat.", "test:late", cause=stale)
    assert late.status == MessageStatus.WITHHELD

    # Another number of the office is not covered by this number's BERHENTI.
    other = BusinessNumber.objects.exclude(pk=number.pk).filter(office=number.office).first()
    assert other is not None
    with transaction.atomic():
        elsewhere = whatsapp_enqueue(
            office=other.office,
            sender=other.phone_number_id,
            recipient=CITIZEN,
            content=whatsapp_text("Dari nomor lain."),
            dedupe_key="test:other-number",
        )
    assert elsewhere.status == MessageStatus.QUEUED

    # A decision on their application is owed: the intake notice is required and goes out.
    with django_capture_on_commit_callbacks(execute=True):
        application = _application(number)
        with transaction.atomic():
            returned = notify(
                application.case,
                f"Permohonan {application.case.reference} belum dapat diproses: KK buram.",
                "test-return",
            )
    assert returned is not None and returned.status != MessageStatus.WITHHELD

    # Their own message is answered (the dialog's reply passes).
    phone.send("Halo")
    texts = phone.texts()
    assert any("KK buram" in t for t in texts)
    assert not any("perpanjang KTP-el" in t or "terlambat" in t for t in texts)
    assert len(texts) >= 3  # the confirmation, the required notice, the answer to "Halo"
    withheld = OutboundMessage.objects.filter(recipient=CITIZEN, status=MessageStatus.WITHHELD)
    assert set(withheld.values_list("dedupe_key", flat=True)) == {"test:reminder", "test:late"}


def test_mulai_takes_messages_again_and_is_audited(
    phone: Phone, django_capture_on_commit_callbacks: Any
) -> None:
    number = BusinessNumber.objects.get(phone_number_id=AKTA_LAHIR[0])
    phone.send("stop")  # any case, the English word too
    assert WhatsAppConsent.objects.get(recipient=CITIZEN).opted_out
    phone.send(button="MULAI")  # a reply button's id
    consent = WhatsAppConsent.objects.get(recipient=CITIZEN)
    assert not consent.opted_out and consent.opted_out_at is None
    assert AuditEvent.objects.filter(action="outbox.consent.opt_in").exists()
    with django_capture_on_commit_callbacks(execute=True):
        reminder = _queue(number, "Jangan lupa perpanjang KTP-el Anda.", "test:after-mulai")
    reminder.refresh_from_db()
    assert reminder.status != MessageStatus.WITHHELD
    assert any("perpanjang KTP-el" in t for t in phone.texts())
