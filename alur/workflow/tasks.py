"""Background work of the engine: thin wrappers around services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from alur.workflow.digest import digest_send
from alur.workflow.sla import sla_sweep


@db_periodic_task(crontab(minute="*"))
def sweep_overdue_tasks() -> int:
    return sla_sweep()


@db_periodic_task(crontab(minute="*/5"))
def send_staff_digests() -> int:
    """Each person's waiting notices in one message per batch window (workflow.digest)."""
    return digest_send()
