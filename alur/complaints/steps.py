"""The handlers of S2g's step forms. They run inside the engine's transition (`task_complete`), so
the task, the complaint, the register number, the audit event and the message to the reporter are
one transaction: a refused step changes nothing.

A case without a complaint row (a procedure test that drives S2g with no reporter) is left alone.
"""

from __future__ import annotations

from django.utils import timezone

from alur.audit.services import record
from alur.complaints import delivery
from alur.complaints.choices import Category, Channel, Status
from alur.complaints.models import Complaint
from alur.complaints.services import (
    ANSWER_LIMIT,
    SATISFACTION_QUESTION,
    allow,
    clean_text,
    register_number_take,
)
from alur.core.errors import DomainError
from alur.sop.registry import KeyKind, declare
from alur.workflow.choices import Outcome
from alur.workflow.models import Case
from alur.workflow.services import StepContext


def _complaint(case: Case) -> Complaint | None:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("case", "office", "whatsapp_number")
        .filter(case=case)
        .first()
    )


def _reject(complaint: Complaint, context: StepContext) -> None:
    allow(complaint, "reject")
    complaint.status, complaint.closed_at = Status.REJECTED, timezone.now()
    complaint.answer, complaint.answered_by = context.task.reason, context.actor
    complaint.save(update_fields=["status", "closed_at", "answer", "answered_by"])
    record(
        actor=context.actor,
        office=complaint.office,
        action="complaints.reject",
        obj=complaint,
        reason=context.task.reason,
        after={"status": complaint.status},
    )
    delivery.tell_reporter(
        complaint,
        f"Pengaduan Anda {complaint.case.reference} tidak dapat kami proses: {context.task.reason}",
        "rejected",
        f"Pengaduan {complaint.case.reference} tidak dapat diproses",
        required=True,
    )


def _proceeding(context: StepContext, action: str) -> Complaint | None:
    """The case's complaint when the step goes on with `action`; None when there is no complaint
    or the step rejected it (then it is closed with the reason, the reporter told)."""
    complaint = _complaint(context.case)
    if complaint is None:
        return None
    if context.outcome == Outcome.REJECT:
        _reject(complaint, context)
        return None
    allow(complaint, action)
    return complaint


def on_register(context: StepContext) -> None:
    complaint = _proceeding(context, "register")
    if complaint is None:
        return
    category = str(context.data.get("category") or "")
    if category not in Category.values:
        raise DomainError("Pilih kategori pengaduan.")
    complaint.category = category
    complaint.analysis = str(context.data.get("analysis") or "").strip()[:4000]
    complaint.status, complaint.registered_at = Status.REGISTERED, timezone.now()
    number = register_number_take(complaint, complaint.registered_at)
    complaint.save(
        update_fields=[
            "category",
            "analysis",
            "status",
            "registered_at",
            "register_year",
            "register_serial",
            "register_number",
        ]
    )
    record(
        actor=context.actor,
        office=complaint.office,
        action="complaints.register",
        obj=complaint,
        after={"register_number": number, "category": category},
    )


def on_respond(context: StepContext) -> None:
    complaint = _complaint(context.case)
    if complaint is None:
        return
    if context.outcome == Outcome.REJECT:
        _reject(complaint, context)
        return
    if context.step.question and context.task.branch == "yes":
        allow(complaint, "escalate")
        note = clean_text(
            context.data.get("note"),
            "Tuliskan mengapa pengaduan ini perlu diteruskan ke pejabat pengelola pengaduan.",
        )
        complaint.status, complaint.escalation_note = Status.ESCALATED, note
        complaint.save(update_fields=["status", "escalation_note"])
        record(
            actor=context.actor,
            office=complaint.office,
            action="complaints.escalate",
            obj=complaint,
            after={"status": complaint.status},
            reason=note,
        )
        return
    allow(complaint, "answer")
    answer = clean_text(context.data.get("answer"), "Tuliskan jawaban untuk pelapor.", ANSWER_LIMIT)
    before = {"status": complaint.status}
    complaint.status, complaint.answer = Status.ANSWERED, answer
    complaint.answered_by, complaint.closed_at = context.actor, timezone.now()
    complaint.save(update_fields=["status", "answer", "answered_by", "closed_at"])
    reference = complaint.case.reference
    # Where the survey (SKM) goes on WhatsApp it replaces the old 1–5 question: one survey.
    question = "" if _survey_by_whatsapp(complaint) else f"\n\n{SATISFACTION_QUESTION}"
    sent = delivery.tell_reporter(
        complaint,
        f"Jawaban atas pengaduan Anda {reference}:\n\n{answer}{question}",
        "answer",
        f"Jawaban pengaduan {reference}",
        required=True,
    )
    record(
        actor=context.actor,
        office=complaint.office,
        action="complaints.answer",
        obj=complaint,
        before=before,
        after={"status": complaint.status, "channel": complaint.channel, "sent": sent},
    )
    _survey(complaint, context)


def _survey_by_whatsapp(complaint: Complaint) -> bool:
    return complaint.channel == Channel.WHATSAPP and bool(complaint.reporter_phone)


def _survey(complaint: Complaint, context: StepContext) -> None:
    """The answered reporter is asked the satisfaction survey (once per complaint): on WhatsApp
    when the complaint came by it, else by the link the officer shows or hands over."""
    from alur.survey.choices import Source
    from alur.survey.services import survey_invite

    by_whatsapp = _survey_by_whatsapp(complaint)
    survey_invite(
        case=complaint.case,
        source=Source.COMPLAINTS,
        actor=context.actor,
        phone=complaint.reporter_phone if by_whatsapp else "",
        whatsapp_number=delivery.complaints_number(complaint) if by_whatsapp else None,
    )


def on_resolve(context: StepContext) -> None:
    complaint = _proceeding(context, "resolve")
    if complaint is None:
        return
    if not complaint.opinions.exists():
        raise DomainError(
            "Belum ada pendapat dari Tim Penjawab Aduan; catat pendapat anggota tim dahulu."
        )
    solution = clean_text(
        context.data.get("solution"), "Tuliskan solusi hasil konsultasi.", ANSWER_LIMIT
    )
    complaint.proposed_solution = solution
    complaint.save(update_fields=["proposed_solution"])
    record(
        actor=context.actor,
        office=complaint.office,
        action="complaints.resolve",
        obj=complaint,
        after={"opinions": complaint.opinions.count()},
    )


def on_decide(context: StepContext) -> None:
    complaint = _proceeding(context, "decide")
    if complaint is None:
        return
    text = clean_text(
        context.data.get("decision"), "Tuliskan keputusan (solusi) untuk pelapor.", ANSWER_LIMIT
    )
    before = {"decision": complaint.decision}
    complaint.decision, complaint.decided_by = text, context.actor
    complaint.decided_at = timezone.now()
    complaint.save(update_fields=["decision", "decided_by", "decided_at"])
    record(
        actor=context.actor,
        office=complaint.office,
        action="complaints.decide",
        obj=complaint,
        before=before,
        after={"decision": text},
    )


def register() -> None:
    from alur.complaints import panels

    for key, handler, panel, description in (
        (
            "complaints.register",
            on_register,
            panels.register_panel,
            "Record a complaint in the complaint register and analyse it.",
        ),
        (
            "complaints.decide",
            on_decide,
            panels.decide_panel,
            "The complaint-handling official decides the solution after hearing the answering "
            "team.",
        ),
        (
            "complaints.respond",
            on_respond,
            panels.respond_panel,
            "Explain the answer or solution to the reporter.",
        ),
        (
            "complaints.resolve",
            on_resolve,
            panels.resolve_panel,
            "Decide the solution of a complaint that needs the answering team.",
        ),
    ):
        declare(
            key,
            KeyKind.FORM,
            handler,
            description=description,
            panel=panel,
            replaces_outcome=True,
        )
