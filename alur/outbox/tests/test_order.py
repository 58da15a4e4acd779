"""One recipient's WhatsApp messages leave in the order they were written, also after an
outage: the issue's case (written 96–101, delivered 101, 97, 100, 96, 99, 98 when each message
backed off on its own). Real HTTP to the local Graph API server, its fault injection playing
the outage, real commits."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max

from alur.org.models import Office
from alur.outbox.choices import Channel, Kind, MessageStatus
from alur.outbox.delivery import deliver, deliver_due
from alur.outbox.models import OutboundMessage
from alur.outbox.services import message_enqueue
from alur.outbox.tests.conftest import AKTA_LAHIR, control

CITIZEN = "6281200000096"
OTHER = "6281200000097"


def accepted(graph, to: str) -> list[str]:
    """The bodies the Graph API accepted for `to`, in the order it accepted them."""
    return [
        m["message"]["text"]["body"]
        for m in control(graph, "messages", method="GET")["data"]
        if m["to"] == to
    ]


def write(office: Office, to: str, number: int) -> OutboundMessage:
    with transaction.atomic():
        return message_enqueue(
            office=office,
            channel=Channel.WHATSAPP,
            kind=Kind.TEXT,
            sender=AKTA_LAHIR,
            recipient=to,
            payload={"body": f"Pesan {number}"},
        )


def test_after_an_outage_one_recipients_backlog_drains_in_the_order_written(
    demo_transactional, graph
):
    office = Office.objects.get(code="18.08")
    for to in (CITIZEN, OTHER):
        control(graph, "inbound", {"from": to, "phone_number_id": AKTA_LAHIR})
    control(graph, "faults", {"mode": "down"})
    rows = [write(office, CITIZEN, n) for n in range(96, 102)]
    other = write(office, OTHER, 1)
    rows = list(OutboundMessage.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk"))
    # The first one met the outage and waits for its retry; the later ones were not even
    # tried (no attempt burnt, no retry time of their own that could overtake it).
    assert rows[0].status == MessageStatus.QUEUED and rows[0].attempts == 1
    assert [r.attempts for r in rows[1:]] == [0] * 5
    assert all(r.status == MessageStatus.QUEUED for r in rows)
    assert deliver(rows[-1].pk) == "skipped"  # a worker picking 101 first sends nothing
    assert accepted(graph, CITIZEN) == []

    control(graph, "faults", method="DELETE")
    # Another citizen is not held by this one's backlog.
    other.refresh_from_db()
    due = OutboundMessage.objects.aggregate(last=Max("next_attempt_at"))["last"]
    deliver_due(now=due + timedelta(seconds=1))
    assert accepted(graph, CITIZEN) == [f"Pesan {n}" for n in range(96, 102)]
    assert accepted(graph, OTHER) == ["Pesan 1"]
    sent = list(OutboundMessage.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk"))
    assert all(r.status == MessageStatus.SENT for r in sent)
    assert [r.attempts for r in sent] == [2, 1, 1, 1, 1, 1]  # each sent once, none re-tried


def test_a_refusal_during_the_drain_holds_the_rest_until_it_goes(demo_transactional, graph):
    office = Office.objects.get(code="18.08")
    control(graph, "inbound", {"from": CITIZEN, "phone_number_id": AKTA_LAHIR})
    control(graph, "faults", {"mode": "down"})
    rows = [write(office, CITIZEN, n) for n in range(1, 5)]
    control(graph, "faults", method="DELETE")
    # The outage is over, but the first retry is throttled once: the others wait for it.
    control(
        graph,
        "faults",
        {"mode": "http_status", "status": 429, "count": 1, "endpoint": "messages"},
    )
    first = OutboundMessage.objects.get(pk=rows[0].pk)
    deliver_due(now=first.next_attempt_at + timedelta(seconds=1))
    assert accepted(graph, CITIZEN) == []
    states = list(
        OutboundMessage.objects.filter(pk__in=[r.pk for r in rows])
        .order_by("pk")
        .values_list("status", "attempts")
    )
    assert states == [(MessageStatus.QUEUED, 2)] + [(MessageStatus.QUEUED, 0)] * 3
    later = OutboundMessage.objects.get(pk=rows[0].pk).next_attempt_at
    deliver_due(now=later + timedelta(seconds=1))
    assert accepted(graph, CITIZEN) == [f"Pesan {n}" for n in range(1, 5)]
