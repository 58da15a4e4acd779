"""Hostile input over WhatsApp: a signature header with bytes outside ASCII is refused (not a
500), and a digit outside 0–9 typed at a menu gets the menu's "reply with a number" answer
instead of silence."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings

from alur.whatsapp.models import InboundMessage
from alur.whatsapp.tests.conftest import webhook_text
from alur.whatsapp.tests.test_conversation import CITIZEN, _replies, graph  # noqa: F401
from alur.whatsapp_cloud import payloads
from alur.whatsapp_cloud.signature import is_valid, sign

KK_SKPWNI = ("108117961500", "628117961500")  # offers two services: a menu


def test_webhook_signature_non_ascii_header_is_refused_by_the_check() -> None:
    body = b'{"object": "whatsapp_business_account"}'
    header = sign(body, "rahasia")
    assert is_valid(body, header, "rahasia")
    assert not is_valid(body, header[:-1] + "é", "rahasia")
    assert not is_valid(body, "sha256=" + "٠" * 64, "rahasia")


@pytest.mark.django_db
def test_webhook_signature_non_ascii_header_is_refused(client) -> None:
    body = payloads.encode(
        payloads.message_notification(
            phone_number_id=KK_SKPWNI[0],
            display_phone_number=KK_SKPWNI[1],
            message=payloads.text_message(CITIZEN, "halo"),
        )
    )
    header = sign(body, settings.WHATSAPP_APP_SECRET)
    response = client.post(
        "/whatsapp/webhook/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=header[:-2] + "ü",
    )
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


@pytest.fixture
def send(
    client,
    graph,  # noqa: F811 - the conversation tests' fixture
    django_capture_on_commit_callbacks,
) -> Callable[[str], list[str]]:
    def message(text: str) -> list[str]:
        from alur.outbox.models import OutboundMessage

        last = OutboundMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
        with django_capture_on_commit_callbacks(execute=True):
            webhook_text(client, KK_SKPWNI, CITIZEN, text)
        return _replies(after=last)

    return message


@pytest.mark.django_db
def test_whatsapp_menu_superscript_digit_gets_reply(send: Callable[[str], list[str]]) -> None:
    assert "Pilih layanan" in send("Halo")[-1]
    replies = send("²")  # not a menu number: not understood, said so (and the way back)
    assert any("belum memahami" in r for r in replies)
    assert all(m.handled_at is not None for m in InboundMessage.objects.all())
