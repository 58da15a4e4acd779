"""Every seed SOP runs start to end on its happy path and on each return path, as the personas."""

import pytest

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.org.models import Office
from alur.workflow import services
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import ApplicantNotice
from alur.workflow.spec import APPLICANT, OfficeRelation
from alur.workflow.tests.drive import (
    SPECS,
    active,
    holder,
    return_paths,
    revise,
    run_to_end,
    run_until_step,
    start,
)


def steps_done(case) -> list[int]:
    return list(
        case.tasks.filter(status=TaskStatus.DONE)
        .order_by("completed_at", "id")
        .values_list("step", flat=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(SPECS))
def test_the_happy_path_runs_every_step_in_order(code: str) -> None:
    spec = SPECS[code]
    case = run_to_end(start(code))
    assert case.status == CaseStatus.DONE
    assert case.finished_at is not None
    expected = []
    number: int | None = spec.first
    while number is not None:
        expected.append(number)
        number = spec.following(number)
    done = list(dict.fromkeys(steps_done(case)))  # a fan-out step has one task per office
    assert done == expected
    for step in spec.steps:
        if spec.actors[step.actor].office == OfficeRelation.CHILDREN:
            children = Office.objects.filter(parent=case.office).count()
            assert case.tasks.filter(step=step.number).count() == children
    if spec.deadline_minutes:
        assert case.clock_started_at is not None and case.clock_stopped_at is not None
        assert case.clock_stopped_at <= case.due_at  # done at once: well inside 1 working day
    actions = set(
        AuditEvent.objects.filter(object_type="workflow.case", object_id=str(case.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"case.start", "case.finish"} <= actions


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "step", "target"), return_paths())
def test_each_return_path_goes_back_and_the_case_still_finishes(code, step, target) -> None:
    case = start(code)
    task = run_until_step(case, step)
    services.task_complete(
        task=task,
        actor=task.assignee or holder(task),
        outcome=Outcome.RETURN,
        return_to=target,
        reason="Data tidak sesuai berkas",
    )
    case.refresh_from_db()
    reopened = active(case)
    if target == APPLICANT:
        assert case.status == CaseStatus.WAITING
        assert [t.status for t in reopened] == [TaskStatus.WAITING]
        assert reopened[0].resume_step == step
        if case.due_at is not None:
            assert case.paused_at is not None and case.remaining_minutes is not None
    else:
        assert case.status == CaseStatus.OPEN
        assert [t.step for t in reopened] == [target]
        # The one who did the step before gets it back.
        previous = case.tasks.filter(step=target, status=TaskStatus.DONE).latest("completed_at")
        assert reopened[0].assignee_id == previous.completed_by_id
    case = run_to_end(case)
    assert case.status == CaseStatus.DONE
    assert case.tasks.filter(step=step, outcome=Outcome.RETURN, reason__contains="tidak sesuai")


@pytest.mark.django_db
def test_a_complaint_answered_directly_ends_on_the_no_path() -> None:
    spec = SPECS["S2g"]
    decision = next(s for s in spec.steps if s.no_next is not None)
    case = start("S2g")
    task = run_until_step(case, decision.number)
    services.task_complete(task=task, actor=holder(task), outcome=Outcome.DONE, branch="no")
    case = run_to_end(case)
    assert case.status == CaseStatus.DONE
    later = [s.number for s in spec.steps if s.number > decision.number]
    assert not case.tasks.filter(step__in=later).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(SPECS))
def test_no_seed_sop_lets_a_step_refuse_the_application(code: str) -> None:
    # The seeds never say "tolak": a "Tidak"/"Perbaikan" returns the case or goes on.
    assert not [s.number for s in SPECS[code].steps if s.may_reject]


@pytest.mark.django_db
def test_a_rejection_is_refused_where_the_sop_has_none() -> None:
    case = start("S2e")
    task = run_until_step(case, 3)
    with pytest.raises(DomainError, match="tidak dapat menolak permohonan"):
        services.task_complete(
            task=task, actor=holder(task), outcome=Outcome.REJECT, reason="Bukan penduduk"
        )
    task.refresh_from_db()
    case.refresh_from_db()
    assert task.status == TaskStatus.OPEN and case.status == CaseStatus.OPEN


@pytest.mark.django_db
def test_where_the_sop_allows_it_a_rejection_ends_the_case_and_the_applicant_hears_why() -> None:
    def allow_at_step_2(definition: dict) -> None:
        definition["steps"][1]["decision"]["reject"] = {"label": "Bukan kewenangan kantor"}

    revise("S2e", allow_at_step_2)
    case = start("S2e")
    assert services.procedure(case).step(2).may_reject
    task = run_until_step(case, 2)
    services.task_complete(
        task=task, actor=holder(task), outcome=Outcome.REJECT, reason="Bukan penduduk Way Kanan"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and case.finished_at is not None
    assert not active(case)
    notice = ApplicantNotice.objects.get(case=case)
    assert notice.kind == "reject" and "Bukan penduduk Way Kanan" in notice.text


@pytest.mark.django_db
def test_a_fan_out_step_can_be_closed_early_and_the_case_goes_on() -> None:
    case = start("S0")
    run_until_step(case, 3)
    reporters = [t for t in active(case) if t.step == 3]
    assert len(reporters) == Office.objects.filter(parent=case.office).count()
    with pytest.raises(DomainError, match="alasan"):
        services.fan_out_close(case=case, step=3, actor=None, reason=" ")
    with pytest.raises(DomainError, match="bukan langkah setiap"):
        services.fan_out_close(case=case, step=4, actor=None, reason="tutup")

    closed = services.fan_out_close(case=case, step=3, actor=None, reason="Periode ditutup.")
    assert closed == len(reporters)
    assert [t.step for t in active(case)] == [4]
    assert case.tasks.filter(step=3, status=TaskStatus.CANCELLED).count() == closed
