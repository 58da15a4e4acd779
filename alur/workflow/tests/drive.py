"""Driving cases through their SOP as the demo personas would, for the tests."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from alur.org.access import Capability, can
from alur.org.models import Office, User
from alur.org.selectors import holders_of
from alur.sop.loader import load_directory
from alur.sop.models import SopRevision
from alur.workflow import outside, routing, services
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import Case, Task
from alur.workflow.sop_spec import to_spec
from alur.workflow.spec import APPLICANT, ProcedureSpec

SPECS: dict[str, ProcedureSpec] = {code: to_spec(sop) for code, sop in load_directory().items()}


def office_of(code: str) -> Office:
    latest = SopRevision.objects.filter(code=code).order_by("-revision").first()
    assert latest is not None, f"SOP {code} is not loaded"
    return Office.objects.get(code=latest.office_code)


def holder(task: Task) -> User:
    """Who does the task: whoever took it (a reopened step goes back to whoever did it), else
    the first holder of its post in its unit who may take it (not the one who passed the review
    step before it, unless the office lets an acting holder)."""
    if task.assignee_id:
        return task.assignee
    people = routing.holders(task.office_id, task.position_kind, task.unit_id)
    assert people, f"no demo persona holds {task.position_kind} in {task.office.code}"
    spec = services.procedure(task.case)
    return next((p for p in people if services.review_bar(p, task, spec) is None), people[0])


def staff_of(office: Office) -> User:
    return next(u for u in holders_of(office, "kasi") if can(u, Capability.HANDLE_CASES, office))


def revise(code: str, change: Callable[[dict], None]) -> SopRevision:
    """Store the next revision of SOP `code`: the newest one with `change` made to its stored
    definition (as an office would revise its file); new cases take it."""
    import copy

    latest = SopRevision.objects.filter(code=code).order_by("-revision").first()
    assert latest is not None, f"SOP {code} is not loaded"
    definition = copy.deepcopy(latest.definition)
    definition["revision"] = latest.revision + 1
    change(definition)
    return SopRevision.objects.create(
        code=code,
        revision=latest.revision + 1,
        name=latest.name,
        office_code=latest.office_code,
        definition=definition,
        checksum=f"uji-r{latest.revision + 1}",
        source="uji",
    )


def start(code: str) -> Case:
    spec = SPECS[code]
    office = office_of(code)
    first = spec.actor_of(spec.first)
    if first.is_outside:  # a citizen's application arrives complete over a channel
        return services.case_start(
            code=code, office=office, subject=f"Uji {code}", actor=None, submitted=True
        )
    starter = holders_of(office, first.position_kind)[0]
    return services.case_start(code=code, office=office, subject=f"Uji {code}", actor=starter)


def active(case: Case) -> list[Task]:
    return list(case.tasks.filter(status__in=["open", "claimed", "waiting"]).order_by("id"))


Decide = Callable[[Task], dict]


def step_once(case: Case, decide: Decide | None = None) -> None:
    """Complete every active task of the case once, as its holder (or for the applicant)."""
    for task in active(case):
        if task.status == TaskStatus.WAITING:
            outside.outside_step_complete(
                case=case, actor=staff_of(case.office), note="berkas diterima"
            )
            return
        choice = decide(task) if decide else {}
        if choice.get("outcome", Outcome.DONE) == Outcome.DONE and _drive(task, choice):
            continue
        services.task_complete(
            task=task, actor=holder(task), **({"outcome": Outcome.DONE} | choice)
        )


# Steps whose key asks for more than "Sesuai": a domain's driver does the step as its actor
# would (drafts the letter, signs it with the passphrase) and returns True when it completed the
# task; False leaves the task to the generic completion. Domain test packages register theirs.
Driver = Callable[[Task, User, dict], bool]
DRIVERS: dict[str, Driver] = {}


# The domain test packages whose drivers are registered, imported on first use (they import this
# module for DRIVERS, so importing them at its top would be circular).
DRIVER_MODULES = (
    "alur.letters.tests.drivers",
    "alur.logistics.tests.drivers",
    "alur.outreach.tests.drivers",  # and the documents.* drivers
    "alur.reports.tests.drivers",
)


def _load_drivers() -> None:
    for module in DRIVER_MODULES:
        import_module(module)


def _drive(task: Task, choice: dict) -> bool:
    _load_drivers()
    step = services.procedure(task.case).step(task.step)
    for key in (step.form, step.action):
        driver = DRIVERS.get(key or "")
        if driver is not None and driver(task, holder(task), choice):
            return True
    return False


def run_to_end(case: Case, decide: Decide | None = None, limit: int = 80) -> Case:
    for _ in range(limit):
        case.refresh_from_db()
        if case.status not in (CaseStatus.OPEN, CaseStatus.WAITING):
            return case
        step_once(case, decide)
    raise AssertionError(f"{case.reference} did not finish in {limit} rounds")


def run_until_step(case: Case, number: int, limit: int = 80) -> Task:
    for _ in range(limit):
        for task in active(case):
            if task.step == number and task.status != TaskStatus.WAITING:
                return task
        step_once(case)
    raise AssertionError(f"step {number} never opened")


def return_paths() -> list[tuple[str, int, int | str]]:
    return [
        (code, step.number, target)
        for code, spec in SPECS.items()
        for step in spec.steps
        for target in step.returns
    ]


__all__ = ["APPLICANT", "SPECS", "return_paths"]
