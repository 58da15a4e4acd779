"""The WhatsApp API down for ten minutes under load: no message lost, all delivered after.

The local Graph API server answers every call with 503 for ten simulated minutes while
messages keep being queued (a burst at the start, then a steady stream every minute). Each
message is tried once right after its commit (huey in immediate mode, as in the tests), and
the outbox's sweep (`deliver_due`) runs once per simulated minute with `now=` moved forward:
the clock is simulated, the HTTP calls, the database and the retry policy are real. After the
outage the sweep goes on minute by minute until nothing is queued (bounded by 2 simulated
hours). Found: every message accepted by the provider exactly once, none failed.

    python faults/whatsapp_down.py [--burst 300] [--per-minute 40] [--outage-minutes 10]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from datetime import timedelta

import httpx
from common import Verdict, prepare_database, redis_url, server_env, setup_django

CITIZENS = 100
HORIZON_MINUTES = 120


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=300, help="messages queued as it goes down")
    parser.add_argument("--per-minute", type=int, default=40, help="then queued each minute")
    parser.add_argument("--outage-minutes", type=int, default=10)
    args = parser.parse_args()
    verdict = Verdict("whatsapp_down")
    url = prepare_database("alur_faults_whatsapp")
    setup_django(server_env(url, redis_url(0)))

    from django.conf import settings
    from django.db import transaction
    from django.db.models import Max, Sum
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from alur.org.models import Office
    from alur.outbox.choices import Channel, Kind, MessageStatus
    from alur.outbox.delivery import deliver_due
    from alur.outbox.models import OutboundMessage
    from alur.outbox.services import message_enqueue
    from alur.whatsapp_cloud import transport
    from peers.graph_api import start_server

    logging.getLogger("alur.whatsapp_cloud.transport").setLevel(logging.ERROR)  # 503 per attempt
    HUEY.immediate = True  # the nudge after commit runs here, as a worker would run it at once
    graph = start_server(port=0, app_secret="faults", access_token="faults-token")  # noqa: S106
    settings.WHATSAPP_API_BASE = graph.base_url
    settings.WHATSAPP_ACCESS_TOKEN = "faults-token"  # noqa: S105
    transport.reset_client()

    def control(name: str, payload: object = None, method: str = "POST") -> dict:
        response = httpx.request(method, graph.control(name), json=payload, timeout=30)
        response.raise_for_status()
        return response.json()

    office = Office.objects.get(code="18.08")
    sender = "108117961700"
    citizens = [f"62812{n:08d}" for n in range(1, CITIZENS + 1)]
    for citizen in citizens:  # they wrote today: the 24-hour window is open
        control("inbound", {"from": citizen, "phone_number_id": sender})
    queued: list[int] = []

    def enqueue(count: int, minute: int) -> None:
        for _ in range(count):
            n = len(queued)
            with transaction.atomic():
                message = message_enqueue(
                    office=office,
                    channel=Channel.WHATSAPP,
                    kind=Kind.TEXT,
                    sender=sender,
                    recipient=citizens[n % CITIZENS],
                    payload={"body": f"Pemberitahuan {n} (menit {minute})."},
                    dedupe_key=f"faults:down:{n}",
                )
            queued.append(message.pk)

    try:
        start = timezone.now()
        control("faults", {"mode": "down"})
        verdict.tried(
            f"Graph API down (every call 503) for {args.outage_minutes} simulated minutes; "
            f"{args.burst} messages queued as it went down, then {args.per_minute} per minute"
        )
        verdict.tried(
            "time simulated: deliver_due(now=start + k minutes) once per simulated minute; "
            "the first attempt of each message runs on its commit at the real clock"
        )
        wall = time.monotonic()
        enqueue(args.burst, 0)
        for minute in range(1, args.outage_minutes + 1):
            enqueue(args.per_minute, minute)
            sent = deliver_due(now=start + timedelta(minutes=minute))
            verdict.check(sent == 0, f"minute {minute:3}: nothing sent while down ({sent})")
        total = len(queued)
        rows = OutboundMessage.objects.filter(pk__in=queued)
        attempts_in_outage = rows.aggregate(n=Sum("attempts"))["n"]
        verdict.found(
            f"{total} messages queued during the outage; {attempts_in_outage} calls refused "
            f"(503); most attempts of one message: {rows.aggregate(m=Max('attempts'))['m']}"
        )
        verdict.check(
            rows.filter(status=MessageStatus.QUEUED).count() == total,
            "every message still queued (none failed, none lost) when the API comes back",
        )

        control("faults", method="DELETE")
        minute = args.outage_minutes
        sent_total = 0
        drained_at: int | None = None
        while minute < HORIZON_MINUTES:
            minute += 1
            sent_total += deliver_due(now=start + timedelta(minutes=minute))
            if not rows.filter(status=MessageStatus.QUEUED).exists():
                drained_at = minute
                break
        verdict.found(
            f"after the API came back: {sent_total} sent by the sweeps; queue empty "
            f"{(drained_at or minute) - args.outage_minutes} simulated minutes later "
            f"({time.monotonic() - wall:.1f} s of real time in all)"
        )
        accepted = control("messages", method="GET")["data"]
        bodies = Counter(m["message"]["text"]["body"] for m in accepted)
        expected = {
            row.payload["body"]: row for row in OutboundMessage.objects.filter(pk__in=queued)
        }
        verdict.check(drained_at is not None, f"the queue drained within {HORIZON_MINUTES} min")
        verdict.check(
            set(bodies) == set(expected),
            f"every queued message reached the provider ({len(bodies)} of {len(expected)})",
        )
        doubled = sum(1 for count in bodies.values() if count > 1)
        verdict.check(doubled == 0, f"none accepted twice ({doubled} doubled)")
        statuses = Counter(row.status for row in expected.values())
        verdict.check(
            statuses == Counter({MessageStatus.SENT: total}),
            f"every row is sent: {dict(statuses)}",
        )
        ids_match = all(
            expected[m["message"]["text"]["body"]].provider_message_id == m["id"] for m in accepted
        )
        verdict.check(ids_match, "each row holds the provider id of its accepted message")
        return verdict.finish(
            queued=total,
            refused_during_outage=attempts_in_outage,
            accepted=len(accepted),
            doubled=doubled,
            drain_simulated_minutes=(drained_at or minute) - args.outage_minutes,
            time="simulated: deliver_due(now=...) per minute",
        )
    finally:
        graph.stop()


if __name__ == "__main__":
    sys.exit(main())
