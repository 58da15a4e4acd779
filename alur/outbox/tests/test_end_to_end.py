"""Nothing outbound is lost: an outage of the WhatsApp API, over real HTTP, with real commits.

The real transport talks to the local Graph API server; each message is written in its own
committed transaction, and (huey running immediately in tests) its delivery runs right after
the commit, as a worker would.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from alur.org.models import Office
from alur.outbox.choices import Channel, Kind, MessageStatus
from alur.outbox.delivery import deliver_due
from alur.outbox.models import OutboundMessage
from alur.outbox.services import message_enqueue
from alur.outbox.tests.conftest import AKTA_LAHIR, control

CITIZENS = [f"6281200000{n:03d}" for n in range(1, 21)]


def accepted(graph) -> list[dict]:
    return control(graph, "messages", method="GET")["data"]


def enqueue(office: Office, to: str, **extra) -> OutboundMessage:
    with transaction.atomic():
        return message_enqueue(
            office=office,
            channel=Channel.WHATSAPP,
            kind=Kind.TEXT,
            sender=AKTA_LAHIR,
            recipient="0" + to.removeprefix("62"),  # as an officer types it: 0812…
            payload={"body": f"Akta kelahiran untuk {to[-3:]} sudah selesai."},
            dedupe_key=f"e2e:{to}",
            **extra,
        )


def test_an_outage_loses_nothing_and_each_message_is_sent_once(demo_transactional, graph):
    office = Office.objects.get(code="18.08")
    for to in CITIZENS:  # they wrote to the office today: the 24-hour window is open
        control(graph, "inbound", {"from": to, "phone_number_id": AKTA_LAHIR})
    control(graph, "faults", {"mode": "down"})

    before = timezone.now()
    ids = [enqueue(office, to).pk for to in CITIZENS]
    rows = list(OutboundMessage.objects.filter(pk__in=ids))
    assert len(rows) == 20 and accepted(graph) == []
    for row in rows:  # each tried once after its commit, met the outage, waits its turn
        assert row.status == MessageStatus.QUEUED and row.attempts == 1
        assert row.next_attempt_at >= before + timedelta(seconds=24)
        assert "503" in row.last_error
    assert deliver_due() == 0  # none is due yet: nothing is hammered during the outage

    control(graph, "faults", method="DELETE")
    after = OutboundMessage.objects.aggregate(last=Max("next_attempt_at"))["last"]
    assert deliver_due(now=after + timedelta(seconds=1)) == 20
    assert deliver_due(now=after + timedelta(days=1)) == 0

    seen = accepted(graph)
    assert sorted(m["to"] for m in seen) == CITIZENS  # every one, exactly once
    rows = {row.recipient: row for row in OutboundMessage.objects.filter(pk__in=ids)}
    for message in seen:
        row = rows[message["to"]]
        assert row.status == MessageStatus.SENT and row.attempts == 2
        assert row.provider_message_id == message["id"]
        assert message["message"]["text"]["body"] == row.payload["body"]


@pytest.mark.postgres
def test_three_workers_sweeping_at_once_send_each_message_once(demo_transactional, graph):
    office = Office.objects.get(code="18.08")
    for to in CITIZENS:
        control(graph, "inbound", {"from": to, "phone_number_id": AKTA_LAHIR})
    control(graph, "faults", {"mode": "down"})
    for to in CITIZENS:
        enqueue(office, to)
    control(graph, "faults", method="DELETE")
    control(graph, "faults", {"mode": "delay", "seconds": 0.05})  # the sweeps overlap
    now = OutboundMessage.objects.aggregate(last=Max("next_attempt_at"))["last"]
    barrier = threading.Barrier(3)
    counts: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(deliver_due(now=now))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and sum(counts) == 20 and len(counts) == 3
    assert sorted(m["to"] for m in accepted(graph)) == CITIZENS
    assert OutboundMessage.objects.filter(status=MessageStatus.SENT).count() == 20


def test_a_closed_window_sends_the_template_fallback_over_http(demo_transactional, graph):
    office = Office.objects.get(code="18.08")
    fallback = {"name": "akta_selesai", "language": "id"}
    message = enqueue(office, CITIZENS[0], template_fallback=fallback)  # never wrote: closed
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.kind == Kind.TEMPLATE
    [sent] = accepted(graph)
    assert sent["type"] == "template" and sent["id"] == message.provider_message_id
    assert sent["message"]["template"]["name"] == "akta_selesai"
