"""Background work of the WhatsApp provider: thin wrappers around its services."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from alur.org.models import Office, User
from alur.whatsapp_cloud.services import templates_sync_all
from alur.whatsapp_cloud.transport import WhatsAppError

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="41"))
def sync_message_templates() -> int:
    """Every hour: the accounts' templates as WhatsApp Manager lists them (a template approved,
    paused or disabled since is known before the next notice needs it)."""
    try:
        return len(templates_sync_all())
    except WhatsAppError as error:
        log.warning("WhatsApp template sync failed: %s", error)
        return 0


@db_task()
def sync_office_templates(office_id: int, actor_id: int) -> int:
    """The office page's "Sinkronkan": queued on commit, so the page never waits on the API."""
    office = Office.objects.get(pk=office_id)
    actor = User.objects.get(pk=actor_id)
    try:
        return len(templates_sync_all(office=office, actor=actor))
    except WhatsAppError as error:
        log.warning("WhatsApp template sync for %s failed: %s", office.code, error)
        return 0
