"""A worker killed in the middle of a task: the task runs again without doing its effect twice.

The real huey consumer (`manage.py run_huey`, queue on Redis) sends outbox messages to the
local Graph API server, which holds every send for `--delay` seconds and, as the Cloud API
does, posts 'sent' and 'delivered' notifications of each accepted message to our webhook
(gunicorn, production settings), echoing the send's `biz_opaque_callback_data`. Once some
messages are through and others are in flight, the consumer's process group gets SIGKILL: the
provider accepts the held sends, but no worker records them. The consumer is started again: it
finishes the queue and reads the stored notifications, whose callback data names the row and
attempt of each cut-off send, so those rows are recorded as sent by their receipts. Then the
lease expiry (`LEASE`, 5 minutes) is simulated: the sweep `deliver_due(now=real now + LEASE +
1 s)` runs, as the consumer's minute sweep would 5 minutes later, and must find nothing to send
again.

What it shows: every message reaches the provider exactly once; our side records one row, one
provider id per message; the cut-off sends are recovered from their receipts, not resent.

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
    graph_api,
    gunicorn,
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
    port, web_port = free_port(), free_port()
    webhook = f"http://127.0.0.1:{web_port}/whatsapp/webhook/"
    graph = graph_api(port, webhook_url=webhook, auto_statuses=True).start()
    base = f"http://127.0.0.1:{port}"
    env = server_env(url, redis, graph_base=f"{base}/v21.0")
    web = gunicorn(web_port, env, workers=2).start()
    consumer = huey_consumer(env)
    try:
        setup_django(env)
        return run(args, verdict, base, f"http://127.0.0.1:{web_port}", env, consumer)
    finally:
        consumer.kill()
        web.stop()
        graph.stop()
        redis_flush(redis)


def run(
    args: argparse.Namespace,
    verdict: Verdict,
    base: str,
    web: str,
    env: dict[str, str],
    consumer: Process,
) -> int:

    from django.db import transaction
    from django.utils import timezone

    from alur.audit.models import AuditEvent
    from alur.org.models import Office
    from alur.outbox.choices import Channel, Kind, MessageStatus
    from alur.outbox.delivery import LEASE, deliver_due
    from alur.outbox.models import OutboundMessage
    from alur.outbox.services import message_enqueue

    def control(name: str, payload: object = None, method: str = "POST") -> dict:
        response = httpx.request(method, f"{base}/_control/{name}", json=payload, timeout=30)
        response.raise_for_status()
        return response.json()

    citizens = {f"62813{n + 1:08d}" for n in range(args.messages)}

    def accepted() -> list[dict]:
        """The sends of the fault's own messages: the consumer's periodic tasks may send some of
        their own (the weekly report forms to the kab/kota officers, on their day)."""
        sent = control("messages", method="GET")["data"]
        return [m for m in sent if str(m["to"]).lstrip("+") in citizens]

    started = wait_until(lambda: control("health", method="GET"), 20) and wait_until(
        lambda: _answers(web), 30
    )
    if not started:
        verdict.check(False, "the local Graph API server and the webhook server started")
        return verdict.finish()
    office = Office.objects.get(code="18.08")
    sender = "108117961700"
    ids: list[int] = []
    for n in range(args.messages):
        citizen = f"62813{n + 1:08d}"  # one of `citizens`
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
    verdict.tried(
        "run_huey started again (no delay at the provider); it reads the stored 'sent' and "
        "'delivered' notifications as well"
    )
    done = wait_until(
        lambda: (
            not rows.filter(
                status__in=[MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT]
            ).exists()
        ),
        60,
        0.2,
    )
    verdict.check(
        bool(done), "the restarted consumer finished the queue and every receipt was read"
    )
    recovered = set(
        rows.filter(pk__in=in_flight).exclude(provider_message_id="").values_list("pk", flat=True)
    )
    verdict.found(
        f"rows cut off by the kill recorded from their receipts: {sorted(recovered)} "
        f"of {sorted(in_flight)}"
    )
    verdict.tried(
        "lease expiry simulated: deliver_due(now=now + LEASE + 1 s), the minute sweep "
        f"{int(LEASE.total_seconds())} s later"
    )
    swept = deliver_due(now=timezone.now() + LEASE + timedelta(seconds=1))
    verdict.found(f"the sweep sent {swept} again")
    time.sleep(1)  # any notification of a resend would be stored by now
    consumer.stop()

    seen = accepted()
    by_body = Counter(m["message"]["text"]["body"] for m in seen)
    messages = {row.payload["body"]: row for row in rows}
    statuses = Counter(row.status for row in messages.values())
    reclaimed = AuditEvent.objects.filter(action="outbox.reclaim").count()
    verdict.check(
        set(by_body) == set(messages),
        f"every message reached the provider ({len(by_body)} of {len(messages)})",
    )
    verdict.check(
        max(by_body.values()) == 1 and len(seen) == args.messages,
        f"each message accepted by the provider exactly once ({len(seen)} acceptances for "
        f"{args.messages} messages)",
    )
    verdict.check(
        statuses == Counter({MessageStatus.DELIVERED: args.messages}),
        f"every row is delivered per its receipts: {dict(statuses)}",
    )
    verdict.check(
        recovered == in_flight and swept == 0 and reclaimed == 0,
        f"each cut-off send was recorded by its receipt ({len(recovered)} of {len(in_flight)}), "
        f"nothing was reclaimed ({reclaimed} 'outbox.reclaim' events) or sent again ({swept})",
    )
    ids = {m["message"]["text"]["body"]: m["id"] for m in seen}
    verdict.check(
        all(
            row.provider_message_id == ids[body] and row.attempts == 1
            for body, row in messages.items()
        ),
        "our side holds one row per message, with the id of its one accepted send, one attempt",
    )
    verdict.found(
        "guarantee: each send carries its row and attempt as biz_opaque_callback_data; a "
        "receipt naming them records a send whose worker died, so the sweep does not resend "
        "it. A send whose receipts do not reach us within the lease (5 minutes) would still "
        "be sent again: at least once in that case only."
    )
    return verdict.finish(
        messages=args.messages,
        in_flight_at_kill=len(in_flight),
        accepted_by_provider=len(seen),
        accepted_twice=sum(1 for count in by_body.values() if count > 1),
        recovered_from_receipts=len(recovered),
        reclaimed=reclaimed,
        resent_by_sweep=swept,
    )


def _answers(web: str) -> bool:
    """The webhook server is up: its liveness endpoint answers."""
    try:
        return httpx.get(f"{web}/sehat/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    sys.exit(main())
