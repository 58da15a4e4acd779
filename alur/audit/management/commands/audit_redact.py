from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from alur.audit.services import redact, redaction_cutoff


class Command(BaseCommand):
    help = (
        "Blank the personal values of audit events older than AUDIT_RETENTION_DAYS, keeping "
        "their digests so the chains still verify; each chain redacted gets an audit event."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = redaction_cutoff()
        done = redact(before=cutoff)
        total = sum(done.values())
        self.stdout.write(
            f"{total} events written before {cutoff:%Y-%m-%d} "
            f"({settings.AUDIT_RETENTION_DAYS} days) redacted in {len(done)} chain(s)"
        )
