"""1,000 replayed webhooks: no duplicate case or message.

gunicorn (production settings), the huey consumer and the local Graph API server run on a
database of their own. Citizens file complaints over WhatsApp on the demo complaints number
(hello → name → complaint → LEWATI → YA: each citizen's fifth message makes an S2g case). The
script posts 1,000 signed webhooks in five rounds, 16 at a time: each round carries every
citizen's next message once and replays (same body, same message id) messages of this round
and earlier ones, in random order, so a message and its replays race each other. Between
rounds it waits for the worker to read everything (a citizen's messages must arrive in order
for the dialog; the replays need not).

Found: one stored inbound message per message id, one complaint and one case per citizen,
one reply per message (no citizen gets the same text twice, none goes unanswered); every
acknowledged post is a stored delivery (one row per HTTP request, by design: the raw body as
received). Only the citizens' replies are counted: the consumer also runs the periodic tasks,
which queue messages of their own (the weekly report forms to the kab/kota officers).

    python faults/webhook_replay.py [--citizens 40] [--posts 1000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
from common import (
    APP_SECRET,
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

NUMBER = "108117961900"  # Way Kanan's complaints number (demo)
DISPLAY = "628117961900"
# A name is letters only (alur.core.validators.person_name refuses digits): "Budi Santoso", ...
DIALOG = ["Halo", "{name}", "Antrean KTP-el {n} tidak dipanggil dua hari.", "LEWATI", "YA"]
GIVEN = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Joko", "Wati", "Eko"]
FAMILY = ["Santoso", "Lestari", "Hidayat", "Purnama", "Saputra", "Wibowo", "Utami"]


def citizen_name(index: int) -> str:
    return f"{GIVEN[index % len(GIVEN)]} {FAMILY[index // len(GIVEN) % len(FAMILY)]}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=40)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    verdict = Verdict("webhook_replay")
    url = prepare_database("alur_faults_replay")
    redis = redis_url(3)
    redis_flush(redis)
    graph_port, web_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    graph = graph_api(graph_port)
    env = server_env(url, redis, graph_base=f"http://127.0.0.1:{graph_port}/v21.0")
    web = gunicorn(web_port, env, workers=4)
    consumer = huey_consumer(env)
    try:
        graph.start()
        web.start()
        consumer.start()
        setup_django(env)
        return run(args, verdict, base, f"http://127.0.0.1:{graph_port}")
    finally:
        consumer.stop()
        web.stop()
        graph.stop()
        redis_flush(redis)


def run(args: argparse.Namespace, verdict: Verdict, base: str, graph: str) -> int:
    from alur.complaints.models import Complaint
    from alur.outbox.choices import MessageStatus
    from alur.outbox.models import OutboundMessage
    from alur.whatsapp.models import InboundMessage, WebhookDelivery
    from alur.whatsapp_cloud import payloads
    from alur.whatsapp_cloud.signature import sign
    from alur.workflow.models import Case

    if not wait_until(lambda: httpx.get(f"{base}/sehat/").status_code == 200, 30):
        verdict.check(False, "gunicorn started")
        return verdict.finish()
    wait_until(lambda: httpx.get(f"{graph}/_control/health").status_code == 200, 20)
    citizens = [f"62814{n + 1:08d}" for n in range(args.citizens)]
    for citizen in citizens:  # they wrote today: the provider accepts our replies
        httpx.post(
            f"{graph}/_control/inbound", json={"from": citizen, "phone_number_id": NUMBER}
        ).raise_for_status()
    cases_before = Case.objects.count()
    rng = random.Random(10)  # noqa: S311 - a reproducible shuffle, not a secret
    rounds = len(DIALOG)
    per_round = args.posts // rounds
    if per_round < args.citizens:
        verdict.check(False, f"--posts must be at least {rounds * args.citizens}")
        return verdict.finish()
    bodies: list[bytes] = []  # every distinct notification posted so far
    answers: Counter[int] = Counter()
    verdict.tried(
        f"{args.citizens} citizens x {rounds} messages = {args.citizens * rounds} distinct "
        f"messages, {args.posts} signed POSTs in {rounds} rounds, {args.concurrency} at a time; "
        "the rest of each round replays messages of this round and earlier ones"
    )

    def post(body: bytes) -> int:
        try:
            response = httpx.post(
                f"{base}/whatsapp/webhook/",
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": sign(body, APP_SECRET),
                },
                timeout=30,
            )
        except httpx.HTTPError:
            return 0
        return response.status_code

    started = time.monotonic()
    with ThreadPoolExecutor(args.concurrency) as pool:
        for step, template in enumerate(DIALOG):
            new = [
                payloads.encode(
                    payloads.message_notification(
                        phone_number_id=NUMBER,
                        display_phone_number=DISPLAY,
                        message=payloads.text_message(
                            citizen, template.format(n=i + 1, name=citizen_name(i))
                        ),
                        profile_name=citizen_name(i),
                    )
                )
                for i, citizen in enumerate(citizens)
            ]
            bodies.extend(new)
            count = per_round if step < rounds - 1 else args.posts - per_round * (rounds - 1)
            batch = new + [rng.choice(bodies) for _ in range(count - len(new))]
            rng.shuffle(batch)
            answers.update(pool.map(post, batch))
            settled = wait_until(
                lambda: (
                    not WebhookDelivery.objects.filter(state="received").exists()
                    and not InboundMessage.objects.filter(handled_at__isnull=True).exists()
                    and InboundMessage.objects.count() == len(bodies)
                ),
                90,
                0.25,
            )
            verdict.check(bool(settled), f"round {step + 1}: the worker read every message")
            if not settled:
                break
    seconds = time.monotonic() - started
    sent = wait_until(
        lambda: (
            not OutboundMessage.objects.filter(
                recipient__in=citizens, status__in=[MessageStatus.QUEUED, MessageStatus.SENDING]
            ).exists()
        ),
        60,
        0.25,
    )
    verdict.check(bool(sent), "the outbox sent every reply")
    accepted = httpx.get(
        f"{graph}/_control/messages", params={"phone_number_id": NUMBER}, timeout=30
    ).json()["data"]
    provider = Counter((m["wa_id"], m["message"].get("text", {}).get("body")) for m in accepted)
    posts = sum(answers.values())
    inbound = InboundMessage.objects.count()
    deliveries = WebhookDelivery.objects.count()
    complaints = Complaint.objects.count()
    cases = Case.objects.count() - cases_before
    # The citizens' replies; the periodic tasks of the consumer queue messages of their own
    # (the weekly report forms to the kab/kota officers), counted apart.
    to_citizens = OutboundMessage.objects.filter(recipient__in=citizens)
    replies = list(to_citizens.values_list("recipient", "payload"))
    others = OutboundMessage.objects.exclude(recipient__in=citizens).count()
    per_citizen = Counter(recipient for recipient, _ in replies)
    per_message = Counter(
        to_citizens.filter(object_type="whatsapp.inboundmessage").values_list(
            "object_id", flat=True
        )
    )
    doubled_replies = [
        key for key, count in Counter((r, p.get("body")) for r, p in replies).items() if count > 1
    ]
    verdict.found(
        f"{posts} POSTs in {seconds:.1f} s, answers {dict(answers)}; stored: {deliveries} "
        f"deliveries, {inbound} inbound messages, {complaints} complaints, {cases} new cases, "
        f"{len(replies)} outbound replies ({min(per_citizen.values(), default=0)}–"
        f"{max(per_citizen.values(), default=0)} per citizen); {others} other outbound "
        "messages (the consumer's periodic tasks)"
    )
    verdict.check(answers == Counter({200: posts}), "every POST acknowledged with 200")
    verdict.check(deliveries == posts, f"one stored delivery per POST ({deliveries})")
    verdict.check(
        inbound == len(bodies) == len(set(bodies)),
        f"one inbound message per message id ({inbound} of {len(bodies)})",
    )
    verdict.check(
        complaints == args.citizens and cases == args.citizens,
        f"one complaint and one case per citizen ({complaints}, {cases} of {args.citizens})",
    )
    verdict.check(
        set(Complaint.objects.values_list("reporter_phone", flat=True).distinct()).__len__()
        == args.citizens,
        "the complaints belong to distinct citizens",
    )
    verdict.check(
        not doubled_replies, f"no citizen got the same reply twice ({len(doubled_replies)})"
    )
    verdict.check(
        sum(provider.values()) == len(replies) and set(provider.values()) <= {1},
        f"the provider accepted each reply once ({sum(provider.values())} sends, "
        f"{len(replies)} replies)",
    )
    verdict.check(
        len(set(per_citizen.values())) == 1 and len(per_citizen) == args.citizens,
        "every citizen got the same number of replies",
    )
    verdict.check(
        len(per_message) == inbound and set(per_message.values()) == {1},
        f"one reply per inbound message ({len(per_message)} of {inbound} answered, "
        f"at most {max(per_message.values(), default=0)} each)",
    )
    return verdict.finish(
        posts=posts,
        distinct_messages=len(bodies),
        deliveries=deliveries,
        inbound=inbound,
        complaints=complaints,
        cases=cases,
        replies=len(replies),
        other_outbound=others,
        doubled_replies=len(doubled_replies),
        provider_sends=sum(provider.values()),
        post_seconds=round(seconds, 1),
    )


if __name__ == "__main__":
    sys.exit(main())
