"""The webhook as Meta calls it: verification, signatures, raw storage first, retries."""

import json

import pytest
from django.conf import settings

from alur.whatsapp.models import InboundMessage, WebhookDelivery
from alur.whatsapp_cloud.signature import sign

URL = "/whatsapp/webhook/"
AKTA_LAHIR = "108117961700"


def notification(*messages: dict, phone_number_id: str = AKTA_LAHIR) -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "628117961700", "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": "Siti"}, "wa_id": "6281234567890"}],
        "messages": list(messages),
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA1", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(payload).encode()


def text(message_id: str, body: str) -> dict:
    return {
        "from": "6281234567890",
        "id": message_id,
        "timestamp": "1795400000",
        "type": "text",
        "text": {"body": body},
    }


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST a body as Meta would; what the webhook schedules after commit runs, as the worker."""

    def send(body: bytes, signature: str | None = "valid"):
        headers = {}
        if signature == "valid":
            headers["HTTP_X_HUB_SIGNATURE_256"] = sign(body, settings.WHATSAPP_APP_SECRET)
        elif signature is not None:
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, body, content_type="application/json", **headers)

    return send


def test_verification_echoes_the_challenge_only_for_the_right_token(client) -> None:
    ok = client.get(
        URL,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": settings.WHATSAPP_VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    wrong = client.get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "tebakan", "hub.challenge": "1"}
    )
    assert wrong.status_code == 403


@pytest.mark.django_db
def test_a_missing_signature_is_401_and_a_wrong_one_403_and_nothing_is_stored(post) -> None:
    body = notification(text("wamid.A", "halo"))
    assert post(body, signature=None).status_code == 401
    assert post(body, signature="sha256=" + "0" * 64).status_code == 403
    assert post(body + b" ", signature=sign(body, settings.WHATSAPP_APP_SECRET)).status_code == 403
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_a_signed_delivery_is_stored_raw_and_its_message_read(post) -> None:
    body = notification(text("wamid.B", "Saya mau buat akta kelahiran"))
    response = post(body)
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert bytes(delivery.body) == body and delivery.state == "processed"
    message = InboundMessage.objects.get(message_id="wamid.B")
    assert message.number.display_number == "08117961700"
    assert message.sender == "6281234567890" and message.text.startswith("Saya mau")


@pytest.mark.django_db
def test_meta_retrying_a_message_does_not_duplicate_it(post) -> None:
    body = notification(text("wamid.C", "halo"))
    for _ in range(3):
        assert post(body).status_code == 200
    assert WebhookDelivery.objects.count() == 3  # every delivery kept as it came
    assert InboundMessage.objects.filter(message_id="wamid.C").count() == 1
    assert "sudah diterima" in WebhookDelivery.objects.order_by("id").last().note


@pytest.mark.django_db
def test_malformed_json_with_a_valid_signature_is_kept_and_flagged(post) -> None:
    body = b'{"object": "whatsapp_business_account", "entry": [ '
    assert post(body).status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "rejected" and bytes(delivery.body) == body
    assert "tidak dapat dibaca" in delivery.note


@pytest.mark.django_db
def test_an_unknown_business_number_is_kept_and_noted(post) -> None:
    body = notification(text("wamid.D", "halo"), phone_number_id="999000")
    assert post(body).status_code == 200
    message = InboundMessage.objects.get(message_id="wamid.D")
    assert message.number is None
    assert "999000 tidak dikenal" in WebhookDelivery.objects.get().note


@pytest.mark.django_db
def test_media_messages_keep_their_media_id_and_type(post) -> None:
    document = {
        "from": "6281234567890",
        "id": "wamid.E",
        "timestamp": "1795400000",
        "type": "document",
        "document": {
            "id": "MEDIA42",
            "mime_type": "application/pdf",
            "filename": "surat-lahir.pdf",
            "caption": "surat keterangan lahir",
        },
    }
    post(notification(document))
    message = InboundMessage.objects.get(message_id="wamid.E")
    assert (message.kind, message.media_id, message.filename) == (
        "document",
        "MEDIA42",
        "surat-lahir.pdf",
    )
    assert message.media_mime_type == "application/pdf" and message.text == "surat keterangan lahir"


@pytest.mark.django_db
def test_delivery_reports_move_our_message_forward_never_back(post, office) -> None:
    from django.db import transaction

    from alur.outbox.models import OutboundMessage
    from alur.outbox.services import message_enqueue
    from alur.whatsapp_cloud import payloads

    with transaction.atomic():
        message = message_enqueue(
            office=office("18.08"),
            channel="whatsapp",
            kind="text",
            sender=AKTA_LAHIR,
            recipient="6281234567890",
            payload={"body": "Permohonan diterima"},
        )
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="sent", provider_message_id="wamid.OUT1"
    )

    def report(status: str) -> None:
        body = payloads.encode(
            payloads.status_notification(
                phone_number_id=AKTA_LAHIR,
                display_phone_number="628117961700",
                message_id="wamid.OUT1",
                recipient_id="6281234567890",
                status=status,
            )
        )
        assert post(body).status_code == 200

    report("read")
    report("delivered")  # arrives late: must not move "read" back
    message.refresh_from_db()
    assert message.status == "read" and message.read_at is not None


@pytest.mark.django_db
def test_a_delivery_whose_task_was_lost_is_read_by_the_sweep() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from alur.whatsapp.services import STRANDED_AFTER, webhook_read_stranded

    long_ago = timezone.now() - STRANDED_AFTER - timedelta(minutes=1)
    stranded = WebhookDelivery.objects.create(
        received_at=long_ago, body=notification(text("wamid.F", "halo")), signature="s"
    )
    recent = WebhookDelivery.objects.create(
        received_at=timezone.now(), body=notification(text("wamid.G", "halo")), signature="s"
    )
    assert webhook_read_stranded() == 1
    stranded.refresh_from_db()
    recent.refresh_from_db()
    assert stranded.state == "processed" and recent.state == "received"  # its task may yet run
    assert InboundMessage.objects.filter(message_id="wamid.F").exists()
    assert webhook_read_stranded() == 0  # read once


@pytest.mark.django_db
def test_the_insert_skips_the_health_check_and_replaces_a_dead_connection(monkeypatch) -> None:
    """A reused connection found dead by the INSERT itself is dropped and the INSERT sent once
    more (here the test's own connection stands in for the new one)."""
    from django.db import OperationalError, connections

    from alur.whatsapp import services

    connection = connections["default"]  # the wrapper itself, not its proxy

    sent: list[list[object]] = []
    real_insert = services._insert_delivery

    def insert(params: list[object]) -> int:
        sent.append(params)
        if len(sent) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_insert(params)

    closed: list[bool] = []
    monkeypatch.setattr(services, "_insert_delivery", insert)
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_done", False)
    body = notification(text("wamid.H", "halo"))
    delivery_id = services._insert_delivery_unchecked([timezone_now(), body, "s", "received", ""])
    assert len(sent) == 2 and closed == [True]
    assert connection.health_check_done  # no SELECT 1 for this request
    assert bytes(WebhookDelivery.objects.get(pk=delivery_id).body) == body


def timezone_now() -> object:
    from django.db import connection
    from django.utils import timezone

    return connection.ops.adapt_datetimefield_value(timezone.now())
