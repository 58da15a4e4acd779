"""How the engine tells an applicant that their case went back to them or was refused.

The engine does not know the channels: a channel registers a notifier in its AppConfig.ready()
(WhatsApp queues the message in the outbox). Every notice is also kept on the case
(`ApplicantNotice`): the counter's record, read out to a walk-in applicant and shown where the
case is tracked, whether or not a channel carried it.

    from alur.workflow.notices import register_notifier

    register_notifier("WhatsApp", tell_over_whatsapp)

A notifier is called inside the transition's transaction with the case, the text and a key that
names the notice once (for the outbox's de-duplication); it returns the text it queued (which
may be an earlier message under the same key), or None when it cannot reach the applicant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alur.audit.services import record
from alur.workflow.models import ApplicantNotice, Case, Task

Notifier = Callable[["Case", str, str], str | None]

COUNTER = "loket"  # no channel reached the applicant: told at the counter, seen on /lacak/

_NOTIFIERS: dict[str, Notifier] = {}

# What other apps do when a case reaches its end (done, not cancelled or refused): called in the
# transaction that finishes it, with the case and the person whose step ended it (None: a
# worker). The satisfaction survey asks the applicant here.
OnDone = Callable[["Case", Any], None]
_ON_DONE: list[OnDone] = []


def register_notifier(channel: str, notifier: Notifier) -> None:
    _NOTIFIERS[channel] = notifier


def register_on_done(callback: OnDone) -> None:
    if callback not in _ON_DONE:
        _ON_DONE.append(callback)


def case_done(case: Case, actor: Any) -> None:
    for callback in _ON_DONE:
        callback(case, actor)


def tell(case: Case, text: str, key: str) -> tuple[list[str], str]:
    """Send `text` over every channel that reaches the case's applicant; the channels used and
    the text as sent (the first channel's)."""
    used: list[str] = []
    sent = text
    for channel, notifier in _NOTIFIERS.items():
        queued = notifier(case, text, key)
        if queued is not None:
            if not used:
                sent = queued
            used.append(channel)
    return used, sent


def _notice_text(case: Case, task: Task, kind: str) -> str:
    if kind == ApplicantNotice.Kind.REJECT:
        return (
            f"Mohon maaf, permohonan {case.reference} tidak dapat kami proses (ditolak): "
            f"{task.reason}"
        )
    return (
        f"Permohonan {case.reference} belum dapat diproses: {task.reason}\n"
        f"Lengkapi kekurangannya: kirim berkas ke nomor ini (ketik KIRIM) atau datang ke loket "
        f"{case.office.short_name}. Waktu layanan berhenti sampai Anda melengkapinya."
    )


def applicant_notice(case: Case, task: Task, kind: str, now: Any) -> ApplicantNotice:
    """The applicant hears the return or refusal over the channels that reach them, and the
    notice is kept on the case either way (the counter's record)."""
    channels, text = tell(case, _notice_text(case, task, kind), f"{kind}:{task.pk}")
    notice = ApplicantNotice.objects.create(
        case=case,
        task=task,
        kind=kind,
        text=text,
        channels=", ".join(channels or [COUNTER]),
        created_at=now,
    )
    record(
        actor=task.completed_by,
        office=case.office,
        action="case.applicant_notice",
        obj=case,
        after={"kind": kind, "task": task.pk, "channels": notice.channels},
    )
    return notice
