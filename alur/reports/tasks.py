"""Background work of the reports app: thin wrappers around services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from alur.reports import services


@db_task()
def run_coverage_import(job_id: int) -> None:
    services.coverage_import_run(job_id)


@db_periodic_task(crontab(minute="*/15"))
def send_report_reminders() -> int:
    return services.reminders_send()
