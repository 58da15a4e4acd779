"""What the engine refuses, and what it does to the clock; one test per rule."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.core.errors import ConflictError, DomainError
from alur.workflow import cancel, outside, services
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import Task
from alur.workflow.tests.drive import active, holder, run_until_step, start


def unchanged(task: Task) -> tuple:
    task.refresh_from_db()
    return (task.status, task.assignee_id, task.outcome)


@pytest.mark.django_db
def test_a_double_submit_is_told_who_did_it(persona) -> None:
    task = run_until_step(start("S2a"), 3)
    kasi = persona("waykanan.kasi.dafduk")
    services.task_complete(task=task, actor=kasi, outcome=Outcome.DONE)
    events = AuditEvent.objects.count()
    with pytest.raises(ConflictError) as excinfo:
        services.task_complete(task=task, actor=kasi, outcome=Outcome.DONE)
    assert "sudah ditangani oleh Maya Sari, S.Kom." in excinfo.value.message
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_task_claimed_by_another_cannot_be_completed(persona) -> None:
    task = run_until_step(start("S2a"), 3)
    services.task_claim(task=task, actor=persona("waykanan.kasi.dafduk"))
    with pytest.raises(ConflictError) as excinfo:
        services.task_complete(task=task, actor=persona("waykanan.kasi.pindah"), outcome="done")
    assert "sedang dikerjakan oleh Maya Sari" in excinfo.value.message
    assert unchanged(task)[0] == TaskStatus.CLAIMED


@pytest.mark.django_db
def test_a_claim_twice_is_harmless_and_another_office_cannot_claim(persona) -> None:
    task = run_until_step(start("S2a"), 3)
    kasi = persona("waykanan.kasi.dafduk")
    services.task_claim(task=task, actor=kasi)
    services.task_claim(task=task, actor=kasi)  # a double click
    assert AuditEvent.objects.filter(action="task.claim", object_id=str(task.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.task_claim(task=task, actor=persona("metro.kasi"))
    with pytest.raises(PermissionDenied):
        services.task_complete(task=task, actor=persona("waykanan.operator"), outcome="done")


@pytest.mark.django_db
def test_a_return_the_sop_does_not_allow_is_refused() -> None:
    case = start("S2e")
    task = run_until_step(case, 4)  # Kabid may send back to the Kasi (3) only
    before = unchanged(task)
    with pytest.raises(DomainError) as excinfo:
        services.task_complete(
            task=task, actor=holder(task), outcome=Outcome.RETURN, return_to=2, reason="ulang"
        )
    assert "hanya dapat dikembalikan ke langkah 3" in excinfo.value.message
    assert unchanged(task) == before
    step5 = run_until_step(case, 5)  # a step without a decision cannot be returned at all
    with pytest.raises(DomainError) as excinfo:
        services.task_complete(
            task=step5, actor=holder(step5), outcome=Outcome.RETURN, return_to=4, reason="x"
        )
    assert "tidak dapat dikembalikan" in excinfo.value.message


@pytest.mark.django_db
def test_a_return_or_rejection_needs_a_reason() -> None:
    task = run_until_step(start("S2e"), 3)
    with pytest.raises(DomainError, match="alasan"):
        services.task_complete(task=task, actor=holder(task), outcome=Outcome.RETURN, reason=" ")
    with pytest.raises(DomainError, match="tidak dapat menolak"):  # no refusal in this SOP
        services.task_complete(task=task, actor=holder(task), outcome=Outcome.REJECT)
    with pytest.raises(DomainError, match="jalur"):
        services.task_complete(task=task, actor=holder(task), outcome="done", branch="no")


@pytest.mark.django_db
def test_back_to_the_applicant_stops_the_clock_until_they_resubmit(persona) -> None:
    case = start("S2e")
    task = run_until_step(case, 2)
    case.refresh_from_db()
    due_before = case.due_at
    assert due_before is not None  # the 1-working-day clock started at step 2
    services.task_complete(
        task=task,
        actor=holder(task),
        outcome=Outcome.RETURN,
        return_to="applicant",
        reason="Surat keterangan lahir belum ada",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING and case.paused_at is not None
    remaining = case.remaining_minutes
    assert 440 <= remaining <= 450
    # Two days later the applicant sends the missing letter: the remaining time starts again.
    later = timezone.now() + timedelta(days=2)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later):
        outside.outside_step_complete(
            case=case, actor=persona("waykanan.kasi.dafduk"), note="susulan"
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.paused_at is None
    assert case.due_at > due_before
    reopened = active(case)
    assert [t.step for t in reopened] == [2]
    task.refresh_from_db()
    assert reopened[0].assignee_id == task.completed_by_id is not None


@pytest.mark.django_db
def test_resubmitting_what_was_not_asked_is_refused(persona) -> None:
    case = start("S2e")
    with pytest.raises(ConflictError):
        outside.outside_step_complete(case=case, actor=persona("waykanan.kasi.dafduk"))
    with pytest.raises(PermissionDenied):
        outside.outside_step_complete(case=case, actor=persona("metro.kasi"))


@pytest.mark.django_db
def test_a_step_due_time_follows_the_office_calendar() -> None:
    case = start("S2e")
    task = active(case)[0]
    from alur.worktime.calendar import add_working_minutes
    from alur.worktime.selectors import calendar_for

    assert task.due_at == add_working_minutes(calendar_for(case.office), task.created_at, 10)


@pytest.mark.django_db
def test_cancel_needs_the_office_and_a_reason(persona) -> None:
    case = start("S2e")
    with pytest.raises(PermissionDenied):
        cancel.case_cancel(case=case, actor=persona("metro.kadis"), reason="x")
    with pytest.raises(DomainError):
        cancel.case_cancel(case=case, actor=persona("waykanan.kadis"), reason="")
    cancel.case_cancel(case=case, actor=persona("waykanan.kadis"), reason="Pemohon membatalkan")
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED and not active(case)
    with pytest.raises(ConflictError):
        cancel.case_cancel(case=case, actor=persona("waykanan.kadis"), reason="lagi")


@pytest.mark.django_db
def test_a_superior_reassigns_a_task_to_another_holder(persona) -> None:
    task = run_until_step(start("S2a"), 3)
    services.task_claim(task=task, actor=persona("waykanan.kasi.dafduk"))
    with pytest.raises(PermissionDenied):
        services.task_reassign(
            task=task,
            to_user=persona("waykanan.kasi.pindah"),
            actor=persona("waykanan.operator"),
            reason="cuti",
        )
    services.task_reassign(
        task=task,
        to_user=persona("waykanan.kasi.pindah"),
        actor=persona("waykanan.kabid.dafduk"),
        reason="Kasi cuti",
    )
    task.refresh_from_db()
    assert task.assignee == persona("waykanan.kasi.pindah")
    with pytest.raises(DomainError):
        services.task_reassign(
            task=task,
            to_user=persona("waykanan.operator"),
            actor=persona("waykanan.kabid.dafduk"),
            reason="x",
        )
