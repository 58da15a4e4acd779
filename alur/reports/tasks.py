"""Background work of the reports app: thin wrappers around services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from alur.reports import schedule
from alur.reports.services.coverage import coverage_import_run
from alur.reports.services.reminders import reminders_send


@db_task()
def run_coverage_import(job_id: int) -> None:
    coverage_import_run(job_id)


@db_periodic_task(crontab(minute="*/15"))
def send_report_reminders() -> int:
    return reminders_send()


@db_periodic_task(crontab(minute="*"))
def open_due_periods() -> int:
    """Every minute: is each definition's current period open? If not, open it (S0's form goes
    out with it). A run missed while the worker was down happens at the next minute it runs."""
    return len(schedule.due_periods_open())
