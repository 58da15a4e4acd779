from huey.contrib.djhuey import db_task

from alur.whatsapp.services import webhook_process


@db_task(retries=5, retry_delay=30)
def process_delivery(delivery_id: int) -> None:
    webhook_process(delivery_id)
