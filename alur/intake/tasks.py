"""Background work of intake: staged files of counter forms left unsaved are removed."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from alur.intake.services import staged_files_sweep


@db_periodic_task(crontab(minute="35"))
def sweep_staged_files() -> int:
    return staged_files_sweep()
