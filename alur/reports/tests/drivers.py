"""How the demo personas do the reports steps of S0 and S4 in the tests that drive whole cases:
each kab/kota's Kadis sends the figures and the province's staff upload the PIAK file."""

from __future__ import annotations

from typing import Any

from alur.org.models import Office, User
from alur.reports.choices import ReportKind
from alur.reports.demo import demo_figures
from alur.reports.models import ReportPeriod
from alur.reports.selectors import reporters
from alur.reports.services.coverage import coverage_import_create, coverage_import_run
from alur.reports.services.periods import period_ensure
from alur.reports.services.weekly import submission_send
from alur.workflow.models import Task
from alur.workflow.tests.drive import DRIVERS


def figures(office: Office, keys: list[str], week: int = 0) -> dict[str, int]:
    """Deterministic weekly counts of a kab/kota."""
    seed = sum(ord(c) for c in office.code)
    return {key: (seed * (i + 3) + week * 7) % 90 + i for i, key in enumerate(keys)}


def coverage_csv(period: ReportPeriod, month_index: int = 4, skip: tuple[str, ...] = ()) -> bytes:
    keys = period.definition.field_keys
    lines = [
        ",".join(
            ["kode_wilayah", "nama_wilayah"]
            + [f"{k}_{s}" for k in keys for s in ("pembilang", "penyebut")]
        )
    ]
    for office in reporters(period):
        if office.code in skip:
            continue
        cells = [office.code, office.short_name.replace(",", " ")]
        for key in keys:
            numerator, denominator = demo_figures(office.code, key, month_index)
            cells += [str(numerator), str(denominator)]
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


def import_coverage(period: ReportPeriod, actor: User, data: bytes, name: str = "piak.csv") -> Any:
    job = coverage_import_create(period=period, actor=actor, data=data, filename=name)
    return coverage_import_run(job.pk)


def _period(task: Task, actor: User) -> ReportPeriod:
    return period_ensure(case=task.case, actor=actor)


def submit(task: Task, actor: User, choice: dict[str, Any]) -> bool:
    period = _period(task, actor)
    if period.definition.kind == ReportKind.COVERAGE:
        return False  # S4 step 4: the imported rows are the entry
    submission_send(
        period=period,
        office=task.office,
        actor=actor,
        values=figures(task.office, period.definition.field_keys),
    )
    return True


def collect(task: Task, actor: User, choice: dict[str, Any]) -> bool:
    period = _period(task, actor)
    if (
        period.definition.kind == ReportKind.COVERAGE
        and not period.imports.filter(status="done").exists()
    ):
        import_coverage(period, actor, coverage_csv(period))
    return False


def aggregate(task: Task, actor: User, choice: dict[str, Any]) -> bool:
    """Step 4 completed as it is (the action closes and recaps); the letter is left to the
    drafting step, where the letters tests draft their own. `recap_step_complete` (the step's
    panel) also drafts the letter from the recap: test_s0 drives that path."""
    _period(task, actor)
    return False


DRIVERS["reports.submit"] = submit
DRIVERS["reports.collect"] = collect
DRIVERS["reports.aggregate"] = aggregate
