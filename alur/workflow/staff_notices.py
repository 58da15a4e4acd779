"""Notices to staff: work that waits for a person's decision lands on them.

When a task that needs someone's decision opens (a review or approval step, the paraf or the
signature of a letter of a case, a case returned to an earlier step) every person who holds it
is told: the task's assignee, or each holder (definitive, Plt. or Plh.) of the post in the
task's office and unit. Letters drafted on their own are not tasks: `alur.letters.notices`
writes the same notices for their paraf, signature and return through `notify`.

The rows are what "Pemberitahuan" lists; `workflow.digest` carries the undelivered ones to the
person in one message per batch window. Written in the transaction of the change that causes
them, once per person and task (or key).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.org.access import Capability, require, unit_chains
from alur.org.models import Appointment, Office, User
from alur.sop.models import SopRevision
from alur.workflow.choices import ACTIVE_TASK
from alur.workflow.models import Notification, StepQueueTime, Task
from alur.workflow.sop_spec import spec_for
from alur.workflow.spec import StepSpec

# What waits for the person (the digest groups by these, in this order).
LETTER_SIGN = "letter.sign"
LETTER_COSIGN = "letter.cosign"
LETTER_PARAF = "letter.paraf"
LETTER_RETURN = "letter.return"
DOCUMENT_SIGN = "document.sign"
TASK_REVIEW = "task.review"
TASK_RETURNED = "task.returned"

# Escalations to superiors (workflow.sla).
CASE_PROMISE = "case.promise"
TASK_QUEUE = "task.queue"

WORK_KINDS = (
    LETTER_SIGN,
    LETTER_COSIGN,
    LETTER_PARAF,
    LETTER_RETURN,
    DOCUMENT_SIGN,
    TASK_REVIEW,
    TASK_RETURNED,
    CASE_PROMISE,
    TASK_QUEUE,
)

# The step form keys whose task is a paraf or a signature (alur.letters.steps, the documents'
# signing step).
_LETTER_FORMS = {
    "letters.paraf": LETTER_PARAF,
    "letters.sign": LETTER_SIGN,
    "documents.sign": DOCUMENT_SIGN,
}


def clip_words(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut after a whole word with "…" when longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–") + "…"


def needs_decision(step: StepSpec) -> bool:
    """Does the step wait for a person's decision (told to them), rather than routine work
    (seen in their inbox)?"""
    return step.is_review or step.form in _LETTER_FORMS or step.may_reject


def position_holders(office_id: int, kind: str, unit_id: int | None) -> list[User]:
    """Everyone holding a post of `kind` in the office today that work for `unit_id` reaches
    (its unit or a unit below it; any post of the kind when None), acting holders included."""
    appointments = Appointment.objects.active_on(timezone.localdate()).filter(
        position__office_id=office_id,
        position__kind=kind,
        position__is_active=True,
        user__is_active=True,
    )
    if unit_id is not None:
        below = [u for u, chain in unit_chains({office_id}).items() if unit_id in chain]
        appointments = appointments.filter(position__unit_id__in=below)
    people = {a.user_id: a.user for a in appointments.select_related("user")}
    return [people[pk] for pk in sorted(people)]


def task_holders(task: Task) -> list[User]:
    """Who the task waits for: its assignee, or the holders of its post. The one who took the
    review step before it on the case is left out (they may not take this one)."""
    if task.assignee_id is not None:
        assert task.assignee is not None  # noqa: S101 - assignee_id is set
        return [task.assignee]
    return [
        user
        for user in position_holders(task.office_id, task.position_kind, task.unit_id)
        if user.pk != task.prior_reviewer_id
    ]


def notify(
    users: Iterable[User],
    *,
    office: Office,
    kind: str,
    message: str,
    title: str = "",
    url: str = "",
    key: str = "",
    task: Task | None = None,
    now: datetime | None = None,
) -> int:
    """Write one notice per person (none twice for the same task and kind, or key); how many
    were new. Runs in the caller's transaction."""
    now = now or timezone.now()
    people = {user.pk: user for user in users}
    if not people:
        return 0
    if key:
        known = set(
            Notification.objects.filter(user_id__in=people, key=key).values_list(
                "user_id", flat=True
            )
        )
        people = {pk: user for pk, user in people.items() if pk not in known}
    created = Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                office=office,
                task=task,
                kind=kind,
                message=message[:1000],
                title=clip_words(title, 160),
                url=url,
                key=key,
                created_at=now,
            )
            for user in people.values()
        ],
        ignore_conflicts=True,
    )
    return len(created)


def resolve(*, key_prefix: str, keep: str = "", now: datetime | None = None) -> int:
    """The work named by keys starting with `key_prefix` (other than `keep`) is done or went
    elsewhere: its notices are no longer carried by the digest."""
    return (
        Notification.objects.filter(key__startswith=key_prefix, done_at__isnull=True)
        .exclude(key=keep)
        .update(done_at=now or timezone.now())
    )


def tasks_ended(case_id: int, now: datetime) -> int:
    """The case's tasks that were completed or cancelled (or all of them, when the case
    finished) wait for no one any more: their notices are marked done. Called by the engine
    in the transaction of the change; how many notices were closed."""
    return (
        Notification.objects.filter(task__case_id=case_id, done_at__isnull=True)
        .exclude(task__status__in=ACTIVE_TASK)
        .update(done_at=now)
    )


def task_landed(task: Task, step: StepSpec, *, returned: bool = False) -> int:
    """A task that needs a decision (or a case sent back to a step) opened: its holders are
    told, with a link to the case page where they act."""
    case = task.case
    activity = clip_words(step.activity, 80)
    kind = TASK_RETURNED if returned else _LETTER_FORMS.get(step.form or "", TASK_REVIEW)
    if returned:
        message = (
            f"Perkara {case.reference} kembali kepada Anda (langkah {step.number}: "
            f"{activity}): {case.subject}"
        )
    elif kind == LETTER_SIGN:
        message = f"Naskah perkara {case.reference} menunggu tanda tangan Anda: {case.subject}"
    elif kind == DOCUMENT_SIGN:
        message = f"Dokumen perkara {case.reference} menunggu tanda tangan Anda: {case.subject}"
    elif kind == LETTER_PARAF:
        message = f"Naskah perkara {case.reference} menunggu paraf Anda: {case.subject}"
    else:
        message = (
            f"Perkara {case.reference} menunggu keputusan Anda (langkah {step.number}: "
            f"{activity}): {case.subject}"
        )
    return notify(
        task_holders(task),
        office=task.office,
        kind=kind,
        message=message,
        title=case.reference,
        url=reverse("workflow:case_detail", args=[case.reference]),
        task=task,
        now=task.created_at,
    )


# --- the person's own notices and preference, the office's queue times ---------------------


@transaction.atomic
def notification_read(*, user: User, pk: int) -> Notification:
    """Mark one of the person's own notices as read (someone else's: 404)."""
    notice = Notification.objects.select_for_update().filter(pk=pk, user_id=user.pk).first()
    if notice is None:
        raise Http404("Pemberitahuan tidak ditemukan.")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def notice_preference_set(*, user: User, channel: str) -> User:
    """How the person is told of waiting work: WhatsApp, e-mail, or only in the app."""
    if channel not in User.NoticeChannel.values:
        raise DomainError("Pilih cara pemberitahuan yang tersedia.")
    before = user.notice_channel
    user.notice_channel = channel
    user.save(update_fields=["notice_channel"])
    record(
        actor=user,
        office=None,
        action="user.notice_preference",
        obj=user,
        before={"notice_channel": before},
        after={"notice_channel": channel},
    )
    return user


@transaction.atomic
def queue_time_set(
    *, office: Office, sop_code: str, step: int, minutes: int | None, actor: User
) -> StepQueueTime | None:
    """Set (or with `minutes` None, remove) how long a task of SOP `sop_code` step `step` may
    wait in `office` before the superiors of its post are told. The office's managers only."""
    require(actor, Capability.MANAGE_CALENDAR, office)
    revision = SopRevision.objects.filter(code=sop_code).order_by("-revision").first()
    if revision is None:
        raise DomainError(f"SOP {sop_code} tidak dikenal.")
    spec = spec_for(revision)
    if step not in spec.numbers or spec.actor_of(step).is_outside:
        raise DomainError(
            f"SOP {sop_code} tidak memiliki langkah {step} yang dikerjakan petugas kantor."
        )
    if minutes is not None and not 1 <= minutes <= 60 * 24 * 30:
        raise DomainError("Waktu antre antara 1 menit dan 30 hari kerja (dalam menit).")
    existing = StepQueueTime.objects.filter(office=office, sop_code=sop_code, step=step).first()
    before = {"minutes": existing.minutes} if existing else None
    if minutes is None:
        if existing is not None:
            existing.delete()
        row = None
    else:
        row, _created = StepQueueTime.objects.update_or_create(
            office=office,
            sop_code=sop_code,
            step=step,
            defaults={"minutes": minutes, "updated_by": actor, "updated_at": timezone.now()},
        )
    record(
        actor=actor,
        office=office,
        action="workflow.queue_time",
        obj=row or office,
        before=before,
        after={"sop": sop_code, "step": step, "minutes": minutes},
    )
    return row
