"""Background work of the outbox: thin wrappers around its services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from alur.outbox.delivery import deliver, deliver_due


@db_task()
def deliver_message(message_id: int) -> str:
    """Send one message now; queued by `message_enqueue` and `message_retry` after commit."""
    return deliver(message_id)


@db_periodic_task(crontab(minute="*"))
def deliver_due_messages() -> int:
    """Every minute: retries whose time has come, and whatever a lost task left queued."""
    return deliver_due()
