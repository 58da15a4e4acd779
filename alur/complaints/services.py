"""Every change to complaints. One transaction each, with its audit event and its messages.

The steps of SOP S2g are workflow tasks; the services here complete them with the complaint's
data, and the step handlers (`alur.complaints.steps`) write the complaint in the same transition.
Intake (WhatsApp, web form, counter) and the satisfaction score are outside the engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from alur.audit.services import record
from alur.complaints import delivery, permissions
from alur.complaints.choices import Channel, Status
from alur.complaints.models import Complaint, Opinion, TeamMember
from alur.complaints.permissions import MSG_CLOSED, MSG_NOT_TEAM, allow  # noqa: F401 - their home
from alur.core.counters import counter_next
from alur.core.errors import ConflictError, DomainError
from alur.core.validators import person_name, typed_number
from alur.org.access import Capability, can, require
from alur.org.models import Office, User
from alur.workflow import engine
from alur.workflow.cancel import case_cancel
from alur.workflow.choices import Outcome, TaskStatus
from alur.workflow.models import Case, Task
from alur.workflow.services import case_start, procedure, task_claim, task_complete, task_reassign

SOP_CODE = "S2g"
TEXT_LIMIT = 4000
ANSWER_LIMIT = 3000  # the answer and the satisfaction question fit one WhatsApp text

MSG_TEXT_EMPTY = "Isi pengaduan wajib diisi: ceritakan permasalahan yang Anda alami."
MSG_NAME_EMPTY = "Nama pelapor wajib diisi."
MSG_PHONE_REQUIRED = "Nomor HP wajib diisi agar jawaban dapat disampaikan dan pengaduan dilacak."
MSG_SCORE_RANGE = "Nilai kepuasan harus berupa angka 1 sampai 5."
MSG_SCORE_TWICE = "Penilaian kepuasan untuk pengaduan ini sudah diberikan. Terima kasih."
SATISFACTION_QUESTION = (
    "Seberapa puas Anda dengan penanganan pengaduan ini? Balas dengan angka 1 (sangat tidak "
    "puas) sampai 5 (sangat puas)."
)


# --- checks --------------------------------------------------------------------------------


def phone_normalize(raw: str) -> str:
    """An Indonesian (or E.164) mobile number as digits without '+'; DomainError if invalid."""
    from alur.outbox.validation import normalize_whatsapp_number

    try:
        return normalize_whatsapp_number(raw)
    except ValidationError as error:
        raise DomainError(
            f"Nomor HP tidak sah: «{raw}». Tulis seperti 081234567890 atau +6281234567890.",
            code="phone",
        ) from error


def application_find(office: Office, reference: str) -> Any:
    """The application of `office` with this tracking number; DomainError when there is none."""
    from alur.intake.models import Application

    wanted = (reference or "").strip().upper()
    application = (
        Application.objects.select_related("case")
        .filter(office=office, case__reference=wanted)
        .first()
        if wanted
        else None
    )
    if application is None:
        raise DomainError(
            f"Nomor permohonan «{reference.strip()}» tidak ditemukan di {office.short_name}. "
            "Periksa lagi nomornya, atau kosongkan bila pengaduan tidak terkait permohonan.",
            code="application",
        )
    return application


def clean_text(value: Any, message: str, limit: int = TEXT_LIMIT, code: str = "invalid") -> str:
    text = str(value or "").strip()
    if not text:
        raise DomainError(message, code=code)
    if len(text) > limit:
        raise DomainError(f"Teks terlalu panjang: paling banyak {limit} karakter.", code=code)
    return text


def _locked(complaint: Complaint) -> Complaint:
    """The complaint, locked after its case: the engine's order (case, then task, then here)."""
    Case.objects.select_for_update(of=("self",)).filter(pk=complaint.case_id).first()
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("case", "office", "whatsapp_number")
        .get(pk=complaint.pk)
    )


# --- intake (step 1) -----------------------------------------------------------------------


def complaint_submit(
    *,
    office: Office,
    channel: str,
    reporter_name: str,
    text: str,
    reporter_phone: str = "",
    reporter_email: str = "",
    application_reference: str = "",
    actor: User | None = None,
    whatsapp_number: Any = None,
    client_token: str = "",
) -> Complaint:
    """Take in a complaint: its S2g case starts with the reporter's step done.

    `actor` None: a channel acting for the citizen (WhatsApp, the public form). With a
    `client_token`, the same submission (a double click, a resent form) returns the complaint it
    made the first time instead of a second one.
    """
    if channel not in Channel.values:
        raise DomainError(f"Saluran {channel!r} tidak dikenal.")
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, office)
    client_token = (client_token or "").strip()[:64]
    if client_token:
        existing = Complaint.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    body = clean_text(text, MSG_TEXT_EMPTY, code="text")
    name = clean_text(reporter_name, MSG_NAME_EMPTY, limit=150, code="name")
    try:
        name = person_name(name)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="name") from error
    phone = ""
    if (reporter_phone or "").strip():
        phone = phone_normalize(reporter_phone)
    elif channel != Channel.COUNTER:
        raise DomainError(MSG_PHONE_REQUIRED, code="phone")
    email = (reporter_email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise DomainError(f"Alamat surel tidak sah: «{email}».", code="email") from error
    application = (
        application_find(office, application_reference)
        if (application_reference or "").strip()
        else None
    )
    try:
        with transaction.atomic():
            case = case_start(
                code=SOP_CODE,
                office=office,
                subject=f"Pengaduan — {name}"[:300],
                actor=actor,
                submitted=True,
            )
            complaint = Complaint.objects.create(
                case=case,
                office=office,
                channel=channel,
                reporter_name=name,
                reporter_phone=phone,
                reporter_email=email,
                text=body,
                application=application,
                whatsapp_number=whatsapp_number,
                client_token=client_token,
                created_at=case.started_at,
                created_by=actor,
            )
            record(
                actor=actor,
                office=office,
                action="complaints.submit",
                obj=complaint,
                after={
                    "case": case.reference,
                    "channel": channel,
                    "application": application.case.reference if application else "",
                },
            )
    except IntegrityError:
        existing = (
            Complaint.objects.filter(client_token=client_token).first() if client_token else None
        )
        if existing is None:
            raise
        return existing  # the same form, submitted twice at once: the first one won
    return complaint


# --- the register number -------------------------------------------------------------------


def register_number_take(complaint: Complaint, when: datetime) -> str:
    """Give `complaint` the next serial of its office's register for the year of `when`.

    Runs in the transaction of the registration: a rollback gives the serial back, so the register
    has no gaps. Concurrent registrations of one office queue on the counter row.
    """
    if complaint.register_serial is not None:
        return complaint.register_number
    year = when.astimezone(complaint.office.zone).year
    serial = counter_next("complaints.register", complaint.office.pk, year)
    complaint.register_year = year
    complaint.register_serial = serial
    complaint.register_number = f"{serial:04d}/PGD/{complaint.office.code}/{year}"
    return complaint.register_number


# --- the steps -----------------------------------------------------------------------------


def step_numbers(complaint: Complaint, key: str) -> list[int]:
    return [s.number for s in procedure(complaint.case).steps if s.form == key]


def decision_step(complaint: Complaint) -> int | None:
    """The official's step (complaints.decide)."""
    steps = step_numbers(complaint, "complaints.decide")
    return steps[0] if steps else None


def active_task(complaint: Complaint, steps: list[int]) -> Task | None:
    return (
        complaint.case.tasks.filter(
            step__in=steps, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)
        )
        .select_related("office", "assignee")
        .order_by("id")
        .first()
    )


def _task_for(complaint: Complaint, key: str, action: str) -> Task:
    allow(complaint, action)
    task = active_task(complaint, step_numbers(complaint, key))
    if task is None:
        raise DomainError("Langkah ini tidak sedang terbuka untuk pengaduan ini.")
    return task


@transaction.atomic
def complaint_register(
    *, complaint: Complaint, actor: User, category: str, analysis: str = ""
) -> Complaint:
    """Step 2: the receiving officer analyses the complaint and records it in the register."""
    complaint = _locked(complaint)
    task = _task_for(complaint, "complaints.register", "register")
    task_complete(
        task=task,
        actor=actor,
        outcome=Outcome.DONE,
        data={"category": category, "analysis": analysis},
    )
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_reject(*, complaint: Complaint, actor: User, reason: str) -> Complaint:
    """Not a complaint the office can take (spam, another agency's matter): the complaint is
    closed unprocessed, the reporter told why, and its case is cancelled with the reason. The
    SOP refuses nothing, so this is no step outcome: the officer at the open step (registering,
    answering, or the team's consultation) closes it as the one who holds that step."""
    complaint = _locked(complaint)
    allow(complaint, "reject")
    keys = ("complaints.register", "complaints.respond", "complaints.resolve")
    steps = [n for key in keys for n in step_numbers(complaint, key)]
    task = active_task(complaint, steps)
    if task is None:
        raise DomainError("Pengaduan ini tidak sedang menunggu langkah petugas.")
    text = clean_text(
        reason, "Tuliskan alasan pengaduan tidak diproses (disampaikan kepada pelapor).", 1000
    )
    task_claim(task=task, actor=actor)  # only one who holds the open step closes it
    complaint.status, complaint.closed_at = Status.REJECTED, timezone.now()
    complaint.answer, complaint.answered_by = text, actor
    complaint.save(update_fields=["status", "closed_at", "answer", "answered_by"])
    record(
        actor=actor,
        office=complaint.office,
        action="complaints.reject",
        obj=complaint,
        reason=text,
        after={"status": complaint.status},
    )
    reference = complaint.case.reference
    delivery.tell_reporter(
        complaint,
        f"Pengaduan Anda {reference} tidak dapat kami proses: {text}",
        "rejected",
        f"Pengaduan {reference} tidak dapat diproses",
        required=True,
    )
    case_cancel(case=complaint.case, actor=actor, reason=f"Pengaduan tidak diproses: {text}")
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_answer(*, complaint: Complaint, actor: User, answer: str) -> Complaint:
    """Step 3 "no" (answered directly) or step 7 (the decided solution): the answer goes out."""
    complaint = _locked(complaint)
    task = _task_for(complaint, "complaints.respond", "answer")
    step = procedure(complaint.case).step(task.step)
    task_complete(
        task=task,
        actor=actor,
        outcome=Outcome.DONE,
        branch="no" if step.question else "yes",
        data={"answer": answer},
    )
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, actor: User, note: str) -> Complaint:
    """Step 3 "yes": the problem is more complex; it goes to the complaint-handling official."""
    complaint = _locked(complaint)
    task = _task_for(complaint, "complaints.respond", "escalate")
    if not procedure(complaint.case).step(task.step).question:
        raise DomainError("Pengaduan ini sudah diteruskan; sampaikan jawabannya kepada pelapor.")
    task_complete(task=task, actor=actor, outcome=Outcome.DONE, branch="yes", data={"note": note})
    complaint.refresh_from_db()
    return complaint


def is_team_member(user: User, office: Office | int) -> bool:
    office_id = office if isinstance(office, int) else office.pk
    return TeamMember.objects.filter(office_id=office_id, user=user, is_active=True).exists()


@transaction.atomic
def complaint_opinion_add(*, complaint: Complaint, actor: User, text: str) -> Opinion:
    """Step 5: one answering-team member's opinion, once per member and complaint."""
    complaint = _locked(complaint)
    permissions.require(complaint, actor, "opinion")
    body = clean_text(text, "Tuliskan pendapat Anda.")
    opinion = Opinion.objects.create(
        complaint=complaint, member=actor, text=body, created_at=timezone.now()
    )
    record(
        actor=actor,
        office=complaint.office,
        action="complaints.opinion",
        obj=complaint,
        after={"member": actor.pk, "opinion": opinion.pk},
    )
    return opinion


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, actor: User, solution: str) -> Complaint:
    """Step 5 done: the consultation ends with the team's solution."""
    complaint = _locked(complaint)
    task = _task_for(complaint, "complaints.resolve", "resolve")
    task_complete(task=task, actor=actor, outcome=Outcome.DONE, data={"solution": solution})
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_decide(*, complaint: Complaint, actor: User, decision: str) -> Complaint:
    """Step 6: the complaint-handling official decides the solution and hands it to the officer."""
    complaint = _locked(complaint)
    allow(complaint, "decide")
    number = decision_step(complaint)
    task = active_task(complaint, [number]) if number is not None else None
    if task is None:
        raise DomainError(
            "Keputusan belum dapat dicatat: konsultasi Tim Penjawab Aduan belum selesai."
        )
    task_complete(task=task, actor=actor, outcome=Outcome.DONE, data={"decision": decision})
    _hand_back(complaint, actor)
    complaint.refresh_from_db()
    return complaint


def _hand_back(complaint: Complaint, actor: User) -> None:
    """The official gives the solution to the officer who received the complaint (SOP step 6):
    the answering step goes to that officer when they still hold the post."""
    escalated = (
        complaint.case.tasks.filter(
            step__in=step_numbers(complaint, "complaints.respond"), branch="yes"
        )
        .select_related("completed_by")
        .order_by("-completed_at")
        .first()
    )
    answering = active_task(complaint, step_numbers(complaint, "complaints.respond"))
    officer = escalated.completed_by if escalated else None
    if (
        officer is None
        or answering is None
        or answering.assignee_id is not None
        or not can(actor, Capability.PARAF, complaint.office)
        or not engine.holds(officer, answering.office_id, answering.position_kind)
    ):
        return
    task_reassign(
        task=answering,
        to_user=officer,
        actor=actor,
        reason="Solusi diserahkan kepada petugas penerima aduan.",
    )


# --- after closing -------------------------------------------------------------------------


@transaction.atomic
def complaint_rate(*, complaint: Complaint, score: Any, channel: str) -> Complaint:
    """The reporter's satisfaction (1–5) with an answered complaint; given once."""
    complaint = _locked(complaint)
    value = typed_number(str(score), max_digits=1)
    if value is None or not 1 <= value <= 5:
        raise DomainError(MSG_SCORE_RANGE, code="score")
    if complaint.satisfaction is not None:
        raise ConflictError(MSG_SCORE_TWICE)
    if complaint.status != Status.ANSWERED:
        raise DomainError("Penilaian kepuasan dapat diberikan setelah pengaduan dijawab.")
    complaint.satisfaction, complaint.satisfaction_at = value, timezone.now()
    complaint.save(update_fields=["satisfaction", "satisfaction_at"])
    record(
        actor=None,
        office=complaint.office,
        action="complaints.rate",
        obj=complaint,
        after={"satisfaction": complaint.satisfaction, "channel": channel},
    )
    return complaint


# --- the answering team --------------------------------------------------------------------


@transaction.atomic
def team_member_set(
    *, office: Office, user: User, active: bool = True, role: str = "", actor: User | None = None
) -> TeamMember:
    """Add someone to the office's answering team, or take them off it (audited)."""
    if actor is not None:
        require(actor, Capability.PARAF, office)
    if active and not can(user, Capability.HANDLE_CASES, office):
        raise DomainError(f"{user.get_full_name()} tidak bertugas di {office.short_name}.")
    member, created = TeamMember.objects.select_for_update().get_or_create(
        office=office, user=user, defaults={"role": role, "is_active": active}
    )
    if not created and (member.is_active, member.role) == (active, role or member.role):
        return member
    before = None if created else {"is_active": member.is_active, "role": member.role}
    member.is_active, member.role = active, role or member.role
    member.save(update_fields=["is_active", "role"])
    record(
        actor=actor,
        office=office,
        action="complaints.team_member",
        obj=member,
        before=before,
        after={"user": user.pk, "is_active": active, "role": member.role},
    )
    return member
