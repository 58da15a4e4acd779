"""Background work of the audit trail: the signed checkpoint of the chain heads."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from alur.audit import checkpoints


# Every five minutes: a rewrite of the chains is caught from the next checkpoint on; a run
# with no head moved writes nothing.
@db_periodic_task(crontab(minute="*/5"))
def checkpoint_chains() -> bool:
    return checkpoints.write() is not None


# Daily: personal values older than AUDIT_RETENTION_DAYS are blanked (the digests stay).
@db_periodic_task(crontab(hour="19", minute="30"))
def redact_expired() -> int:
    from alur.audit.services import redact

    return sum(redact().values())
