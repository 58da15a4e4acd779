from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from alur.whatsapp.conversation import MEDIA_ATTEMPTS, handle
from alur.whatsapp.services import (
    inbound_answer_stranded,
    webhook_process,
    webhook_read_stranded,
)
from alur.whatsapp.uploads import drop_idle_uploads, drop_orphaned_uploads


@db_task(retries=5, retry_delay=30)
def process_delivery(delivery_id: int) -> None:
    webhook_process(delivery_id)


@db_periodic_task(crontab(minute="*"))
def read_stranded_deliveries() -> int:
    """Every minute: deliveries stored long ago and still unread (their task was lost)."""
    return webhook_read_stranded()


# One retry more than a message's media attempts: the last run asks the citizen to resend.
@db_task(retries=MEDIA_ATTEMPTS, retry_delay=60)
def handle_inbound(inbound_id: int) -> None:
    handle(inbound_id)


@db_periodic_task(crontab(minute="*"))
def answer_stranded_messages() -> int:
    """Every minute: citizens' messages stored long ago and still unanswered (their task was
    lost or gave up)."""
    return inbound_answer_stranded()


@db_periodic_task(crontab(minute="*/10"))
def drop_idle_conversation_uploads() -> int:
    """Every ten minutes: the files staged by conversations idle past their expiry."""
    return drop_idle_uploads()


@db_periodic_task(crontab(minute="17"))
def drop_orphaned_conversation_uploads() -> int:
    """Every hour: staged files no conversation and no application refers to any more."""
    return drop_orphaned_uploads()
