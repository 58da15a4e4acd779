"""The Excel form sent back over WhatsApp to the province's number."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import timezone

from alur.org.selectors import holders_of
from alur.outbox.models import OutboundMessage
from alur.outbox.validation import normalize_whatsapp_number
from alur.reports.files import form_bytes
from alur.reports.models import Submission
from alur.reports.tests.conftest import kab_kota
from alur.reports.tests.drivers import figures
from alur.whatsapp import conversation
from alur.whatsapp.dialogs.reports import document_receive
from alur.whatsapp.models import InboundMessage, WebhookDelivery
from alur.whatsapp_cloud.models import BusinessNumber

pytestmark = pytest.mark.django_db


def _inbound(sender: str, serial: int) -> InboundMessage:
    delivery = WebhookDelivery.objects.create(received_at=timezone.now(), body=b"{}", signature="")
    return InboundMessage.objects.create(
        message_id=f"wamid.report{serial}",
        delivery=delivery,
        number=BusinessNumber.objects.get(phone_number_id="107174210000"),
        phone_number_id="107174210000",
        sender=sender,
        kind="document",
        media_id=f"media{serial}",
        media_mime_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename="laporan.xlsx",
        raw={},
        sent_at=datetime(2026, 11, 20, 5, 0, tzinfo=UTC),
        received_at=timezone.now(),
    )


def test_a_kadis_sends_the_form_over_whatsapp_and_an_operator_keeps_a_draft(
    clock: Any, s0_collecting: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _case, period = s0_collecting()
    first, second = kab_kota()[:2]
    files: dict[str, bytes] = {}
    monkeypatch.setattr(
        conversation,
        "fetch_media",
        lambda inbound: conversation.Fetched(files[inbound.media_id], "x", inbound.filename),
    )
    kadis = holders_of(first, "kadis")[0]
    files["media1"] = form_bytes(period, first, figures(first, period.definition.field_keys))
    assert document_receive(_inbound(normalize_whatsapp_number(kadis.phone), 1).pk)
    sent = Submission.objects.get(period=period, office=first)
    assert sent.status == "submitted" and sent.source == "whatsapp"
    reply = OutboundMessage.objects.get(dedupe_key="wa-report:wamid.report1")
    assert "diterima (tepat waktu)" in reply.payload["body"]

    operator = holders_of(second, "operator")[0]
    files["media2"] = form_bytes(period, second, {"kk": 1})  # the rest left empty
    assert document_receive(_inbound(normalize_whatsapp_number(operator.phone), 2).pk)
    reply = OutboundMessage.objects.get(dedupe_key="wa-report:wamid.report2")
    assert (
        "Laporan belum diterima" in reply.payload["body"]
        and "C9: wajib diisi" in reply.payload["body"]
    )
    assert not Submission.objects.filter(period=period, office=second).exists()

    files["media3"] = form_bytes(period, second, figures(second, period.definition.field_keys))
    assert document_receive(_inbound(normalize_whatsapp_number(operator.phone), 3).pk)
    draft = Submission.objects.get(period=period, office=second)
    assert draft.status == "draft"
    # A stranger's document is left to the usual conversation.
    assert not document_receive(_inbound("6281100000000", 4).pk)
