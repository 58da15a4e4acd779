"""Messages a staff member receives on a busy demo day, one per notice against the batched digest.

A working day (Tuesday, 07:30–16:00 WIB) is walked in 5-minute ticks, deterministically: Way
Kanan receives `--cases` S2e (akta kelahiran) applications spread over the morning and early
afternoon, each moved one step every two ticks by the holder of the step, and the Babel
province office drafts `--letters` letters (paraf Kabid, then Sekretaris, signature Kadis), each
initialled three ticks after the last move. After each tick's work the digest runs as the
periodic task would (`workflow.digest.digest_send`, window `--window` minutes).

"Before" counts one message per notice written (what sending each notice at once would send);
"after" counts the digest messages queued. The engine's step handlers are detached as in
`bench/workflow.py` (every step a bare "done"); letters are left waiting for the signature (a
TTE needs the signer's passphrase), which the digest carries once.

    python bench/notices.py [--cases 40] [--letters 12] [--window 30]
"""

from __future__ import annotations

import argparse
import statistics
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from common import emit, fresh_database, machine, setup_django

DB = "alur_bench_notices"
WIB = ZoneInfo("Asia/Jakarta")
DAY_START = datetime(2026, 12, 8, 7, 30, tzinfo=WIB)  # a Tuesday, no holiday
TICK = timedelta(minutes=5)
TICKS = 102  # 07:30 → 16:00


def prepare(url: str, window: int) -> None:
    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    settings.ALUR_NOTICE_BATCH_MINUTES = window


def detach_step_handlers() -> None:
    from dataclasses import replace

    from alur.sop.registry import registry

    for entry in registry.entries():
        if entry.handler is not None:
            registry._entries[entry.key] = replace(entry, handler=None)


def simulate(cases: int, letters: int) -> None:
    from alur.letters.chain import letter_paraf, letter_submit
    from alur.letters.models import Letter
    from alur.letters.services import LetterInput, letter_create
    from alur.org.models import Office, Position, User
    from alur.workflow import outside, routing, services
    from alur.workflow.choices import CaseStatus, TaskStatus
    from alur.workflow.digest import digest_send
    from alur.workflow.models import Case, Notification

    Notification.objects.all().delete()  # the demo's own: the day starts with none
    way_kanan, babel = Office.objects.get(code="18.08"), Office.objects.get(code="19")
    intake = routing.holders(way_kanan.pk, "kasi", None)[0]
    drafter = User.objects.get(username="babel.pelaksana")

    def post(kind: str) -> Position:
        return Position.objects.filter(office=babel, kind=kind, is_active=True).order_by("pk")[0]

    chain = [post("kabid"), post("sekretaris")]
    initials = [User.objects.get(username=u) for u in ("babel.kabid", "babel.sekretaris")]
    case_start = {i: (i * int(TICKS * 0.7)) // max(cases, 1) for i in range(cases)}
    letter_start = {j: 1 + (j * int(TICKS * 0.8)) // max(letters, 1) for j in range(letters)}
    running: list[tuple[Case, int]] = []  # (case, next tick it moves)
    drafts: list[tuple[Letter, int, int]] = []  # (letter, paraf given, next tick)
    people: dict[tuple[str, int | None], User] = {}
    for tick in range(TICKS + 1):
        now = DAY_START + tick * TICK
        for i in [i for i, t in case_start.items() if t == tick]:
            case = services.case_start(
                code="S2e",
                office=way_kanan,
                subject=f"Akta kelahiran {i + 1}",
                actor=None,
                submitted=True,
            )
            running.append((case, tick + 2))
        for j in [j for j, t in letter_start.items() if t == tick]:
            letter = letter_create(
                office=babel,
                actor=drafter,
                data=LetterInput(
                    kind="surat",
                    classification="400.12.2.1",
                    subject=f"Surat dinas {j + 1}",
                    body="Dengan hormat, ...",
                    recipient="Kepala Dinas",
                ),
                signer=post("kadis"),
                paraf=chain,
            )
            drafts.append((letter_submit(letter=letter, actor=drafter), 0, tick + 3))
        still: list[tuple[Case, int]] = []
        for case, due in running:
            if due > tick:
                still.append((case, due))
                continue
            task = case.tasks.filter(status__in=["open", "claimed", "waiting"]).first()
            if task is None:
                continue
            if task.status == TaskStatus.WAITING:
                outside.outside_step_complete(case=case, actor=intake)
            else:
                key = (task.position_kind, task.unit_id)
                actor = people.get(key) or people.setdefault(
                    key, routing.holders(way_kanan.pk, task.position_kind, task.unit_id)[0]
                )
                services.task_complete(task=task, actor=actor, outcome="done")
            case.refresh_from_db()
            if case.status in (CaseStatus.OPEN, CaseStatus.WAITING):
                still.append((case, tick + 2))
        running = still
        moved: list[tuple[Letter, int, int]] = []
        for letter, given, due in drafts:
            if due > tick or given == len(initials):
                moved.append((letter, given, due))
                continue
            letter = letter_paraf(letter=letter, actor=initials[given])
            moved.append((letter, given + 1, tick + 3))
        drafts = moved
        digest_send(now=now)


def count() -> dict[str, tuple[int, int]]:
    from django.db.models import Count

    from alur.org.models import User
    from alur.outbox.models import OutboundMessage
    from alur.workflow.models import Notification

    before = dict(
        Notification.objects.values_list("user__username").annotate(n=Count("pk")).order_by()
    )
    names = dict(User.objects.values_list("pk", "username"))
    after: dict[str, int] = {}
    for object_id in OutboundMessage.objects.filter(object_type="org.user").values_list(
        "object_id", flat=True
    ):
        name = names[int(object_id)]
        after[name] = after.get(name, 0) + 1
    return {name: (n, after.get(name, 0)) for name, n in sorted(before.items())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--letters", type=int, default=12)
    parser.add_argument("--window", type=int, default=30)
    args = parser.parse_args()
    prepare(fresh_database(DB), args.window)
    detach_step_handlers()
    simulate(args.cases, args.letters)
    rows = count()
    for name, (before, after) in rows.items():
        emit(bench="notices_per_person", person=name, before=before, after=after)
    befores = [b for b, _a in rows.values()]
    afters = [a for _b, a in rows.values()]
    emit(
        bench="notices_day",
        cases=args.cases,
        letters=args.letters,
        window_minutes=args.window,
        people=len(rows),
        before_total=sum(befores),
        after_total=sum(afters),
        before_max=max(befores, default=0),
        after_max=max(afters, default=0),
        before_median=statistics.median(befores) if befores else 0,
        after_median=statistics.median(afters) if afters else 0,
        **machine(),
    )


if __name__ == "__main__":
    main()
