"""S2g as the Way Kanan personas run it: the direct answer, and the escalation with the team."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.complaints import services
from alur.complaints.choices import Category, Status
from alur.complaints.models import Complaint
from alur.complaints.tests.conftest import E164, NOT_TEAM, OFFICER, OFFICIAL, TEAM, TEAM_LEAD
from alur.core.errors import ConflictError, DomainError
from alur.outbox.models import OutboundMessage
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.services import task_complete

pytestmark = pytest.mark.django_db

Persona = Callable[[str], Any]


def actions(complaint: Complaint) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="complaints.complaint", object_id=str(complaint.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def steps_done(complaint: Complaint) -> list[int]:
    return list(
        complaint.case.tasks.filter(status=TaskStatus.DONE)
        .order_by("completed_at", "id")
        .values_list("step", flat=True)
    )


def register(complaint: Complaint, persona: Persona) -> Complaint:
    return services.complaint_register(
        complaint=complaint,
        actor=persona(OFFICER),
        category=Category.DELAY,
        analysis="Perekaman 3 bulan lalu; blangko sempat kosong.",
    )


def report_to_the_official(complaint: Complaint, persona: Persona) -> None:
    """Step 4 has no form of its own: the officer completes it on the case page."""
    task = services.active_task(complaint, [4])
    assert task is not None
    task_complete(task=task, actor=persona(OFFICER), outcome=Outcome.DONE)


def escalate_to_decision(complaint: Complaint, persona: Persona) -> Complaint:
    register(complaint, persona)
    services.complaint_escalate(
        complaint=complaint, actor=persona(OFFICER), note="Perlu cek stok blangko dan SIAK."
    )
    report_to_the_official(complaint, persona)
    services.complaint_opinion_add(
        complaint=complaint, actor=persona(TEAM[0]), text="Cetak ulang hari ini; blangko ada."
    )
    services.complaint_opinion_add(
        complaint=complaint, actor=persona(TEAM[1]), text="Setuju; kabari pelapor lewat WA."
    )
    services.complaint_resolve(
        complaint=complaint,
        actor=persona(TEAM_LEAD),
        solution="KTP-el dicetak hari ini dan dapat diambil besok di loket.",
    )
    return services.complaint_decide(
        complaint=complaint,
        actor=persona(OFFICIAL),
        decision="KTP-el Anda dicetak hari ini dan dapat diambil besok mulai pukul 08.00.",
    )


def test_a_complaint_answered_directly_by_the_receiving_officer(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = file_complaint(channel="whatsapp")
    assert complaint.case.status == CaseStatus.OPEN and complaint.status == Status.RECEIVED
    assert complaint.reporter_phone == E164
    complaint = register(complaint, persona)
    year = timezone.localdate().year
    assert complaint.status == Status.REGISTERED
    assert complaint.register_number == f"0001/PGD/18.08/{year}"
    complaint = services.complaint_answer(
        complaint=complaint,
        actor=persona(OFFICER),
        answer="KTP-el Anda sudah dicetak; silakan ambil di loket.",
    )
    complaint.case.refresh_from_db()
    assert complaint.status == Status.ANSWERED and complaint.closed_at is not None
    assert complaint.case.status == CaseStatus.DONE
    assert steps_done(complaint) == [1, 2, 3]  # the "no" path of step 3 ends the SOP
    assert complaint.case.tasks.get(step=3).branch == "no"
    assert complaint.answered_by.username == OFFICER
    # The SLA clock ran from step 2 and stopped at the end, well inside one working day.
    assert complaint.case.clock_started_at and complaint.case.clock_stopped_at
    assert complaint.case.clock_stopped_at <= complaint.case.due_at
    # The answer, then the satisfaction survey (alur.survey) on the same number.
    message = OutboundMessage.objects.get(recipient=E164, dedupe_key__endswith=":answer")
    assert "KTP-el Anda sudah dicetak" in message.payload["body"]
    assert "angka 1" not in message.payload["body"]  # the survey (SKM) replaces the 1–5 question
    assert actions(complaint) == [
        "complaints.submit",
        "complaints.register",
        "complaints.answer",
    ]


def test_an_escalated_complaint_goes_through_the_team_and_the_official(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = escalate_to_decision(file_complaint(), persona)
    assert complaint.status == Status.ESCALATED
    assert complaint.decided_by.username == OFFICIAL
    opinions = complaint.opinions.order_by("id")
    assert [o.member.username for o in opinions] == list(TEAM[:2])
    task = services.active_task(complaint, [7])
    assert task is not None and task.status == TaskStatus.CLAIMED  # back to whoever did step 2-4
    assert task.assignee.username == OFFICER
    complaint = services.complaint_answer(
        complaint=complaint, actor=persona(OFFICER), answer=complaint.solution
    )
    complaint.case.refresh_from_db()
    assert complaint.status == Status.ANSWERED
    assert complaint.case.status == CaseStatus.DONE
    assert steps_done(complaint) == [1, 2, 3, 4, 5, 6, 7]
    assert complaint.case.tasks.get(step=3).branch == "yes"
    assert complaint.answer.startswith("KTP-el Anda dicetak hari ini")
    assert actions(complaint) == [
        "complaints.submit",
        "complaints.register",
        "complaints.escalate",
        "complaints.opinion",
        "complaints.opinion",
        "complaints.resolve",
        "complaints.decide",
        "complaints.answer",
    ]
    # The web reporter gave no e-mail: nothing is sent; the answer is on the tracking page.
    assert OutboundMessage.objects.count() == 0


def test_a_web_complaint_with_an_email_is_answered_by_email(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = register(file_complaint(reporter_email="siti@example.com"), persona)
    services.complaint_answer(complaint=complaint, actor=persona(OFFICER), answer="Sudah selesai.")
    message = OutboundMessage.objects.get(recipient="siti@example.com")
    assert message.channel == "email" and "Sudah selesai." in message.payload["body"]
    assert complaint.case.reference in message.payload["subject"]


def test_step_4_is_the_report_to_the_official_then_the_team_consults(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = register(file_complaint(), persona)
    services.complaint_escalate(complaint=complaint, actor=persona(OFFICER), note="Kompleks.")
    with pytest.raises(DomainError, match="Konsultasi Tim Penjawab Aduan tidak sedang"):
        services.complaint_opinion_add(complaint=complaint, actor=persona(TEAM[0]), text="x")
    report_to_the_official(complaint, persona)
    with pytest.raises(DomainError, match="Belum ada pendapat"):
        services.complaint_resolve(complaint=complaint, actor=persona(TEAM_LEAD), solution="x")
    with pytest.raises(DomainError, match="konsultasi Tim Penjawab Aduan belum selesai"):
        services.complaint_decide(complaint=complaint, actor=persona(OFFICIAL), decision="x")


def test_the_receiving_officer_must_answer_with_text_and_a_category(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = file_complaint()
    with pytest.raises(DomainError, match="Pilih kategori"):
        services.complaint_register(complaint=complaint, actor=persona(OFFICER), category="x")
    complaint = register(complaint, persona)
    with pytest.raises(DomainError, match="Tuliskan jawaban"):
        services.complaint_answer(complaint=complaint, actor=persona(OFFICER), answer="  ")
    with pytest.raises(DomainError, match="Tuliskan mengapa"):
        services.complaint_escalate(complaint=complaint, actor=persona(OFFICER), note="")
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED
    assert services.active_task(complaint, [3]) is not None  # nothing moved


def test_answering_a_closed_complaint_is_refused(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = register(file_complaint(), persona)
    services.complaint_answer(complaint=complaint, actor=persona(OFFICER), answer="Selesai.")
    with pytest.raises(ConflictError, match="sudah ditutup"):
        services.complaint_answer(complaint=complaint, actor=persona(OFFICER), answer="Lagi.")
    with pytest.raises(ConflictError, match="sudah ditutup"):
        services.complaint_escalate(complaint=complaint, actor=persona(OFFICER), note="Lagi.")
    complaint.refresh_from_db()
    assert complaint.answer == "Selesai."


def test_a_team_opinion_from_someone_not_on_the_team_is_refused(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = register(file_complaint(), persona)
    services.complaint_escalate(complaint=complaint, actor=persona(OFFICER), note="Kompleks.")
    report_to_the_official(complaint, persona)
    with pytest.raises(DomainError, match="bukan anggota Tim Penjawab Aduan"):
        services.complaint_opinion_add(
            complaint=complaint, actor=persona(NOT_TEAM), text="Menurut saya..."
        )
    services.complaint_opinion_add(complaint=complaint, actor=persona(TEAM[2]), text="Cek SIAK.")
    with pytest.raises(ConflictError, match="sudah tercatat"):
        services.complaint_opinion_add(complaint=complaint, actor=persona(TEAM[2]), text="Lagi.")
    with pytest.raises(DomainError, match="Tuliskan pendapat"):
        services.complaint_opinion_add(complaint=complaint, actor=persona(TEAM[0]), text=" ")
    assert complaint.opinions.count() == 1
    # Only the team's column (Kabid) closes the consultation; only the official decides.
    with pytest.raises(PermissionDenied):
        services.complaint_resolve(complaint=complaint, actor=persona(OFFICER), solution="x")
    services.complaint_resolve(complaint=complaint, actor=persona(TEAM_LEAD), solution="Cetak.")
    with pytest.raises(PermissionDenied):
        services.complaint_decide(complaint=complaint, actor=persona(TEAM_LEAD), decision="x")


def test_a_complaint_that_is_not_one_is_closed_with_the_reason(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = file_complaint(channel="whatsapp")
    with pytest.raises(DomainError, match="alasan"):
        services.complaint_reject(complaint=complaint, actor=persona(OFFICER), reason="")
    complaint = services.complaint_reject(
        complaint=complaint, actor=persona(OFFICER), reason="Bukan kewenangan Disdukcapil."
    )
    complaint.case.refresh_from_db()
    # The SOP refuses nothing: the case is cancelled with the reason, no step is "rejected".
    assert complaint.status == Status.REJECTED and complaint.case.status == CaseStatus.CANCELLED
    assert "Bukan kewenangan" in AuditEvent.objects.get(action="case.cancel").reason
    assert not complaint.case.tasks.filter(outcome="reject").exists()
    assert complaint.register_number == ""
    body = OutboundMessage.objects.get(recipient=E164).payload["body"]
    assert "Bukan kewenangan" in body


def test_the_satisfaction_score_is_1_to_5_and_given_once(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = register(file_complaint(), persona)
    with pytest.raises(DomainError, match="setelah pengaduan dijawab"):
        services.complaint_rate(complaint=complaint, score=5, channel="web")
    services.complaint_answer(complaint=complaint, actor=persona(OFFICER), answer="Selesai.")
    for wrong in (0, 6, "lima", "-1", "4.5"):
        with pytest.raises(DomainError, match="angka 1 sampai 5"):
            services.complaint_rate(complaint=complaint, score=wrong, channel="web")
    complaint = services.complaint_rate(complaint=complaint, score="4", channel="web")
    assert complaint.satisfaction == 4
    with pytest.raises(ConflictError, match="sudah diberikan"):
        services.complaint_rate(complaint=complaint, score=5, channel="web")
    complaint.refresh_from_db()
    assert complaint.satisfaction == 4
    assert actions(complaint)[-1] == "complaints.rate"


def test_register_numbers_are_gapless_per_office_and_year(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    first, second, third = (file_complaint() for _ in range(3))
    register(second, persona)
    # A registration that fails (no category) gives its serial back with the rollback.
    with pytest.raises(DomainError):
        services.complaint_register(complaint=third, actor=persona(OFFICER), category="")
    register(first, persona)
    register(third, persona)
    for c in (first, second, third):
        c.refresh_from_db()
    assert [second.register_serial, first.register_serial, third.register_serial] == [1, 2, 3]
    assert {c.register_year for c in (first, second, third)} == {timezone.localdate().year}


def test_another_offices_staff_cannot_act_on_the_complaint(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = file_complaint()
    with pytest.raises(PermissionDenied):
        services.complaint_register(
            complaint=complaint, actor=persona("metro.petugas"), category=Category.DATA
        )
    with pytest.raises(PermissionDenied):
        file_complaint(channel="counter", actor=persona("metro.petugas"))


def test_the_officials_step_is_done_only_with_a_decision(
    persona: Persona, file_complaint: Callable[..., Complaint]
) -> None:
    complaint = file_complaint()
    register(complaint, persona)
    services.complaint_escalate(complaint=complaint, actor=persona(OFFICER), note="Perlu tim.")
    report_to_the_official(complaint, persona)
    services.complaint_opinion_add(complaint=complaint, actor=persona(TEAM[0]), text="Cetak.")
    services.complaint_resolve(complaint=complaint, actor=persona(TEAM_LEAD), solution="Cetak.")
    task = services.active_task(complaint, [6])
    assert task is not None
    with pytest.raises(DomainError, match="Tuliskan keputusan"):
        task_complete(task=task, actor=persona(OFFICIAL), outcome=Outcome.DONE)
    task.refresh_from_db()
    assert task.status != TaskStatus.DONE

    from django.test import Client

    client = Client()
    client.force_login(persona(OFFICIAL))
    page = client.get(f"/perkara/{complaint.case.reference}/").content.decode()
    assert "Putuskan dan serahkan kepada petugas" in page
    assert "Simpan hasil langkah 6" not in page  # the decision form replaces the generic one
