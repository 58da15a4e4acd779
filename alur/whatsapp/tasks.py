from huey.contrib.djhuey import db_task

from alur.whatsapp.conversation import handle
from alur.whatsapp.services import webhook_process


@db_task(retries=5, retry_delay=30)
def process_delivery(delivery_id: int) -> None:
    webhook_process(delivery_id)


@db_task(retries=3, retry_delay=60)
def handle_inbound(inbound_id: int) -> None:
    handle(inbound_id)
