"""A demo case of Way Kanan's Pencatatan Sipil about to miss its promise (loaded by `load_demo`).

An akta kelahiran application (S2e) received complete, taken through the engine's services up to
the Kasi's verification (step 3), whose promise is then set as if the files had been complete
most of a working day ago: "Hampir lewat janji layanan" of the Capil unit's supervisors (the
Kasi Kelahiran dan Kematian, the Plt. Kabid Pencatatan Sipil, the Kadis) is not empty. On every
load the same case (by its subject) gets its promise moved again, so it stays about to miss;
its superiors are alerted once, as the SLA sweep would.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from alur.org.models import Office
from alur.workflow import routing, services, sla
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import Case, Task

OFFICE_CODE = "18.08"
SOP_CODE = "S2e"
SUBJECT = "Akta kelahiran a.n. Rizky Ramadhan (contoh: hampir lewat janji layanan)"
STEP = 3
LEFT = timedelta(minutes=45)  # left of the promise when loaded
WARNED = timedelta(minutes=30)  # since the supervisors were to be warned


def _step_to(case: Case, number: int) -> Task | None:
    """Complete the case's open tasks (as the first holder of each) until step `number` opens."""
    for _ in range(10):
        tasks = list(case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)))
        for task in tasks:
            if task.step == number:
                return task
        if not tasks:
            return None
        for task in tasks:
            people = routing.holders(task.office_id, task.position_kind, task.unit_id)
            if not people:
                return None
            services.task_complete(task=task, actor=people[0], outcome=Outcome.DONE)
    return None


@transaction.atomic
def load_case_about_to_miss() -> Case | None:
    office = Office.objects.filter(code=OFFICE_CODE).first()
    if office is None:
        return None
    case = Case.objects.filter(office=office, subject=SUBJECT, status=CaseStatus.OPEN).first()
    if case is None:
        case = services.case_start(
            code=SOP_CODE, office=office, subject=SUBJECT, actor=None, submitted=True
        )
        if _step_to(case, STEP) is None:
            return None
        case.refresh_from_db()
    now = timezone.now()
    case.due_at = now + LEFT
    case.promise_warn_at = now - WARNED
    if case.clock_started_at is None or case.clock_started_at > now - timedelta(hours=6):
        case.clock_started_at = now - timedelta(hours=6)
    case.save(update_fields=["due_at", "promise_warn_at", "clock_started_at"])
    if case.promise_alerted_at is None:
        # The sweep's alert to the superiors, as the worker would send it (once per case).
        sla._alert_promise(case, now)
    return case
