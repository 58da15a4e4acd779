"""A worker killed in the middle of a task: the task runs again without doing its effect twice.

The real huey consumer (`manage.py run_huey`, queue on Redis) sends outbox messages to the
local Graph API server, which holds every send for `--delay` seconds. Once some messages are
through and others are in flight, the consumer's process group gets SIGKILL. The consumer is
started again and finishes the queue; the sends that were cut off stay `sending` until their
lease (`LEASE`, 5 minutes) expires, and the sweep then reclaims and sends them again. The lease
expiry is simulated: the script runs the sweep `deliver_due(now=real now + LEASE + 1 s)`, as
the consumer's minute sweep would 5 minutes later.

What it shows: every message reaches the provider; a message accepted twice is exactly one
whose send was cut off after the provider took it (the outbox is at least once, and the
WhatsApp Cloud API takes no idempotency key); our side records one row, one provider id.

    python faults/worker_killed.py [--messages 30] [--delay 1.5] [--kill-after 8]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import timedelta

import httpx
from common import (
    Process,
    Verdict,
    free_port,
    graph_server,
    huey_consumer,
    prepare_database,
    redis_flush,
    redis_url,
    server_env,
    setup_django,
    wait_until,
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument(
        "--delay", type=float, default=1.5, help="seconds the provider holds a send"
    )
    parser.add_argument("--kill-after", type=int, default=8, help="kill once this many got through")
    args = parser.parse_args()
    verdict = Verdict("worker_killed")
    url = prepare_database("alur_faults_worker")
    redis = redis_url(1)
    redis_flush(redis)
    port = free_port()
    graph = graph_server(port).start()
    base = f"http://127.0.0.1:{port}"
    env = server_env(url, redis, graph_base=f"{base}/v21.0")
    consumer = huey_consumer(env)
    try:
        setup_django(env)
        return run(args, verdict, base, env, consumer)
    finally:
        consumer.kill()
        graph.stop()
        redis_flush(redis)


def run(
    args: argparse.Namespace, verdict: Verdict, base: str, env: dict[str, str], consumer: Process
) -> int:

    from django.db import transaction
    from django.utils import timezone

    from alur.audit.models import AuditEvent
    from alur.org.models import Office
    from alur.outbox.choices import Channel, Kind, MessageStatus
    from alur.outbox.models import OutboundMessage
    from alur.outbox.services import INTERRUPTED, LEASE, deliver_due, message_enqueue

    def control(name: str, payload: object = None, method: str = "POST") -> dict:
        response = httpx.request(method, f"{base}/_control/{name}", json=payload, timeout=30)
        response.raise_for_status()
        return response.json()

    def accepted() -> list[dict]:
        return control("messages", method="GET")["data"]

    if not wait_until(lambda: control("health", method="GET"), 20):
        verdict.check(False, "the local Graph API server started")
        return verdict.finish()
    office = Office.objects.get(code="18.08")
    sender = "108117961700"
    ids: list[int] = []
    for n in range(args.messages):
        citizen = f"62813{n + 1:08d}"
        control("inbound", {"from": citizen, "phone_number_id": sender})
        with transaction.atomic():  # each commit puts a deliver_message task on Redis
            ids.append(
                message_enqueue(
                    office=office,
                    channel=Channel.WHATSAPP,
                    kind=Kind.TEXT,
                    sender=sender,
                    recipient=citizen,
                    payload={"body": f"Dokumen {n} siap diambil."},
                    dedupe_key=f"faults:worker:{n}",
                ).pk
            )
    rows = OutboundMessage.objects.filter(pk__in=ids)
    control("faults", {"mode": "delay", "seconds": args.delay, "endpoint": "messages"})
    verdict.tried(
        f"{args.messages} messages queued as huey tasks on Redis; provider holds each send "
        f"{args.delay} s; run_huey (2 worker threads) started"
    )
    consumer.start()
    through = wait_until(
        lambda: (
            len(accepted()) >= args.kill_after
            and rows.filter(  # claimed so recently that the provider still holds the send
                status=MessageStatus.SENDING,
                claimed_at__gte=timezone.now() - timedelta(seconds=args.delay / 2),
            ).exists()
        ),
        60,
        0.05,
    )
    if not through:
        verdict.check(False, "the consumer got messages through and some in flight")
        print(consumer.log_tail())
        return verdict.finish()
    consumer.kill()  # SIGKILL to the process group: no cleanup, no record of the outcome
    in_flight = set(rows.filter(status=MessageStatus.SENDING).values_list("pk", flat=True))
    verdict.tried(
        f"kill -9 of the consumer (pid {consumer.pid}) after {len(accepted())} accepted, "
        f"with {len(in_flight)} sends in flight (rows {sorted(in_flight)})"
    )
    if not verdict.check(bool(in_flight), "the kill hit at least one send in flight"):
        return verdict.finish()
    time.sleep(args.delay + 1)  # the provider finishes what it was holding
    verdict.found(f"the provider accepted {len(accepted())} once it finished the held sends")

    control("faults", method="DELETE")
    consumer = huey_consumer(env)
    consumer.start()
    verdict.tried("run_huey started again (no delay at the provider)")
    done = wait_until(
        lambda: (
            not rows.filter(status=MessageStatus.QUEUED).exists()
            and rows.filter(status=MessageStatus.SENT).count() >= args.messages - len(in_flight)
        ),
        60,
        0.2,
    )
    verdict.check(bool(done), "the restarted consumer finished every task left on the queue")
    stuck = set(rows.filter(status=MessageStatus.SENDING).values_list("pk", flat=True))
    verdict.found(f"rows still 'sending' (their worker died): {sorted(stuck)}")
    verdict.tried(
        "lease expiry simulated: deliver_due(now=now + LEASE + 1 s), the minute sweep "
        f"{int(LEASE.total_seconds())} s later"
    )
    swept = deliver_due(now=timezone.now() + LEASE + timedelta(seconds=1))
    verdict.found(f"the sweep reclaimed and sent {swept}")
    consumer.stop()

    seen = accepted()
    by_body = Counter(m["message"]["text"]["body"] for m in seen)
    messages = {row.payload["body"]: row for row in rows}
    doubled = {messages[body].pk for body, count in by_body.items() if count > 1}
    statuses = Counter(row.status for row in messages.values())
    reclaimed = AuditEvent.objects.filter(action="outbox.reclaim").count()
    verdict.check(
        set(by_body) == set(messages),
        f"every message reached the provider ({len(by_body)} of {len(messages)})",
    )
    verdict.check(
        statuses == Counter({MessageStatus.SENT: args.messages}),
        f"every row is sent: {dict(statuses)}",
    )
    verdict.check(max(by_body.values()) <= 2, "no message accepted more than twice")
    verdict.check(
        doubled <= in_flight,
        f"accepted twice: {len(doubled)} (rows {sorted(doubled)}), each one whose send was "
        "cut off by the kill after the provider took it",
    )
    verdict.check(
        reclaimed == len(stuck)
        and all(messages[b].attempts == 2 for b in by_body if by_body[b] > 1),
        f"each cut-off send was reclaimed once ({reclaimed} 'outbox.reclaim' audit events, "
        f"last_error «{INTERRUPTED[:40]}…») and tried a second time",
    )
    last_ids = {}
    for message in seen:
        last_ids[message["message"]["text"]["body"]] = message["id"]
    verdict.check(
        all(row.provider_message_id == last_ids[body] for body, row in messages.items()),
        "our side holds one row per message, with the id of its last accepted send",
    )
    verdict.found(
        "guarantee: at least once. A send cut off after the provider accepted it is sent "
        f"again after the lease ({len(doubled)} of {args.messages} here): the citizen gets "
        "that text twice. The Cloud API has no idempotency key; our dedupe_key keeps one "
        "row (one effect in our data), not one delivery at the provider."
    )
    return verdict.finish(
        messages=args.messages,
        in_flight_at_kill=len(in_flight),
        accepted_by_provider=len(seen),
        accepted_twice=len(doubled),
        reclaimed=reclaimed,
        guarantee="at least once; duplicates at provider only for sends cut off mid-call",
    )


if __name__ == "__main__":
    sys.exit(main())
