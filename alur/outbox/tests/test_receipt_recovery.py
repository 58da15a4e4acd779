"""A send whose worker died after WhatsApp accepted it is not sent again once its receipt arrives.

Each WhatsApp send carries `biz_opaque_callback_data` naming its row and attempt; the local Graph
API server echoes it in the status notifications of that message, as the Cloud API does. The
worker's death is reproduced by doing what `deliver` does up to the provider's answer (claim,
send over real HTTP) and recording nothing, which is the state a killed worker leaves.
"""

import json
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.outbox.choices import MessageStatus
from alur.outbox.delivery import LEASE, _record_sent, deliver_due, reclaim_stuck
from alur.outbox.models import OutboundMessage
from alur.outbox.senders import callback_data, parse_callback_data, send_whatsapp
from alur.outbox.tests.conftest import CITIZEN, GRAPH_SECRET, control
from alur.whatsapp.models import WebhookDelivery
from alur.whatsapp.services import webhook_process
from alur.whatsapp_cloud import payloads
from alur.whatsapp_cloud.tests.conftest import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(graph, settings):
    """The Graph API server, posting its notifications to a receiver the test reads from."""
    settings.WHATSAPP_APP_SECRET = GRAPH_SECRET
    receiver = Receiver()
    control(graph, "config", {"webhook_url": receiver.url})
    control(graph, "inbound", {"from": "62" + CITIZEN[1:], "phone_number_id": "108117961700"})
    graph.receiver = receiver
    yield graph
    receiver.stop()


def accepted(graph) -> list[dict]:
    return control(graph, "messages", method="GET")["data"]


def send_and_die(message: OutboundMessage) -> str:
    """Claim the row and send it as `deliver` does, then stop before recording the outcome."""
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    message.refresh_from_db()
    return send_whatsapp(message)


def receipt(graph, client, wamid: str, status: str) -> dict:
    """The provider reports `status` for `wamid`; its notification, the bytes and signature it
    posted, reaches our webhook and is read."""
    control(graph, "status", {"id": wamid, "status": status})
    while (posted := graph.receiver.next()).method != "POST":
        pass
    response = client.post(
        "/whatsapp/webhook/",
        posted.body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=posted.headers[payloads.SIGNATURE_HEADER.lower()],
    )
    assert response.status_code == 200
    for delivery in WebhookDelivery.objects.filter(state=WebhookDelivery.State.RECEIVED):
        webhook_process(delivery.pk)
    return json.loads(posted.body)["entry"][0]["changes"][0]["value"]["statuses"][0]


def test_every_send_names_its_row_and_attempt(queue, provider) -> None:
    message = queue()
    wamid = send_and_die(message)
    (sent,) = accepted(provider)
    assert sent["id"] == wamid
    assert sent["message"]["biz_opaque_callback_data"] == callback_data(message)
    assert parse_callback_data(callback_data(message)) == (message.pk, 1)
    assert parse_callback_data("something-else:1:1") is None
    assert parse_callback_data("alur-outbox:x:1") is None


def test_a_receipt_records_a_send_its_worker_never_recorded(queue, provider, client) -> None:
    message = queue()
    wamid = send_and_die(message)
    report = receipt(provider, client, wamid, "delivered")
    assert report["biz_opaque_callback_data"] == callback_data(message)

    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.provider_message_id == wamid
    assert message.claimed_at is None and message.sent_at and message.delivered_at
    # Past the lease the sweep finds nothing to send again: the citizen got it once.
    assert deliver_due(now=timezone.now() + LEASE + timedelta(seconds=1)) == 0
    assert [m["id"] for m in accepted(provider)] == [wamid]
    assert not AuditEvent.objects.filter(action="outbox.reclaim").exists()


def test_a_receipt_after_the_sweep_reclaimed_the_row_stops_the_resend(
    queue, provider, client
) -> None:
    message = queue()
    wamid = send_and_die(message)
    later = timezone.now() + LEASE + timedelta(seconds=1)
    assert reclaim_stuck(now=later) == 1  # no receipt yet: back in the queue
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED

    receipt(provider, client, wamid, "sent")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.provider_message_id == wamid
    event = AuditEvent.objects.get(action="outbox.receipt_recovered", object_id=str(message.pk))
    assert event.after["provider_message_id"] == wamid
    assert "tidak dikirim ulang" in event.reason
    assert deliver_due(now=later) == 0
    assert len(accepted(provider)) == 1


def test_a_receipt_of_an_earlier_attempt_does_not_take_over_a_later_send(
    queue, provider, client
) -> None:
    message = queue()
    first = send_and_die(message)
    second = send_and_die(message)  # reclaimed and claimed again: attempt 2 is in flight
    assert first != second
    receipt(provider, client, first, "delivered")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING and message.provider_message_id == ""
    receipt(provider, client, second, "sent")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.provider_message_id == second


def failed_receipt(graph, client, wamid: str, code: int) -> dict:
    """The provider reports `failed` with the Graph error `code` for `wamid`."""
    control(graph, "status", {"id": wamid, "status": "failed", "error_code": code})
    while (posted := graph.receiver.next()).method != "POST":
        pass
    response = client.post(
        "/whatsapp/webhook/",
        posted.body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=posted.headers[payloads.SIGNATURE_HEADER.lower()],
    )
    assert response.status_code == 200
    for delivery in WebhookDelivery.objects.filter(state=WebhookDelivery.State.RECEIVED):
        webhook_process(delivery.pk)
    return json.loads(posted.body)["entry"][0]["changes"][0]["value"]["statuses"][0]


def test_a_failed_receipt_before_the_send_is_recorded_is_kept_and_the_answer_does_not_hide_it(
    queue, provider, client
) -> None:
    """The issue's case: Meta's `failed` receipt outruns the send's HTTP answer. The receipt is
    recorded on the row the callback data names; the HTTP answer, arriving after, does not
    mark it sent, and its retry follows."""
    message = queue()
    wamid = send_and_die(message)  # the HTTP answer is on its way, not recorded yet
    status = failed_receipt(provider, client, wamid, 131016)  # service unavailable: retryable
    assert status["biz_opaque_callback_data"] == callback_data(message)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.provider_message_id == ""
    assert message.error_code == "131016" and message.next_attempt_at > timezone.now()
    claimed = message.claimed_at
    assert claimed is None

    # The HTTP answer of that same send now arrives and is recorded as `deliver` would.
    sending = OutboundMessage.objects.get(pk=message.pk)
    sending.claimed_at = timezone.now() - timedelta(seconds=1)  # the claim it was sent under
    _record_sent(sending, wamid, timezone.now())
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.sent_at is None  # not "sent"

    retried = deliver_due(now=message.next_attempt_at + timedelta(seconds=1))
    assert retried == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert message.provider_message_id not in ("", wamid)


def test_a_failed_receipt_outside_the_window_before_the_answer_sends_the_template(
    queue, provider, client
) -> None:
    fallback = {"name": "alur_status_permohonan", "language": "id", "components": []}
    message = queue(template_fallback=fallback)
    wamid = send_and_die(message)
    failed_receipt(provider, client, wamid, 131047)  # the 24-hour window is closed
    message.refresh_from_db()
    assert message.kind == "template" and message.payload == fallback
    assert message.status in (MessageStatus.QUEUED, MessageStatus.SENT)
    assert AuditEvent.objects.filter(
        action="outbox.template_fallback", object_id=str(message.pk)
    ).exists()
    _record_sent(message, wamid, timezone.now())  # the first send's answer, late
    message.refresh_from_db()
    assert message.provider_message_id != wamid


def test_a_final_failed_receipt_before_the_answer_fails_the_row_for_staff(
    queue, provider, client
) -> None:
    message = queue()
    wamid = send_and_die(message)
    failed_receipt(provider, client, wamid, 131026)  # undeliverable: not retried
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.error_code == "131026"
    _record_sent(message, wamid, timezone.now())
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
